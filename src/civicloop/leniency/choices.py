"""Choices of flexible enforcement (柔性执法). Labels are translated; no raw status strings."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ItemKind(models.TextChoices):
    """The two halves of "一免一减": exemption (免罚, 首违不罚) and reduction (减轻 below the
    statutory minimum, 从轻 within the range)."""

    EXEMPTION = "exemption", _("exemption (no penalty)")
    REDUCED = "reduced", _("reduced penalty (below the minimum)")
    LIGHTER = "lighter", _("lighter penalty (within the range)")


class LegalBasis(models.TextChoices):
    """What an item rests on. Art. 33 ¶1 has two sentences: "shall not" (minor, corrected in
    time, no harm) and "may not" (first violation, minor harm, corrected in time)."""

    ART33_MINOR = (
        "art33_minor",
        _("Art. 33 ¶1: minor, corrected in time, no harm (shall not penalise)"),
    )
    ART33_FIRST = (
        "art33_first",
        _("Art. 33 ¶1: first violation, minor harm, corrected in time (may not penalise)"),
    )
    ART32 = "art32", _("Art. 32: lighter or reduced penalty")
    LOCAL = "local", _("the local list (its document number)")


class Harm(models.TextChoices):
    """The harmful consequence of the violation (危害后果), as the handlers find it."""

    NONE = "none", _("no harmful consequence")
    MINOR = "minor", _("minor harm")
    SERIOUS = "serious", _("more than minor harm")


HARM_ORDER = {Harm.NONE: 0, Harm.MINOR: 1, Harm.SERIOUS: 2}


class ItemStatus(models.TextChoices):
    """What the evaluation of one item says for one case."""

    APPLIES = "applies", _("applies")
    UNDETERMINED = "undetermined", _("not known yet")
    NOT_APPLICABLE = "not_applicable", _("does not apply")


class CommitmentState(models.TextChoices):
    """轻微违法告知承诺: the notice served, the written commitment, the follow-up check."""

    NOTIFIED = "notified", _("notice served")
    COMMITTED = "committed", _("commitment signed")
    DUE = "due", _("follow-up check due")
    KEPT = "kept", _("commitment kept")
    BROKEN = "broken", _("commitment broken")
    DECLINED = "declined", _("party declined to commit")


OPEN_COMMITMENT_STATES = (CommitmentState.NOTIFIED, CommitmentState.COMMITTED, CommitmentState.DUE)
# What the follow-up check found: the two states it leads to.
CHECK_RESULTS = [(s.value, s.label) for s in (CommitmentState.KEPT, CommitmentState.BROKEN)]


class RepairState(models.TextChoices):
    """信用修复: proactively notified, applied for, materials checked, repaired or refused."""

    NOTIFIED = "notified", _("enterprise notified")
    APPLIED = "applied", pgettext_lazy("credit repair", "applied for")
    CHECKED = "checked", _("materials checked")
    REPAIRED = "repaired", _("repaired")
    REFUSED = "refused", pgettext_lazy("credit repair", "refused")


OPEN_REPAIR_STATES = (RepairState.NOTIFIED, RepairState.APPLIED, RepairState.CHECKED)


class ServiceKind(models.TextChoices):
    """Enterprise "butler" services (管家式服务)."""

    CHECKUP = "checkup", _("compliance check-up")
    LAW_SESSION = "law_session", _("tailored law-popularisation session")
