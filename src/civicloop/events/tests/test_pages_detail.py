"""The event detail page: masked reporter data and the logged reveal, timeline,
scoped attachments, merged duplicates."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from civicloop.core.identifiers import id_number_check_char
from civicloop.events import services
from civicloop.events.choices import EventState
from civicloop.privacy.models import PersonalDataAccess
from civicloop.testing.journeys import report, walk


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (30, 200, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


ID_NUMBER = "33042419900101123" + id_number_check_char("33042419900101123")


def test_reporter_data_is_shown_masked(world, client):
    event = report(
        world, reporter_id_number=ID_NUMBER, reporter_address="百可社区幸福路18号3幢201室"
    )
    client.force_login(world.users["wuyuan_dispatcher"])
    page = client.get(reverse("events:detail", args=[event.pk])).content.decode()
    assert "139****5678" in page and "13912345678" not in page
    assert "张*" in page and "张三" not in page
    assert ID_NUMBER[:6] + "********" + ID_NUMBER[-4:] in page and ID_NUMBER not in page
    assert "幸福路18号3幢201室" not in page


def test_reveal_button_shows_full_details_and_logs_the_access(world, client):
    event = report(world)
    dispatcher = world.users["wuyuan_dispatcher"]
    client.force_login(dispatcher)
    page = client.get(reverse("events:detail", args=[event.pk])).content.decode()
    assert 'id="reveal-reporter"' in page
    response = client.post(
        reverse("events:reveal", args=[event.pk]), HTTP_HX_REQUEST="true", REMOTE_ADDR="10.1.2.3"
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "13912345678" in body and "张三" in body
    assert "<html" not in body  # an htmx partial, not a whole page
    access = PersonalDataAccess.objects.get()
    assert access.user == dispatcher
    assert access.object_id == str(event.pk)
    assert access.channel == "web"
    assert access.ip_address == "10.1.2.3"
    assert set(access.fields) == {"reporter_name", "reporter_phone"}


def test_reveal_without_htmx_renders_the_whole_page(world, client):
    event = report(world)
    client.force_login(world.users["wuyuan_dispatcher"])
    response = client.post(reverse("events:reveal", args=[event.pk]))
    assert response.status_code == 200
    assert "13912345678" in response.content.decode()
    assert PersonalDataAccess.objects.count() == 1


def test_reveal_button_is_absent_for_grid_workers_and_their_post_is_refused(world, client):
    event = report(world)
    client.force_login(world.users["grid_worker"])
    page = client.get(reverse("events:detail", args=[event.pk])).content.decode()
    assert 'id="reveal-reporter"' not in page
    response = client.post(reverse("events:reveal", args=[event.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 403
    assert "13912345678" not in response.content.decode()
    assert not PersonalDataAccess.objects.exists()


def test_reveal_of_an_event_out_of_scope_is_not_found(world, client):
    event = report(world)
    client.force_login(world.users["ganpu_dispatcher"])
    assert client.post(reverse("events:reveal", args=[event.pk])).status_code == 404
    assert not PersonalDataAccess.objects.exists()


def test_handling_unit_may_reveal_the_reporter_to_call_back(world, client):
    event = walk(world, report(world), EventState.DISPATCHED)
    client.force_login(world.users["wuyuan_officer"])
    page = client.get(reverse("events:detail", args=[event.pk])).content.decode()
    assert 'id="reveal-reporter"' in page


def test_timeline_shows_every_step_with_actor_and_states(world, client):
    event = walk(world, report(world), EventState.ACCEPTED)
    client.force_login(world.users["wuyuan_dispatcher"])
    response = client.get(reverse("events:detail", args=[event.pk]))
    entries = response.context["timeline"]
    assert [e["action"] for e in entries] == ["collect", "judge", "dispatch", "accept"]
    judge = entries[1]
    assert judge["actor"] == str(world.users["wuyuan_dispatcher"])
    assert judge["from_label"] == EventState.COLLECTED.label
    assert judge["to_label"] == EventState.JUDGED.label
    assert judge["reason"] == "核实为占道经营"
    assert entries[2]["unit"] == world.wuyuan_squad.name
    page = response.content.decode()
    for action in ("collect", "judge", "dispatch", "accept"):
        assert f'data-history-action="{action}"' in page


def test_assignments_feedback_and_checks_are_listed(world, client):
    event = walk(world, report(world), EventState.CHECKED)
    client.force_login(world.users["wuyuan_dispatcher"])
    page = client.get(reverse("events:detail", args=[event.pk])).content.decode()
    assert 'id="assignments"' in page and world.wuyuan_squad.name in page
    assert 'id="feedbacks"' in page and "已劝离摊贩并清理现场" in page
    assert 'id="checks-and-ratings"' in page and "现场核查已整改" in page


def test_attachments_are_served_only_to_those_who_see_the_event(world, client):
    data = png_bytes()
    event = report(world, attachments=[SimpleUploadedFile("a.png", data, content_type="image/png")])
    item = event.attachments.get()
    url = reverse("events:attachment", args=[event.pk, item.pk])

    client.force_login(world.users["grid_worker"])
    page = client.get(reverse("events:detail", args=[event.pk])).content.decode()
    assert f'src="{url}"' in page  # shown as a thumbnail
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == data

    client.force_login(world.users["ganpu_dispatcher"])
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_attachment_of_another_event_is_not_found_through_this_one(world, client):
    with_photo = report(
        world, attachments=[SimpleUploadedFile("a.png", png_bytes(), content_type="image/png")]
    )
    other = report(world)
    client.force_login(world.users["wuyuan_dispatcher"])
    item = with_photo.attachments.get()
    assert client.get(reverse("events:attachment", args=[other.pk, item.pk])).status_code == 404


def test_merged_duplicate_links_to_its_original_and_the_original_lists_it(world, client):
    original = report(world)
    duplicate = report(world, description="同一处摊贩")
    services.merge_event(
        duplicate, into=original, by=world.users["wuyuan_dispatcher"], reason="重复"
    )
    client.force_login(world.users["wuyuan_dispatcher"])
    page = client.get(reverse("events:detail", args=[duplicate.pk])).content.decode()
    assert 'id="merged-into"' in page
    assert reverse("events:detail", args=[original.pk]) in page
    page = client.get(reverse("events:detail", args=[original.pk])).content.decode()
    assert 'id="duplicates"' in page and duplicate.number in page
