from __future__ import annotations

from django.db import models

from civicloop.org.scope import restrict

from .access import people_q


class _LoggedWorkQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The work log of the places ``user`` sees (org/scope.py), and their own."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return restrict(self, user, region_code="region__code", owner="recorded_by")


class PatrolVisitQuerySet(_LoggedWorkQuerySet):
    pass


class ActivityQuerySet(_LoggedWorkQuerySet):
    pass


class _PersonalQuerySet(models.QuerySet):
    person_field = "person"

    def visible_to(self, user):
        """Rows about the people ``user`` sees (scoring/access.py)."""
        q = people_q(user, self.person_field)
        return self if q is None else self.filter(q)


class PointEntryQuerySet(_PersonalQuerySet):
    def between(self, start, end):
        """Entries earned in [start, end) (aware datetimes; None: open)."""
        qs = self
        if start is not None:
            qs = qs.filter(earned_at__gte=start)
        if end is not None:
            qs = qs.filter(earned_at__lt=end)
        return qs


class AppealQuerySet(_PersonalQuerySet):
    pass


class OutcomeQuerySet(_PersonalQuerySet):
    pass
