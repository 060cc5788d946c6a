"""Serializers of parties. Personal data is masked here; the unmasked values come only from
the contact endpoint, through ``services.reveal_party`` which logs."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from civicloop.parties.choices import PartyKind
from civicloop.parties.models import Party


class PartySerializer(serializers.ModelSerializer):
    """A party as every member of staff who may see it sees it (脱敏)."""

    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    name = serializers.SerializerMethodField(
        help_text=_("A person's name masked; an organisation's in full.")
    )
    id_number = serializers.SerializerMethodField()
    credit_code = serializers.SerializerMethodField()
    legal_representative = serializers.SerializerMethodField()
    phone = serializers.SerializerMethodField()
    address = serializers.SerializerMethodField()

    class Meta:
        model = Party
        fields = [
            "id",
            "kind",
            "kind_label",
            "name",
            "id_number",
            "credit_code",
            "legal_representative",
            "phone",
            "address",
        ]

    def _masked(self, party) -> dict:
        cache = self.context.setdefault("_masked", {})
        if party.pk not in cache:
            cache[party.pk] = party.masked()
        return cache[party.pk]

    def get_name(self, party) -> str:
        return self._masked(party)["name"]

    def get_id_number(self, party) -> str:
        return self._masked(party)["id_number"]

    def get_credit_code(self, party) -> str:
        return self._masked(party)["credit_code"]

    def get_legal_representative(self, party) -> str:
        return self._masked(party)["legal_representative"]

    def get_phone(self, party) -> str:
        return self._masked(party)["phone"]

    def get_address(self, party) -> str:
        return self._masked(party)["address"]


class PartyInputSerializer(serializers.Serializer):
    """A person (name and resident ID number) or an organisation (name and unified social
    credit code); the identifiers' check characters are validated."""

    kind = serializers.ChoiceField(choices=PartyKind.choices)
    name = serializers.CharField()
    id_number = serializers.CharField(required=False, allow_blank=True, default="")
    credit_code = serializers.CharField(required=False, allow_blank=True, default="")
    legal_representative = serializers.CharField(required=False, allow_blank=True, default="")
    phone = serializers.CharField(required=False, allow_blank=True, default="")
    address = serializers.CharField(required=False, allow_blank=True, default="")


class PartyContactSerializer(serializers.Serializer):
    name = serializers.CharField()
    id_number = serializers.CharField()
    credit_code = serializers.CharField()
    legal_representative = serializers.CharField()
    phone = serializers.CharField()
    address = serializers.CharField()
