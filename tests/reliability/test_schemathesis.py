"""Each service against its own OpenAPI document, on the local stack, with schemathesis: for every
operation a few derandomized valid and invalid requests (signed in as a role the route allows,
path ids of real records), and the answer is never a 5xx, has a documented status and content
type, and matches the documented schema.

Schemathesis reads each document from its URL alone, as an outside consumer would, and calls the
API where the document's `servers` entry says (no base URL of the test's own).

Kept small for `make test`: 3 positive + 3 negative examples per operation, no stateful phase.
"""

from __future__ import annotations

from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.e2e.conftest import RunningStack
from tests.reliability.conftest import SERVICE_NAMES, USER_OF_ROLE, World, create_dossier

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES = 3
FEW = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


def user_for(operation: Any) -> str | None:
    """A user whose role the route allows; citizen1 (the owner of the records) when it may."""
    raw = operation.definition.raw
    if not raw.get("security"):
        return None
    roles = raw.get("x-roles") or ["citizen"]
    return USER_OF_ROLE["citizen" if "citizen" in roles else roles[0]]


def path_values(service: str, path: str, method: str, world: World, draft: str) -> dict[str, str]:
    """Real records for the path's ids: writes go to a draft of this test's own; the catalogue
    and calendar edits to a procedure and a year no other test reads."""
    values = {"kind": "receipt", "year": "2099", "provider": "ses"}
    if service == "intake":
        values["id"] = draft if method != "GET" else world.done_id
        if "{attachment_id}" in path:
            values |= {"id": world.draft_id, "attachment_id": world.attachment_id}
        values["code"] = world.code if path.startswith("/track/") else "MYPHAM-01"
        if path.startswith("/procedures/") and method == "PUT":
            values["code"] = "YTDP-02"
        values["verification_code"] = world.verification_code
    elif service == "payment":
        values["txn_ref"] = world.txn_ref
    elif service == "delivery":
        values["id"] = world.shipment_id
    return {name: value for name, value in values.items() if "{" + name + "}" in path}


@pytest.mark.parametrize("service", SERVICE_NAMES)
def test_the_service_answers_as_its_openapi_document_says(
    stack: RunningStack, world: World, documents: dict[str, dict[str, Any]], service: str
) -> None:
    schema = schemathesis.openapi.from_url(f"{stack.url}/{service}/openapi.json")
    assert schema.get_base_url() == f"{stack.url}/{service}"  # from the document's servers
    draft = create_dossier(stack)["id"]
    session = requests.Session()
    failures: list[str] = []
    tested = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        user = user_for(operation)
        headers = {"Authorization": f"Bearer {stack.token(user)}"} if user else {}
        fixed = path_values(service, operation.path, operation.method.upper(), world, draft)
        query = {}
        if any(p.name == "dossier_id" for p in operation.query):
            query["dossier_id"] = world.done_id
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            strategy = operation.as_strategy(
                generation_mode=mode,
                path_parameters=fixed or None,
                headers=headers or None,
                query=query or None if mode is GenerationMode.POSITIVE else None,
            )

            @FEW
            @given(case=strategy)
            def check(case: Any) -> None:
                case.call_and_validate(session=session, checks=CHECKS)

            try:
                check()
            except Unsatisfiable:
                # Negative mode has nothing to break when every parameter is one of our fixed
                # real ids and there is no body (GET /openapi.json, GET /dossiers/{id}, …).
                assert mode is GenerationMode.NEGATIVE
            except (Exception, BaseExceptionGroup) as exc:  # schemathesis groups failures
                failures.append(f"{operation.method.upper()} {operation.path} ({mode}): {exc}")
            tested += 1
    documented = sum(len(methods) for methods in documents[service]["paths"].values())
    # read from its URL, schemathesis leaves out the operation that served it (GET /openapi.json)
    assert tested == 2 * (documented - 1)
    assert not failures, "\n\n".join(failures)
