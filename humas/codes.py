"""Tracking codes: the only credential of a citizen who files without an account (a report, an information
request). A code is 60 random bits in Crockford base32, shown once (the receipt page and the e-mail) and
stored only as a keyed hash, like a password-reset token: a database dump, an export or a staff screen
never holds a code that works. Staff and documents name a record by its separate, non-secret reference.

    code = codes.new_code()              # '7KQ2M9XD4TNP'
    codes.display(code, "ADU")           # 'ADU-7KQ2-M9XD-4TNP'
    codes.normalise("adu-7kq2 m9xd-4tnp", "ADU")  # '7KQ2M9XD4TNP'
    codes.digest(code)                   # 64 hex characters, what the row stores
"""

from __future__ import annotations

import re
import secrets

from django.utils.crypto import constant_time_compare, salted_hmac

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U
LENGTH = 12  # 12 × 5 bits = 60 bits from `secrets`
DIGEST_LENGTH = 64  # hex of HMAC-SHA256
SALT = "humas.codes.tracking"

_ALIASES = str.maketrans({"I": "1", "L": "1", "O": "0"})


def new_code() -> str:
    bits = secrets.randbits(5 * LENGTH)  # one read of the system's random source, not one per character
    return "".join(ALPHABET[(bits >> shift) & 31] for shift in range(0, 5 * LENGTH, 5))


def display(code: str, prefix: str) -> str:
    """'7KQ2M9XD4TNP' → 'ADU-7KQ2-M9XD-4TNP' (how a code is printed and read aloud)."""
    return f"{prefix}-{code[0:4]}-{code[4:8]}-{code[8:12]}"


def normalise(text: str, prefix: str) -> str | None:
    """What a person typed → the bare code; None when it cannot be one. Spaces, dashes, dots, case, the
    prefix and the letters people confuse with digits (I, L, O) are forgiven."""
    cleaned = re.sub(r"[\s\-_.]", "", (text or "").upper())
    if cleaned.startswith(prefix) and len(cleaned) == LENGTH + len(prefix):
        cleaned = cleaned[len(prefix) :]
    cleaned = cleaned.translate(_ALIASES)
    if len(cleaned) != LENGTH or any(ch not in ALPHABET for ch in cleaned):
        return None
    return cleaned


def digest(code: str) -> str:
    """The keyed hash a row stores in place of its code (HMAC-SHA256 under SECRET_KEY). Rotating SECRET_KEY
    invalidates every code; list the old key in SECRET_KEY_FALLBACKS meanwhile (see `digests`)."""
    return salted_hmac(SALT, code, algorithm="sha256").hexdigest()


def digests(code: str) -> list[str]:
    """The code's hash under SECRET_KEY and under each SECRET_KEY_FALLBACKS key: look a row up by any."""
    from django.conf import settings

    return [digest(code)] + [
        salted_hmac(SALT, code, secret=key, algorithm="sha256").hexdigest() for key in settings.SECRET_KEY_FALLBACKS
    ]


def matches(code: str, stored: str) -> bool:
    return any(constant_time_compare(candidate, stored) for candidate in digests(code))


SEAL_SALT = "humas.codes.seal"


def _pad(purpose: str) -> int:
    return int(salted_hmac(SEAL_SALT, purpose, algorithm="sha256").hexdigest()[: 5 * LENGTH // 4], 16)


def seal(code: str, purpose: str) -> str:
    """The code as a queued e-mail keeps it until it is sent: masked with a pad derived from SECRET_KEY and the
    e-mail's one purpose ("complaint-receipt:123"; each record has one receipt), so a dump of the outbox holds no
    working code."""
    value = sum(ALPHABET.index(ch) << (5 * i) for i, ch in enumerate(code))
    return format(value ^ _pad(purpose), f"0{5 * LENGTH // 4}x")


def unseal(sealed: str, purpose: str) -> str:
    value = int(sealed, 16) ^ _pad(purpose)
    return "".join(ALPHABET[(value >> (5 * i)) & 31] for i in range(LENGTH))
