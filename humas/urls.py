"""Root URLconf. Public pages and the staff console live inside i18n_patterns (Indonesian at /, English
under /en/); machine addresses (health, admin, API) do not. The apps' URLconfs are included here and
nothing more of them is imported."""

from __future__ import annotations

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.static import serve

from . import api, health, views
from .security import shows_map

app_name = "humas"
handler400 = "humas.failures.bad_request"
handler404 = "humas.failures.not_found"
handler500 = "humas.failures.server_error"

humas_patterns = [
    path("", views.home, name="home"),
    path("kontak/", views.contact, name="contact"),
    path("kontak/<slug:slug>/", views.unit_contact, name="unit_contact"),
    path("staf/", views.staff_home, name="staff_home"),
    path("staf/unit/", views.staff_units, name="staff_units"),
    path("staf/unit/<slug:slug>/", views.staff_unit, name="staff_unit"),
    path("staf/unit/<slug:slug>/ubah/", views.staff_unit_edit, name="staff_unit_edit"),
    path("staf/unit/<slug:slug>/wilayah/", shows_map()(views.staff_unit_area), name="staff_unit_area"),
    path("staf/masuk/", views.LoginView.as_view(), name="login"),
    path("staf/keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("staf/sandi/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "staf/sandi/selesai/",
        auth_views.PasswordChangeDoneView.as_view(template_name="registration/password_change_done.html"),
        name="password_change_done",
    ),
    path("staf/lupa-sandi/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "staf/lupa-sandi/terkirim/",
        auth_views.PasswordResetDoneView.as_view(template_name="registration/password_reset_done.html"),
        name="password_reset_done",
    ),
    path("staf/lupa-sandi/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path(
        "staf/lupa-sandi/selesai/",
        auth_views.PasswordResetCompleteView.as_view(template_name="registration/password_reset_complete.html"),
        name="password_reset_complete",
    ),
]

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/", include(api.urlpatterns)),
    path("open311/v2/", include("open311.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("releases.newsroom.seo")),
    path("", include("mailing.webhook_urls")),
    *i18n_patterns(
        path("", include((humas_patterns, "humas"))),
        path("", include("releases.urls")),
        path("", include("mailing.urls")),
        path("", include("complaints.public.urls")),
        path("", include("complaints.handling.urls")),
        path("", include("complaints.reporting.urls")),
        path("", include("channels_social.urls")),
        path("", include("information.public.urls")),
        path("", include("information.handling.urls")),
        path("", include("information.reporting.urls")),
        path("", include("open311.console")),
        path("", include("monitoring.urls")),
        path("", include("oversight.urls")),
        prefix_default_language=False,
    ),
]

if settings.DEBUG:
    # Uploaded public media in development; production serves MEDIA_ROOT from the web server or MEDIA_URL.
    urlpatterns.append(
        path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", serve, {"document_root": settings.MEDIA_ROOT})
    )
