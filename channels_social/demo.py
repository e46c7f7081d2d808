"""Demo data: social channels of the demo units (fictional handles)."""

from __future__ import annotations

from .models import Platform, SocialChannel

CHANNELS = {
    "humas-pusat": [
        (Platform.FACEBOOK, "Humas Kementerian Contoh", "https://www.facebook.com/humaskementeriancontoh", False),
        (Platform.INSTAGRAM, "@humas.kemcontoh", "https://www.instagram.com/humas.kemcontoh", True),
        (Platform.X, "@HumasKemContoh", "https://x.com/HumasKemContoh", True),
        (Platform.YOUTUBE, "Kementerian Contoh", "https://www.youtube.com/@kementeriancontoh", False),
        (Platform.WHATSAPP, "Saluran WhatsApp Humas", "https://whatsapp.com/channel/0029VaContohHumas01", False),
    ],
    "kanwil-nusa-tengah": [
        (Platform.FACEBOOK, "Kanwil Nusa Tengah", "https://www.facebook.com/kanwilnusatengah", True),
        (Platform.INSTAGRAM, "@kanwil.nusatengah", "https://www.instagram.com/kanwil.nusatengah", True),
        (Platform.TIKTOK, "@kanwilnusatengah", "https://www.tiktok.com/@kanwilnusatengah", False),
        (Platform.TELEGRAM, "Info Kanwil Nusa Tengah", "https://t.me/kanwilnusatengah", False),
    ],
    "kanwil-nusa-timur": [
        (Platform.FACEBOOK, "Kanwil Nusa Timur", "https://www.facebook.com/kanwilnusatimur", True),
        (Platform.INSTAGRAM, "@kanwil.nusatimur", "https://www.instagram.com/kanwil.nusatimur", False),
    ],
}


def seed(*, stdout, units) -> None:
    made = 0
    for slug, rows in CHANNELS.items():
        unit = units.get(slug)
        if unit is None:
            continue
        for order, (platform, handle, url, complaints) in enumerate(rows):
            SocialChannel.objects.update_or_create(
                unit=unit, url=url,
                defaults={"platform": platform, "handle": handle, "order": order, "accepts_complaints": complaints,
                          "is_active": True},
            )  # fmt: skip
            made += 1
    stdout.write(f"Demo social channels: {made}.")
