"""What a declared route is: its path and method, who may call it, its body and answers.

:class:`motcua_shared.api.Api` declares routes as :class:`Operation` values and serves them;
:mod:`motcua_shared.openapi` documents them. Both read this module; neither reads the other's.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from motcua_shared.errors import ApiError

if TYPE_CHECKING:
    from pydantic import BaseModel

# No JSON body of ours is larger; attachments go straight to S3.
MAX_BODY_BYTES = 256 * 1024

PUBLIC: tuple[str, ...] = ()
"""Roles of a route anyone may call without signing in."""

SIGNED_IN: tuple[str, ...] = ("*",)
"""Roles of a route any signed-in user may call (ownership is checked by the handler)."""


class PayloadTooLarge(ApiError):
    status = 413
    code = "payload_too_large"
    message = f"The request body is larger than {MAX_BODY_BYTES} bytes."
    message_vi = f"Nội dung yêu cầu vượt quá {MAX_BODY_BYTES} byte."


@dataclass(frozen=True)
class Operation:
    """One method of one declared route."""

    path: str
    method: str
    name: str
    summary: str
    roles: tuple[str, ...]
    status: int
    body_name: str | None  # a model of the Api's schemas module
    query: tuple[str, ...]
    errors: tuple[type[ApiError], ...]
    # Media types of the success response (a printable page is text/html, a report text/csv).
    content_types: tuple[str, ...] = ("application/json",)
    schemas: str | None = None
    response_name: str | None = None  # the success body's model (JSON), for the document
    # ... or the answer's own type: a dataclass the handler builds its answer with
    response_type: type[Any] | None = None

    @property
    def body(self) -> type[BaseModel] | None:
        """The body's model, imported on first use."""
        if self.body_name is None:
            return None
        return schema_model(self.schemas, self.body_name)

    @property
    def response(self) -> type[Any] | None:
        """The success body's type: the dataclass the handler answers with, or a model of the
        schemas module that documents what the handler builds."""
        if self.response_type is not None:
            return self.response_type
        if self.response_name is None:
            return None
        return schema_model(self.schemas, self.response_name)


def schema_model(schemas: str | None, name: str) -> type[BaseModel]:
    """A body or answer model of the schemas module, by name (the module imported on first use)."""
    if schemas is None:
        raise LookupError(f"body {name!r} is named but the Api has no schemas module")
    model: type[BaseModel] = getattr(importlib.import_module(schemas), name)
    return model
