from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "civicloop.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        # Every date and date-time field refuses days no record can bear (core.inputs): the
        # fields' class-wide default validators, so that the pages, the list filters (their form
        # fields) and the API refuse them alike, whichever app declares the field.
        from django import forms
        from rest_framework import serializers

        from .inputs import date_in_range

        for field in (
            forms.DateField,
            forms.DateTimeField,
            serializers.DateField,
            serializers.DateTimeField,
        ):
            if date_in_range not in field.default_validators:
                field.default_validators = [*field.default_validators, date_in_range]
