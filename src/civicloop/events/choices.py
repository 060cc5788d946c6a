from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class EventState(models.TextChoices):
    COLLECTED = "collected", _("collected")
    JUDGED = "judged", _("judged")
    DISPATCHED = "dispatched", _("dispatched")
    ACCEPTED = "accepted", _("accepted")
    HANDLING = "handling", _("handling")
    FEEDBACK_SUBMITTED = "feedback_submitted", _("feedback submitted")
    CHECKED = "checked", _("checked")
    RATED = "rated", _("rated")
    CLOSED = "closed", _("closed")
    PARKED = "parked", _("parked")
    VOIDED = "voided", _("voided")
    MERGED = "merged", _("merged")


FINISHED_STATES = frozenset({EventState.CLOSED, EventState.VOIDED, EventState.MERGED})
OPEN_STATES = frozenset(EventState.values) - FINISHED_STATES


class Source(models.TextChoices):
    LIAISON_STATION = "liaison_station", _("liaison station")
    GRID_PATROL = "grid_patrol", _("grid patrol")
    HOTLINE = "hotline", _("hotline")
    PUBLIC_PORTAL = "public_portal", _("public portal")
    ENTERPRISE = "enterprise", pgettext_lazy("event source", "enterprise")
    OPEN311 = "open311", _("Open311 client")


# Sources through which a member of the public reports without signing in.
PUBLIC_SOURCES = frozenset({Source.PUBLIC_PORTAL, Source.OPEN311})


class Urgency(models.TextChoices):
    URGENT = "urgent", _("urgent")
    GENERAL = "general", pgettext_lazy("urgency", "general")


class Span(models.TextChoices):
    SINGLE = "single", _("single unit")
    MULTI = "multi", _("multi-span")


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("satisfied")
    BASICALLY_SATISFIED = "basically_satisfied", _("basically satisfied")
    DISSATISFIED = "dissatisfied", _("dissatisfied")


# The one refusal of a rating outside the scale, for the service, the pages and the API alike.
RATING_REFUSAL = _("Choose satisfied, basically satisfied or dissatisfied.")


class RatingChannel(models.TextChoices):
    PUBLIC = "public", _("reporter on the public page")
    STAFF = "staff", _("collected by staff (satisfaction form)")


class AssignmentKind(models.TextChoices):
    LEAD = "lead", _("lead")
    ASSIST = "assist", _("assisting")
    SUBTASK = "subtask", _("coordination sub-task")


class AssignmentState(models.TextChoices):
    ISSUED = "issued", _("issued")
    ACCEPTED = "accepted", pgettext_lazy("assignment", "accepted")
    DONE = "done", _("done")
    RETURNED = "returned", _("returned")
    CANCELLED = "cancelled", _("cancelled")


LIVE_ASSIGNMENT_STATES = frozenset(
    {AssignmentState.ISSUED, AssignmentState.ACCEPTED, AssignmentState.DONE}
)


class Outcome(models.TextChoices):
    RESOLVED = "resolved", _("resolved")
    PARTLY_RESOLVED = "partly_resolved", _("partly resolved")
    NOT_RESOLVABLE = "not_resolvable", _("cannot be resolved now")


class DeadlineStage(models.TextChoices):
    JUDGE = "judge", _("judge and dispatch")
    ACCEPT = "accept", pgettext_lazy("deadline stage", "accept")
    HANDLE = "handle", _("handle and feed back")
    CHECK = "check", _("check")


class DeadlineUnit(models.TextChoices):
    CALENDAR_HOURS = "calendar_hours", _("calendar hours")
    WORKING_HOURS = "working_hours", _("working hours")
    WORKING_DAYS = "working_days", _("working days")


class AttachmentStage(models.TextChoices):
    INTAKE = "intake", _("intake")
    FEEDBACK = "feedback", _("feedback")
