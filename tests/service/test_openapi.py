"""Each service documents exactly the routes it has."""

from __future__ import annotations

import json

import pytest
from chalice.test import Client
from openapi_spec_validator import validate

from infra.local.apps import load_app
from infra.local.bootstrap import Stack
from infra.resources import SERVICES


@pytest.mark.parametrize("service", SERVICES)
def test_openapi_lists_exactly_the_apps_routes(aws: Stack, service: str) -> None:
    app = load_app(service).app
    with Client(app) as client:
        response = client.http.get("/openapi.json")
    assert response.status_code == 200
    document = json.loads(response.body)
    validate(document)
    documented = {
        (path, method.upper()) for path, ops in document["paths"].items() for method in ops
    }
    routed = {(path, method) for path, methods in app.routes.items() for method in methods}
    assert documented == routed


def test_protected_routes_declare_security_and_errors(aws: Stack) -> None:
    with Client(load_app("intake").app) as client:
        document = json.loads(client.http.get("/openapi.json").body)
    accept = document["paths"]["/dossiers/{id}/accept"]["post"]
    assert accept["security"] == [{"cognito": []}]
    assert {"401", "403"} <= set(accept["responses"])
    assert "security" not in document["paths"]["/track/{code}"]["get"]


BASE_PATHS = {
    "intake": "/intake",
    "payment": "/payment",
    "delivery": "/delivery",
    "notify": "/notify",
}


@pytest.mark.parametrize("service", SERVICES)
def test_each_document_declares_its_base_path_as_a_relative_server(
    aws: Stack, service: str
) -> None:
    """OpenAPI 3.1, Server Object: "This URL ... MAY be relative, to indicate that the host
    location is relative to the location where the OpenAPI document is being served". The
    document is served at /<service>/openapi.json (the custom domain's base path mapping, the
    local gateway's prefix); its paths (/dossiers) are under /<service>, not the site's root."""
    with Client(load_app(service).app) as client:
        document = json.loads(client.http.get("/openapi.json").body)
    servers = document["servers"]
    assert [s["url"] for s in servers] == [BASE_PATHS[service]]
    assert "://" not in servers[0]["url"]  # no host: it works locally, on AWS, behind CloudFront
