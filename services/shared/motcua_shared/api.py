"""Thin HTTP entry points on Chalice: authentication, JSON parsing, errors, OpenAPI.

A route is declared once with :meth:`Api.route`; that declaration registers the Chalice view and
its OpenAPI operation, so the document served at ``/openapi.json`` lists exactly the app's routes.

    api = Api(app, title="intake", settings=get_settings, schemas="chalicelib.intake.schemas")

    @api.route("/dossiers", methods=["POST"], roles=("citizen",), body="NewDossier", status=201)
    def create_dossier(request: ApiRequest[NewDossier]) -> dict: ...

A body is named, not imported: its model (pydantic) is looked up in the ``schemas`` module when a
request first needs it, so a cold start that serves a GET — or a function of the same app that
handles a queue or a schedule — does not pay for pydantic and the body models (bench/coldstart.py).
"""

from __future__ import annotations

import dataclasses
import functools
import json
import keyword
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from chalice.app import Blueprint, Chalice, Response

from motcua_shared.auth import Principal, TokenVerifier
from motcua_shared.errors import (
    ApiError,
    InternalError,
    Unauthenticated,
    ValidationFailed,
)
from motcua_shared.headers import answer_headers
from motcua_shared.logs import get_logger
from motcua_shared.parsing import parse_json
from motcua_shared.routes import MAX_BODY_BYTES as MAX_BODY_BYTES
from motcua_shared.routes import PUBLIC as PUBLIC
from motcua_shared.routes import SIGNED_IN as SIGNED_IN
from motcua_shared.routes import Operation as Operation
from motcua_shared.routes import PayloadTooLarge as PayloadTooLarge
from motcua_shared.routes import schema_model as schema_model
from motcua_shared.settings import BaseSettings

if TYPE_CHECKING:
    from pydantic import BaseModel, ValidationError

B = TypeVar("B", bound="BaseModel")

logger = get_logger()


class NoCurrentRequest(RuntimeError):
    """A view ran outside a Chalice request (Chalice sets ``current_request`` before a view)."""


@dataclass(frozen=True)
class ApiRequest(Generic[B]):
    """What a handler gets: the caller, the validated body, path and query parameters."""

    principal: Principal | None
    body: B
    path: dict[str, str] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)
    source_ip: str = "127.0.0.1"
    headers: dict[str, str] = field(default_factory=dict)  # names in lower case
    raw_body: bytes = b""  # as received, for signatures computed over the exact bytes

    @property
    def user(self) -> Principal:
        """The signed-in caller (routes with roles always have one)."""
        if self.principal is None:
            raise Unauthenticated()
        return self.principal


def _validation_error_of(exc: Exception) -> ValidationError | None:
    """``exc`` if it is pydantic's ValidationError (pydantic is loaded only when a body or an
    event is: nothing else can raise it)."""
    core = sys.modules.get("pydantic_core")
    if core is not None and isinstance(exc, core.ValidationError):
        invalid: ValidationError = exc
        return invalid
    return None


# What a person reads for pydantic's error types (the rest: "Giá trị không hợp lệ.").
_MESSAGES_VI = {
    "missing": "Thông tin này là bắt buộc.",
    "string_too_short": "Không được để trống.",
    "string_too_long": "Quá dài (tối đa {max_length} ký tự).",
    "string_pattern_mismatch": "Không đúng định dạng.",
    "string_type": "Phải là chuỗi ký tự.",
    "int_parsing": "Phải là số nguyên.",
    "int_type": "Phải là số nguyên.",
    "greater_than": "Phải lớn hơn {gt}.",
    "greater_than_equal": "Phải lớn hơn hoặc bằng {ge}.",
    "less_than": "Phải nhỏ hơn {lt}.",
    "less_than_equal": "Phải nhỏ hơn hoặc bằng {le}.",
    "literal_error": "Giá trị không nằm trong danh sách cho phép.",
    "enum": "Giá trị không nằm trong danh sách cho phép.",
    "too_short": "Cần ít nhất {min_length} mục.",
    "too_long": "Nhiều nhất {max_length} mục.",
    "extra_forbidden": "Thông tin này không được phép.",
    "date_from_datetime_parsing": "Ngày không hợp lệ.",
    "date_parsing": "Ngày không hợp lệ.",
    "datetime_parsing": "Thời điểm không hợp lệ.",
    "datetime_from_date_parsing": "Thời điểm không hợp lệ.",
    "bool_type": "Phải là đúng hoặc sai.",
    "list_type": "Phải là một danh sách.",
    "dict_type": "Phải là một đối tượng.",
}


def _message_vi(err: Any) -> str:
    template = _MESSAGES_VI.get(str(err.get("type")), "Giá trị không hợp lệ.")
    try:
        return template.format(**(err.get("ctx") or {}))
    except (KeyError, IndexError, ValueError):
        return "Giá trị không hợp lệ."


def validation_error(exc: ValidationError) -> ValidationFailed:
    """Name every invalid field, e.g. ``applicant.phone``, in English and Vietnamese."""
    problems = [
        {
            "field": ".".join(str(p) for p in err["loc"]) or "body",
            "message": err["msg"],
            "message_vi": _message_vi(err),
        }
        for err in exc.errors(include_url=False, include_input=False)
    ]
    first = problems[0] if problems else {"field": "body", "message": "", "message_vi": ""}
    return ValidationFailed(
        f"Field '{first['field']}' is not valid: {first['message']}".strip(),
        f"Trường '{first['field']}' không hợp lệ: {first['message_vi']}".strip(),
        field=first["field"],
        fields=problems,
    )


def json_name(field_name: str) -> str:
    """The JSON key of an answer's field: its name, but for a Python keyword spelled with a
    trailing underscore (PEP 8), which is answered as the keyword: ``from_`` → ``from``. (An
    answer that has such a field says ``__pydantic_config__ = {"alias_generator": json_name}``,
    so that its document names the key the same way.)"""
    bare = field_name.removesuffix("_")
    return bare if bare != field_name and keyword.iskeyword(bare) else field_name


def answer_dict(answer: Any) -> dict[str, Any]:
    """The JSON object of an answer (a dataclass instance), keys named by :func:`json_name`."""
    return dataclasses.asdict(
        answer, dict_factory=lambda items: {json_name(k): v for k, v in items}
    )


def json_response(body: Any, status: int) -> Response:
    """A JSON response with Vietnamese text kept readable (UTF-8, not \\u escapes)."""
    return Response(
        body=json.dumps(body, ensure_ascii=False), status_code=status, headers=_JSON_HEADERS
    )


def error_response(error: ApiError) -> Response:
    return json_response(error.to_dict(), error.status)


def with_security_headers(response: Response) -> Response:
    """``response`` with the security headers of its content type (motcua_shared.headers); a
    header the handler set itself is kept."""
    headers = dict(response.headers or {})
    content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), None)
    present = {name.lower() for name in headers}
    for name, value in answer_headers(str(content_type) if content_type else None).items():
        if name.lower() not in present:
            headers[name] = value
    response.headers = headers
    return response


class Api:
    """Declares routes on a Chalice app and documents them."""

    def __init__(
        self,
        app: Chalice,
        *,
        title: str,
        settings: Callable[[], BaseSettings],
        schemas: str | None = None,
        version: str = "1.0.0",
        base_path: str | None = None,
    ) -> None:
        self.app = app
        self.title = title
        self.version = version
        # Where the API is mounted (the custom domain's base path mapping, the local gateway's
        # prefix): the service's name, "/intake" for the app "motcua-intake".
        self.base_path = base_path or "/" + app.app_name.removeprefix("motcua-")
        self.schemas = schemas  # the module of the body and answer models: "chalicelib.x.schemas"
        self._settings = settings
        self._verifier: TokenVerifier | None = None
        self.operations: list[Operation] = []

        def openapi_document(request: ApiRequest[Any]) -> dict[str, Any]:
            return self.openapi()

        self.route("/openapi.json", summary="This API's OpenAPI 3 document", roles=PUBLIC)(
            openapi_document
        )

    @property
    def verifier(self) -> TokenVerifier:
        if self._verifier is None:
            self._verifier = TokenVerifier(self._settings())
        return self._verifier

    def route(
        self,
        path: str,
        *,
        summary: str,
        roles: Sequence[str],
        methods: Sequence[str] = ("GET",),
        body: str | None = None,
        query: Iterable[str] = (),
        status: int = 200,
        errors: Iterable[type[ApiError]] = (),
        content_types: Sequence[str] = ("application/json",),
        response: str | type[Any] | None = None,
        blueprint: Blueprint | None = None,
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Register a view: ``roles`` empty = public, ``SIGNED_IN`` = any user, else groups;
        ``body``: the name of its model in the schemas module; ``content_types``: what a
        success answers (documented; JSON unless the view says); ``response``: the type of a
        JSON success — a dataclass the handler returns, serialised as it is documented — or
        the name of a model of the schemas module (documented); ``blueprint``: the Chalice
        blueprint that carries the view (see :class:`Routes`), else the app."""
        response_type = None if response is None or isinstance(response, str) else response
        response_name = response if isinstance(response, str) else None
        if response_type is not None:
            response_name = response_type.__name__
        for named in (body, response if isinstance(response, str) else None):
            if named is not None and self.schemas is None:
                raise LookupError(f"{path}: {named!r} is named but the Api has no schemas module")

        def decorator(handler: Callable[..., Any]) -> Callable[..., Any]:
            @functools.wraps(handler)
            def view(**path_params: str) -> Response:
                try:
                    request = self._request(tuple(roles), body, path_params)
                    result = handler(request)
                except ApiError as exc:
                    return error_response(exc)
                except Exception as exc:
                    invalid = _validation_error_of(exc)
                    if invalid is not None:
                        return error_response(validation_error(invalid))
                    logger.exception("unhandled error", extra={"route": path})
                    return error_response(InternalError())
                if isinstance(result, Response):
                    return result
                if dataclasses.is_dataclass(result) and not isinstance(result, type):
                    result = answer_dict(result)
                return json_response(result, status)

            @functools.wraps(handler)
            def secured_view(**path_params: str) -> Response:
                return with_security_headers(view(**path_params))

            (blueprint or self.app).route(
                path, methods=list(methods), content_types=_CONTENT_TYPES
            )(secured_view)
            for method in methods:
                self.operations.append(
                    Operation(
                        path=path,
                        method=method.upper(),
                        name=handler.__name__,
                        summary=summary,
                        roles=tuple(roles),
                        status=status,
                        body_name=body,
                        query=tuple(query),
                        errors=tuple(errors),
                        content_types=tuple(content_types),
                        schemas=self.schemas,
                        response_name=response_name,
                        response_type=response_type,
                    )
                )
            return secured_view

        return decorator

    def register_blueprint(self, routes: Routes, **dependencies: Any) -> None:
        """Take the routes of a resource's module: their views (on a Chalice blueprint of their
        own, registered on the app) and their operations in this API's document, in their
        order. ``dependencies`` are passed to every handler by name (the service it calls)."""
        blueprint = Blueprint(routes.import_name)
        for path, options, handler in routes.declared:
            bound = handler
            if dependencies:
                bound = functools.update_wrapper(
                    functools.partial(handler, **dependencies), handler
                )
            self.route(path, blueprint=blueprint, **options)(bound)
        self.app.register_blueprint(blueprint)

    def _request(
        self, roles: tuple[str, ...], body: str | None, path: dict[str, str]
    ) -> ApiRequest[Any]:
        current = self.app.current_request
        if current is None:
            raise NoCurrentRequest(self.app.app_name)
        principal = None
        if roles:
            principal = self.verifier.principal(current.headers.get("authorization"))
            if roles != SIGNED_IN:
                principal.require(roles)
        parsed: Any = None
        if body is not None:
            parsed = schema_model(self.schemas, body).model_validate(_json_body(current.raw_body))
        return ApiRequest(
            principal=principal,
            body=parsed,
            path=path,
            query=dict(current.query_params or {}),
            source_ip=str(current.context.get("identity", {}).get("sourceIp") or "127.0.0.1"),
            headers={k.lower(): v for k, v in (current.headers or {}).items()},
            raw_body=_raw_bytes(current.raw_body),
        )

    def openapi(self) -> dict[str, Any]:
        """The OpenAPI 3 document of every declared route."""
        from motcua_shared.openapi import build_document  # when the document is asked for

        document: dict[str, Any] = build_document(self)
        return document


class Routes:
    """The routes of one resource, declared in their own module as with :meth:`Api.route` (the
    same options); :meth:`Api.register_blueprint` puts them on a Chalice blueprint of the app,
    passing each handler what it depends on (as cosmicpython's bootstrap injects dependencies).

        routes = Routes(__name__)

        @routes.route("/procedures", summary="Search the catalogue", roles=PUBLIC)
        def list_procedures(request: ApiRequest[Any], service: IntakeService) -> dict: ...

        api.register_blueprint(routes, service=service)   # in app.py
    """

    def __init__(self, import_name: str) -> None:
        self.import_name = import_name
        self.declared: list[tuple[str, dict[str, Any], Callable[..., Any]]] = []

    def route(
        self, path: str, **options: Any
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        def decorator(handler: Callable[..., Any]) -> Callable[..., Any]:
            self.declared.append((path, options, handler))
            return handler

        return decorator


# Every content type reaches the view, so that a body that is not JSON gets our error format
# ("malformed_json") instead of Chalice's own 415 message.
_CONTENT_TYPES = ["*/*"]
_JSON_HEADERS: dict[str, str | list[str]] = {"Content-Type": "application/json; charset=utf-8"}


def _raw_bytes(raw: str | bytes | None) -> bytes:
    if raw is None:
        return b""
    if len(raw) > MAX_BODY_BYTES:
        raise PayloadTooLarge()
    return raw.encode() if isinstance(raw, str) else bytes(raw)


def _json_body(raw: str | bytes | None) -> Any:
    if not raw:
        return {}
    if len(raw) > MAX_BODY_BYTES:
        raise PayloadTooLarge()
    return parse_json(raw)
