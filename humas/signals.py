"""Cache invalidation only: no business rules live in signals."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from . import dates, units
from .models import CollectiveLeaveDay, Unit


@receiver([post_save, post_delete], sender=CollectiveLeaveDay)
def _forget_leave_days(**kwargs):
    dates.forget_leave_days()


@receiver([post_save, post_delete], sender=Unit)
def _forget_active_unit(instance, **kwargs):
    units.forget_active_units(instance.slug)
