"""History rows are evidence: a complaint's and an information request's events, once saved, are never
rewritten or deleted (humas.models.ImmutableModel)."""

from __future__ import annotations

import pytest

from complaints.models import ComplaintEvent
from complaints.tests.test_workflow import file
from humas.models import ImmutableRow
from information.models import RequestEvent


@pytest.mark.django_db
def test_a_saved_complaint_event_is_never_rewritten_or_deleted(unit_tree):
    event = ComplaintEvent.objects.filter(complaint=file(unit_tree["kanwil"])).first()
    event.public_message = "ditulis ulang"
    with pytest.raises(ImmutableRow):
        event.save()
    with pytest.raises(ImmutableRow):
        event.delete()
    assert ComplaintEvent.objects.get(pk=event.pk).public_message != "ditulis ulang"


@pytest.mark.django_db
def test_a_saved_request_event_is_never_rewritten_or_deleted(unit_tree):
    from information.tests.conftest import file_request

    info_request, _code = file_request(unit_tree["kanwil"])
    event = RequestEvent.objects.filter(request=info_request).first()
    with pytest.raises(ImmutableRow):
        event.save()
    with pytest.raises(ImmutableRow):
        event.delete()
    assert RequestEvent.objects.filter(pk=event.pk).exists()
