"""Notification templates, modelled on GOV.UK Notify.

A template is keyed by ``<event_type>.<channel>.<audience>`` and has ``((placeholder))`` fields.
E-mail is Vietnamese with diacritics: the plain text body is the template, the HTML version is
built from it (paragraphs at blank lines, values HTML-escaped, the ``((link))`` value as a link).
SMS go out without diacritics (brandname style) and are counted in parts (``sms.fragment_count``).

Values are strings the sender has already formatted (dates "05/01/2024", amounts "1.500.000 đồng").
``((code))`` is the dossier code; before a dossier is accepted it has none and the sender passes the
dossier's reference instead.

SMS truncation rule: an SMS value longer than ``SMS_VALUE_MAX`` (60) characters, after whitespace is
collapsed and diacritics removed, is cut to at most 60 characters, preferably at a word boundary,
ending with "...". Links (``SMS_NEVER_TRUNCATED``) are never cut: a cut link is a broken link. With
this rule every SMS template stays within two parts (306 GSM-7 characters).
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from chalicelib.notify.domain import sms

CHANNELS = frozenset({"email", "sms"})
AUDIENCES = frozenset({"citizen", "desk", "officer", "leader"})

SMS_VALUE_MAX = 60
SMS_ELLIPSIS = "..."
SMS_NEVER_TRUNCATED = frozenset({"link"})
LINK_PLACEHOLDERS = frozenset({"link"})

_PLACEHOLDER = re.compile(r"\(\(([A-Za-z_][A-Za-z0-9_]*)\)\)")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n+")
_WHITESPACE = re.compile(r"\s+")

TEMPLATES_PATH = Path(__file__).resolve().parent.parent / "templates" / "templates.json"


class MissingPlaceholder(KeyError):
    """A template's placeholder was given no value."""

    def __init__(self, name: str, template_id: str) -> None:
        super().__init__(name)
        self.name = name
        self.template_id = template_id

    def __str__(self) -> str:
        return f"template {self.template_id} needs a value for (({self.name}))"


class UnknownTemplate(KeyError):
    """No template has that id."""


@dataclass(frozen=True)
class Template:
    id: str
    event_type: str
    channel: str
    audience: str
    subject: str | None
    body: str

    @property
    def placeholders(self) -> list[str]:
        """The names of the ``((fields))`` in the subject and body, sorted, each once."""
        found = set(_PLACEHOLDER.findall(self.body))
        if self.subject:
            found.update(_PLACEHOLDER.findall(self.subject))
        return sorted(found)

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> Template:
        template = cls(
            id=str(raw["id"]),
            event_type=str(raw["event_type"]),
            channel=str(raw["channel"]),
            audience=str(raw["audience"]),
            subject=None if raw.get("subject") is None else str(raw["subject"]),
            body=str(raw["body"]),
        )
        template.check()
        return template

    def check(self) -> None:
        """Raise ValueError if the template is inconsistent."""
        expected = f"{self.event_type}.{self.channel}.{self.audience}"
        if self.id != expected:
            raise ValueError(f"template id {self.id!r} should be {expected!r}")
        if self.channel not in CHANNELS:
            raise ValueError(f"template {self.id}: unknown channel {self.channel!r}")
        if self.audience not in AUDIENCES:
            raise ValueError(f"template {self.id}: unknown audience {self.audience!r}")
        if self.channel == "email" and not self.subject:
            raise ValueError(f"template {self.id}: an e-mail needs a subject")
        if self.channel == "sms" and self.subject is not None:
            raise ValueError(f"template {self.id}: an SMS has no subject")
        if not self.body.strip():
            raise ValueError(f"template {self.id}: empty body")


@dataclass(frozen=True)
class RenderedMessage:
    template_id: str
    channel: str
    subject: str | None  # e-mail only
    text: str  # the e-mail's plain text, or the SMS as sent (no diacritics)
    html: str | None = None  # e-mail only
    fragments: int | None = None  # SMS only: how many parts it is billed as


def truncate_sms_value(value: str, limit: int = SMS_VALUE_MAX) -> str:
    """Cut a value to at most ``limit`` characters, at a word if possible, ending with "..."."""
    if len(value) <= limit:
        return value
    cut = value[: limit - len(SMS_ELLIPSIS)]
    space = cut.rfind(" ")
    if space >= limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,.;:-") + SMS_ELLIPSIS


def _substitute(text: str, values: Mapping[str, str]) -> str:
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], text)


def _sms_value(name: str, value: str) -> str:
    plain = sms.to_sms_text(_WHITESPACE.sub(" ", value).strip())
    return plain if name in SMS_NEVER_TRUNCATED else truncate_sms_value(plain)


def _html_value(name: str, value: str) -> str:
    escaped = html.escape(value, quote=True)
    if name in LINK_PLACEHOLDERS and value.startswith(("https://", "http://")):
        return f'<a href="{escaped}">{escaped}</a>'
    return escaped.replace("\n", "<br>\n")


def _html_document(subject: str, body_template: str, values: Mapping[str, str]) -> str:
    paragraphs = []
    for block in _PARAGRAPH_BREAK.split(body_template.strip()):
        parts: list[str] = []
        last = 0
        for match in _PLACEHOLDER.finditer(block):
            parts.append(html.escape(block[last : match.start()]).replace("\n", "<br>\n"))
            parts.append(_html_value(match.group(1), values[match.group(1)]))
            last = match.end()
        parts.append(html.escape(block[last:]).replace("\n", "<br>\n"))
        paragraphs.append(f"<p>{''.join(parts)}</p>")
    return (
        "<!DOCTYPE html>\n"
        '<html lang="vi">\n'
        "<head>\n"
        '<meta charset="utf-8">\n'
        f"<title>{html.escape(subject)}</title>\n"
        "</head>\n"
        "<body>\n" + "\n".join(paragraphs) + "\n</body>\n</html>\n"
    )


def render(template: Template, values: Mapping[str, str]) -> RenderedMessage:
    """Fill the template's fields; every placeholder needs a value (extra values are ignored)."""
    for name in template.placeholders:
        if name not in values:
            raise MissingPlaceholder(name, template.id)
    if template.channel == "sms":
        sms_values = {name: _sms_value(name, values[name]) for name in template.placeholders}
        text = sms.to_sms_text(_substitute(template.body, sms_values).strip())
        return RenderedMessage(
            template_id=template.id,
            channel=template.channel,
            subject=None,
            text=text,
            fragments=sms.fragment_count(text),
        )
    subject_values = {name: _WHITESPACE.sub(" ", values[name]).strip() for name in values}
    subject = _substitute(template.subject or "", subject_values)
    return RenderedMessage(
        template_id=template.id,
        channel=template.channel,
        subject=subject,
        text=_substitute(template.body, values).strip() + "\n",
        html=_html_document(subject, template.body, values),
    )


class TemplateCatalog:
    """The templates of a templates.json file, by id and by event type."""

    def __init__(self, templates: list[Template]) -> None:
        self._by_id: dict[str, Template] = {}
        for template in templates:
            if template.id in self._by_id:
                raise ValueError(f"template {template.id} is defined twice")
            self._by_id[template.id] = template

    @classmethod
    def load(cls, path: Path = TEMPLATES_PATH) -> TemplateCatalog:
        raw = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(raw, list):
            raise ValueError(f"{path}: expected a list of templates")
        return cls([Template.from_dict(item) for item in raw])

    def for_event(self, event_type: str) -> list[Template]:
        """The event's templates, every channel and audience, in file order."""
        return [t for t in self._by_id.values() if t.event_type == event_type]

    def get(self, template_id: str) -> Template:
        try:
            return self._by_id[template_id]
        except KeyError:
            raise UnknownTemplate(template_id) from None

    def all(self) -> list[Template]:
        return list(self._by_id.values())


@cache
def default_catalog() -> TemplateCatalog:
    """The templates shipped with the service, loaded once."""
    return TemplateCatalog.load()
