"""OpenAPI 3 documents built from the routes declared with :class:`motcua_shared.api.Api`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal, Protocol

from motcua_shared.errors import (
    ApiError,
    Conflict,
    Forbidden,
    MalformedJson,
    NotFound,
    Unauthenticated,
    ValidationFailed,
)
from motcua_shared.routes import SIGNED_IN, Operation, PayloadTooLarge

if TYPE_CHECKING:
    pass


class DeclaredApi(Protocol):
    """What the document is built from (:class:`motcua_shared.api.Api` is one)."""

    @property
    def title(self) -> str: ...
    @property
    def version(self) -> str: ...
    @property
    def base_path(self) -> str: ...
    @property
    def operations(self) -> Sequence[Operation]: ...


_ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "message_vi"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "message_vi": {"type": "string"},
            },
            "additionalProperties": True,
        }
    },
}


def _error(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def build_document(api: DeclaredApi) -> dict[str, Any]:
    """The OpenAPI 3.1 document of the API's declared operations."""
    paths: dict[str, dict[str, Any]] = {}
    schemas: dict[str, Any] = {"Error": _ERROR_SCHEMA}
    for op in api.operations:
        parameters: list[dict[str, Any]] = [
            {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
            for name in _path_params(op.path)
        ]
        parameters += [
            {"name": name, "in": "query", "required": False, "schema": {"type": "string"}}
            for name in op.query
        ]
        responses: dict[str, Any] = {
            str(op.status): {
                "description": "OK",
                "content": {
                    media: _success_schema(media, op, schemas) for media in op.content_types
                },
            }
        }
        for error in [*op.errors, *_errors_of(op)]:
            responses.setdefault(str(error.status), _error(error.message))
        operation: dict[str, Any] = {
            "operationId": op.name,
            "summary": op.summary,
            "parameters": parameters,
            "responses": responses,
        }
        if op.roles:
            operation["security"] = [{"cognito": []}]
            if op.roles != SIGNED_IN:
                operation["x-roles"] = list(op.roles)
        if op.body is not None:
            operation["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": _component(op.body, schemas)}},
            }
        paths.setdefault(op.path, {})[op.method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {"title": api.title, "version": api.version},
        # Relative to the document's own URL (OpenAPI 3.1 §4.8.5): the paths below are under the
        # API's base path wherever the document is read (locally, behind CloudFront, on the API
        # domain), so a client that knows only this document's URL calls the right ones.
        "servers": [{"url": api.base_path, "description": f"the {api.title} API"}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "cognito": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
            },
        },
    }


def _success_schema(media_type: str, op: Operation, schemas: dict[str, Any]) -> dict[str, Any]:
    if media_type != "application/json":
        return {"schema": {"type": "string"}}  # a page, a CSV or a workbook
    if op.response is None:
        return {"schema": {"type": "object"}}
    return {"schema": _component(op.response, schemas, mode="serialization")}


def _component(
    model: type[Any],
    schemas: dict[str, Any],
    mode: Literal["validation", "serialization"] = "validation",
) -> dict[str, Any]:
    """Put the model (and the models it uses) among the components; a reference to it. A
    pydantic model, or a dataclass an answer is built with (read through pydantic here, so the
    handlers that build it never load pydantic)."""
    from pydantic import BaseModel, TypeAdapter

    template = "#/components/schemas/{model}"
    schema: dict[str, Any]
    if isinstance(model, type) and issubclass(model, BaseModel):
        schema = model.model_json_schema(mode=mode, ref_template=template)
    else:
        schema = TypeAdapter(model).json_schema(mode=mode, ref_template=template)
    schemas.update(schema.pop("$defs", {}))
    schemas[model.__name__] = schema
    return {"$ref": f"#/components/schemas/{model.__name__}"}


_WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class _DomainRule(ApiError):
    status = 422
    message = "The request breaks a rule of the domain (missing documents, wrong file, …)."


def _errors_of(op: Operation) -> list[type[ApiError]]:
    """Every error status the route can answer, from what it declares: a body or a write
    (400 malformed or invalid, 413 too large), query parameters (400), what names a record — in
    the path, the query or a body — (404 unknown, or another citizen's), roles (401, 403: a
    signed-in route can still refuse in its handler), a write (409 conflict or invalid
    transition, 422 a domain rule; a public write is a signed callback: a bad signature is 401)."""
    errors: list[type[ApiError]] = []
    write = op.method in _WRITES
    if op.body is not None or write:
        errors += [MalformedJson, PayloadTooLarge]
    if op.query:
        errors.append(ValidationFailed)
    if _path_params(op.path) or op.query or write:  # an unknown or another citizen's record
        errors.append(NotFound)
    if op.roles or write:
        errors.append(Unauthenticated)
    if op.roles:
        errors.append(Forbidden)
    if write:
        errors += [Conflict, _DomainRule]
    return errors


def _path_params(path: str) -> list[str]:
    return [part[1:-1] for part in path.split("/") if part.startswith("{") and part.endswith("}")]
