"""E-mail backend of the embedded mode: every message becomes one RFC 822 `.eml` file under
EMAIL_FILE_PATH (var/mail/ by default), readable by any mail client."""

from __future__ import annotations

import secrets
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone


class EmlFileBackend(BaseEmailBackend):
    def __init__(self, *args, file_path: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.directory = Path(file_path or settings.EMAIL_FILE_PATH)

    def send_messages(self, email_messages) -> int:
        if not email_messages:
            return 0
        self.directory.mkdir(parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            if not message.recipients():
                continue
            stamp = timezone.now().strftime("%Y%m%d-%H%M%S-%f")
            path = self.directory / f"{stamp}-{secrets.token_hex(4)}.eml"
            try:
                path.write_bytes(message.message().as_bytes(linesep="\r\n"))
            except OSError:
                if not self.fail_silently:
                    raise
                continue
            sent += 1
        return sent
