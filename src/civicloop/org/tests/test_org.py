import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from civicloop.core.errors import InvalidInput, NotPermitted
from civicloop.org.choices import Role
from civicloop.org.models import Post, PostHistory, Region
from civicloop.org.passwords import CharacterClassValidator
from civicloop.org.scope import scope_of
from civicloop.org.services import (
    assign_post,
    end_post,
    grid_team_problems,
    resolve_location,
    set_grid_team,
)
from civicloop.testing.factories import UserFactory


def test_region_prefix_follows_the_division_code_levels(world):
    assert world.county.prefix == "330424"
    assert world.wuyuan.prefix == "330424001"
    assert world.wuyuan_village.prefix == "330424001001"
    assert world.wuyuan_grid.prefix == "330424001001001"
    assert world.wuyuan.contains(world.wuyuan_grid)
    assert not world.ganpu.contains(world.wuyuan_grid)
    assert set(Region.objects.within(world.wuyuan).grids()) == {
        world.wuyuan_grid,
        world.wuyuan_grid2,
    }


def test_grid_finds_its_town_and_village_by_code(world):
    assert world.wuyuan_grid.town == world.wuyuan
    assert world.wuyuan_grid.village == world.wuyuan_village
    assert world.wuyuan_grid.full_name() == "武原街道 / 百可社区居委会 / 百可社区第1网格"


def test_region_under_the_wrong_parent_is_invalid(world):
    grid = Region(code="330424105201002", name="x", level="grid", parent=world.wuyuan_village)
    with pytest.raises(ValidationError) as exc:
        grid.full_clean()
    assert "code" in exc.value.message_dict


@pytest.mark.parametrize(
    "username, everything, prefixes",
    [
        ("centre", True, set()),
        ("leader", True, set()),
        ("wuyuan_dispatcher", False, {"330424001"}),
        ("grid_worker", False, {"330424001001001"}),
        ("station_staff", False, {"330424001001"}),
        ("wuyuan_officer", False, set()),
        ("legal_reviewer", False, set()),
        ("outsider", False, set()),
    ],
)
def test_scope_follows_role_and_region(world, username, everything, prefixes):
    scope = scope_of(world.users[username])
    assert scope.everything is everything
    assert set(scope.region_prefixes) == prefixes


def test_squad_officer_scope_is_the_work_of_their_unit(world):
    assert scope_of(world.wuyuan_officer).unit_ids == {world.wuyuan_squad.pk}


def test_a_role_cannot_be_held_in_the_wrong_kind_of_unit(world):
    with pytest.raises(InvalidInput):
        assign_post(
            user=world.outsider, unit=world.wuyuan_squad, role=Role.DISPATCHER, by=world.admin
        )


def test_only_administrators_change_posts(world):
    with pytest.raises(NotPermitted):
        assign_post(
            user=world.outsider,
            unit=world.wuyuan_squad,
            role=Role.ENFORCEMENT_OFFICER,
            by=world.wuyuan_dispatcher,
        )


def test_assigning_and_ending_a_post_leaves_history(world):
    post = assign_post(
        user=world.outsider, unit=world.wuyuan_squad, role=Role.ENFORCEMENT_OFFICER, by=world.admin
    )
    end_post(post, by=world.admin, reason="调岗")
    actions = list(
        PostHistory.objects.filter(post=post).values_list("action", "actor__username", "reason")
    )
    assert actions == [("assign", "admin", ""), ("end", "admin", "调岗")]


def test_a_grid_team_cannot_have_two_red_butlers(world):
    with pytest.raises(InvalidInput):
        assign_post(
            user=world.outsider, unit=world.wuyuan_grid_team, role=Role.RED_BUTLER, by=world.admin
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Post.objects.create(user=world.outsider, unit=world.wuyuan_grid_team, role=Role.RED_BUTLER)


def test_set_grid_team_replaces_the_whole_1_plus_1_plus_n_team(world):
    a, b, c = UserFactory(), UserFactory(), UserFactory()
    set_grid_team(
        world.wuyuan_grid_team,
        red_butler=a,
        professional=b,
        others=[(c, Role.VOLUNTEER)],
        by=world.admin,
    )
    roles = dict(world.wuyuan_grid_team.posts.active().values_list("user", "role"))
    assert roles == {
        a.pk: Role.RED_BUTLER,
        b.pk: Role.PROFESSIONAL_GRID_WORKER,
        c.pk: Role.VOLUNTEER,
    }
    assert grid_team_problems(world.wuyuan_grid_team) == []


def test_set_grid_team_refuses_one_person_in_both_lead_roles(world):
    a = UserFactory()
    with pytest.raises(InvalidInput):
        set_grid_team(world.wuyuan_grid_team, red_butler=a, professional=a, by=world.admin)
    assert world.wuyuan_grid_team.posts.active().count() == 3  # unchanged


def test_incomplete_grid_team_is_reported(world):
    red = world.wuyuan_grid_team.posts.get(role=Role.RED_BUTLER)
    end_post(red, by=world.admin)
    assert len(grid_team_problems(world.wuyuan_grid_team)) == 1


def test_location_resolves_a_point_to_the_nearest_grid(world):
    region = resolve_location(latitude=30.5201, longitude=120.9501)
    assert region == world.wuyuan_grid2


def test_location_resolves_a_village_named_in_the_address(world):
    assert resolve_location(address="海盐县武原街道枣园社区健康路12号") == world.wuyuan_grid2
    assert resolve_location(address="澉浦镇某路") == world.ganpu


def test_location_far_outside_the_county_is_refused(world):
    with pytest.raises(InvalidInput) as exc:
        resolve_location(latitude=39.9, longitude=116.4)
    assert exc.value.field == "latitude"


def test_location_without_any_hint_is_refused_with_advice(world):
    with pytest.raises(InvalidInput) as exc:
        resolve_location(address="不知道哪里")
    assert exc.value.field == "region"


@pytest.mark.parametrize(
    "password, ok",
    [("abcdefghij", False), ("abcdefgh12", False), ("Abcdefgh12", True), ("abcdefgh1!", True)],
)
def test_password_needs_three_kinds_of_characters(password, ok):
    validator = CharacterClassValidator(min_classes=3)
    if ok:
        validator.validate(password)
    else:
        with pytest.raises(ValidationError):
            validator.validate(password)
