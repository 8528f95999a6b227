"""Fixes to moto's cost, where it stands in for AWS (the local stack and the service tests).

Each keeps what moto answers and changes only how long it takes; each was quadratic, or a cost
paid on every request, and together they were most of the statistics tests' minutes:

- TransactWriteItems: moto 5.2 keeps a deep copy of every table a transaction names — the whole
  table, once per item of the transaction — to put back if the transaction is cancelled. The
  intake statistics table gains an ``APPLIED#`` marker with every dossier write, each written in
  such a transaction, so each write cost time in proportion to every write before it (and the
  local stack slowed down the longer it ran). Here a transaction saves only the items it names
  and the length of their tables' streams, and puts those back when it is cancelled: the same
  all-or-nothing outcome (the items, and no stream records from a cancelled transaction). The
  tables stay the same objects, so a cancelled transaction no longer undoes what another thread
  wrote to the same table meanwhile, nor leaves stream iterators on a discarded copy.
- Query on a table's key: moto sorts every item of the table and then keeps those of the asked
  partition; here it sorts that partition alone (the statistics counters share their table with
  a marker per dossier write).
- SendMessage: moto computes every attribute of the queue — three counts that each look at
  every message in it — to read ``ContentBasedDeduplication``; here that one is read alone.
- The methods of a response class, which moto lists with ``inspect.getmembers`` on every
  request, are listed once per class.

``python -m infra.local.motofix [moto_server arguments]`` runs moto's server with these, and two
savings in the server that are no part of AWS's behaviour: the service a request's host names is
looked up once per host (moto lists its package directory and tries hundreds of URL patterns on
every request, under one lock), and werkzeug writes no log line per request (errors still are).
"""

from __future__ import annotations

import copy
import functools
import inspect
import threading
from collections.abc import Iterator, Mapping
from typing import Any

# Each `# type: ignore[method-assign]` (and the two on Queue.attributes) below is this module's
# purpose: replacing a method of moto's classes, which mypy rightly reports as unusual.
_state = threading.local()
_installed = False
# The moto these patches were written against and checked with (tests/service/test_local_moto.py);
# another version runs unpatched (slower, never different) until they are checked against it.
WRITTEN_FOR = "5.2.5"


# -- TransactWriteItems -------------------------------------------------------------------------


class _Saved:
    """The items one transaction names, as they were before it, and its tables' stream lengths."""

    def __init__(self) -> None:
        self.items: dict[tuple[int, Any, Any], tuple[Any, Any, Any, Any]] = {}
        self.streams: dict[int, tuple[Any, int]] = {}

    def restore(self) -> None:
        for table, hash_value, range_value, item in self.items.values():
            if range_value is None:
                if item is None:
                    table.items.pop(hash_value, None)
                else:
                    table.items[hash_value] = item
            elif item is None:
                table.items[hash_value].pop(range_value, None)
            else:
                table.items[hash_value][range_value] = item
        for table, length in self.streams.values():
            del table.stream_shard.items[length:]


def _save(backend: Any, transact_items: list[dict[str, Any]]) -> _Saved | None:
    """What to put back if the transaction is cancelled; None where only moto's own full copy
    will do (a malformed request, which moto then rejects, or a stream feeding moto's Lambda)."""
    from moto.dynamodb.models.dynamo_type import DynamoType

    saved = _Saved()
    try:
        for entry in transact_items:
            op_type, op = next(iter(entry.items()))
            table = backend.tables.get(op.get("TableName"))
            if table is None:
                continue  # moto cancels the transaction; nothing of this table to put back
            if table.lambda_event_source_mappings:
                return None
            key = op["Item"] if op_type == "Put" else op["Key"]
            hash_value = DynamoType(key[table.hash_key_attr])
            range_value = None
            if table.range_key_attr is not None:
                range_value = DynamoType(key[table.range_key_attr])
            slot = (id(table), hash_value, range_value)
            if slot not in saved.items:
                item = copy.deepcopy(table.get_item(hash_value, range_value))
                saved.items[slot] = (table, hash_value, range_value, item)
            if table.stream_shard is not None and id(table) not in saved.streams:
                saved.streams[id(table)] = (table, len(table.stream_shard.items))
    except Exception:
        return None
    return saved


class _CopyKeepingTables:
    """The ``copy`` module as moto's DynamoDB backend sees it: inside a transaction that saved
    its own items, the table "copy" moto keeps for a rollback is the table itself (moto's
    rollback then puts back the same object, and the items are put back from what was saved)."""

    def __getattr__(self, name: str) -> Any:
        return getattr(copy, name)

    @staticmethod
    def deepcopy(value: Any, memo: dict[int, Any] | None = None) -> Any:
        from moto.dynamodb.models.table import Table

        if getattr(_state, "saving_own_items", False) and isinstance(value, Table):
            return value
        return copy.deepcopy(value, memo)


def _install_transactions() -> None:
    import moto.dynamodb.models as models

    original = models.DynamoDBBackend.transact_write_items

    def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
        saved = _save(self, transact_items)
        if saved is None:
            return original(self, transact_items)
        _state.saving_own_items = True
        try:
            return original(self, transact_items)
        except BaseException:
            saved.restore()
            raise
        finally:
            _state.saving_own_items = False

    # moto's module imports `copy` without exporting it: replace the name it looks up
    vars(models)["copy"] = _CopyKeepingTables()
    models.DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]


# -- Query on a table's key ---------------------------------------------------------------------


def _install_partition_queries() -> None:
    from moto.dynamodb.models.table import Table

    original_query = Table.query
    original_all_items = Table.all_items
    signature = inspect.signature(original_query)

    def query(self: Any, *args: Any, **kwargs: Any) -> Any:
        arguments = signature.bind(self, *args, **kwargs).arguments
        hash_key = arguments.get("hash_key")
        if arguments.get("index_name") is not None or hash_key is None:
            return original_query(self, *args, **kwargs)
        # moto keeps, of all the table's items, those with this hash key: give it only those
        _state.partition = (self, hash_key)
        try:
            return original_query(self, *args, **kwargs)
        finally:
            _state.partition = None

    def all_items(self: Any) -> list[Any]:
        partition = getattr(_state, "partition", None)
        if partition is None or partition[0] is not self:
            return original_all_items(self)
        bucket = self.items.get(partition[1])  # (a defaultdict: get adds nothing)
        if bucket is None:
            return []
        items = list(bucket.values()) if self.range_key_attr else [bucket]
        return sorted(items, key=lambda x: (x.hash_key, x.range_key) if x.range_key else x.hash_key)

    Table.query = query  # type: ignore[method-assign]
    Table.all_items = all_items  # type: ignore[method-assign]


# -- SendMessage --------------------------------------------------------------------------------

_CONTENT_DEDUPLICATION = "ContentBasedDeduplication"


class _AttributesWhileSending(Mapping[str, Any]):
    """``queue.attributes`` inside SendMessage, which reads ContentBasedDeduplication alone:
    that one as moto's own attributes give it (a FIFO queue's, "true" or "false"), any other
    as moto computes them all."""

    def __init__(self, queue: Any, compute_all: Any) -> None:
        self.queue = queue
        self.compute_all = compute_all

    def __getitem__(self, name: str) -> Any:
        if name != _CONTENT_DEDUPLICATION:
            return self.compute_all(self.queue)[name]
        if not self.queue.fifo_queue:
            raise KeyError(name)
        value = self.queue.content_based_deduplication
        return str(value).lower() if isinstance(value, bool) else value

    def __iter__(self) -> Iterator[str]:
        return iter(self.compute_all(self.queue))

    def __len__(self) -> int:
        return len(self.compute_all(self.queue))


def _install_sending() -> None:
    from moto.sqs.models import Queue, SQSBackend

    compute_all = Queue.attributes.fget  # type: ignore[attr-defined]
    original_send = SQSBackend.send_message

    def attributes(self: Any) -> Any:
        if getattr(_state, "sending", False):
            return _AttributesWhileSending(self, compute_all)
        return compute_all(self)

    def send_message(self: Any, *args: Any, **kwargs: Any) -> Any:
        _state.sending = True
        try:
            return original_send(self, *args, **kwargs)
        finally:
            _state.sending = False

    Queue.attributes = property(attributes)  # type: ignore[assignment,method-assign]
    SQSBackend.send_message = send_message  # type: ignore[method-assign]


# -- installing ---------------------------------------------------------------------------------


def install() -> None:
    """Patch moto in this process (idempotent); see the module's docstring."""
    global _installed
    if _installed:
        return
    import moto
    import moto.core.responses as responses

    if moto.__version__ != WRITTEN_FOR:
        import logging

        logging.getLogger(__name__).warning(
            "moto %s, not %s: running it unpatched", moto.__version__, WRITTEN_FOR
        )
        _installed = True
        return

    _install_transactions()
    _install_partition_queries()
    _install_sending()
    # imported from moto.core.utils, not exported: replace the name responses looks up
    vars(responses)["method_names_from_class"] = functools.cache(
        vars(responses)["method_names_from_class"]
    )
    _installed = True


def install_server_savings() -> None:
    """For moto's own server process (see the module's docstring)."""
    import logging

    import moto

    if moto.__version__ != WRITTEN_FOR:
        return

    from moto.moto_server.werkzeug_app import DomainDispatcherApplication

    original = DomainDispatcherApplication.get_backend_for_host
    backends: dict[str | None, Any] = {}

    def get_backend_for_host(self: Any, host: str | None) -> Any:
        if host not in backends:  # the answer depends on the host alone
            backends[host] = original(self, host)
        return backends[host]

    DomainDispatcherApplication.get_backend_for_host = get_backend_for_host  # type: ignore[method-assign]
    logging.getLogger("werkzeug").setLevel(logging.WARNING)


if __name__ == "__main__":
    install()
    install_server_savings()
    from moto.server import main

    main()
