from __future__ import annotations

from django.contrib.contenttypes.models import ContentType

from .models import PersonalDataAccess


def record_personal_data_access(
    *, user, subject, fields: list[str], channel: str, ip_address: str | None = None
) -> PersonalDataAccess:
    return PersonalDataAccess.objects.create(
        user=user,
        content_type=ContentType.objects.get_for_model(subject),
        object_id=str(subject.pk),
        fields=list(fields),
        channel=channel,
        ip_address=ip_address,
    )
