"""``civicloop import boundaries``: official boundaries replace derived areas, all or nothing."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from shapely.geometry import shape

from civicloop.org.areas import derive_areas
from civicloop.org.choices import AreaSource
from civicloop.org.geo import distance_m, wgs84_to_gcj02
from civicloop.org.models import RegionArea

HAIYAN = "330424"
GANPU = "330424105000"
NANBEIHU = "330424105201"


def square(lng, lat, size=0.01):
    return {
        "type": "Polygon",
        "coordinates": [
            [[lng, lat], [lng + size, lat], [lng + size, lat + size], [lng, lat + size], [lng, lat]]
        ],
    }


# Self-intersecting: the two diagonals of a square cross.
BOWTIE = {
    "type": "Polygon",
    "coordinates": [
        [[120.88, 30.38], [120.89, 30.39], [120.89, 30.38], [120.88, 30.39], [120.88, 30.38]]
    ],
}


def feature(geometry, **properties):
    return {"type": "Feature", "properties": properties, "geometry": geometry}


@pytest.fixture
def areas(world):
    derive_areas(HAIYAN)
    return world


def run(tmp_path, features, *args):
    path = tmp_path / "boundaries.geojson"
    path.write_text(
        json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False),
        encoding="utf-8",
    )
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_boundaries", str(path), *args, language="en", stdout=out, stderr=err)
    except CommandError as exc:
        return False, out.getvalue(), err.getvalue() + str(exc)
    return True, out.getvalue(), err.getvalue()


def stored(code):
    return RegionArea.objects.get(region__code=code)


def test_a_town_boundary_imported_by_its_9_digit_code_replaces_the_derived_area(areas, tmp_path):
    boundary = square(120.86, 30.36, 0.05)
    ok, out, _ = run(
        tmp_path,
        [feature(boundary, code="330424105", name="澉浦镇")],
        "--level",
        "town",
        "--by",
        "centre",
        "--note",
        "县自然资源局 2026",
    )
    assert ok, out
    assert "Imported 1 official boundaries: 澉浦镇." in out
    area = stored(GANPU)
    assert (area.source, area.source_note, area.updated_by) == (
        AreaSource.OFFICIAL,
        "县自然资源局 2026",
        areas.users["centre"],
    )
    assert area.geometry == boundary
    assert not area.is_approximate
    # Deriving again (part of the import) fits Ganpu's one village inside the official town.
    village = stored(NANBEIHU)
    assert village.source == AreaSource.DERIVED
    assert shape(boundary).buffer(1e-6).contains(shape(village.geometry))


def test_wgs84_input_is_converted_to_gcj02(areas, tmp_path):
    lng, lat = 120.88, 30.38
    ok, out, err = run(
        tmp_path,
        [feature(square(lng, lat), code=NANBEIHU)],
        "--datum",
        "wgs84",
    )
    assert ok, err
    first = stored(NANBEIHU).geometry["coordinates"][0][0]
    expected = wgs84_to_gcj02(lng, lat)
    assert first == pytest.approx(list(expected), abs=1e-6)
    # The GCJ-02 offset around Haiyan is about half a kilometre, to the south-east.
    assert 400 < distance_m(lng, lat, *first) < 600
    assert first[0] > lng and first[1] < lat


def test_gcj02_input_is_stored_as_given(areas, tmp_path):
    ok, _out, err = run(tmp_path, [feature(square(120.88, 30.38), code=NANBEIHU)])
    assert ok, err
    assert stored(NANBEIHU).geometry == square(120.88, 30.38)


def test_a_village_can_be_matched_by_name(areas, tmp_path):
    ok, _out, err = run(
        tmp_path,
        [feature(square(120.88, 30.38), name="南北湖村村委会")],
        "--match",
        "name",
        "--level",
        "village",
    )
    assert ok, err
    assert stored(NANBEIHU).source == AreaSource.OFFICIAL


def test_bad_geometry_is_reported_and_nothing_is_stored(areas, tmp_path):
    before = {a.region_id: (a.source, a.geometry) for a in RegionArea.objects.all()}
    ok, _out, err = run(
        tmp_path,
        [
            feature(square(120.93, 30.51), code="330424001001"),
            feature(BOWTIE, code=NANBEIHU),
            feature({"type": "Point", "coordinates": [120.9, 30.5]}, code="330424001003"),
        ],
    )
    assert not ok
    assert f"feature 2 ({NANBEIHU}): the geometry is not valid (Self-intersection" in err
    assert (
        "feature 3 (330424001003): the geometry is a Point; only Polygon and MultiPolygon "
        "are areas" in err
    )
    assert "Nothing was imported: 2 feature(s) need fixing." in err
    # All or nothing: the good first feature was not stored either.
    assert {a.region_id: (a.source, a.geometry) for a in RegionArea.objects.all()} == before


def test_an_unknown_code_is_reported_and_the_stored_area_kept(areas, tmp_path):
    RegionArea.objects.filter(region__code=GANPU).update(
        source=AreaSource.OFFICIAL, geometry=square(120.86, 30.36, 0.05)
    )
    ok, _out, err = run(
        tmp_path,
        [feature(square(120.86, 30.36, 0.02), code=GANPU), feature(square(1, 1), code="330424999")],
    )
    assert not ok
    assert "feature 2 (330424999): no region has the code 330424999" in err
    assert stored(GANPU).geometry == square(120.86, 30.36, 0.05)


def test_a_feature_without_geometry_is_reported(areas, tmp_path):
    ok, _out, err = run(tmp_path, [feature(None, code=NANBEIHU)])
    assert not ok and f"feature 1 ({NANBEIHU}): the feature has no geometry" in err


def test_a_feature_without_code_or_an_unknown_name_is_reported(areas, tmp_path):
    ok, _out, err = run(tmp_path, [feature(square(120.88, 30.38))])
    assert not ok and "feature 1: it has no code property" in err
    ok, _out, err = run(
        tmp_path, [feature(square(120.88, 30.38), name="不存在村")], "--match", "name"
    )
    assert not ok and "feature 1 (不存在村): no region is named 不存在村" in err


def test_a_code_at_the_wrong_level_is_unknown_for_that_level(areas, tmp_path):
    ok, _out, err = run(
        tmp_path, [feature(square(120.88, 30.38), code=NANBEIHU)], "--level", "town"
    )
    assert not ok
    assert f"no region has the code {NANBEIHU}" in err


def test_a_file_that_is_not_a_feature_collection_is_refused(areas, tmp_path):
    path = tmp_path / "x.geojson"
    path.write_text(json.dumps(square(120.88, 30.38)), encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_boundaries", str(path), language="en", stderr=io.StringIO())
    assert stored(NANBEIHU).source == AreaSource.DERIVED
