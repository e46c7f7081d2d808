"""Admin and staff edges: the complaints admin is scoped and redacts like the console, "humas admin" means
admin of the report's own root unit, bad bulk input changes nothing, a viewer logging a post gets 403."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission

from channels_social.models import Platform, Post, SocialChannel
from complaints.handling import queue, workflow
from complaints.models import Complaint
from conftest import make_staff
from humas.models import Membership, TimeZone, Unit, UnitKind

from .conftest import file_report, signed_in, snapshot


def admin_site_user(username, role, unit):
    user = make_staff(username, role, unit, is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_complaint"))
    return user


@pytest.fixture
def anonim_report(unit_tree):
    return file_report(unit_tree["kanwil"], identity_mode="anonim", reporter_name="Pelapor Rahasia",
                       reporter_email="rahasia@example.test")  # fmt: skip


@pytest.mark.django_db
def test_the_complaints_admin_lists_only_the_users_units(unit_tree, report, other_report):
    client = signed_in(admin_site_user("staff_kanwil", "officer", unit_tree["kanwil"]))
    listing = client.get("/admin/complaints/complaint/")
    assert listing.status_code == 200
    html = listing.content.decode()
    assert report.display_reference in html and other_report.display_reference not in html
    other = client.get(f"/admin/complaints/complaint/{other_report.pk}/change/")
    assert other.status_code == 302 and other_report.title not in client.get(other["Location"]).content.decode()


@pytest.mark.django_db
def test_the_complaints_admin_hides_an_anonim_reporter_from_the_handling_unit(unit_tree, anonim_report):
    unit_admin = signed_in(admin_site_user("admin_kanwil_site", "admin", unit_tree["kanwil"]))
    page = unit_admin.get(f"/admin/complaints/complaint/{anonim_report.pk}/change/").content.decode()
    assert anonim_report.title in page
    assert "Pelapor Rahasia" not in page and "rahasia@example.test" not in page
    root_admin = signed_in(admin_site_user("admin_pusat_site", "admin", unit_tree["root"]))
    page = root_admin.get(f"/admin/complaints/complaint/{anonim_report.pk}/change/").content.decode()
    assert "Pelapor Rahasia" in page


@pytest.mark.django_db
def test_an_admin_of_another_trees_root_is_not_this_reports_humas_admin(unit_tree, anonim_report):
    elsewhere = Unit.objects.create(name="Biro Lain", slug="biro-lain", kind=UnitKind.PUSAT, time_zone=TimeZone.WIB)
    user = make_staff("two_hats", "admin", elsewhere)
    Membership.objects.create(user=user, unit=unit_tree["kanwil"], role="admin")
    assert not queue.shows_identity(user, anonim_report)
    page = signed_in(user).get(f"/staf/pengaduan/{anonim_report.pk}/").content.decode()
    assert "Pelapor Rahasia" not in page
    root_admin = make_staff("admin_pusat", "admin", unit_tree["root"])
    assert queue.shows_identity(root_admin, anonim_report)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "posted, status",
    [
        ({"ids": ["abc"]}, 400),
        ({"ids": ["1e3"]}, 400),
        ({"ids": ["-1"]}, 400),
        ({"ids": ["9" * 40]}, 400),
        ({"ids": ["{report}"], "officer": "abc"}, 400),
        ({"ids": ["{report}"], "officer": "1 OR 1=1"}, 400),
        ({"ids": ["{report}"], "officer": "{stranger}"}, 400),
        ({"ids": ["{report}", "{other}"]}, 404),
        ({"ids": ["{other}"], "officer": "{officer}"}, 404),
    ],
)
def test_bad_bulk_assignments_change_nothing(unit_tree, report, other_report, officer, other_unit_officer, posted,
                                             status):  # fmt: skip
    names = {"report": report.pk, "other": other_report.pk, "officer": officer.pk, "stranger": other_unit_officer.pk}

    def fill(value):
        return [v.format(**names) for v in value] if isinstance(value, list) else value.format(**names)

    before = snapshot()
    response = signed_in(officer).post("/staf/pengaduan/", {key: fill(value) for key, value in posted.items()})
    assert response.status_code == status
    assert snapshot() == before


@pytest.mark.django_db
def test_a_good_bulk_assignment_still_works(unit_tree, report, officer):
    workflow.verify(report, by=officer)
    response = signed_in(officer).post("/staf/pengaduan/", {"ids": [str(report.pk)], "officer": str(officer.pk)})
    assert response.status_code == 302
    assert Complaint.objects.get(pk=report.pk).assigned_to == officer


@pytest.mark.django_db
def test_a_viewer_logging_a_channel_post_gets_403_and_nothing_is_logged(
    unit_tree, editor, viewer, django_capture_on_commit_callbacks
):
    from releases.tests.factories import published

    with django_capture_on_commit_callbacks(execute=True):
        release = published(unit_tree["kanwil"], editor, "Jembatan Baru Diresmikan")
    channel = SocialChannel.objects.create(unit=unit_tree["kanwil"], platform=Platform.INSTAGRAM, handle="@kanwil",
                                           url="https://instagram.com/kanwil")  # fmt: skip
    response = signed_in(viewer).post(f"/staf/siaran-pers/{release.pk}/kanal/", {"channel": channel.pk})
    assert response.status_code == 403
    stranger = make_staff("viewer_timur", "viewer", unit_tree["other"])
    assert (
        signed_in(stranger).post(f"/staf/siaran-pers/{release.pk}/kanal/", {"channel": channel.pk}).status_code == 404
    )
    assert not Post.objects.exists()
