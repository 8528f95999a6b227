"""Counts every AWS API call made through botocore, by who made it, service and operation, and
the DynamoDB read and write request units each call consumes.

Hooks: ``botocore.session.Session.create_client`` is wrapped so that every client — boto3's and
PynamoDB's own — gets handlers on its event system: ``provide-client-params`` asks DynamoDB for
``ReturnConsumedCapacity=TOTAL`` where the operation takes it, ``before-parameter-build`` notes the
request, ``after-call`` counts it.

Units: moto answers ``ConsumedCapacity`` with a constant (1.0 or 0.5 whatever the item), so the
units are computed from item sizes, DynamoDB's published rules, with moto's in-process backend for
the items a write replaces: a write is ceil(max(old, new) / 1 KB) WRU (×2 in a transaction,
failed conditional writes included), each global secondary index (projection ALL) whose key the
item has adds ceil(size / 1 KB) WRU, 2 if the write moves the item within the index; a read is
ceil(size / 4 KB) RRU, ½ eventually consistent, ×2 transactional; a query or scan counts the
items it returned (scaled by ScannedCount / Count when a filter dropped some — an approximation).
A ConditionCheck in a transaction is counted like a transactional write of the checked item.
"""

from __future__ import annotations

import contextvars
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import botocore.session

SCOPE: contextvars.ContextVar[str] = contextvars.ContextVar("bench_scope", default="unscoped")
CAPACITY_OPERATIONS = frozenset(
    {
        "GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "Scan", "BatchGetItem",
        "BatchWriteItem", "TransactGetItems", "TransactWriteItems",
    }
)  # fmt: skip
WRITES = frozenset({"PutItem", "UpdateItem", "DeleteItem"})


def attribute_size(value: dict[str, Any]) -> int:
    """Bytes of one attribute value in DynamoDB's wire format, by the published sizing rules."""
    kind, inner = next(iter(value.items()))
    if kind == "S":
        return len(str(inner).encode())
    if kind == "N":
        digits = len(str(inner).lstrip("-").replace(".", "").lstrip("0")) or 1
        return math.ceil(digits / 2) + 1
    if kind == "B":
        return len(inner) if isinstance(inner, bytes | bytearray) else math.ceil(len(inner) * 3 / 4)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind in ("SS", "NS", "BS"):
        return sum(attribute_size({kind[0]: v}) for v in inner)
    if kind == "L":
        return 3 + sum(1 + attribute_size(v) for v in inner)
    if kind == "M":
        return 3 + sum(len(k.encode()) + 1 + attribute_size(v) for k, v in inner.items())
    return 0


def item_size(item: dict[str, Any] | None) -> int:
    if not item:
        return 0
    return sum(len(name.encode()) + attribute_size(value) for name, value in item.items())


def _kb(size: int) -> int:
    return max(1, math.ceil(size / 1024))


def _read_units(size: int, consistent: bool, factor: float = 1.0) -> float:
    return max(1, math.ceil(size / 4096)) * (1.0 if consistent else 0.5) * factor


class Meter:
    def __init__(self, account: str = "123456789012", region: str = "ap-southeast-1") -> None:
        self.account = account
        self.region = region
        self.active = False
        self.calls: Counter[tuple[str, str, str]] = Counter()  # (scope, service, operation)
        self.rru: defaultdict[str, float] = defaultdict(float)  # table -> units
        self.wru: defaultdict[str, float] = defaultdict(float)
        self.reported_capacity: defaultdict[str, float] = defaultdict(float)  # moto's answer
        self.errors: list[str] = []
        self._original: Callable[..., Any] | None = None

    # -- installation -------------------------------------------------------------------------

    def install(self) -> None:
        original = botocore.session.Session.create_client
        self._original = original
        meter = self

        def create_client(session: Any, *args: Any, **kwargs: Any) -> Any:
            client = original(session, *args, **kwargs)
            meter.attach(client)
            return client

        botocore.session.Session.create_client = create_client

    def uninstall(self) -> None:
        if self._original is not None:
            botocore.session.Session.create_client = self._original

    def attach(self, client: Any) -> None:
        events = client.meta.events
        service = client.meta.service_model.service_name
        events.register("provide-client-params", self._ask_capacity)
        events.register("before-parameter-build", self._before)
        events.register("after-call", lambda **kw: self._after(service, **kw))

    @contextmanager
    def scope(self, name: str) -> Iterator[None]:
        token = SCOPE.set(name)
        try:
            yield
        finally:
            SCOPE.reset(token)

    # -- hooks -------------------------------------------------------------------------------

    def _ask_capacity(self, params: dict[str, Any], model: Any, **_: Any) -> None:
        if model.name in CAPACITY_OPERATIONS and model.service_model.service_name == "dynamodb":
            params.setdefault("ReturnConsumedCapacity", "TOTAL")

    def _before(
        self, params: dict[str, Any], model: Any, context: dict[str, Any], **_: Any
    ) -> None:
        if not self.active or model.service_model.service_name != "dynamodb":
            return
        context["bench_request"] = dict(params)
        try:
            context["bench_old"] = self._old_items(model.name, params)
        except Exception as exc:
            self.errors.append(f"{model.name}: {exc!r}")

    def _after(
        self, service: str, model: Any, parsed: dict[str, Any], context: dict[str, Any], **_: Any
    ) -> None:
        if not self.active:
            return
        operation = model.name
        if operation == "ReceiveMessage" and not parsed.get("Messages"):
            operation += " (empty)"
        self.calls[(SCOPE.get(), service, operation)] += 1
        if service != "dynamodb" or model.name not in CAPACITY_OPERATIONS:
            return
        for entry in _as_list(parsed.get("ConsumedCapacity")):
            self.reported_capacity[entry.get("TableName", "?")] += entry.get("CapacityUnits", 0)
        try:
            self._units(model.name, parsed, context)
        except Exception as exc:
            self.errors.append(f"{model.name}: {exc!r}")

    # -- units -------------------------------------------------------------------------------

    def _backend(self) -> Any:
        from moto.dynamodb.models import dynamodb_backends

        return dynamodb_backends[self.account][self.region]

    def _stored(self, table: str, key: dict[str, Any]) -> dict[str, Any] | None:
        item = self._backend().get_item(table, key)
        return None if item is None else dict(item.to_json()["Attributes"])

    def _key_of(self, table: str, item: dict[str, Any]) -> dict[str, Any]:
        t = self._backend().get_table(table)
        names = [t.hash_key_attr] + ([t.range_key_attr] if t.range_key_attr else [])
        return {n: item[n] for n in names}

    def _old_items(self, operation: str, params: dict[str, Any]) -> list[Any]:
        """(table, key, old item, kind) of every item a write touches, read before the write."""
        touched: list[tuple[str, dict[str, Any], str]] = []
        if operation in WRITES:
            key = params.get("Key") or self._key_of(params["TableName"], params["Item"])
            touched.append((params["TableName"], key, "write"))
        elif operation == "TransactWriteItems":
            for entry in params["TransactItems"]:
                kind, body = next(iter(entry.items()))
                key = body.get("Key") or self._key_of(body["TableName"], body["Item"])
                touched.append(
                    (body["TableName"], key, "check" if kind == "ConditionCheck" else "write")
                )
        elif operation == "BatchWriteItem":
            for table, requests in params["RequestItems"].items():
                for request in requests:
                    body = request.get("PutRequest") or request.get("DeleteRequest") or {}
                    key = body.get("Key") or self._key_of(table, body["Item"])
                    touched.append((table, key, "write"))
        return [(table, key, kind, self._stored(table, key)) for table, key, kind in touched]

    def _units(self, operation: str, parsed: dict[str, Any], context: dict[str, Any]) -> None:
        old = context.get("bench_old") or []
        if old:
            factor = 2.0 if operation == "TransactWriteItems" else 1.0
            for table, key, kind, before in old:
                after = self._stored(table, key)
                size = max(item_size(before), item_size(after))
                self.wru[table] += _kb(size) * factor
                if kind == "write":
                    self.wru[table] += self._index_units(table, before, after)
            return
        params = context.get("bench_request", {})
        if operation == "GetItem":
            self.rru[params.get("TableName", "?")] += _read_units(
                item_size(parsed.get("Item")), bool(params.get("ConsistentRead"))
            )
        elif operation in ("Query", "Scan"):
            items = parsed.get("Items", [])
            size = sum(item_size(i) for i in items)
            count, scanned = parsed.get("Count", len(items)), parsed.get("ScannedCount", 0)
            if count and scanned > count:
                size = size * scanned // count
            elif not count and scanned:
                size = scanned * 1024  # nothing returned to size by: assume 1 KB items
            self.rru[params.get("TableName", "?")] += _read_units(
                size, bool(params.get("ConsistentRead"))
            )
        elif operation == "BatchGetItem":
            for table, items in parsed.get("Responses", {}).items():
                consistent = bool(
                    params.get("RequestItems", {}).get(table, {}).get("ConsistentRead")
                )
                for item in items:
                    self.rru[table] += _read_units(item_size(item), consistent)
        elif operation == "TransactGetItems":
            for entry, response in zip(
                params.get("TransactItems", []), parsed.get("Responses", []), strict=False
            ):
                table = entry["Get"]["TableName"]
                self.rru[table] += _read_units(item_size(response.get("Item")), True, 2.0)

    def _index_units(
        self, table: str, before: dict[str, Any] | None, after: dict[str, Any] | None
    ) -> float:
        units = 0.0
        for index in self._backend().get_table(table).global_indexes:
            names = [k["AttributeName"] for k in index.schema]

            def key(item: dict[str, Any] | None, names: list[str] = names) -> Any:
                if item is None or any(n not in item for n in names):
                    return None
                return tuple(str(item[n]) for n in names)

            old_key, new_key = key(before), key(after)
            if old_key is None and new_key is None:
                continue
            size = max(item_size(before) if old_key else 0, item_size(after) if new_key else 0)
            moved = old_key is not None and new_key is not None and old_key != new_key
            units += _kb(size) * (2 if moved else 1)
        return units


def _as_list(value: Any) -> list[dict[str, Any]]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
