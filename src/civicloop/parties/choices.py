from django.db import models
from django.utils.translation import gettext_lazy as _


class PartyKind(models.TextChoices):
    """A citizen (公民) or an organisation (法人或者其他组织) — Art. 51 and Art. 63 of the
    Administrative Penalty Law set different limits for them."""

    PERSON = "person", _("person")
    ORGANISATION = "organisation", _("organisation")
