from __future__ import annotations

import pytest

from humas.errors import Refused
from humas.models import Unit
from humas.units import check_parent


def build_chain(depth: int, prefix: str) -> list[Unit]:
    chain: list[Unit] = []
    parent = None
    for level in range(depth):
        parent = Unit.objects.create(name=f"{prefix} {level}", slug=f"{prefix}-{level}", parent=parent)
        chain.append(parent)
    return chain


@pytest.mark.django_db
def test_subtree_holds_the_unit_and_everything_below_it(unit_tree):
    below_kanwil = set(Unit.objects.subtree_of([unit_tree["kanwil"]]).values_list("slug", flat=True))
    assert below_kanwil == {"kanwil-tengah", "satker-tengah"}
    below_root = set(Unit.objects.subtree_of([unit_tree["root"]]).values_list("slug", flat=True))
    assert below_root == {"pusat", "kanwil-tengah", "satker-tengah", "kanwil-timur", "satker-timur"}
    two = set(Unit.objects.subtree_of([unit_tree["satker"], unit_tree["other"]]).values_list("slug", flat=True))
    assert two == {"satker-tengah", "kanwil-timur", "satker-timur"}


@pytest.mark.django_db
def test_ancestors_go_up_to_the_root(unit_tree):
    above = set(Unit.objects.ancestors_of(unit_tree["satker"]).values_list("slug", flat=True))
    assert above == {"satker-tengah", "kanwil-tengah", "pusat"}


@pytest.mark.django_db
def test_tree_queries_take_one_query_whatever_the_depth(django_assert_num_queries):
    shallow = build_chain(3, "dangkal")
    deep = build_chain(40, "dalam")
    with django_assert_num_queries(1):
        assert len(list(Unit.objects.subtree_of([shallow[0]]))) == 3
    with django_assert_num_queries(1):
        assert len(list(Unit.objects.subtree_of([deep[0]]))) == 40
    with django_assert_num_queries(1):
        assert len(list(Unit.objects.ancestors_of(deep[-1]))) == 40


@pytest.mark.django_db
def test_a_unit_cannot_move_below_itself_or_its_descendants(unit_tree):
    with pytest.raises(Refused):
        check_parent(unit_tree["kanwil"], unit_tree["satker"])
    with pytest.raises(Refused):
        check_parent(unit_tree["kanwil"], unit_tree["kanwil"])
    check_parent(unit_tree["kanwil"], unit_tree["other"])  # a sibling's subtree is fine


@pytest.mark.django_db
def test_the_database_refuses_a_unit_as_its_own_parent(unit_tree):
    from django.db import IntegrityError, transaction

    unit = unit_tree["satker"]
    unit.parent_id = unit.pk
    with pytest.raises(IntegrityError), transaction.atomic():
        unit.save()


@pytest.mark.django_db
def test_admin_form_refuses_a_cycle_with_a_message(unit_tree):
    from humas.admin import UnitAdminForm

    kanwil = unit_tree["kanwil"]
    data = {
        "name": kanwil.name, "slug": kanwil.slug, "kind": kanwil.kind, "parent": unit_tree["satker"].pk,
        "time_zone": kanwil.time_zone, "is_active": True, "short_name": "", "address": "", "email": "", "phone": "",
    }  # fmt: skip
    form = UnitAdminForm(data=data, instance=kanwil)
    assert not form.is_valid()
    assert "parent" in form.errors
