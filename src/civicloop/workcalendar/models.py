"""Working-day overrides on top of the statutory calendar package."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarDay(models.Model):
    """A day whose working status is set locally (调休/节假日 not yet in the package).

    The State Council publishes next year's holiday schedule each autumn; until
    the ``chinesecalendar`` package ships it, an administrator enters the days here.
    """

    date = models.DateField(_("date"), unique=True)
    is_workday = models.BooleanField(_("is a working day"))
    name = models.CharField(
        _("name"), max_length=60, blank=True, help_text=_("e.g. 春节, 调休上班")
    )

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"
