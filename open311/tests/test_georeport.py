"""GeoReport v2, field by field against the spec's examples, in JSON and XML; the POST through the same intake
as the web form; errors as the spec's error list; privacy: nothing of a `rahasia` report, no identity."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from defusedxml import ElementTree
from django.utils import timezone

from complaints.models import Category, Channel, Complaint, Status
from humas.models import OutboxEmail
from humas.tests.areas import mapped_tree
from open311 import clients
from open311.models import Request

BASE = "/open311/v2"
DESCRIPTION = "Lampu jalan di depan SDN 3 Mataram mati sejak seminggu, jalan gelap dan rawan kecelakaan malam hari."


@pytest.fixture
def mapped(unit_tree):
    return mapped_tree(unit_tree)


@pytest.fixture
def services(mapped):
    return {
        "lampu": Category.objects.create(
            unit=mapped["satker"], name="Lampu jalan", description="Lampu jalan mati", keywords="lampu, jalan"
        ),
        "jalan": Category.objects.create(unit=mapped["kanwil"], name="Jalan rusak", resolution_days=60),
    }


@pytest.fixture
def humas_admin(unit_tree):
    from conftest import make_staff

    return make_staff("admin_pusat", "admin", unit_tree["root"])


@pytest.fixture
def api_key(humas_admin):
    return clients.issue_client(name="Aplikasi Kota", contact="dev@kota.test", by=humas_admin)[1]


def post(client, fmt="json", **params):
    return client.post(f"{BASE}/requests.{fmt}", params)


def valid_params(key, services, **extra):
    params = {
        "api_key": key,
        "service_code": str(services["lampu"].pk),
        "lat": "-8.551234",
        "long": "116.121234",
        "description": DESCRIPTION,
        "email": "warga@example.test",
        "first_name": "Siti",
        "last_name": "Aminah",
        "phone": "0812-3456-7890",
        "attribute[consent]": "yes",
    }
    params.update(extra)
    return {k: v for k, v in params.items() if v is not None}


def xml_of(response) -> ElementTree.Element:
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    return ElementTree.fromstring(response.content)


def errors_of(response, fmt="json") -> list[tuple[int, str]]:
    if fmt == "json":
        return [(row["code"], row["description"]) for row in response.json()]
    root = xml_of(response)
    assert root.tag == "errors"
    return [(int(e.findtext("code")), e.findtext("description")) for e in root.findall("error")]


# --- discovery and services ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_discovery_names_the_endpoint_its_spec_and_formats(client):
    data = client.get(f"{BASE}/discovery.json").json()
    assert set(data) == {"changeset", "contact", "key_service", "endpoints"}
    endpoint = data["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://testserver/open311/v2/" and endpoint["type"] == "production"
    assert endpoint["formats"] == ["text/xml", "application/json"]
    root = xml_of(client.get(f"{BASE}/discovery.xml"))
    assert root.tag == "discovery"
    assert [f.text for f in root.findall("endpoints/endpoint/formats/format")] == ["text/xml", "application/json"]


@pytest.mark.django_db
def test_services_are_the_active_categories_with_group_keywords_and_description(client, services):
    Category.objects.create(unit=services["lampu"].unit, name="Lama", is_active=False)
    rows = client.get(f"{BASE}/services.json").json()
    lampu = next(row for row in rows if row["service_name"] == "Lampu jalan")
    assert lampu == {
        "service_code": str(services["lampu"].pk),
        "service_name": "Lampu jalan",
        "description": "Lampu jalan mati",
        "metadata": True,
        "type": "realtime",
        "keywords": "lampu, jalan",
        "group": "Satker Tengah",
    }
    assert len(rows) == 2
    root = xml_of(client.get(f"{BASE}/services.xml"))
    first = next(s for s in root.findall("service") if s.findtext("service_name") == "Lampu jalan")
    assert first.findtext("metadata") == "true" and first.findtext("group") == "Satker Tengah"


@pytest.mark.django_db
def test_a_service_definition_lists_its_attributes_and_an_unknown_one_is_a_404_error(client, services):
    code = services["lampu"].pk
    data = client.get(f"{BASE}/services/{code}.json").json()
    assert data["service_code"] == str(code)
    consent = data["attributes"][0]
    assert consent["code"] == "consent" and consent["required"] is True and consent["datatype"] == "singlevaluelist"
    assert consent["values"] == [{"key": "yes", "name": "Ya"}]
    assert [a["code"] for a in data["attributes"]] == ["consent", "identity", "visibility"]
    assert {v["key"] for v in data["attributes"][2]["values"]} == {"public", "rahasia"}
    root = xml_of(client.get(f"{BASE}/services/{code}.xml"))
    assert root.tag == "service_definition"
    assert root.find("attributes/attribute/values/value/key").text == "yes"
    for fmt in ("json", "xml"):
        response = client.get(f"{BASE}/services/999999.{fmt}")
        assert response.status_code == 404 and errors_of(response, fmt)[0][0] == 404


# --- POST requests ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_post_files_the_same_report_as_the_form_routed_by_its_point(client, services, api_key, mapped):
    response = post(client, **valid_params(api_key, services, media_url="https://93.184.216.34/foto.jpg"))
    assert response.status_code == 201, response.content
    [row] = response.json()
    assert set(row) == {"service_request_id", "token", "service_notice", "account_id"}
    complaint = Complaint.objects.get(pk=int(row["service_request_id"]))
    assert complaint.unit == services["lampu"].unit == mapped["satker"]
    assert complaint.channel == Channel.API and complaint.reporter_name == "Siti Aminah"
    assert complaint.reporter_phone == "+6281234567890" and str(complaint.latitude) == "-8.551234"
    assert complaint.title.startswith("Lampu jalan di depan SDN 3 Mataram") and complaint.consent_at
    assert "ADU-" in row["service_notice"]  # the receipt: the tracking code, as on the receipt page
    assert OutboxEmail.objects.filter(key=f"complaint-receipt:{complaint.pk}", to="warga@example.test").exists()
    filed = Request.objects.get(complaint=complaint)
    assert filed.token == row["token"] and filed.media_url == "https://93.184.216.34/foto.jpg"


@pytest.mark.django_db
def test_a_post_in_xml_without_names_is_anonymous(client, services, api_key):
    params = valid_params(api_key, services, email="", first_name="", last_name="", phone="")
    response = post(client, "xml", **params)
    assert response.status_code == 201
    root = xml_of(response)
    assert root.tag == "service_requests"
    request_id = root.findtext("request/service_request_id")
    assert root.findtext("request/token") and root.find("request/account_id") is not None
    complaint = Complaint.objects.get(pk=int(request_id))
    assert complaint.identity_mode == "anonymous" and complaint.reporter_email == ""


@pytest.mark.django_db
def test_an_xml_body_is_read_and_one_with_entities_is_refused(client, services, api_key):
    params = valid_params(api_key, services)
    attributes = "<attribute><consent>yes</consent></attribute>"
    fields = "".join(f"<{k}>{v}</{k}>" for k, v in params.items() if not k.startswith("attribute"))
    body = f"<service_request>{fields}{attributes}</service_request>"
    response = client.post(f"{BASE}/requests.json", body, content_type="application/xml")
    assert response.status_code == 201, response.content
    evil = (
        '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        f"<service_request><api_key>{api_key}</api_key><description>&x;</description></service_request>"
    )
    response = client.post(f"{BASE}/requests.json", evil, content_type="application/xml")
    assert response.status_code == 400 and "DTD" in errors_of(response)[0][1]
    assert Complaint.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_bad_posts_answer_the_error_list_with_the_right_status_and_store_nothing(
    client, services, api_key, humas_admin, fmt, settings
):
    def refused(status, fragment, **overrides):
        response = post(client, fmt, **valid_params(api_key, services, **overrides))
        assert response.status_code == status, response.content
        assert any(code == status and fragment in text for code, text in errors_of(response, fmt)), response.content

    refused(403, "api_key", api_key="")
    refused(403, "tidak sah", api_key="not-a-key")
    refused(404, "999999", service_code="999999")
    refused(400, "service_code", service_code="")
    refused(400, "media_url", media_url="http://10.0.0.5/foto.jpg")
    refused(400, "media_url", media_url="http://127.0.0.1:8000/x.jpg")
    refused(400, "lat dan long", lat="", long="")
    refused(400, "lat:", lat="48.85", long="2.35")  # far outside the country: the form's message, named lat
    refused(400, "description:", description="Lampu mati.")  # too short for the form, named description
    refused(400, "attribute[consent]", **{"attribute[consent]": ""})
    refused(400, "attribute[visibility]", **{"attribute[visibility]": "secret"})
    refused(404, "jurisdiction_id", jurisdiction_id="other.example")
    assert not Complaint.objects.exists()

    other = clients.issue_client(name="Lama", contact="x@y.test", by=humas_admin)
    clients.revoke_client(other[0], by=humas_admin)
    response = post(client, fmt, **valid_params(other[1], services))
    assert response.status_code == 403 and "dicabut" in errors_of(response, fmt)[0][1]
    settings.OPEN311_REQUEST_LIMIT = 1  # per key: a fresh key has its own count
    fresh = clients.issue_client(name="Baru", contact="x@y.test", by=humas_admin)[1]
    assert post(client, fmt, **valid_params(fresh, services)).status_code == 201
    response = post(client, fmt, **valid_params(fresh, services))
    assert response.status_code == 429 and response["Retry-After"] == "3600"
    assert errors_of(response, fmt)[0][0] == 429
    assert Complaint.objects.count() == 1


# --- GET requests -------------------------------------------------------------------------------------------


def filed(client, api_key, services, **extra) -> Complaint:
    response = post(client, **valid_params(api_key, services, **extra))
    assert response.status_code == 201, response.content
    return Complaint.objects.get(open311__token=response.json()[0]["token"])


@pytest.mark.django_db
def test_a_request_reads_as_the_spec_lists_it_in_both_formats(client, services, api_key):
    complaint = filed(client, api_key, services)
    Complaint.objects.filter(pk=complaint.pk).update(status=Status.VERIFIED)
    [row] = client.get(f"{BASE}/requests/{complaint.pk}.json").json()
    assert row["service_request_id"] == str(complaint.pk) and row["status"] == "open"
    assert row["service_code"] == str(services["lampu"].pk) and row["service_name"] == "Lampu jalan"
    assert row["agency_responsible"] == "Satker Tengah"
    assert row["description"] == complaint.title
    assert (row["lat"], row["long"]) == (-8.551, 116.121)  # rounded to about 100 m
    assert row["requested_datetime"].endswith("+08:00")  # ISO 8601 with the unit's offset (WITA)
    assert row["updated_datetime"] and row["expected_datetime"] is None
    assert row["media_url"] is None and row["status_notes"] is None
    text = json.dumps(row)
    assert "Siti" not in text and "warga@example.test" not in text and "8.551234" not in text
    root = xml_of(client.get(f"{BASE}/requests/{complaint.pk}.xml"))
    assert root.tag == "service_requests" and root.findtext("request/agency_responsible") == "Satker Tengah"
    assert root.findtext("request/lat") == "-8.551"


@pytest.mark.django_db
def test_an_unverified_request_shows_its_status_but_not_its_text_or_place(client, services, api_key):
    complaint = filed(client, api_key, services)
    [row] = client.get(f"{BASE}/requests/{complaint.pk}.json").json()
    assert row["status"] == "open" and row["description"] is None and row["lat"] is None
    assert client.get(f"{BASE}/requests.json").json() == []  # the list holds verified reports only


@pytest.mark.django_db
def test_the_list_filters_by_status_code_and_dates_and_pages(client, services, api_key):
    first = filed(client, api_key, services)
    second = filed(client, api_key, services, service_code=str(services["jalan"].pk))
    Complaint.objects.filter(pk=first.pk).update(status=Status.VERIFIED)
    Complaint.objects.filter(pk=second.pk).update(status=Status.RESOLVED)

    def ids(**params):
        response = client.get(f"{BASE}/requests.json", params)
        assert response.status_code == 200, response.content
        return [int(row["service_request_id"]) for row in response.json()]

    assert ids() == [second.pk, first.pk]
    assert ids(status="open") == [first.pk] and ids(status="closed") == [second.pk]
    assert ids(service_code=str(services["jalan"].pk)) == [second.pk]
    assert ids(service_request_id=f"{first.pk},{second.pk}", status="open") == [second.pk, first.pk]
    assert ids(page_size="1") == [second.pk] and ids(page_size="1", page="2") == [first.pk]
    assert ids(page_size="1", page="3") == []
    later = (timezone.now() + timedelta(days=1)).isoformat()
    assert ids(start_date=later, end_date=(timezone.now() + timedelta(days=2)).isoformat()) == []
    # 10,000 days are clamped to the last 90 of the range: a report 200 days old is left out
    Complaint.objects.filter(pk=first.pk).update(created_at=timezone.now() - timedelta(days=200))
    start = (timezone.now() - timedelta(days=10_000)).isoformat()
    assert ids(start_date=start, end_date=timezone.now().isoformat()) == [second.pk]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({"start_date": "kemarin"}, "start_date"),
        ({"end_date": "2026-13-45T00:00:00Z"}, "end_date"),
        ({"status": "pending"}, "status"),
        ({"page_size": "-3"}, "page_size"),
        ({"service_request_id": "1,x"}, "service_request_id"),
        ({"start_date": "2026-12-02T00:00:00Z", "end_date": "2026-12-01T00:00:00Z"}, "start_date"),
    ],
)
def test_a_malformed_list_query_is_a_400_error(client, db, params, fragment):
    for fmt in ("json", "xml"):
        response = client.get(f"{BASE}/requests.{fmt}", params)
        assert response.status_code == 400
        assert fragment in errors_of(response, fmt)[0][1]


@pytest.mark.django_db
def test_a_token_gives_the_request_id(client, services, api_key):
    complaint = filed(client, api_key, services)
    token = complaint.open311.token
    assert client.get(f"{BASE}/tokens/{token}.json").json() == [
        {"service_request_id": str(complaint.pk), "token": token}
    ]
    root = xml_of(client.get(f"{BASE}/tokens/{token}.xml"))
    assert root.findtext("request/service_request_id") == str(complaint.pk)
    assert client.get(f"{BASE}/tokens/0000.json").status_code == 404


@pytest.mark.django_db
def test_a_rahasia_report_is_absent_from_every_answer(client, services, api_key):
    response = post(client, **valid_params(api_key, services, **{"attribute[visibility]": "rahasia"}))
    assert response.status_code == 201
    [row] = response.json()
    assert "service_request_id" not in row and row["token"]  # its own receipt, without a public id
    complaint = Complaint.objects.get(open311__token=row["token"])
    assert complaint.visibility == "rahasia"
    Complaint.objects.filter(pk=complaint.pk).update(status=Status.VERIFIED)
    for fmt in ("json", "xml"):
        assert client.get(f"{BASE}/requests/{complaint.pk}.{fmt}").status_code == 404
        assert client.get(f"{BASE}/tokens/{row['token']}.{fmt}").status_code == 404
        listing = client.get(f"{BASE}/requests.{fmt}", {"service_request_id": str(complaint.pk)})
        assert listing.status_code == 200 and complaint.title.encode() not in listing.content
        assert complaint.title.encode() not in client.get(f"{BASE}/requests.{fmt}").content


@pytest.mark.django_db
def test_the_list_takes_the_same_queries_for_one_or_many(client, services, api_key, django_assert_max_num_queries):
    for _ in range(3):
        filed(client, api_key, services)
    Complaint.objects.update(status=Status.VERIFIED)
    with django_assert_max_num_queries(3):
        assert len(client.get(f"{BASE}/requests.json").json()) == 3
