"""Every role against every action, in its own unit, a unit below it, and another unit."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from conftest import make_staff
from humas import access
from humas.models import Membership, Unit

# What each role may do, written out from the issue (not read from access.PERMISSIONS).
EXPECTED = {
    "admin": {
        "unit.view", "unit.manage", "member.manage", "dashboard.view", "complaint.view", "complaint.handle",
        "complaint.see_anonim_identity", "release.view", "release.write", "release.publish", "subscriber.manage",
        "channel.manage", "channel.log", "information.view", "information.list", "monitoring.view",
        "monitoring.manage",
    },
    "editor": {"unit.view", "release.view", "release.write", "release.publish", "subscriber.manage",
               "channel.manage", "channel.log", "monitoring.view", "monitoring.manage"},
    "writer": {"unit.view", "release.view", "release.write", "channel.log", "monitoring.view"},
    "officer": {"unit.view", "dashboard.view", "complaint.view", "complaint.handle", "monitoring.view"},
    "viewer": {"unit.view", "dashboard.view", "complaint.view", "release.view", "information.view",
               "monitoring.view"},
    "ppid": {"unit.view", "information.view", "information.handle", "information.list", "monitoring.view"},
    "atasan_ppid": {"unit.view", "information.view", "information.objection", "monitoring.view"},
}  # fmt: skip
ACTIONS = sorted(set().union(*EXPECTED.values()))


def test_the_table_covers_exactly_the_actions_we_know():
    public_actions = {a for a in access.PERMISSIONS if not a.startswith("__")}
    assert public_actions == set(ACTIONS)


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(EXPECTED))
@pytest.mark.parametrize("action", ACTIONS)
def test_role_grants_action_in_its_unit_and_below_but_not_elsewhere(unit_tree, role, action):
    user = make_staff(f"u_{role}", role, unit_tree["kanwil"])
    allowed = action in EXPECTED[role]
    assert access.can(user, action, unit_tree["kanwil"]) is allowed
    assert access.can(user, action, unit_tree["satker"]) is allowed  # a unit below
    assert access.can(user, action, unit_tree["root"]) is False  # the unit above
    assert access.can(user, action, unit_tree["other"]) is False  # another branch
    assert access.can(user, action, unit_tree["other_satker"]) is False


@pytest.mark.django_db
def test_objects_with_a_unit_are_judged_by_their_unit(unit_tree, officer):
    class Report:
        def __init__(self, unit):
            self.unit_id = unit.pk

    assert access.can(officer, "complaint.handle", Report(unit_tree["satker"]))
    assert not access.can(officer, "complaint.handle", Report(unit_tree["other_satker"]))


@pytest.mark.django_db
def test_get_for_answers_404_for_another_units_object_and_403_for_a_wrong_role(unit_tree, writer, other_unit_officer):
    units = Unit.objects.all()
    # writer may see the kanwil but not manage it: 403
    with pytest.raises(PermissionDenied):
        access.get_for(writer, "unit.manage", units, slug="kanwil-tengah")
    # the other unit's officer does not even learn it exists: 404
    with pytest.raises(Http404):
        access.get_for(other_unit_officer, "unit.view", units, slug="kanwil-tengah")
    with pytest.raises(Http404):
        access.get_for(other_unit_officer, "unit.manage", units, slug="kanwil-tengah")
    with pytest.raises(Http404):
        access.get_for(writer, "unit.view", units, slug="no-such-unit")
    assert access.get_for(writer, "unit.view", units, slug="satker-tengah") == unit_tree["satker"]


@pytest.mark.django_db
def test_check_raises_404_outside_scope_and_403_inside(unit_tree, viewer):
    with pytest.raises(Http404):
        access.check(viewer, "complaint.handle", unit_tree["other"])
    with pytest.raises(PermissionDenied):
        access.check(viewer, "complaint.handle", unit_tree["kanwil"])
    access.check(viewer, "complaint.view", unit_tree["kanwil"])


@pytest.mark.django_db
def test_scope_narrows_a_queryset_by_unit(unit_tree, officer, superuser):
    assert set(access.scope(officer, "unit.view", Unit.objects.all()).values_list("slug", flat=True)) == {
        "kanwil-tengah",
        "satker-tengah",
    }
    assert access.scope(superuser, "unit.view", Unit.objects.all()).count() == 5


@pytest.mark.django_db
def test_roles_held_in_several_units_add_up(unit_tree):
    user = make_staff("dual", "writer", unit_tree["kanwil"])
    Membership.objects.create(user=user, unit=unit_tree["other"], role="officer")
    assert access.can(user, "release.write", unit_tree["satker"])
    assert not access.can(user, "release.write", unit_tree["other_satker"])
    assert access.can(user, "complaint.handle", unit_tree["other_satker"])
    assert not access.can(user, "complaint.handle", unit_tree["satker"])
    assert access.roles_in(user, unit_tree["satker"]) == {"writer"}


@pytest.mark.django_db
def test_inactive_users_anonymous_users_and_inactive_units_get_nothing(unit_tree, officer):
    from django.contrib.auth.models import AnonymousUser

    assert not access.can(AnonymousUser(), "unit.view", unit_tree["kanwil"])
    assert not access.is_staff_member(AnonymousUser())
    unit_tree["kanwil"].is_active = False
    unit_tree["kanwil"].save()
    access.forget(officer)
    assert not access.can(officer, "unit.view", unit_tree["satker"])
    officer.is_active = False
    assert not access.is_staff_member(officer)


@pytest.mark.django_db
def test_superuser_may_do_everything(unit_tree, superuser):
    for action in ACTIONS:
        assert access.can(superuser, action, unit_tree["other_satker"])


@pytest.mark.django_db
def test_scope_is_computed_once_per_user_object(unit_tree, officer, django_assert_num_queries):
    with django_assert_num_queries(2):  # memberships, then the subtree
        for _ in range(5):
            access.can(officer, "complaint.view", unit_tree["satker"])
            access.unit_ids_for(officer, "complaint.view")
