"""Write workflows of the organisation: posts, grid teams, location resolution."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from civicloop.core.errors import InvalidInput, NotPermitted

from .choices import GRID_ROLES, RegionLevel, Role, UnitKind
from .geo import distance_m
from .locating import locate_point
from .models import Post, PostHistory, Region, Unit, User


def check_can_manage_org(by: User) -> None:
    if not (by.is_superuser or by.is_staff):
        raise NotPermitted(_("Only administrators may change the organisation."))


@transaction.atomic
def assign_post(*, user: User, unit: Unit, role: str, by: User, started_on=None) -> Post:
    """Give ``user`` the ``role`` in ``unit`` (e.g. make someone a grid's red butler)."""
    check_can_manage_org(by)
    post = Post(user=user, unit=unit, role=role, started_on=started_on)
    try:
        post.full_clean(validate_constraints=False)
    except ValidationError as exc:
        raise InvalidInput("; ".join(exc.messages), field="role") from exc
    if role in (Role.RED_BUTLER, Role.PROFESSIONAL_GRID_WORKER) and (
        Post.objects.active().filter(unit=unit, role=role).exists()
    ):
        raise InvalidInput(
            _("This grid team already has a %(role)s; end that post first.")
            % {"role": Role(role).label},
            field="role",
        )
    post.save()
    PostHistory.objects.create(post=post, actor=by, action="assign", to_state="active")
    return post


@transaction.atomic
def end_post(post: Post, *, by: User, reason: str = "", ended_on=None) -> Post:
    check_can_manage_org(by)
    if not post.is_active:
        raise InvalidInput(_("This post has already ended."))
    post.is_active = False
    post.ended_on = ended_on
    post.save(update_fields=["is_active", "ended_on"])
    PostHistory.objects.create(
        post=post, actor=by, action="end", from_state="active", to_state="ended", reason=reason
    )
    return post


def grid_team_problems(unit: Unit) -> list[str]:
    """What is wrong with a grid team's 1+1+N composition (empty list if nothing)."""
    counts = {role: 0 for role in GRID_ROLES}
    for role in unit.posts.active().values_list("role", flat=True):
        counts[role] = counts.get(role, 0) + 1
    problems = []
    if counts[Role.RED_BUTLER] != 1:
        problems.append(
            str(_("needs exactly one red butler (has %(n)d)") % {"n": counts[Role.RED_BUTLER]})
        )
    if counts[Role.PROFESSIONAL_GRID_WORKER] != 1:
        problems.append(
            str(
                _("needs exactly one professional grid worker (has %(n)d)")
                % {"n": counts[Role.PROFESSIONAL_GRID_WORKER]}
            )
        )
    return problems


@transaction.atomic
def set_grid_team(
    unit: Unit,
    *,
    red_butler: User,
    professional: User,
    others: list[tuple[User, str]] | tuple = (),
    by: User,
) -> list[Post]:
    """Replace a grid's 1+1+N team in one step, so it is never left incomplete."""
    check_can_manage_org(by)
    if unit.kind != UnitKind.GRID_TEAM:
        raise InvalidInput(_("%(unit)s is not a grid team.") % {"unit": unit})
    if red_butler == professional:
        raise InvalidInput(
            _("The red butler and the professional grid worker must be two different people."),
            field="professional",
        )
    for _user, role in others:
        if role not in (Role.PART_TIME_GRID_WORKER, Role.VOLUNTEER):
            raise InvalidInput(
                _("Other members of a grid team are part-time grid workers or volunteers."),
                field="others",
            )
    for post in unit.posts.active():
        post.is_active = False
        post.save(update_fields=["is_active"])
        PostHistory.objects.create(
            post=post,
            actor=by,
            action="end",
            from_state="active",
            to_state="ended",
            reason="grid team replaced",
        )
    created = []
    for user, role in [
        (red_butler, Role.RED_BUTLER),
        (professional, Role.PROFESSIONAL_GRID_WORKER),
        *others,
    ]:
        post = Post.objects.create(user=user, unit=unit, role=role)
        PostHistory.objects.create(post=post, actor=by, action="assign", to_state="active")
        created.append(post)
    return created


# --- locations -----------------------------------------------------------------

_VILLAGE_SUFFIX = re.compile(r"(居民委员会|村民委员会|居委会|村委会|委员会)$")


def short_region_name(name: str) -> str:
    """``百可社区居委会`` → ``百可社区`` (how people write places in addresses)."""
    return _VILLAGE_SUFFIX.sub("", name)


def resolve_location(
    *,
    region: Region | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
    address: str = "",
) -> Region:
    """The most specific region for a report: given region, else the area the point
    (GCJ-02) lies in, else the nearest grid to it, else a village or town named in the address.

    Raises InvalidInput with a message the reporter can act on.
    """
    if region is not None:
        return region
    if (latitude is None) != (longitude is None):
        raise InvalidInput(_("Give both latitude and longitude, or neither."), field="latitude")
    if latitude is not None and longitude is not None:
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            raise InvalidInput(_("The coordinates are not valid."), field="latitude")
        # The area the point lies in (org/locating.py) first; the nearest grid point only
        # where no area is known (a county without derived or official areas).
        place = locate_point(longitude=longitude, latitude=latitude)
        if place is not None:
            return place.region
        grids = list(
            Region.objects.filter(
                level__in=[RegionLevel.GRID, RegionLevel.VILLAGE], latitude__isnull=False
            ).only("code", "level", "latitude", "longitude")
        )
        if grids:
            nearest = min(
                grids,
                key=lambda g: (
                    distance_m(longitude, latitude, float(g.longitude), float(g.latitude)),
                    g.level != RegionLevel.GRID,
                ),
            )
            if (
                distance_m(longitude, latitude, float(nearest.longitude), float(nearest.latitude))
                > 20000
            ):
                raise InvalidInput(
                    _("The point is more than 20 km from any grid of this county."),
                    field="latitude",
                )
            return Region.objects.get(pk=nearest.pk)
    if address:
        for village in Region.objects.villages().order_by("-name"):
            if short_region_name(village.name) in address:
                grids = list(village.children.all()[:2])
                return grids[0] if len(grids) == 1 else village
        for town in Region.objects.towns():
            if town.name in address:
                return town
    raise InvalidInput(
        _(
            "Cannot tell where this is: choose a grid or village, give a map point, "
            "or write the village or town in the address."
        ),
        field="region",
    )
