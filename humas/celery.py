"""The Celery app. Configuration comes from Django settings (CELERY_*); the beat schedule is kept here,
in code, so that every deployment runs the same periodic work."""

from __future__ import annotations

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "humas.settings")

app = Celery("humas")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    "sweep-outbox": {"task": "humas.tasks.sweep_outbox_task", "schedule": 60.0},
    "complaints-sla-digest": {
        "task": "complaints.tasks.sla_digest_task",
        "schedule": crontab(hour=0, minute=30),  # 07:30 WIB
    },
    "complaints-auto-close": {"task": "complaints.tasks.auto_close_task", "schedule": crontab(minute=5)},
    "clear-expired-sessions": {
        "task": "humas.tasks.clear_expired_sessions_task",
        "schedule": crontab(hour=2, minute=15),
    },
}
