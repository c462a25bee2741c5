import pytest
import yaml
from django.core.management import call_command
from drf_spectacular.validation import validate_schema

pytestmark = pytest.mark.django_db

ENDPOINTS = [
    "/api/v1/auth/token/",
    "/api/v1/auth/register/",
    "/api/v1/offers/",
    "/api/v1/offers/{id}/",
    "/api/v1/offers/autocomplete/",
    "/api/v1/shops/",
    "/api/v1/shops/{id}/",
    "/api/v1/depots/",
    "/api/v1/depots/{id}/",
    "/api/v1/members/",
    "/api/v1/members/{id}/",
    "/api/v1/reservations/",
    "/api/v1/reservations/{id}/",
    "/api/v1/reservations/{id}/accept/",
    "/api/v1/reservations/{id}/cancel/",
    "/api/v1/reservations/{id}/cancel-line/",
    "/api/v1/reservations/{id}/collect/",
    "/api/v1/reservations/{id}/deliver/",
    "/api/v1/reservations/{id}/reassign/",
    "/api/v1/reservations/{id}/ready/",
    "/api/v1/reservations/{id}/refuse/",
    "/api/v1/reservations/{id}/return/",
    "/api/v1/reservations/{id}/ship/",
    "/api/v1/stock-feeds/",
    "/api/v1/stock-feeds/{id}/",
    "/api/v1/subscriptions/",
    "/api/v1/subscriptions/{id}/",
    "/api/v1/subscriptions/{id}/change-day/",
    "/api/v1/subscriptions/{id}/change-depot/",
    "/api/v1/deliveries/",
    "/api/v1/deliveries/{id}/",
    "/api/v1/deliveries/{id}/cancel/",
    "/api/v1/deliveries/{id}/double/",
    "/api/v1/deliveries/{id}/postpone/",
    "/api/v1/absences/",
]


def test_schema_is_valid_openapi_and_describes_every_endpoint(api):
    response = api.get("/api/v1/schema/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi")
    schema = yaml.safe_load(response.content)
    validate_schema(schema)
    assert schema["openapi"].startswith("3.")
    assert sorted(schema["paths"]) == sorted(ENDPOINTS)


def test_schema_as_json(api):
    response = api.get("/api/v1/schema/", {"format": "json"})

    assert response.status_code == 200
    validate_schema(response.json())


def test_schema_documents_filters_token_and_errors(api):
    schema = api.get("/api/v1/schema/", {"format": "json"}).json()
    paths = schema["paths"]

    offer_parameters = {p["name"]: p for p in paths["/api/v1/offers/"]["get"]["parameters"]}
    assert set(offer_parameters) == {
        "organisation",
        "shop",
        "category",
        "condition",
        "min_price",
        "max_price",
        "size",
        "colour",
        "material",
        "organisation_kind",
        "available_now",
        "q",
        "page",
        "page_size",
    }
    assert offer_parameters["category"]["schema"]["type"] == "integer"
    assert offer_parameters["min_price"]["schema"]["type"] == "number"
    assert offer_parameters["available_now"]["schema"]["type"] == "boolean"
    assert offer_parameters["q"]["schema"]["maxLength"] == 200
    shop_parameters = {p["name"] for p in paths["/api/v1/shops/"]["get"]["parameters"]}
    assert {"organisation", "kind", "near"} <= shop_parameters
    member_parameters = {p["name"] for p in paths["/api/v1/members/"]["get"]["parameters"]}
    assert {"category", "volunteer", "volunteer_domain"} <= member_parameters

    token = paths["/api/v1/auth/token/"]["post"]
    assert set(token["responses"]) == {"200", "400"}
    assert "requestBody" in token
    for path, operations in paths.items():
        responses = operations.get("get", {}).get("responses", {})
        if "get" not in operations:
            assert "400" in operations["post"]["responses"], path
        elif path.endswith("{id}/"):
            assert "404" in responses, path
        elif path != "/api/v1/auth/token/":
            assert "400" in responses, path
    assert {"401", "403"} <= set(paths["/api/v1/members/"]["get"]["responses"])

    offer = schema["components"]["schemas"]["Offer"]["properties"]
    assert {"price_excl_tax", "price_incl_tax", "stock_available", "shop"} <= set(offer)
    assert "distance_km" in schema["components"]["schemas"]["Shop"]["properties"]


def test_schema_generation_has_no_warning(tmp_path):
    """What `manage.py spectacular --validate --fail-on-warn` checks (it raises on any warning)."""
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))

    assert (tmp_path / "schema.yml").read_text().startswith("openapi:")


def test_docs_render_with_the_bundled_swagger_ui(api):
    response = api.get("/api/v1/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "SwaggerUIBundle" in html
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "/api/v1/schema/" in html
    for cdn in ("cdn.jsdelivr.net", "unpkg.com", "cdnjs"):
        assert cdn not in html


def test_swagger_ui_assets_are_served_locally(client):
    response = client.get("/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")

    assert response.status_code == 200
