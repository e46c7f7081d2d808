"""The published schema tells the truth about what the API answers (the live schemathesis run is
tests/test_api_contract.py): one error shape documented once and referenced for 400/404/429/503 (401/403
where a credential is needed), nullable fields declared, paginated staff lists; hostile input is a 400."""

from __future__ import annotations

import pytest
import yaml

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def test_the_error_shape_is_documented_once_and_referenced_by_every_operation(schema):
    assert set(schema["components"]["schemas"]["Error"]["required"]) == {"detail", "errors"}
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            codes = set(operation["responses"])
            assert {"400", "404", "429", "503"} <= codes, (method, path)
            if path.startswith("/api/v1/staff/"):
                assert {"401", "403"} <= codes, (method, path)
    assert "401" not in schema["paths"]["/api/v1/units/"]["get"]["responses"]


def test_nullable_fields_are_declared(schema):
    schemas = schema["components"]["schemas"]
    assert schemas["UnitOutput"]["properties"]["parent"]["nullable"] is True
    assert schemas["ComplaintStaffOutput"]["properties"]["assigned_to"]["nullable"] is True
    assert schemas["ReleaseSummaryOutput"]["properties"]["category"]["nullable"] is True


def test_staff_lists_are_documented_as_the_pages_they_are(schema):
    for path in ("/api/v1/staff/complaints/", "/api/v1/staff/releases/"):
        ok = schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        assert ok["$ref"].startswith("#/components/schemas/Paginated")


def test_hostile_input_is_a_400_in_the_error_shape(client, unit_tree):
    nul = client.get("/api/v1/categories/", {"unit": "a\x00b"})
    assert nul.status_code == 400 and set(nul.json()) == {"detail", "errors"} and "unit" in nul.json()["errors"]
    array = client.post("/api/v1/complaints/", [1, 2], content_type="application/json")
    assert array.status_code == 400 and array.json()["errors"] == {}
    garbage = client.post("/api/v1/complaints/", "\x00{", content_type="application/json")
    assert garbage.status_code == 400 and "detail" in garbage.json()


def test_an_api_address_that_names_nothing_is_a_json_404(client):
    response = client.get("/api/v1/staff/releases/null,null/")
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Tidak ditemukan.", "errors": {}}
    assert "text/html" in client.get("/tidak-ada/")["Content-Type"]  # pages keep their HTML 404
