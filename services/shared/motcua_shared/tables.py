"""PynamoDB models bound to their table when a service is wired, not when it is imported.

A service declares its item models once, without a table (``Meta`` names none); its bootstrap
binds them to the table its settings name::

    Payments = bind(PaymentItem, settings.payments_table, settings.region)

so that importing storage code reads no setting, and a test may bind the same models to another
table.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pynamodb.indexes import Index
from pynamodb.models import Model

M = TypeVar("M", bound=Model)


class Unbound:
    """``Meta`` of a model declared without its table (see :func:`bind`)."""

    table_name = ""


def bind(model: type[M], table_name: str, region: str) -> type[M]:
    """``model`` bound to one table: a subclass with its own ``Meta`` and its own instances of
    the model's indexes (PynamoDB ties an index to the class it is declared on)."""
    meta = type("Meta", (), {"table_name": table_name, "region": region})
    namespace: dict[str, Any] = {"Meta": meta, "__module__": model.__module__}
    for name, value in vars(model).items():
        if isinstance(value, Index):
            namespace[name] = type(value)()
    bound: type[M] = type(model.__name__, (model,), namespace)
    return bound
