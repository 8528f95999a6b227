"""Event consumers dispatch through a table from event type to handler, each handler typed by
the schema of the data it takes (the event contract, :mod:`motcua_shared.events`).

    handlers: Handlers = {
        "dossier.fee_requested": On(DossierFeeRequested, self.fee_requested),
        "dossier.withdrawn": On(DossierEvent, self.fee_closed),
    }
    dispatch(handlers, envelope, data)

An event type the table does not name is not this consumer's business: it is ignored.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    from pydantic import BaseModel

    from motcua_shared.events import Envelope

D = TypeVar("D", bound="BaseModel")
R = TypeVar("R")

Handler = Callable[["Envelope", "BaseModel"], None]
"""What the inbox calls with a validated envelope and its data."""

Handlers = Mapping[str, Handler]


class UnexpectedData(TypeError):
    """An event's data is not the schema its handler takes (a contract and a table that
    disagree: a defect, retried and then dead-lettered, never applied half-way)."""


@dataclass(frozen=True)
class On(Generic[D, R]):
    """The handler of one event type, whose data is ``schema`` (or a subclass of it); called
    with any event's data, it checks the data is that schema before handing it over."""

    schema: type[D]
    handle: Callable[[Envelope, D], R]

    def __call__(self, envelope: Envelope, data: BaseModel) -> R:
        if not isinstance(data, self.schema):
            raise UnexpectedData(
                f"{envelope.type} carries {type(data).__name__}, not {self.schema.__name__}"
            )
        return self.handle(envelope, data)


def dispatch(handlers: Handlers, envelope: Envelope, data: BaseModel) -> None:
    """Apply the event with the handler of its type; an event of another type is ignored."""
    handler = handlers.get(envelope.type)
    if handler is not None:
        handler(envelope, data)
