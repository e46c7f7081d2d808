"""The admin goes through the same access rules: another unit's release is not there, state changes are
actions that call the services."""

from __future__ import annotations

from django.contrib.auth.models import Permission
from django.test import Client

from releases.models import Release, Status

from .factories import draft


def admin_user(username, role, unit):
    from conftest import make_staff

    user = make_staff(username, role, unit, is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="releases"))
    return user


def test_another_units_release_is_not_in_the_admin(unit_tree, writer):
    stranger = admin_user("admin_timur", "writer", unit_tree["other"])
    release = draft(unit_tree["kanwil"], writer)
    client = Client()
    client.force_login(stranger)
    assert release.title not in client.get("/admin/releases/release/").content.decode()
    assert client.get(f"/admin/releases/release/{release.pk}/change/").status_code == 302  # "doesn't exist" redirect
    client.post("/admin/releases/release/", {"action": "publish_selected", "_selected_action": [release.pk]})
    assert Release.objects.get(pk=release.pk).status == Status.DRAFT


def test_a_writer_in_the_admin_cannot_publish(unit_tree):
    staff_writer = admin_user("penulis_admin", "writer", unit_tree["kanwil"])
    release = draft(unit_tree["kanwil"], staff_writer)
    Release.objects.filter(pk=release.pk).update(status=Status.APPROVED)
    client = Client()
    client.force_login(staff_writer)
    client.post("/admin/releases/release/", {"action": "publish_selected", "_selected_action": [release.pk]})
    assert Release.objects.get(pk=release.pk).status == Status.APPROVED


def test_an_editor_publishes_from_the_admin(unit_tree):
    staff_editor = admin_user("redaktur_admin", "editor", unit_tree["kanwil"])
    release = draft(unit_tree["kanwil"], staff_editor)
    Release.objects.filter(pk=release.pk).update(status=Status.APPROVED)
    client = Client()
    client.force_login(staff_editor)
    client.post("/admin/releases/release/", {"action": "publish_selected", "_selected_action": [release.pk]})
    assert Release.objects.get(pk=release.pk).status == Status.PUBLISHED


def test_the_admin_forms_open_and_a_correction_goes_through_the_service(unit_tree):
    staff_editor = admin_user("redaktur_form", "editor", unit_tree["kanwil"])
    release = draft(unit_tree["kanwil"], staff_editor)
    client = Client()
    client.force_login(staff_editor)
    assert client.get(f"/admin/releases/release/{release.pk}/change/").status_code == 200
    assert client.get("/admin/releases/release/add/").status_code == 200
    data = {
        "unit": unit_tree["kanwil"].pk,
        "title": "Judul dikoreksi di admin",
        "summary": "",
        "body": "<p>ok</p><script>alert(1)</script>",
        "language": "id",
        "category": "",
        "dateline": "",
        "writer_user": "",
        "writer_name": "",
        "editor_user": "",
        "editor_name": "",
        "photographer_user": "",
        "photographer_name": "",
        "contact_name": "",
        "contact_phone": "",
        "contact_email": "",
        "tags": [],
        "photos-TOTAL_FORMS": "0",
        "photos-INITIAL_FORMS": "0",
        "events-TOTAL_FORMS": "0",
        "events-INITIAL_FORMS": "1",
    }
    response = client.post(f"/admin/releases/release/{release.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    release.refresh_from_db()
    assert release.title == "Judul dikoreksi di admin" and release.body == "<p>ok</p>"
    assert release.revisions.count() == 2
