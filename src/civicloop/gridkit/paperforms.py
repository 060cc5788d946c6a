"""The three forms (三清单): collection (民情收集单), disposal feedback (处置反馈单) and
satisfaction evaluation (处置满意度评价单).

One structure — a :class:`Sheet` of sections of labelled fields — is filled either from
an event's records or left blank for a grid's paper use, and is then rendered alike as
a printable page, a DOCX and an XLSX, so the three always say the same thing. Values
are text already formatted the Chinese way (dates as 2026年11月28日, tick boxes ☑/☐);
nothing depends on the moment of printing, so the same records give the same forms.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from civicloop.core.formatting import format_date, format_datetime
from civicloop.events.choices import AssignmentKind, AssignmentState, Rating, Source, Span, Urgency
from civicloop.events.models import Event
from civicloop.org.choices import UnitKind
from civicloop.org.models import Unit
from civicloop.privacy.masking import mask_address, mask_id_number, mask_name, mask_phone

from .choices import FormKind

TICKED, UNTICKED = "☑", "☐"
# How reports reach a grid on paper (the other sources are online).
PAPER_SOURCES = (Source.GRID_PATROL, Source.LIAISON_STATION, Source.HOTLINE)
BLANK_DATE = "　　年　　月　　日"


@dataclass
class Field:
    key: str
    label: str
    value: str = ""
    wide: bool = False  # takes a whole row
    lines: int = 1  # rows of writing space on paper when the value is empty


@dataclass
class Section:
    title: str
    fields: list[Field]


@dataclass
class Sheet:
    kind: str
    title: str
    number: str
    unit: str
    date: str
    sections: list[Section]
    signatures: list[str] = field(default_factory=list)
    note: str = ""

    @property
    def filename_stem(self) -> str:
        return f"{self.kind}-{self.number}" if self.number else self.kind


def ticks(options: list[tuple[str, str]], chosen: str | None = None) -> str:
    return "　".join(
        f"{TICKED if value == chosen else UNTICKED}{label}" for value, label in options
    )


def reporter_fields(event: Event, revealed: dict | None) -> dict:
    """The reporter's details as the form prints them: in full only when revealed (logged)."""
    if revealed is not None:
        return dict(revealed)
    return {
        "reporter_name": mask_name(event.reporter_name),
        "reporter_phone": mask_phone(event.reporter_phone),
        "reporter_id_number": mask_id_number(event.reporter_id_number),
        "reporter_address": mask_address(event.reporter_address),
    }


# --- the units a form names ------------------------------------------------------------------


def collecting_unit(event: Event) -> Unit | None:
    """The unit that collected the report: the recorder's grid team, station or command room
    for this place, else the place's grid team, village station or command room."""
    place_kinds = (UnitKind.GRID_TEAM, UnitKind.VILLAGE_STATION, UnitKind.COMMAND_ROOM)
    code = event.region.code
    if event.reported_by_id:
        units = [
            p.unit
            for p in event.reported_by.active_posts()
            if p.unit.kind in (*place_kinds, UnitKind.ENTERPRISE_STATION)
            and code.startswith(p.unit.region.prefix)
        ]
        if units:
            return max(units, key=lambda u: (len(u.region.prefix), -u.pk))
    serving = (
        Unit.objects.active()
        .serving(event.region)
        .filter(kind__in=place_kinds)
        .select_related("region")
    )
    return max(serving, key=lambda u: (len(u.region.prefix), -u.pk), default=None)


def handling_units(event: Event) -> list[Unit]:
    live = (
        event.assignments.exclude(state__in=[AssignmentState.RETURNED, AssignmentState.CANCELLED])
        .exclude(kind=AssignmentKind.ASSIST)
        .select_related("unit")
        .order_by("issued_at", "id")
    )
    units: list[Unit] = []
    for assignment in live:
        if assignment.unit not in units:
            units.append(assignment.unit)
    return units


def dispatching_unit(event: Event) -> Unit | None:
    """Who dispatched it: the county centre for a coordination order, else the town command room."""
    kind = UnitKind.COUNTY_CENTRE if event.span == Span.MULTI else UnitKind.COMMAND_ROOM
    return Unit.objects.active().serving(event.region).filter(kind=kind).order_by("id").first()


def _names(units) -> str:
    return "、".join(u.name for u in units)


# --- filled from an event ---------------------------------------------------------------------


def _matter_text(event: Event) -> str:
    return f"{event.matter.code} {event.matter.name}" if event.matter_id else ""


def collection_sheet(event: Event, reporter: dict) -> Sheet:
    unit = collecting_unit(event)
    fields = [
        Field("reporter_name", _("reporter name"), reporter["reporter_name"]),
        Field("reporter_phone", _("reporter phone"), reporter["reporter_phone"]),
        Field("reporter_id_number", _("reporter ID number"), reporter["reporter_id_number"]),
        Field("reporter_address", _("reporter address"), reporter["reporter_address"]),
        Field("source", _("source"), event.get_source_display()),
        Field("occurred_at", _("occurred at"), format_datetime(event.occurred_at)),
        Field("place", _("place"), event.region.full_name(), wide=True),
        Field("address", _("address"), event.address, wide=True),
        Field("category", _("category"), event.category.name if event.category else ""),
        Field("matter", _("enforcement matter"), _matter_text(event)),
        Field("title", _("title"), event.title, wide=True),
        Field("description", _("description"), event.description, wide=True, lines=5),
        Field("recorded_by", _("recorded by"), str(event.reported_by) if event.reported_by else ""),
        Field("reported_at", _("reported at"), format_datetime(event.reported_at)),
    ]
    judged = [
        Field("urgency", _("urgency"), ticks(list(Urgency.choices), event.urgency)),
        Field("span", _("span"), ticks(list(Span.choices), event.span)),
        Field("grading_reason", _("grading reason"), event.grading_reason, wide=True, lines=2),
    ]
    return Sheet(
        kind=FormKind.COLLECTION,
        title=str(FormKind.COLLECTION.label),
        number=event.number,
        unit=unit.name if unit else "",
        date=format_date(event.reported_at),
        sections=[
            Section(_("What was reported"), fields),
            Section(_("Judgement (command room)"), judged),
        ],
        signatures=[_("collected by (signature)"), _("reporter (signature)")],
        note=_("Event %(number)s, records as of %(at)s.")
        % {"number": event.number, "at": format_datetime(event.updated_at)},
    )


def feedback_sheet(event: Event) -> Sheet:
    leads = list(
        event.assignments.exclude(kind=AssignmentKind.ASSIST)
        .exclude(state__in=[AssignmentState.RETURNED, AssignmentState.CANCELLED])
        .select_related("unit")
        .order_by("issued_at", "id")
    )
    dispatcher = dispatching_unit(event)
    first = leads[0] if leads else None
    sections = [
        Section(
            _("Assignment"),
            [
                Field("title", _("title"), event.title, wide=True),
                Field("place", _("place"), event.region.full_name(), wide=True),
                Field(
                    "matter",
                    _("enforcement matter"),
                    _matter_text(event) or (event.category.name if event.category else ""),
                ),
                Field("dispatched_by", _("dispatched by"), dispatcher.name if dispatcher else ""),
                Field(
                    "handling_units", _("handling units"), _names(handling_units(event)), wide=True
                ),
                Field(
                    "issued_at", _("issued at"), format_datetime(first.issued_at) if first else ""
                ),
                Field("due_at", _("feedback due"), format_datetime(first.due_at) if first else ""),
            ],
        )
    ]
    feedbacks = list(
        event.feedbacks.select_related("assignment__unit", "submitted_by").order_by(
            "submitted_at", "id"
        )
    )
    for index, feedback in enumerate(feedbacks, start=1):
        sections.append(
            Section(
                _("Feedback %(n)d") % {"n": index},
                [
                    Field("unit", _("unit"), feedback.assignment.unit.name),
                    Field("outcome", _("outcome"), feedback.get_outcome_display()),
                    Field("measures", _("measures taken"), feedback.measures, wide=True, lines=4),
                    Field("submitted_by", _("submitted by"), str(feedback.submitted_by)),
                    Field(
                        "submitted_at", _("submitted at"), format_datetime(feedback.submitted_at)
                    ),
                ],
            )
        )
    if not feedbacks:
        sections.append(Section(_("Feedback"), _blank_feedback_fields()))
    checks = list(event.checks.select_related("checked_by").order_by("checked_at", "id"))
    for index, check in enumerate(checks, start=1):
        sections.append(
            Section(
                _("Check %(n)d") % {"n": index},
                [
                    Field(
                        "passed",
                        _("check result"),
                        ticks(
                            [("1", _("passed")), ("0", _("failed"))], "1" if check.passed else "0"
                        ),
                    ),
                    Field("checked_by", _("checked by"), str(check.checked_by)),
                    Field("notes", _("notes"), check.notes, wide=True, lines=2),
                    Field("checked_at", _("checked at"), format_datetime(check.checked_at)),
                ],
            )
        )
    if not checks:
        sections.append(Section(_("Check"), _blank_check_fields()))
    return Sheet(
        kind=FormKind.FEEDBACK,
        title=str(FormKind.FEEDBACK.label),
        number=event.number,
        unit=_names(handling_units(event)),
        date=format_date(feedbacks[-1].submitted_at) if feedbacks else "",
        sections=sections,
        signatures=[_("handled by (signature)"), _("checked by (signature)")],
        note=_("Event %(number)s, records as of %(at)s.")
        % {"number": event.number, "at": format_datetime(event.updated_at)},
    )


def satisfaction_sheet(event: Event, reporter: dict) -> Sheet:
    feedback = (
        event.feedbacks.select_related("assignment__unit").order_by("-submitted_at", "-id").first()
    )
    dispatcher = dispatching_unit(event)
    sections = [
        Section(
            _("Event"),
            [
                Field("title", _("title"), event.title, wide=True),
                Field("reporter_name", _("reporter name"), reporter["reporter_name"]),
                Field("reporter_phone", _("reporter phone"), reporter["reporter_phone"]),
                Field(
                    "handling_units", _("handling units"), _names(handling_units(event)), wide=True
                ),
                Field("outcome", _("outcome"), feedback.get_outcome_display() if feedback else ""),
                Field(
                    "measures",
                    _("measures taken"),
                    feedback.measures if feedback else "",
                    wide=True,
                    lines=3,
                ),
            ],
        )
    ]
    ratings = list(event.ratings.select_related("rated_by").order_by("rated_at", "id"))
    for index, rating in enumerate(ratings, start=1):
        sections.append(
            Section(
                _("Evaluation %(n)d") % {"n": index},
                [
                    Field(
                        "rating", _("rating"), ticks(list(Rating.choices), rating.rating), wide=True
                    ),
                    Field("comment", _("comment"), rating.comment, wide=True, lines=2),
                    Field("channel", _("channel"), rating.get_channel_display()),
                    Field(
                        "collected_by",
                        _("collected by"),
                        str(rating.rated_by) if rating.rated_by else "",
                    ),
                    Field("rated_at", _("rated at"), format_datetime(rating.rated_at)),
                ],
            )
        )
    if not ratings:
        sections.append(Section(_("Evaluation"), _blank_rating_fields()))
    return Sheet(
        kind=FormKind.SATISFACTION,
        title=str(FormKind.SATISFACTION.label),
        number=event.number,
        unit=dispatcher.name if dispatcher else "",
        date=format_date(ratings[-1].rated_at) if ratings else "",
        sections=sections,
        signatures=[_("reporter (signature)"), _("collected by (signature)")],
        note=_("Event %(number)s, records as of %(at)s.")
        % {"number": event.number, "at": format_datetime(event.updated_at)},
    )


def event_sheets(event: Event, *, reporter: dict) -> list[Sheet]:
    return [
        collection_sheet(event, reporter),
        feedback_sheet(event),
        satisfaction_sheet(event, reporter),
    ]


# --- blank, for a grid's paper use ---------------------------------------------------------------


def _blank_feedback_fields() -> list[Field]:
    return [
        Field("unit", _("unit")),
        Field("outcome", _("outcome")),
        Field("measures", _("measures taken"), wide=True, lines=4),
        Field("submitted_by", _("submitted by")),
        Field("submitted_at", _("submitted at"), BLANK_DATE),
    ]


def _blank_check_fields() -> list[Field]:
    return [
        Field("passed", _("check result"), ticks([("1", _("passed")), ("0", _("failed"))])),
        Field("checked_by", _("checked by")),
        Field("notes", _("notes"), wide=True, lines=2),
        Field("checked_at", _("checked at"), BLANK_DATE),
    ]


def _blank_rating_fields() -> list[Field]:
    return [
        Field("rating", _("rating"), ticks(list(Rating.choices)), wide=True),
        Field("comment", _("comment"), wide=True, lines=2),
        Field("channel", _("channel")),
        Field("collected_by", _("collected by")),
        Field("rated_at", _("rated at"), BLANK_DATE),
    ]


def blank_sheets(content: dict, *, note: str) -> list[Sheet]:
    """The three forms left blank, headed with the grid's units (from a toolkit version)."""
    units = content["units"]
    grid = content["grid"]
    place = " / ".join(p["name"] for p in (grid.get("town"), grid.get("village"), grid) if p)
    team = (units.get("grid_team") or {}).get("name", "")
    station = (units.get("village_station") or {}).get("name", "")
    command = (units.get("command_room") or {}).get("name", "")
    options = [(o["key"], o["name"]) for o in content.get("forms", {}).get("options", [])]
    options.append(("other", _("other")))
    collection = Sheet(
        kind=FormKind.COLLECTION,
        title=str(FormKind.COLLECTION.label),
        number="",
        unit=team or station,
        date=BLANK_DATE,
        sections=[
            Section(
                _("What was reported"),
                [
                    Field("reporter_name", _("reporter name")),
                    Field("reporter_phone", _("reporter phone")),
                    Field("reporter_address", _("reporter address"), wide=True),
                    Field(
                        "source",
                        _("source"),
                        ticks(
                            [(s.value, s.label) for s in PAPER_SOURCES] + [("other", _("other"))]
                        ),
                        wide=True,
                    ),
                    Field("occurred_at", _("occurred at"), BLANK_DATE),
                    Field("place", _("place"), place),
                    Field("address", _("address"), wide=True),
                    Field("category", _("category"), ticks(options), wide=True, lines=2),
                    Field("description", _("description"), wide=True, lines=6),
                    Field("recorded_by", _("recorded by")),
                    Field("reported_at", _("reported at"), BLANK_DATE),
                ],
            )
        ],
        signatures=[_("collected by (signature)"), _("reporter (signature)")],
        note=note,
    )
    feedback = Sheet(
        kind=FormKind.FEEDBACK,
        title=str(FormKind.FEEDBACK.label),
        number="",
        unit="",
        date=BLANK_DATE,
        sections=[
            Section(
                _("Assignment"),
                [
                    Field("title", _("title"), wide=True),
                    Field("place", _("place"), place, wide=True),
                    Field("dispatched_by", _("dispatched by"), command),
                    Field("handling_units", _("handling units")),
                    Field("issued_at", _("issued at"), BLANK_DATE),
                    Field("due_at", _("feedback due"), BLANK_DATE),
                ],
            ),
            Section(_("Feedback"), _blank_feedback_fields()),
            Section(_("Check"), _blank_check_fields()),
        ],
        signatures=[_("handled by (signature)"), _("checked by (signature)")],
        note=note,
    )
    satisfaction = Sheet(
        kind=FormKind.SATISFACTION,
        title=str(FormKind.SATISFACTION.label),
        number="",
        unit=command,
        date=BLANK_DATE,
        sections=[
            Section(
                _("Event"),
                [
                    Field("title", _("title"), wide=True),
                    Field("reporter_name", _("reporter name")),
                    Field("reporter_phone", _("reporter phone")),
                    Field("handling_units", _("handling units"), wide=True),
                    Field("outcome", _("outcome")),
                    Field("measures", _("measures taken"), wide=True, lines=3),
                ],
            ),
            Section(_("Evaluation"), _blank_rating_fields()),
        ],
        signatures=[_("reporter (signature)"), _("collected by (signature)")],
        note=note,
    )
    return [collection, feedback, satisfaction]
