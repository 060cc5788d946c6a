"""Labels become categories and departments through data (label_departments.csv),
not code."""

from __future__ import annotations

from civicloop.router import datasets
from civicloop.router.labels import Resolver, category_label, label_routes

from .conftest import write_csv


def test_every_starter_label_has_a_department_in_the_mapping_file():
    routes = label_routes()
    starter_labels = set(datasets.starter_corpus().labels)
    assert len(starter_labels) == 7
    assert starter_labels <= set(routes)
    assert all(
        routes[label].department_code and routes[label].department_name for label in starter_labels
    )


def test_a_starter_label_resolves_to_the_category_and_department_the_mapping_names(mapped):
    route = Resolver()("环境保护")
    assert route.category == mapped["pollution"]
    assert route.department == mapped["sthj"]
    assert (route.department_code, route.department_name) == (
        "dept-sthj",
        "嘉兴市生态环境局海盐分局",
    )


def test_a_label_without_a_category_still_names_its_department(mapped):
    route = Resolver()("城乡建设")
    assert route.category is None
    assert route.department == mapped["zjj"]


def test_a_department_missing_from_the_organisation_is_named_from_the_mapping(mapped):
    route = Resolver()("教育文体")
    assert route.department is None and route.category is None
    assert (route.department_code, route.department_name) == ("dept-jyj", "县教育局")


def test_a_county_label_resolves_through_its_category(world):
    route = Resolver()("street-vending")
    assert route.category == world.street_vending
    assert route.department == world.dept_zhzf


def test_an_inactive_mapped_category_is_not_suggested(mapped):
    mapped["pollution"].is_active = False
    mapped["pollution"].save()
    route = Resolver()("环境保护")
    assert route.category is None and route.department == mapped["sthj"]


def test_the_mapping_is_data_that_a_county_can_change(tmp_path):
    path = write_csv(
        tmp_path / "mapping.csv",
        [
            {
                "label": "教育文体",
                "department_code": "dept-edu",
                "department_name": "县教育体育局",
                "category_code": "education",
                "note": "",
            }
        ],
    )
    routes = label_routes(path)
    assert routes["教育文体"].department_code == "dept-edu"
    assert routes["教育文体"].category_code == "education"


def test_starter_labels_take_their_category_code_in_a_county_model():
    assert category_label("环境保护") == "pollution"
    assert category_label("城乡建设") == "城乡建设"
    assert category_label("street-vending") == "street-vending"
