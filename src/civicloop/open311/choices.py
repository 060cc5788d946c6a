from django.db import models
from django.utils.translation import gettext_lazy as _


class AttributeDatatype(models.TextChoices):
    """The input types of a service definition attribute, as the GeoReport v2 spec names them."""

    STRING = "string", _("text, one line")
    NUMBER = "number", _("number")
    DATETIME = "datetime", _("date and time")
    TEXT = "text", _("text, several lines")
    SINGLEVALUELIST = "singlevaluelist", _("one choice from a list")
    MULTIVALUELIST = "multivaluelist", _("several choices from a list")


LIST_DATATYPES = frozenset({AttributeDatatype.SINGLEVALUELIST, AttributeDatatype.MULTIVALUELIST})


class AttributeBinding(models.TextChoices):
    """Where an attribute's answer goes besides the stored request: an event field it fills."""

    NONE = "", _("stored with the request only")
    OCCURRED_AT = "occurred_at", _("the event's time of occurrence")
    ANONYMOUS = "is_anonymous", _("the event's “anonymous to the public” flag")


class RequestStatus(models.TextChoices):
    """The two statuses GeoReport v2 knows (our lifecycle maps onto them: see status.py)."""

    OPEN = "open", _("open")
    CLOSED = "closed", _("closed")
