"""PynamoDB models bound to their table when a service is wired, not when it is imported.

A service declares its item models once, without a table (``Meta`` names none); its bootstrap
binds them to the table its settings name::

    Payments = bind(PaymentItem, settings.payments_table, settings.region)

so that importing storage code reads no setting, and a test may bind the same models to another
table.
"""

from __future__ import annotations

from typing import Any, TypeVar, cast

from pynamodb.indexes import Index
from pynamodb.models import MetaProtocol, Model

M = TypeVar("M", bound=Model)


class Unbound:
    """``Meta`` of a model declared without its table (see :func:`bind`)."""

    table_name = ""


def table_meta(settings: type) -> MetaProtocol:
    """``settings`` (a class naming a table, or :class:`Unbound`) as the ``Meta`` of a model:
    ``Meta = table_meta(Unbound)``. PynamoDB types ``Model.Meta`` as an instance of its
    ``MetaProtocol``, yet reads it from a class whose missing settings (region, host, timeouts,
    credentials) its metaclass fills in when the model class is created; mypy cannot see that,
    so this says it once. The class itself is returned: nothing changes at run time."""
    return cast(MetaProtocol, settings)


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
