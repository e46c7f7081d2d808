"""Public pages of the mailing list (/mitra-media/) and its staff pages, inside i18n_patterns. The release's
e-mail dispatch page keeps its address under the release's (…/distribusi/) that staff have bookmarked."""

from __future__ import annotations

from django.urls import path

from . import views

app_name = "mailing"

urlpatterns = [
    path("mitra-media/", views.subscribe, name="subscribe"),
    path("mitra-media/terkirim/", views.subscribe_sent, name="subscriber_sent"),
    path("mitra-media/konfirmasi/<str:token>/", views.confirm, name="subscriber_confirm"),
    path("mitra-media/preferensi/<str:token>/", views.manage, name="subscriber_manage"),
    path("mitra-media/berhenti/<str:token>/", views.unsubscribe, name="subscriber_unsubscribe"),
    path("mitra-media/embargo/<str:token>/", views.embargo_preview, name="embargo_preview"),
    path("staf/mitra-media/", views.subscriber_list, name="staff_subscribers"),
    path("staf/mitra-media/outlet/", views.partner_list, name="staff_partners"),
    path("staf/mitra-media/outlet/<int:pk>/<slug:action>/", views.partner_action, name="staff_partner_action"),
    path("staf/mitra-media/ekspor.csv", views.subscriber_export, name="staff_subscribers_export"),
    path("staf/mitra-media/<int:pk>/", views.subscriber_detail, name="staff_subscriber"),
    path("staf/siaran-pers/<int:pk>/distribusi/", views.dispatch_progress, name="staff_dispatch"),
    path("staf/siaran-pers/<int:pk>/distribusi/kirim-ulang/", views.resend_failed, name="staff_resend_failed"),
    path("staf/siaran-pers/<int:pk>/uji-email/", views.send_test, name="staff_send_test"),
]
