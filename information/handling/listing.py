"""The public information list (Daftar Informasi Publik), maintained by the PPID in the console."""

from __future__ import annotations

from django.db import transaction

from humas import access
from humas.errors import Refused
from information.models import ListItem


@transaction.atomic
def save_item(item: ListItem, *, by) -> ListItem:
    """Store a new or changed item of a unit the user may maintain the list of."""
    if not access.can(by, "information.list", item):
        raise Refused("forbidden", code="forbidden", status=403)
    if item.info_class == "dikecualikan":
        item.url = ""
    item.save()
    return item
