"""The channels a person chose: SMS, e-mail or both (both until they choose)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from chalicelib.notify.domain.model import Channel

DEFAULT_CHANNELS = frozenset({Channel.EMAIL, Channel.SMS})


def channels_of(doc: Mapping[str, Any] | None) -> frozenset[Channel]:
    if not doc:
        return DEFAULT_CHANNELS
    known = {c.value for c in Channel}
    return frozenset(Channel(c) for c in doc.get("channels", ()) if c in known)


def ordered(channels: Iterable[Channel]) -> list[str]:
    return sorted(str(c) for c in channels)
