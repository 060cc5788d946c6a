"""Personal data at rest (core/crypto.py): what the database holds is not the ID number or the
phone number, every page still reads them, exact lookups go through the digest, keys rotate,
and a wrong key is a clear error."""

from __future__ import annotations

import io

import pytest
from cryptography.fernet import Fernet
from django.contrib.admin.sites import site
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction
from django.test import RequestFactory

from civicloop.cases.filtersets import CaseFilterSet
from civicloop.cases.models import Case
from civicloop.core import crypto
from civicloop.events.models import Event
from civicloop.org.models import Unit, User
from civicloop.parties.choices import PartyKind
from civicloop.parties.models import Party
from civicloop.testing.cases import file as file_case
from civicloop.testing.journeys import report
from civicloop.testing.world import PERSON_ID

PERSON2_ID = "33042419900101001X"  # check digit X


def raw(model, pk, column: str) -> str:
    """The stored value, read past the ORM."""
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {qn(column)} FROM {qn(model._meta.db_table)} WHERE {qn(model._meta.pk.column)} = %s",
            [pk],
        )
        return cursor.fetchone()[0]


def new_key() -> str:
    return Fernet.generate_key().decode()


def encryption(*args: str) -> str:
    out = io.StringIO()
    call_command("encryption", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def reported(world):
    return report(
        world,
        reporter_phone="13912345678",
        reporter_id_number=PERSON_ID,
    )


# --- what is stored ------------------------------------------------------------------------


def test_event_reporter_phone_and_id_number_are_stored_encrypted_and_read_back(reported):
    event = reported
    for column, plain in (("reporter_phone", "13912345678"), ("reporter_id_number", PERSON_ID)):
        stored = raw(Event, event.pk, column)
        assert plain not in stored
        assert crypto.is_encrypted(stored)
    again = Event.objects.get(pk=event.pk)
    assert (again.reporter_phone, again.reporter_id_number) == ("13912345678", PERSON_ID)


def test_party_and_staff_phones_are_stored_encrypted(case_world):
    person = case_world.person
    assert PERSON_ID not in raw(Party, person.pk, "id_number")
    assert "13912345678" not in raw(Party, person.pk, "phone")
    assert Party.objects.get(pk=person.pk).id_number == PERSON_ID
    user = case_world.users["wuyuan_leader"]
    user.phone = "13800001111"
    user.save()
    assert "13800001111" not in raw(User, user.pk, "phone")
    unit = Unit.objects.filter(phone="").first()
    unit.phone = "0573-86001234"
    unit.save()
    assert "86001234" not in raw(Unit, unit.pk, "phone")
    assert Unit.objects.get(pk=unit.pk).phone == "0573-86001234"


def test_the_same_value_encrypts_differently_each_time(db):
    assert crypto.encrypt(PERSON_ID) != crypto.encrypt(PERSON_ID)


def test_empty_values_stay_empty_so_constraints_on_empty_still_hold(case_world):
    enterprise = case_world.enterprise
    assert raw(Party, enterprise.pk, "id_number") == ""
    assert raw(Party, enterprise.pk, "id_number_digest") == ""
    # The check constraint "an organisation has no ID number" still refuses one.
    with pytest.raises(IntegrityError), transaction.atomic():
        Party.objects.filter(pk=enterprise.pk).update(id_number=PERSON2_ID)


# --- lookups -------------------------------------------------------------------------------


def test_a_party_is_found_by_its_id_number_through_the_digest(case_world):
    person = case_world.person
    query = Party.objects.filter(id_number=PERSON_ID.lower())
    assert list(query) == [person]
    assert "id_number_digest" in str(query.query)
    assert list(Party.objects.search(PERSON_ID)) == [person]
    assert list(Party.objects.filter(id_number__in=[PERSON_ID, PERSON2_ID])) == [person]
    assert not Party.objects.filter(id_number=PERSON2_ID).exists()
    assert not Party.objects.filter(pk=person.pk, id_number="").exists()


def test_the_cases_list_finds_a_case_by_its_partys_whole_id_number(case_world):
    case = file_case(case_world)
    cases = Case.objects.filter(pk=case.pk)
    assert list(CaseFilterSet({"q": PERSON_ID.lower()}, queryset=cases).qs) == [case]
    assert list(CaseFilterSet({"q": PERSON2_ID}, queryset=cases).qs) == []


def test_a_part_of_an_id_number_cannot_be_searched(case_world):
    with pytest.raises(FieldError):
        list(Party.objects.filter(id_number__icontains="3304"))
    with pytest.raises(FieldError):
        list(Party.objects.filter(id_number__startswith="3304"))


def test_an_encrypted_field_without_digest_refuses_an_exact_match(reported):
    with pytest.raises(FieldError, match="no digest"):
        list(Event.objects.filter(reporter_phone="13912345678"))
    assert Event.objects.filter(pk=reported.pk).exclude(reporter_phone="").exists()


def test_one_id_number_belongs_to_one_party_through_the_digest(case_world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Party.objects.create(kind=PartyKind.PERSON, name="冒名", id_number=PERSON_ID.lower())


def test_the_digest_is_never_stale_on_an_instance(db):
    party = Party(kind=PartyKind.PERSON, name="王五", id_number=PERSON2_ID)
    assert party.id_number_digest == crypto.digest(PERSON2_ID)
    party.id_number = PERSON_ID
    assert party.id_number_digest == crypto.digest(PERSON_ID)
    Party.objects.bulk_create([party])
    assert Party.objects.filter(id_number=PERSON_ID).exists()


def test_staff_are_found_in_the_admin_by_their_whole_mobile_number(world):
    user = world.grid_worker
    user.phone = "138 0000 1111"
    user.save()
    admin = site._registry[User]
    request = RequestFactory().get("/admin/org/user/", {"q": "13800001111"})
    found, _dup = admin.get_search_results(request, User.objects.all(), "13800001111")
    assert list(found) == [user]
    found, _dup = admin.get_search_results(request, User.objects.all(), "1380000")
    assert user not in found


# --- keys and rotation ---------------------------------------------------------------------


def test_rotation_with_two_keys_then_the_old_key_is_removed(case_world, settings):
    old, new = new_key(), new_key()
    settings.CIVICLOOP_FIELD_KEYS = old
    person = case_world.person
    person.phone = "13700002222"
    person.save()
    assert crypto.stored_key_id(raw(Party, person.pk, "phone")) == crypto.key_id(old)

    settings.CIVICLOOP_FIELD_KEYS = f"{new}, {old}"
    assert Party.objects.get(pk=person.pk).phone == "13700002222"  # old rows readable
    status = encryption("status")
    assert f"{crypto.key_id(old)}" in status

    out = encryption("rotate", "--batch-size", "1")
    assert crypto.key_id(new) in out
    stored = raw(Party, person.pk, "phone")
    assert crypto.stored_key_id(stored) == crypto.key_id(new)
    assert crypto.stored_key_id(raw(Party, person.pk, "id_number")) == crypto.key_id(new)
    again = crypto.rewrite_all(crypto.encrypted_models([Party])[0])
    assert (again["reencrypted"], again["digests"]) == (0, 0)  # nothing left to do
    usage = crypto.key_usage(crypto.encrypted_models([Party])[0])
    assert set(usage["phone"]) <= {crypto.key_id(new), ""}

    settings.CIVICLOOP_FIELD_KEYS = new  # the old key removed
    again = Party.objects.get(pk=person.pk)
    assert (again.phone, again.id_number) == ("13700002222", PERSON_ID)
    assert Party.objects.filter(id_number=PERSON_ID).get() == again


def test_a_value_under_a_key_no_longer_configured_is_a_clear_error(case_world, settings):
    old = new_key()
    settings.CIVICLOOP_FIELD_KEYS = old
    person = case_world.person
    person.save()
    settings.CIVICLOOP_FIELD_KEYS = new_key()
    with pytest.raises(crypto.EncryptedDataError) as caught:
        Party.objects.get(pk=person.pk)
    message = str(caught.value)
    assert "parties_party.id_number" in message
    assert crypto.key_id(old) in message
    with pytest.raises(CommandError):
        encryption("status")


def test_an_altered_value_is_a_clear_error(case_world):
    person = case_world.person
    stored = raw(Party, person.pk, "phone")
    altered = stored[:-6] + ("A" if stored[-6] != "A" else "B") + stored[-5:]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE parties_party SET phone = %s WHERE id = %s", [altered, person.pk])
    with pytest.raises(crypto.EncryptedDataError, match="parties_party.phone"):
        Party.objects.get(pk=person.pk)


def test_a_new_index_key_takes_effect_after_rotate(case_world, settings):
    settings.CIVICLOOP_FIELD_INDEX_KEY = "a" * 40
    person = case_world.person
    person.save()
    settings.CIVICLOOP_FIELD_INDEX_KEY = "b" * 40
    assert not Party.objects.filter(id_number=PERSON_ID).exists()  # digests of the old key
    out = encryption("rotate")
    assert "Party" in out
    assert Party.objects.filter(id_number=PERSON_ID).get() == person


def test_generate_key_prints_a_usable_key(settings):
    key = encryption("generate-key").strip()
    Fernet(key.encode())
    settings.CIVICLOOP_FIELD_KEYS = key
    assert crypto.decrypt(crypto.encrypt("13912345678")) == "13912345678"
    index = encryption("generate-key", "--index").strip()
    assert len(index) >= crypto.MIN_INDEX_KEY_LENGTH


# --- checks --------------------------------------------------------------------------------


def test_deploy_checks_warn_without_keys_and_not_with_them(settings):
    settings.CIVICLOOP_FIELD_KEYS = ""
    settings.CIVICLOOP_FIELD_INDEX_KEY = ""
    assert {m.id for m in crypto.check_keys_configured()} == {"crypto.W001", "crypto.W002"}
    settings.CIVICLOOP_FIELD_KEYS = new_key()
    settings.CIVICLOOP_FIELD_INDEX_KEY = crypto.generate_index_key()
    assert crypto.check_keys_configured() == []
    assert crypto.check_keys() == []


@pytest.mark.parametrize(
    "keys, index",
    [("not-a-key", ""), ("", "too short")],
)
def test_an_unusable_key_is_an_error_check(settings, keys, index):
    settings.CIVICLOOP_FIELD_KEYS = keys
    settings.CIVICLOOP_FIELD_INDEX_KEY = index
    assert [m.id for m in crypto.check_keys()] == ["crypto.E001"]


def test_keys_are_read_from_a_key_file_with_comments():
    assert crypto.split_keys("# new, since 2026-12\nAAA\n\n# old\nBBB, CCC\n") == [
        "AAA",
        "BBB",
        "CCC",
    ]
