"""Choice sets of the routing app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ModelSource(models.TextChoices):
    STARTER = "starter", _("starter (shipped labelled messages)")
    COUNTY_HISTORY = "county history", _("county history (judged events)")
    CSV = "csv", _("CSV file")
