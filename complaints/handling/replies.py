"""Reply templates (templat balasan): named texts per unit, and optionally per category, that an officer starts
a message to the reporter from — a response, a request for information, a rejection or a resolution. A unit's
templates are offered in its sub-units too. Placeholders in braces are filled for the report at hand:

    {nama_pelapor}  the reporter's name as they allowed it (never the name of an anonim or anonymous reporter)
    {referensi}     the report's reference (reference(), the one place that says what it is)
    {unit}          the unit handling the report
    {tenggat}       the report's next deadline, in the unit's time zone

Services write (save_template, delete_template), selectors read (templates_for, fill)."""

from __future__ import annotations

import re

from django.db import transaction
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils import translation
from django.utils.translation import gettext as _

from complaints.handling import sla
from complaints.models import Category, Complaint, IdentityMode, ReplyPurpose, ReplyTemplate
from humas import dates
from humas.errors import Refused
from humas.models import Unit

PLACEHOLDERS = ("nama_pelapor", "referensi", "unit", "tenggat")
# the workflow actions whose message a template fills
ACTION_PURPOSES = {
    "respond": ReplyPurpose.RESPONSE,
    "request_info": ReplyPurpose.REQUEST_INFO,
    "reject": ReplyPurpose.REJECTION,
    "resolve": ReplyPurpose.RESOLUTION,
}
TOKEN_RE = re.compile(r"\{([^{}]*)\}")


# --- the placeholders ---------------------------------------------------------------------------------------


def reference(complaint: Complaint) -> str:
    """The report's reference as a message to the reporter names it. Messages can appear on the public board,
    so never the secret tracking code: its reference ("#2026-000123"), which staff also search by."""
    return complaint.display_reference


def reporter_name(complaint: Complaint) -> str:
    """The name the reporter let the unit see: a named reporter's own name; for an anonim or anonymous report
    (or a named one without a name) a neutral form of address, so the officer who reads the filled text
    learns nothing the identity mode hides."""
    if complaint.identity_mode == IdentityMode.NAMED and complaint.reporter_name.strip():
        return complaint.reporter_name.strip()
    return _("Mr/Ms Reporter")


def deadline(complaint: Complaint) -> str:
    due = sla.current_due(complaint)
    if due is None:
        return "—"
    return dates.format_datetime(due, complaint.unit.time_zone, language=complaint.language)


def problems(body: str) -> list[str]:
    """What is wrong with a template's text, in the user's language: each unknown placeholder by name, and
    braces that do not enclose a placeholder."""
    found = []
    unknown = [name for name in TOKEN_RE.findall(body) if name.strip() not in PLACEHOLDERS]
    for name in dict.fromkeys(unknown):
        found.append(
            _("Unknown placeholder {%(name)s}. Use %(known)s.")
            % {"name": name, "known": ", ".join(f"{{{p}}}" for p in PLACEHOLDERS)}
        )
    if "{" in TOKEN_RE.sub("", body) or "}" in TOKEN_RE.sub("", body):
        found.append(_("A brace is not closed: write placeholders as {unit}."))
    return found


def fill(template: ReplyTemplate, complaint: Complaint) -> str:
    """The template's text with the placeholders filled for `complaint`, in the reporter's language."""
    with translation.override(complaint.language or "id"):
        values = {
            "nama_pelapor": reporter_name(complaint),
            "referensi": reference(complaint),
            "unit": complaint.unit.name,
            "tenggat": deadline(complaint),
        }
    return TOKEN_RE.sub(lambda match: values.get(match[1].strip(), match[0]), template.body)


# --- reading ------------------------------------------------------------------------------------------------


def templates_for(complaint: Complaint, purpose: str | None = None) -> QuerySet[ReplyTemplate]:
    """The active templates of `purpose` (None: of every purpose) offered for `complaint`: its unit's and those
    of the units above it, for any category or for the report's own; the unit's own first, then the nearest
    parent's, by name."""
    parents = dict(Unit.objects.ancestors_of(complaint.unit_id).values_list("pk", "parent_id"))
    chain, current = [], complaint.unit_id
    while current in parents and current not in chain:
        chain.append(current)
        current = parents[current]
    nearness = Case(
        *(When(unit_id=unit_id, then=Value(i)) for i, unit_id in enumerate(chain)),
        default=Value(len(chain)),
        output_field=IntegerField(),
    )
    category = Q(category__isnull=True)
    if complaint.category_id:
        category |= Q(category_id=complaint.category_id)
    found = ReplyTemplate.objects.filter(category, unit_id__in=chain, is_active=True)
    if purpose is not None:
        found = found.filter(purpose=purpose)
    return found.select_related("unit", "category").annotate(nearness=nearness).order_by("nearness", "name", "pk")


def offered(complaint: Complaint) -> dict[str, list[ReplyTemplate]]:
    """templates_for() of every purpose at once, by purpose (for the report's page, which offers them in
    several action forms)."""
    by_purpose: dict[str, list[ReplyTemplate]] = {purpose: [] for purpose in ReplyPurpose.values}
    for template in templates_for(complaint):
        by_purpose[template.purpose].append(template)
    return by_purpose


# --- writing ------------------------------------------------------------------------------------------------


@transaction.atomic
def save_template(
    *,
    unit: Unit,
    purpose: str,
    name: str,
    body: str,
    by,
    category: Category | None = None,
    is_active: bool = True,
    template: ReplyTemplate | None = None,
) -> ReplyTemplate:
    """Create a template, or change `template`. Refused: an unknown placeholder (named), a category of
    another unit, a name the unit already uses for that purpose."""
    found = problems(body)
    if found:
        raise Refused(" ".join(found))
    if purpose not in ReplyPurpose.values:
        raise Refused(_("Choose what the template is for."))
    if category is not None and category.unit_id != unit.pk:
        raise Refused(_("Choose a category of the template's own unit."))
    clash = ReplyTemplate.objects.filter(unit=unit, purpose=purpose, name=name)
    if template is not None:
        clash = clash.exclude(pk=template.pk)
    if clash.exists():
        raise Refused(_("The unit already has a template of this name for this purpose."), status=409)
    template = template or ReplyTemplate()
    template.unit, template.category, template.purpose = unit, category, purpose
    template.name, template.body, template.is_active, template.updated_by = name, body, is_active, by
    template.save()
    return template


@transaction.atomic
def delete_template(template: ReplyTemplate, *, by) -> None:
    template.delete()
