"""Who may act on the assessment: assessors score towns and submit, assessors and the county
open rounds and reopen a submitted assessment (the rule is stated in matters/permissions.py).
"""

from __future__ import annotations

from civicloop.matters.permissions import is_assessor, is_county


def assessment_capacities(user) -> frozenset[str]:
    caps = set()
    if is_assessor(user):
        caps.add("assessor")
    if is_county(user):
        caps.add("county")
    return frozenset(caps)
