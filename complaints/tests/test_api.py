"""The public complaint API: the same validation, service and throttles as the web form; one error shape."""

from __future__ import annotations

import pytest
from django.test import Client

from complaints.handling import workflow
from complaints.models import Channel, Complaint, EventKind, Status
from complaints.public import intake
from complaints.public.forms import ApiComplaintForm, ComplaintForm
from humas.models import Unit

from .conftest import photo

VALID = {
    "kind": "aspiration",
    "unit": "satker-tengah",
    "title": "Usul layanan Sabtu pagi untuk pekerja",
    "description": "Banyak warga bekerja pada jam kantor; mohon dibuka layanan terbatas pada Sabtu pagi.",
    "identity_mode": "anonim",
    "reporter_name": "Rina",
    "reporter_phone": "+62 370 123456",
    "visibility": "rahasia",
    "consent": "true",
}


@pytest.mark.django_db
def test_post_files_a_report_and_answers_with_the_tracking_code(client, unit_tree):
    response = client.post("/api/v1/complaints/", {**VALID, "attachments": [photo()]})
    assert response.status_code == 201, response.content
    body = response.json()
    complaint = Complaint.objects.get()
    assert intake.find_by_code(body["tracking_code"]) == complaint
    assert body["reference"] == complaint.display_reference and complaint.display_reference.startswith("#20")
    assert body["status"] == "new" and body["unit"] == "Satker Tengah"
    assert complaint.channel == Channel.API and complaint.reporter_phone == "+62370123456"
    assert complaint.attachments.count() == 1


@pytest.mark.django_db
def test_json_without_files_works_too(client, unit_tree):
    response = client.post("/api/v1/complaints/", VALID, content_type="application/json")
    assert response.status_code == 201


@pytest.mark.django_db
def test_errors_come_in_one_shape_in_indonesian_by_default(client, unit_tree):
    response = client.post("/api/v1/complaints/", {**VALID, "title": "", "reporter_phone": "12"})
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert body["errors"]["title"] == ["Bidang ini harus diisi."]
    assert "0812-3456-7890" in body["errors"]["reporter_phone"][0]
    assert response["Content-Language"] == "id"
    assert Complaint.objects.count() == 0


@pytest.mark.django_db
def test_errors_are_english_with_accept_language_en(client, unit_tree):
    response = client.post("/api/v1/complaints/", {**VALID, "title": ""}, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 400
    assert response.json()["errors"]["title"] == ["This field is required."]
    assert response["Content-Language"] == "en"


@pytest.mark.django_db
def test_bad_files_are_refused_through_the_api_too(client, unit_tree):
    fake = photo("x.jpg", b"%PDF-1.4\n%%EOF")
    response = client.post("/api/v1/complaints/", {**VALID, "attachments": [fake]})
    assert response.status_code == 400
    assert "x.jpg" in response.json()["errors"]["attachments"][0]
    too_many = client.post("/api/v1/complaints/", {**VALID, "attachments": [photo(f"{i}.jpg") for i in range(6)]})
    assert too_many.status_code == 400
    assert Complaint.objects.count() == 0


@pytest.mark.django_db
def test_the_api_shares_the_forms_rate_limit(client, unit_tree, settings):
    settings.COMPLAINT_SUBMIT_LIMIT = 1
    assert client.post("/api/v1/complaints/", VALID).status_code == 201
    throttled = client.post("/api/v1/complaints/", VALID)
    assert throttled.status_code == 429 and throttled.json()["detail"].startswith("Terlalu banyak")


@pytest.mark.django_db
def test_get_by_code_shows_the_public_history_only(client, unit_tree, officer):
    code = client.post("/api/v1/complaints/", {**VALID, "attachments": [photo()]}).json()["tracking_code"]
    complaint = Complaint.objects.get()
    workflow.move(workflow.locked(complaint), to_status=Status.VERIFIED, event_kind=EventKind.VERIFIED,
                  actor=officer, public_message="Diterima.", internal_note="INTERNAL-NOTE")  # fmt: skip
    response = Client().get(f"/api/v1/complaints/{code.lower().replace('-', '')}/")
    assert response.status_code == 200
    body = response.json()
    assert body["reference"] == complaint.display_reference and body["status"] == "verified"
    assert code not in response.content.decode().replace("/", " ")  # the code never comes back in a body
    assert [e["kind"] for e in body["events"]] == ["submitted", "verified"]
    assert body["events"][1]["message"] == "Diterima."
    text = response.content.decode()
    assert "INTERNAL-NOTE" not in text and "Rina" not in text and "123456" not in text
    attachment_url = body["events"][0]["attachments"][0]["url"]
    download = Client().get(attachment_url)
    assert download.status_code == 200 and download["Content-Type"] == "image/jpeg"


@pytest.mark.django_db
def test_wrong_codes_get_one_answer_and_are_throttled(client, unit_tree, settings):
    settings.COMPLAINT_TRACK_LIMIT = 5
    answers = [client.get(f"/api/v1/complaints/ADU-0000-0000-000{i}/") for i in range(4)]
    answers.append(client.get("/api/v1/complaints/not-a-code/"))  # malformed: the same answer as unknown
    assert {a.status_code for a in answers} == {404}
    assert len({a.content for a in answers}) == 1
    assert client.get("/api/v1/complaints/nonsense/").status_code == 429


@pytest.mark.django_db
def test_categories_are_listed_per_unit(client, categories):
    everything = client.get("/api/v1/categories/").json()
    assert {c["name"] for c in everything} == {"Jalan rusak", "Pelayanan", "Pungli"}
    satker = client.get("/api/v1/categories/?unit=satker-tengah").json()
    assert [(c["name"], c["unit"], c["resolution_days"]) for c in satker] == [("Pelayanan", "satker-tengah", 14)]


@pytest.mark.django_db
def test_the_schema_documents_the_complaint_endpoints(client):
    schema = client.get("/api/schema/").content.decode()
    assert "/api/v1/complaints/" in schema and "/api/v1/categories/" in schema


@pytest.mark.django_db
def test_the_unit_table_kept_per_process_follows_unit_changes(client, unit_tree):
    """Units are read from a per-process table (humas.units.active_unit); a change made here shows at once,
    a unit made elsewhere is found in the database, and a deactivated one is refused."""
    assert client.post("/api/v1/complaints/", VALID, content_type="application/json").status_code == 201
    unit = unit_tree["satker"]
    unit.is_active = False
    unit.save()
    response = client.post("/api/v1/complaints/", VALID, content_type="application/json")
    assert response.status_code == 400 and "unit" in response.json()["errors"]
    # a unit written without signals (as another process would) is found in the database
    Unit.objects.bulk_create([Unit(name="Satker Baru", slug="satker-baru", parent=unit_tree["kanwil"])])
    response = client.post("/api/v1/complaints/", {**VALID, "unit": "satker-baru"}, content_type="application/json")
    assert response.status_code == 201, response.content
    assert Complaint.objects.latest("pk").unit.slug == "satker-baru"


def _field_state(form_class) -> dict:
    """Everything a field and its widget hold, to see that validating changed none of it."""
    return {
        name: (repr(sorted(vars(field).items(), key=str)), repr(sorted(vars(field.widget).items(), key=str)))
        for name, field in form_class.base_fields.items()
    }


@pytest.mark.django_db
def test_the_api_form_shares_its_fields_and_validating_changes_none_of_them(unit_tree):
    before = _field_state(ApiComplaintForm)
    cases = [
        VALID,
        {**VALID, "identity_mode": "anonymous"},
        {**VALID, "title": "", "reporter_phone": "12", "unit": "no-such-unit", "kind": "wish", "consent": ""},
        {},
    ]
    for data in cases:
        shared, ordinary = ApiComplaintForm(data=data), ComplaintForm(data=data)
        assert shared.fields["title"] is ApiComplaintForm.base_fields["title"]  # no copy per form
        assert shared.is_valid() == ordinary.is_valid()
        assert shared.errors == ordinary.errors and shared.cleaned_data == ordinary.cleaned_data
    assert _field_state(ApiComplaintForm) == before
