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
