"""Every write of the work log and the points: log a visit or an activity, add a rule version,
recompute, file and decide an appeal, record an outcome."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicloop.core import uploads
from civicloop.core.errors import InvalidInput, NotPermitted
from civicloop.core.inputs import clean_text, past_moment
from civicloop.core.transitions import ModelWorkflow
from civicloop.org.choices import RegionLevel, Role
from civicloop.org.geo import as_decimal, wgs84_to_gcj02
from civicloop.org.models import Region, User
from civicloop.org.scope import scope_of

from . import access
from .choices import (
    ActivityKind,
    AppealState,
    Grade,
    GradeMethod,
    OutcomeKind,
    PointItem,
)
from .models import (
    Activity,
    Appeal,
    AppealHistory,
    Outcome,
    PatrolVisit,
    PointEntry,
    RuleSet,
    RuleVersion,
    WorkPhoto,
)
from .workflow import APPEAL_WORKFLOW

PHOTO_FOLDER = "worklog"
MAX_PARTICIPANTS = 100000


def _appeal_capacities(by, appeal: Appeal) -> set[str]:
    caps = set()
    if by.pk == appeal.person_id:
        caps.add("appellant")
    if (
        access.may_supervise(by)
        and by.pk != appeal.person_id
        and access.sees_person(by, appeal.person)
    ):
        caps.add("supervisor")
    return caps


APPEAL_FLOW = ModelWorkflow(
    model=Appeal,
    history=AppealHistory,
    machine=APPEAL_WORKFLOW,
    capacities=_appeal_capacities,
)


# --- the work log ---------------------------------------------------------------------------


def _place(by: User, region: Region | None, latitude, longitude, datum: str):
    if region is None:
        raise InvalidInput(_("Choose the village or grid you were in."), field="region")
    if region.level in (RegionLevel.COUNTY, RegionLevel.TOWN):
        raise InvalidInput(_("Choose a village or a grid, not a whole town."), field="region")
    scope = scope_of(by)
    # Their own area, or the village their grid lies in (a talk for the whole community).
    if not scope.covers_region_code(region.code) and not any(
        prefix.startswith(region.prefix) for prefix in scope.region_prefixes
    ):
        raise InvalidInput(_("This place is outside your area."), field="region")
    if (latitude is None) != (longitude is None):
        raise InvalidInput(_("A location needs both latitude and longitude."), field="latitude")
    if latitude is None:
        return None, None
    try:
        lat, lng = float(latitude), float(longitude)
    except (TypeError, ValueError):
        raise InvalidInput(_("The location is not a number."), field="latitude") from None
    if not (-90 <= lat <= 90 and -180 <= lng <= 180):
        raise InvalidInput(_("The location is not on Earth."), field="latitude")
    if datum == "wgs84":
        lng, lat = wgs84_to_gcj02(lng, lat)
    return as_decimal(lat), as_decimal(lng)


def _client_key(value: str) -> str:
    value = (value or "").strip()
    if len(value) > 64:
        raise InvalidInput(_("The submission key is too long."), field="client_key")
    return value


def _store_photos(checked, **owner) -> None:
    for upload in checked:
        WorkPhoto.objects.create(
            file=uploads.store(upload, folder=PHOTO_FOLDER),
            original_name=upload.name[:200],
            content_type=upload.content_type,
            sha256=upload.sha256,
            **owner,
        )


def _may_log(by: User) -> None:
    if not getattr(by, "is_authenticated", False) or not by.cached_posts():
        raise NotPermitted(_("Only staff holding a post keep a work log."))


def log_visit(
    *,
    by: User,
    region: Region | None,
    visited_at: dt.datetime | None = None,
    note: str = "",
    latitude=None,
    longitude=None,
    datum: str = "wgs84",
    photos=(),
    client_key: str = "",
) -> PatrolVisit:
    """走访: record a patrol visit. A second call with the same ``client_key`` (a phone resending
    after the network dropped) returns the first visit."""
    _may_log(by)
    client_key = _client_key(client_key)
    if client_key:
        existing = PatrolVisit.objects.filter(recorded_by=by, client_key=client_key).first()
        if existing is not None:
            return existing
    lat, lng = _place(by, region, latitude, longitude, datum)
    now = timezone.now()
    visited_at = past_moment(visited_at, field="visited_at", now=now)
    note = clean_text(note, field="note", max_length=2000)
    checked = uploads.check_uploads(photos, field="photos")
    for upload in checked:  # before the transaction: no file is written inside one
        uploads.store(upload, folder=PHOTO_FOLDER)
    try:
        with transaction.atomic():
            visit = PatrolVisit.objects.create(
                region=region,
                visited_at=visited_at,
                latitude=lat,
                longitude=lng,
                note=note,
                recorded_by=by,
                recorded_at=now,
                client_key=client_key,
            )
            _store_photos(checked, visit=visit)
    except IntegrityError:
        # The same submission raced in at once; the first one stands.
        return PatrolVisit.objects.get(recorded_by=by, client_key=client_key)
    return visit


def log_activity(
    *,
    by: User,
    kind: str,
    region: Region | None,
    topic: str,
    held_at: dt.datetime | None = None,
    participant_count=0,
    participant_names: str = "",
    note: str = "",
    latitude=None,
    longitude=None,
    datum: str = "wgs84",
    photos=(),
    client_key: str = "",
) -> Activity:
    """Record an activity (普法宣传, 矛盾纠纷排查调处 …) with its participants and photos."""
    _may_log(by)
    client_key = _client_key(client_key)
    if client_key:
        existing = Activity.objects.filter(recorded_by=by, client_key=client_key).first()
        if existing is not None:
            return existing
    if kind not in ActivityKind.values:
        raise InvalidInput(_("Choose the kind of activity."), field="kind")
    topic = clean_text(topic, field="topic", max_length=120, required=True)
    try:
        count = int(participant_count or 0)
    except (TypeError, ValueError):
        raise InvalidInput(
            _("Give the number of participants."), field="participant_count"
        ) from None
    if not 0 <= count <= MAX_PARTICIPANTS:
        raise InvalidInput(
            _("The number of participants must be between 0 and 100000."),
            field="participant_count",
        )
    names = clean_text(participant_names, field="participant_names", max_length=2000)
    lat, lng = _place(by, region, latitude, longitude, datum)
    now = timezone.now()
    held_at = past_moment(held_at, field="held_at", now=now)
    note = clean_text(note, field="note", max_length=2000)
    checked = uploads.check_uploads(photos, field="photos")
    for upload in checked:
        uploads.store(upload, folder=PHOTO_FOLDER)
    try:
        with transaction.atomic():
            activity = Activity.objects.create(
                kind=kind,
                region=region,
                topic=topic,
                held_at=held_at,
                participant_count=count,
                participant_names=names,
                latitude=lat,
                longitude=lng,
                note=note,
                recorded_by=by,
                recorded_at=now,
                client_key=client_key,
            )
            _store_photos(checked, activity=activity)
    except IntegrityError:
        return Activity.objects.get(recorded_by=by, client_key=client_key)
    return activity


# --- rules ----------------------------------------------------------------------------------


def _number(value, *, field: str) -> float:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise InvalidInput(
            _("“%(value)s” is not a number.") % {"value": value}, field=field
        ) from None
    if not number.is_finite() or abs(number) > 10000:
        raise InvalidInput(_("Points must be between -10000 and 10000."), field=field)
    return float(number)


def check_rule_version(
    *,
    effective_from: dt.date | None,
    base_scores: dict,
    points: dict,
    activity_points: dict | None = None,
    grade_method: str = GradeMethod.THRESHOLDS,
    grade_cutoffs: dict | None = None,
    note: str = "",
    ruleset: RuleSet | None = None,
) -> dict:
    """The fields of a new rule version, checked (``InvalidInput`` on the first bad one)."""
    if effective_from is None:
        raise InvalidInput(_("Give the date the rules take effect."), field="effective_from")
    unknown_roles = set(base_scores) - set(Role.values)
    if unknown_roles:
        raise InvalidInput(
            _("Unknown roles: %(roles)s.") % {"roles": "、".join(sorted(unknown_roles))},
            field="base_scores",
        )
    unknown_items = (set(points) - set(PointItem.values)) | (
        {PointItem.APPEAL_ADJUSTMENT} & set(points)
    )
    if unknown_items:
        raise InvalidInput(
            _("Unknown point items: %(items)s.") % {"items": "、".join(sorted(unknown_items))},
            field="points",
        )
    activity_points = activity_points or {}
    if set(activity_points) - set(ActivityKind.values):
        raise InvalidInput(_("Unknown activity kinds."), field="activity_points")
    if grade_method not in GradeMethod.values:
        raise InvalidInput(_("Choose thresholds or shares."), field="grade_method")
    cutoffs = grade_cutoffs or {}
    if set(cutoffs) - {Grade.GOOD, Grade.FAIRLY_GOOD, Grade.AVERAGE}:
        raise InvalidInput(
            _("Cut-offs are given for good, fairly good and average."), field="grade_cutoffs"
        )
    cutoffs = {k: _number(v, field="grade_cutoffs") for k, v in cutoffs.items()}
    if grade_method == GradeMethod.SHARES:
        if any(v < 0 for v in cutoffs.values()) or sum(cutoffs.values()) > 1:
            raise InvalidInput(
                _("Shares are between 0 and 1 and add up to at most 1."), field="grade_cutoffs"
            )
    else:
        ordered = [
            cutoffs[g] for g in (Grade.GOOD, Grade.FAIRLY_GOOD, Grade.AVERAGE) if g in cutoffs
        ]
        if ordered != sorted(ordered, reverse=True):
            raise InvalidInput(
                _("The threshold of a better rating must not be lower."), field="grade_cutoffs"
            )
    if (
        ruleset is not None
        and RuleVersion.objects.filter(ruleset=ruleset, effective_from=effective_from).exists()
    ):
        raise InvalidInput(_("A version already takes effect on that day."), field="effective_from")
    return {
        "effective_from": effective_from,
        "base_scores": {k: _number(v, field="base_scores") for k, v in base_scores.items()},
        "points": {k: _number(v, field="points") for k, v in points.items()},
        "activity_points": {
            k: _number(v, field="activity_points") for k, v in activity_points.items()
        },
        "grade_method": grade_method,
        "grade_cutoffs": cutoffs,
        "note": clean_text(note, field="note", max_length=2000),
    }


def county_ruleset() -> RuleSet:
    ruleset, _created = RuleSet.objects.get_or_create(
        code="county", defaults={"name": str(_("County scoring rules"))}
    )
    return ruleset


def add_rule_version(*, by: User | None, ruleset: RuleSet | None = None, **fields) -> RuleVersion:
    """A new version of the rules (fields: ``check_rule_version``), in force from
    ``effective_from`` for records earned from that day on. Earlier records keep their points;
    the next recomputation applies it."""
    ruleset = ruleset or county_ruleset()
    checked = check_rule_version(ruleset=ruleset, **fields)
    return RuleVersion.objects.create(ruleset=ruleset, created_by=by, **checked)


# --- appeals --------------------------------------------------------------------------------


def file_appeal(entry: PointEntry, *, by: User, reason: str) -> Appeal:
    """申诉: the person whose entry it is asks for it to be changed."""
    if entry.person_id != by.pk:
        raise NotPermitted(_("Only the staff member the points belong to may appeal them."))
    if entry.item == PointItem.APPEAL_ADJUSTMENT:
        raise InvalidInput(_("An adjustment made on appeal cannot be appealed."), field="entry")
    reason = clean_text(reason, field="reason", max_length=2000, required=True)
    with transaction.atomic():
        if Appeal.objects.filter(entry=entry, state=AppealState.FILED).exists():
            raise InvalidInput(_("This entry is already under appeal."), field="entry")
        appeal = Appeal.objects.create(
            entry=entry,
            person=by,
            entry_item=entry.item,
            entry_points=entry.points,
            reason=reason,
        )
        APPEAL_FLOW.record(
            appeal,
            "file",
            by=by,
            to_state=AppealState.FILED,
            reason=reason,
            details={"entry": entry.pk, "points": str(entry.points)},
        )
    return appeal


def decide_appeal(appeal: Appeal, *, by: User, upheld: bool, decision: str, points=None) -> Appeal:
    """Decide an appeal. Upheld: the entry's points become ``points`` (0 cancels it), by an
    adjustment entry of the difference, linked to the appeal; the history row keeps both."""
    with transaction.atomic():
        appeal = APPEAL_FLOW.lock(appeal)
        name = "uphold" if upheld else "reject"
        transition, decision = APPEAL_FLOW.check(appeal, name, by, reason=decision)
        details: dict = {"points_before": str(appeal.entry_points)}
        fields = ["decided_by", "decided_at", "decision"]
        if upheld:
            if points is None or points == "":
                raise InvalidInput(_("Give the points the entry should have."), field="points")
            decided = Decimal(str(_number(points, field="points"))).quantize(Decimal("0.01"))
            delta = decided - appeal.entry_points
            if delta == 0:
                raise InvalidInput(
                    _("The decided points are the same as the entry's."), field="points"
                )
            entry = appeal.entry
            adjustment = PointEntry.objects.create(
                key=f"appeal:{appeal.pk}",
                person_id=appeal.person_id,
                item=PointItem.APPEAL_ADJUSTMENT,
                points=delta,
                earned_at=entry.earned_at if entry is not None else appeal.filed_at,
                rule_version=None,
                source_type=ContentType.objects.get_for_model(Appeal),
                source_id=appeal.pk,
                town_id=entry.town_id if entry is not None else None,
            )
            appeal.decided_points, appeal.adjustment = decided, adjustment
            fields += ["decided_points", "adjustment"]
            details.update(points_after=str(decided), adjustment=adjustment.pk, delta=str(delta))
        appeal.decided_by, appeal.decided_at, appeal.decision = by, timezone.now(), decision
        APPEAL_FLOW.move(
            appeal,
            transition.name,
            transition.target,
            by=by,
            reason=decision,
            details=details,
            fields=fields,
        )
    return appeal


# --- outcomes -------------------------------------------------------------------------------


def record_outcome(
    *,
    by: User,
    person: User,
    kind: str,
    year: int,
    quarter: int | None = None,
    grade: str = "",
    total=None,
    note: str = "",
) -> Outcome:
    """Record a rating given or a promotion (who and when are kept on the row)."""
    if not access.may_supervise(by) or not access.sees_person(by, person) or by.pk == person.pk:
        raise NotPermitted(_("Supervisors record the outcomes of the staff they oversee."))
    if kind not in OutcomeKind.values:
        raise InvalidInput(_("Choose the kind of outcome."), field="kind")
    if kind == OutcomeKind.RATING:
        if grade not in Grade.values:
            raise InvalidInput(_("Choose a rating."), field="grade")
        if quarter not in (1, 2, 3, 4):
            raise InvalidInput(_("A rating is given for a quarter."), field="quarter")
        if Outcome.objects.filter(person=person, kind=kind, year=year, quarter=quarter).exists():
            raise InvalidInput(_("This quarter's rating is already recorded."), field="quarter")
    return Outcome.objects.create(
        person=person,
        kind=kind,
        year=year,
        quarter=quarter,
        grade=grade,
        total=total,
        note=clean_text(note, field="note", max_length=2000),
        recorded_by=by,
    )
