"""Days no record can bear (year 1, year 9999 …) are refused on their field with 400 by every
date and date-time field — API bodies, list filters and pages — before a service converts them
to local midnights in UTC and overflows. Fuzzing the API found such 500s (an assessment round's
period, the case figures); list filters used to accept such days silently and now say so."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from django import forms
from rest_framework import serializers
from rest_framework.test import APIClient

import civicloop
from civicloop.core.inputs import EARLIEST_DATE, LATEST_DATE, date_in_range

OUT_OF_RANGE = "请填写1900-01-01至2999-12-31之间的日期。"


def _form_classes():
    for module in pkgutil.walk_packages(civicloop.__path__, "civicloop."):
        leaf = module.name.rsplit(".", 1)[-1]
        if leaf.startswith(("forms", "filtersets")) and ".tests" not in module.name:
            importlib.import_module(module.name)
    seen, todo = set(), [forms.BaseForm]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            if sub not in seen:
                seen.add(sub)
                todo.append(sub)
    return [cls for cls in seen if cls.__module__.startswith("civicloop.")]


def test_every_date_field_of_the_pages_forms_refuses_days_out_of_range():
    # The validator is installed class-wide by CoreConfig.ready; a form field built before it
    # (at an import during an earlier app's ready) would miss it: this catches that.
    checked = 0
    for form_class in _form_classes():
        for name, field in getattr(form_class, "base_fields", {}).items():
            if isinstance(field, (forms.DateField, forms.DateTimeField)):
                assert date_in_range in field.validators, f"{form_class.__qualname__}.{name}"
                checked += 1
    assert checked >= 20


def test_every_api_date_field_refuses_days_out_of_range():
    for field in (serializers.DateField(), serializers.DateTimeField()):
        with pytest.raises(serializers.ValidationError):
            field.run_validation(
                "0001-01-01" if isinstance(field, serializers.DateField) else "0001-01-01T12:00"
            )
    assert serializers.DateField().run_validation(EARLIEST_DATE.isoformat()) == EARLIEST_DATE
    assert serializers.DateField().run_validation(LATEST_DATE.isoformat()) == LATEST_DATE


@pytest.mark.parametrize(
    "query",
    [
        {"reported_after": "0001-01-01"},
        {"closed_before": "9999-12-31"},
        {"rated_after": "0001-01-01"},
    ],
)
def test_a_list_filter_with_a_day_out_of_range_is_refused_on_its_field(world, query):
    client = APIClient()
    client.force_authenticate(world.centre)
    response = client.get("/api/events/", query)
    assert response.status_code == 400
    assert response.json()["errors"] == {next(iter(query)): [OUT_OF_RANGE]}


def test_an_event_time_out_of_range_is_refused_and_nothing_is_stored(world):
    from civicloop.events.models import Event

    client = APIClient()
    client.force_authenticate(world.grid_worker)
    response = client.post(
        "/api/events/",
        {
            "source": "grid_patrol",
            "description": "路灯不亮",
            "region": world.wuyuan_grid.code,
            "occurred_at": "0001-01-01T00:00:00+08:00",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "occurred_at" in response.json()["errors"]
    assert not Event.objects.exists()
