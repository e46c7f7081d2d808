"""The Celery app. Configuration comes from Django settings (CELERY_*); the beat schedule is kept here,
in code, so that every deployment runs the same periodic work."""

from __future__ import annotations

import os

from celery import Celery
from celery.schedules import crontab
from celery.signals import task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "humas.settings")

app = Celery("humas")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    # the outbox's sender: receipts and notifications leave within about five seconds of their commit
    "sweep-outbox": {"task": "humas.tasks.sweep_outbox_task", "schedule": 5.0},
    "complaints-sla-digest": {
        "task": "complaints.tasks.sla_digest_task",
        "schedule": crontab(hour=0, minute=30),  # 07:30 WIB
    },
    "complaints-auto-close": {"task": "complaints.tasks.auto_close_task", "schedule": crontab(minute=5)},
    # personal data past its retention term (humas.retention): 03:00 WIB
    "apply-retention": {"task": "humas.tasks.apply_retention_task", "schedule": crontab(hour=20, minute=0)},
    "clear-expired-sessions": {
        "task": "humas.tasks.clear_expired_sessions_task",
        "schedule": crontab(hour=2, minute=15),
    },
    # releases: scheduled releases go out within a minute of their time (exactly once, see
    # releases.publishing.publish_due); view counters move from Redis to the rows every five minutes
    "publish-due-releases": {"task": "releases.tasks.publish_due_releases_task", "schedule": 60.0},
    "flush-release-view-counts": {"task": "releases.tasks.flush_view_counts_task", "schedule": 300.0},
    # the mailing list: rows of a killed worker (lease expired) and lost send tasks are picked up again
    "sweep-release-dispatches": {"task": "mailing.tasks.sweep_dispatches_task", "schedule": 60.0},
    # monitoring: due feeds every minute (each source has its own interval and back-off), the tone of new
    # complaints (every minute), the negative-spike check and the daily digest
    "monitoring-fetch-due-sources": {"task": "monitoring.tasks.fetch_due_sources_task", "schedule": 60.0},
    "monitoring-tone-sweep": {"task": "monitoring.tasks.sweep_complaint_tones_task", "schedule": 60.0},
    "monitoring-negative-spikes": {"task": "monitoring.tasks.check_spikes_task", "schedule": 600.0},
    "monitoring-daily-digest": {
        "task": "monitoring.tasks.daily_digest_task",
        "schedule": crontab(hour=0, minute=45),  # 07:45 WIB
    },
}


@task_prerun.connect
@task_postrun.connect
def close_old_connections(task=None, **kwargs) -> None:
    """A worker's database connection lives as long as DATABASE_CONN_MAX_AGE allows (settings turn off the
    fix-up's close per task), and one left broken or in a failed transaction is dropped, as after a request.
    Eager tasks (the embedded mode, tests) run inside their caller's transaction: left alone."""
    if task is None or getattr(task.request, "is_eager", False):
        return
    from django.db import close_old_connections as close

    close()
