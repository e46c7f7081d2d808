"""Places in the shared templates that the apps fill in (the home page's sections, the footer, the staff
console's menu). An app registers a renderer from its AppConfig.ready(); humas itself imports no app.

    slots.register("footer", lambda request, **context: render_to_string("channels_social/footer.html", ...))

A template fills a slot with `{% slot "unit_contact" unit=unit %}`; the keyword values reach each renderer.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from django.http import HttpRequest
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

Renderer = Callable[..., str]  # renderer(request, **context) -> html

SLOTS = (
    "home", "footer", "unit_contact", "staff_menu", "staff_home",
    # releases' pages, filled by the mailing list (releases does not import it)
    "newsroom_list", "staff_release_actions", "staff_release_forms", "staff_release_reach",
    # a release's staff page, filled by media monitoring (the outlets that covered it)
    "staff_release_coverage",
)  # fmt: skip

_registry: dict[str, list[tuple[int, Renderer]]] = defaultdict(list)


def register(slot: str, renderer: Renderer, *, order: int = 100) -> None:
    if slot not in SLOTS:
        raise ValueError(f"unknown slot {slot!r}; known: {', '.join(SLOTS)}")
    if any(existing is renderer for _, existing in _registry[slot]):
        return
    _registry[slot].append((order, renderer))
    _registry[slot].sort(key=lambda pair: pair[0])


def render(slot: str, request: HttpRequest, **context) -> SafeString:
    parts = [renderer(request, **context) for _, renderer in _registry.get(slot, [])]
    # renderers return render_to_string() output, which is already safe; anything else gets escaped
    return format_html_join("", "{}", ((p,) for p in parts if p))


def filled(slot: str) -> bool:
    return bool(_registry.get(slot))
