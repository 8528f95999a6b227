"""The shared package: settings, masking, the event contract."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from pydantic import ValidationError

from infra.resources import RESOURCES
from motcua_shared.events import EVENT_SCHEMAS, UnknownEventType, new_event, parse_event
from motcua_shared.events.dossier import Contact, DossierAccepted, DossierCreated
from motcua_shared.logs import get_logger
from motcua_shared.masking import mask_id_number, mask_phone, mask_text
from motcua_shared.settings import BaseSettings, SettingsError
from motcua_shared.timeutil import VN_TZ, parse_iso, to_iso


def test_settings_from_environment() -> None:
    settings = BaseSettings.from_env(
        {
            "USER_POOL_ID": "ap-southeast-1_abc",
            "EVENT_ROUTES": '{"a.b": ["q"]}',
            "INBOX_RETENTION_S": "60",
        }
    )
    assert settings.event_routes == {"a.b": ["q"]}
    assert settings.inbox_retention_s == 60
    assert settings.issuer == "https://cognito-idp.ap-southeast-1.amazonaws.com/ap-southeast-1_abc"
    assert settings.signing_keys_url.endswith("/ap-southeast-1_abc/.well-known/jwks.json")


def test_unreadable_setting_is_a_named_error() -> None:
    with pytest.raises(SettingsError, match="INBOX_RETENTION_S"):
        BaseSettings.from_env({"INBOX_RETENTION_S": "soon"})


def test_masking() -> None:
    assert mask_id_number("079123456789") == "*********789"
    assert mask_phone("0912345678") == "091*****78"
    text = mask_text(
        "CCCD 079123456789, SĐT +84912345678, email lan@example.vn, mã 000.00.01.H56-261122-0001"
    )
    assert "079123456789" not in text
    assert "912345678" not in text
    assert "lan@example.vn" not in text
    assert "000.00.01.H56-261122-0001" in text


def test_logs_mask_personal_data(capsys: pytest.CaptureFixture[str]) -> None:
    logger = get_logger("test")
    logger.warning("applicant", extra={"phone": "0987654321", "id_number": "001099012345"})
    out = capsys.readouterr().out
    assert "0987654321" not in out
    assert "001099012345" not in out
    assert json.loads(out)["phone"] == "098*****21"


def test_times_are_vietnam_iso() -> None:
    value = parse_iso("2026-11-22T02:30:00+00:00")
    assert to_iso(value) == "2026-11-22T09:30:00+07:00"
    assert parse_iso("2026-11-22T09:30:00").tzinfo == VN_TZ


def _accepted() -> DossierAccepted:
    at = datetime(2026, 11, 23, 9, tzinfo=VN_TZ)
    return DossierAccepted(
        dossier_id="d1",
        procedure_code="P",
        procedure_name="Thủ tục",
        status="accepted",
        national_status=2,
        actor="desk1",
        applicant=Contact(full_name="A"),
        code="X-261123-0001",
        accepted_at=at,
        due_at=at,
    )


def test_event_round_trip_through_the_contract() -> None:
    envelope = new_event("dossier.accepted", source="intake", dossier_id="d1", data=_accepted())
    parsed, data = parse_event(envelope.model_dump_json())
    assert parsed == envelope
    assert isinstance(data, DossierAccepted)
    assert data.due_at == _accepted().due_at


def test_event_with_the_wrong_schema_is_refused() -> None:
    with pytest.raises(TypeError):
        new_event(
            "dossier.accepted",
            source="intake",
            dossier_id="d1",
            data=DossierCreated(**_accepted().model_dump(exclude={"accepted_at", "due_at"})),
        )
    envelope = new_event("dossier.accepted", source="intake", dossier_id="d1", data=_accepted())
    broken = json.loads(envelope.model_dump_json())
    del broken["data"]["due_at"]
    with pytest.raises(ValidationError):
        parse_event(json.dumps(broken))
    broken["type"] = "dossier.teleported"
    with pytest.raises(UnknownEventType):
        parse_event(json.dumps(broken))


def test_every_routed_event_has_a_schema_and_every_schema_is_routed() -> None:
    routed = set(RESOURCES.routes)
    registered = {event_type for event_type, _ in EVENT_SCHEMAS}
    assert routed == registered
