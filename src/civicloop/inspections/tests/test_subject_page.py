"""The subject's page: its place on a map (not raw coordinates) and 回避 recorded there."""

import pytest
from django.urls import reverse

from civicloop.inspections.models import Recusal, SubjectHistory

pytestmark = pytest.mark.django_db


def test_an_officer_records_a_recusal_on_the_page_with_a_history_row(insp_world, client):
    w = insp_world
    subject = w.subjects[0]
    client.force_login(w.dept_officer)
    page = client.get(reverse("inspections:subject", args=[subject.pk])).content.decode()
    assert 'id="subject-map"' in page and 'id="add-recusal"' in page
    response = client.post(
        reverse("inspections:subject-recusal", args=[subject.pk]),
        {"inspector": w.scjg_inspector1.pk, "reason": "其配偶为该企业股东"},
        follow=True,
    )
    assert response.status_code == 200
    recusal = Recusal.objects.get(subject=subject)
    assert recusal.inspector == w.scjg_inspector1 and recusal.reason == "其配偶为该企业股东"
    row = SubjectHistory.objects.get(subject=subject, action="recusal")
    assert row.actor == w.dept_officer and row.reason == "其配偶为该企业股东"
    assert "其配偶为该企业股东" in response.content.decode()


def test_a_recusal_without_a_reason_is_refused_and_nothing_is_stored(insp_world, client):
    w = insp_world
    subject = w.subjects[0]
    client.force_login(w.dept_officer)
    client.post(
        reverse("inspections:subject-recusal", args=[subject.pk]),
        {"inspector": w.scjg_inspector1.pk, "reason": ""},
    )
    assert not Recusal.objects.filter(subject=subject).exists()


def test_someone_who_keeps_no_register_cannot_record_a_recusal(insp_world, client):
    w = insp_world
    subject = w.subjects[0]
    client.force_login(w.leader)
    response = client.post(
        reverse("inspections:subject-recusal", args=[subject.pk]),
        {"inspector": w.scjg_inspector1.pk, "reason": "亲属关系"},
    )
    assert response.status_code in (403, 404)
    assert not Recusal.objects.filter(subject=subject).exists()
