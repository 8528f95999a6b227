"""The contract between services: one envelope, one schema per event type.

An event is announced by the service that changed state (through its outbox) and delivered to the
queues of the services that subscribe to it (routing in infra/resources.py). Consumers validate the
envelope and the ``data`` against the schema registered for ``type`` and ``version``.
"""

from motcua_shared.events.envelope import Envelope, new_event, parse_event
from motcua_shared.events.registry import EVENT_SCHEMAS, UnknownEventType, schema_for

__all__ = [
    "EVENT_SCHEMAS",
    "Envelope",
    "UnknownEventType",
    "new_event",
    "parse_event",
    "schema_for",
]
