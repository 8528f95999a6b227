"""OpenAPI 3 documents built from the routes declared with :class:`motcua_shared.api.Api`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from motcua_shared.api import SIGNED_IN
from motcua_shared.errors import ApiError, Forbidden, MalformedJson, Unauthenticated

if TYPE_CHECKING:
    from motcua_shared.api import Api

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


def build_document(api: Api) -> dict[str, Any]:
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
                "content": {"application/json": {"schema": {"type": "object"}}},
            }
        }
        errors: list[type[ApiError]] = list(op.errors)
        if op.body is not None:
            errors.append(MalformedJson)
        if op.roles:
            errors.append(Unauthenticated)
            if op.roles != SIGNED_IN:
                errors.append(Forbidden)
        for error in errors:
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
            body_schema = op.body.model_json_schema(ref_template="#/components/schemas/{model}")
            schemas.update(body_schema.pop("$defs", {}))
            schemas[op.body.__name__] = body_schema
            operation["requestBody"] = {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {"$ref": f"#/components/schemas/{op.body.__name__}"}
                    }
                },
            }
        paths.setdefault(op.path, {})[op.method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {"title": api.title, "version": api.version},
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "cognito": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
            },
        },
    }


def _path_params(path: str) -> list[str]:
    return [part[1:-1] for part in path.split("/") if part.startswith("{") and part.endswith("}")]
