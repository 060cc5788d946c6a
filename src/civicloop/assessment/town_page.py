"""The town's latest assessment on its empowerment page (registered in ``apps.py``)."""

from __future__ import annotations

from .models import TownAssessment


def latest_assessment_section(request, town, on) -> dict | None:
    """The latest assessment of ``town`` the user may see, with its scores; None if none."""
    assessment = (
        TownAssessment.objects.visible_to(request.user)
        .filter(town=town)
        .select_related("round")
        .prefetch_related("scores")
        .order_by("-round__period_end", "-id")
        .first()
    )
    return {"assessment": assessment} if assessment is not None else None
