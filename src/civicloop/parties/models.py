"""Parties (当事人) of penalty cases: people and organisations.

A person is identified by the resident ID number (居民身份证号码, GB 11643), an
organisation by its unified social credit code (统一社会信用代码, GB 32100-2015);
each identifier belongs to one party only. Personal data is shown masked
(``privacy.masking``); the unmasked values are given by
``services.reveal_party``, which logs every view.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicloop.core.crypto import DigestField, EncryptedCharField
from civicloop.core.history import HistoryEntry
from civicloop.privacy.masking import mask_address, mask_id_number, mask_name, mask_phone

from .choices import PartyKind
from .links import party_links


class PartyQuerySet(models.QuerySet):
    def people(self) -> PartyQuerySet:
        return self.filter(kind=PartyKind.PERSON)

    def organisations(self) -> PartyQuerySet:
        return self.filter(kind=PartyKind.ORGANISATION)

    def search(self, text: str) -> PartyQuerySet:
        """By name (part of it) or by the whole identifier (never by part of an ID number)."""
        text = (text or "").strip()
        if not text:
            return self
        return self.filter(
            Q(name__icontains=text) | Q(id_number=text.upper()) | Q(credit_code=text.upper())
        )

    def visible_to(self, user) -> PartyQuerySet:
        """Staff who may see a case may see its parties (``links.party_links``); everyone sees the parties they
        recorded themselves (before the case is filed)."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        visible = Q(created_by=user)
        for links in party_links:
            visible |= links.visible(user)
        return self.filter(visible)


class Party(models.Model):
    """A party to penalty cases (当事人): a person or an organisation/enterprise."""

    kind = models.CharField(_("kind"), max_length=20, choices=PartyKind.choices)
    name = models.CharField(_("name"), max_length=120)
    # Encrypted at rest; found and kept unique through its digest (core/crypto.py).
    id_number = EncryptedCharField(
        _("resident ID number"),
        max_length=18,
        blank=True,
        help_text=_(
            "People: the 18-character resident ID number (GB 11643, check digit validated)."
        ),
    )
    id_number_digest = DigestField(_("resident ID number digest"), source="id_number")
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        blank=True,
        help_text=_(
            "Organisations: the 18-character code (GB 32100-2015, check character validated)."
        ),
    )
    legal_representative = models.CharField(
        _("legal representative"),
        max_length=60,
        blank=True,
        help_text=_("Organisations: the legal representative or person in charge."),
    )
    phone = EncryptedCharField(_("phone"), max_length=20, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = PartyQuerySet.as_manager()

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number_digest"],
                condition=~Q(id_number_digest=""),
                name="parties_party_unique_id_number",
            ),
            models.UniqueConstraint(
                fields=["credit_code"],
                condition=~Q(credit_code=""),
                name="parties_party_unique_credit_code",
            ),
            # A person has an ID number and no credit code; an organisation the reverse.
            models.CheckConstraint(
                condition=(Q(kind=PartyKind.PERSON) & ~Q(id_number="") & Q(credit_code=""))
                | (Q(kind=PartyKind.ORGANISATION) & ~Q(credit_code="") & Q(id_number="")),
                name="parties_party_identifier_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def is_person(self) -> bool:
        return self.kind == PartyKind.PERSON

    @property
    def identifier(self) -> str:
        return self.id_number if self.is_person else self.credit_code

    @property
    def display_name(self) -> str:
        """How the party is named on staff pages: a person's name masked, an organisation's
        name in full (it is on the public business register)."""
        return mask_name(self.name) if self.is_person else self.name

    def masked(self) -> dict[str, str]:
        """Every field as shown without a logged reveal (脱敏)."""
        if self.is_person:
            return {
                "name": mask_name(self.name),
                "id_number": mask_id_number(self.id_number),
                "credit_code": "",
                "legal_representative": "",
                "phone": mask_phone(self.phone),
                "address": mask_address(self.address),
            }
        return {
            "name": self.name,
            "id_number": "",
            "credit_code": self.credit_code,
            "legal_representative": mask_name(self.legal_representative),
            "phone": mask_phone(self.phone),
            "address": self.address,
        }

    def unmasked(self) -> dict[str, str]:
        return {
            "name": self.name,
            "id_number": self.id_number,
            "credit_code": self.credit_code,
            "legal_representative": self.legal_representative,
            "phone": self.phone,
            "address": self.address,
        }


class PartyHistory(HistoryEntry):
    """Every change to a party's record (created, details corrected)."""

    party = models.ForeignKey(
        Party, verbose_name=_("party"), on_delete=models.PROTECT, related_name="history"
    )

    class Meta(HistoryEntry.Meta):
        verbose_name = _("party history entry")
        verbose_name_plural = _("party history")

    # The actions ``services`` writes, in words.
    ACTION_LABELS = {"create": _("record created"), "correct": _("details corrected")}

    @property
    def action_label(self) -> str:
        return str(self.ACTION_LABELS.get(self.action, self.action))
