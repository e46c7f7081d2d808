"""Password reset for staff, through the outbox like every e-mail a stranger can trigger: the form answers the
same, in the same time, for a known and an unknown address; a client address may ask a few times an hour and an
account's mailbox gets at most one reset e-mail per 10 minutes (humas.ratelimit). The link is built from
SITE_URL, never from the request's Host header, and its token is made when the e-mail is rendered (the outbox
row holds only the user's id)."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from . import outbox, ratelimit
from .context_processors import site_identity

TEMPLATE = "emails/password_reset"


def request_reset(*, email: str, ip: str) -> bool:
    """Queue a reset e-mail for each active account with a usable password at `email`. False when the client
    address asked too often (the caller answers 429); True otherwise, whether or not an account matched."""
    if not ratelimit.allow("password-reset", ip):
        return False
    users = get_user_model().objects.filter(email__iexact=email.strip(), is_active=True)
    for user in users:
        if user.has_usable_password() and ratelimit.allow_mail_to(user.email):
            outbox.enqueue(
                key=f"password-reset:{user.pk}:{int(time.time()) // 600}",  # at most one per ten minutes
                to=user.email,
                template=TEMPLATE,
                context={"user_id": user.pk},
                language=settings.LANGUAGE_CODE,
            )
    return True


def reset_email_context(stored: dict) -> dict:
    """The outbox's context builder: the user, and a fresh link under SITE_URL."""
    user = get_user_model().objects.get(pk=stored["user_id"])
    with translation.override(settings.LANGUAGE_CODE):
        path = reverse(
            "humas:password_reset_confirm",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        )
    return {"user": user, "username": user.get_username(), "site_name": site_identity()["name"],
            "reset_url": f"{settings.SITE_URL}{path}"}  # fmt: skip
