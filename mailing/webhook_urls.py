"""Machine addresses of the mailing list, outside i18n_patterns: the ESP's tracking webhook (django-anymail,
/anymail/<esp>/tracking/). Mounted only when ANYMAIL_WEBHOOK_SECRET is set: without the shared secret
anyone could report an address as bounced or as a spam complaint."""

from __future__ import annotations

from django.conf import settings
from django.urls import include, path

urlpatterns = [path("anymail/", include("anymail.urls"))] if settings.ANYMAIL.get("WEBHOOK_SECRET") else []
