"""Concurrency on intake, truly in parallel in-process (threads, moto's mock AWS).

- Two officers acting on one dossier at once, each through its own instance of the intake app (as
  two Lambda instances would serve them; one Chalice app object serves one request at a time):
  both read the same version, one write wins, the other answers 409 ``conflict`` and changes
  nothing.
- Fifty acceptances at once of fifty submitted dossiers: fifty distinct codes whose sequence
  numbers follow each other for the day, none burnt, none used twice; a refused acceptance draws
  no number; a lost race burns its number, which is never issued again.

Duplicate and parallel webhooks (one effect) are covered by tests/service/test_payment.py
(``test_parallel_notifications_settle_once``) and tests/e2e/test_payment_flow.py.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime
from types import ModuleType
from typing import Any

import pytest
from chalice.test import Client

from infra.local.apps import SERVICES_DIR, load_app
from infra.local.bootstrap import Stack
from motcua_shared.timeutil import VN_TZ
from tests.service.conftest import Pump
from tests.service.test_intake_dossiers import Auth, act, call, submitted

# A working Wednesday no other test uses: the day's sequence is this module's alone.
DAY = datetime(2026, 10, 21, 9, 0, tzinfo=VN_TZ)
# The service's modules are imported inside the tests: importing its storage reads the settings,
# which must wait for the mock AWS's environment.


def another_instance(service: str) -> ModuleType:
    """A second, independent import of a service's app (its own Chalice app and service)."""
    load_app(service)  # the first one, and the import paths
    name = f"motcua_{service}_app_second"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, SERVICES_DIR / service / "app.py")
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


# DynamoDB applies each write atomically; moto in-process does not (tests/service/conftest.py).
pytestmark = pytest.mark.usefixtures("atomic_writes")


@pytest.fixture(scope="module")
def second(aws: Stack) -> Iterator[Client]:
    with Client(another_instance("intake").app) as client:
        yield client


@pytest.fixture
def fixed_day() -> Iterator[None]:
    """Both instances' clocks on :data:`DAY`, so that every code of a test is of one day."""
    services = [load_app("intake").service, another_instance("intake").service]
    originals = [s.clock for s in services]
    for s in services:
        s.clock = lambda: DAY
    yield
    for s, original in zip(services, originals, strict=True):
        s.clock = original


@pytest.fixture(scope="module", autouse=True)
def announced_nowhere(aws: Stack, pump: Pump) -> Iterator[None]:
    """The sixty-odd dossiers made here leave no work for other tests: what the stream holds
    before is published as usual; what they add is handled (their statistics counted) with
    nowhere to send their events, rather than a hundred-odd messages for notify and delivery
    (the shared queues cannot be purged: SQS allows one purge a minute)."""
    pump.publish("intake")
    yield
    service = load_app("intake").service  # publish_events reads its settings when called
    settings = service.settings
    service.settings = dataclasses.replace(settings, event_routes={})
    try:
        pump.publish("intake")
    finally:
        service.settings = settings


def counter(agency_code: str, day: date) -> int:
    from chalicelib.intake.domain.codes import sequence_key
    from chalicelib.intake.storage.models import SequenceItem

    try:
        item = SequenceItem.get("SEQ#" + sequence_key(agency_code, day), "SEQ")
    except SequenceItem.DoesNotExist:
        return 0
    return int(item.value)


def number(code: str) -> int:
    from chalicelib.intake.domain.codes import CODE_PATTERN

    match = CODE_PATTERN.match(code)
    assert match is not None, code
    return int(match["seq"])


def reads_meet(monkeypatch: pytest.MonkeyPatch, dossier_id: str, parties: int) -> None:
    """Each party's first read of the dossier waits for the others' (so all hold one version)."""
    from chalicelib.intake.storage.repositories import DossierRepository

    barrier = threading.Barrier(parties, timeout=20)
    original = DossierRepository.get
    waited: set[int] = set()

    def get(self: Any, wanted: str) -> Any:
        dossier = original(self, wanted)
        if wanted == dossier_id and threading.get_ident() not in waited:
            waited.add(threading.get_ident())
            barrier.wait()
        return dossier

    monkeypatch.setattr(DossierRepository, "get", get)


Move = tuple[str, str, dict[str, Any]]  # user, action, body


@pytest.mark.parametrize(
    ("start", "first", "other"),
    [
        pytest.param(
            "accepted",
            ("desk1", "assign", {"unit": "Phòng Nghiệp vụ Dược", "officer": "officer1"}),
            ("leader1", "assign", {"unit": "Phòng Quản lý Hành nghề", "officer": "officer9"}),
            id="desk-and-leader-assign",
        ),
        pytest.param(
            "submitted",
            ("desk1", "accept", {}),
            ("desk1", "refuse", {"reason": "Hồ sơ không thuộc thẩm quyền giải quyết"}),
            id="accept-and-refuse",
        ),
    ],
)
def test_two_officers_at_once_one_wins_the_other_gets_409_conflict(
    intake: Client,
    second: Client,
    auth: Auth,
    fixed_day: None,
    monkeypatch: pytest.MonkeyPatch,
    start: str,
    first: Move,
    other: Move,
) -> None:
    dossier = submitted(intake, auth)
    if start == "accepted":
        assert act(intake, auth, "desk1", dossier["id"], "accept")[0] == 200
    _, before = call(intake, "GET", f"/dossiers/{dossier['id']}", auth("desk1"))
    reads_meet(monkeypatch, dossier["id"], 2)

    def perform(client: Client, move: Move) -> tuple[int, dict[str, Any]]:
        user, action, body = move
        return act(client, auth, user, dossier["id"], action, body)

    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(perform, (intake, second), (first, other)))
    monkeypatch.undo()

    statuses = sorted(status for status, _ in answers)
    assert statuses == [200, 409], answers
    (winner, (_, won)), (_, (_, lost)) = sorted(
        zip((first, other), answers, strict=True), key=lambda pair: pair[1][0]
    )
    assert lost["error"]["code"] == "conflict"
    assert lost["error"]["message_vi"]
    _, after = call(intake, "GET", f"/dossiers/{dossier['id']}", auth("desk1"))
    assert after["status"] == won["status"]
    assert after["version"] == before["version"] + 1  # one write, the winner's
    new_steps = [h["action"] for h in after["history"][len(before["history"]) :]]
    assert new_steps == [winner[1]]
    if winner[1] == "assign":
        assert after["officer"] == winner[2]["officer"]


def test_a_lost_race_burns_its_number_and_it_is_never_issued_again(
    intake: Client, second: Client, auth: Auth, fixed_day: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    dossier = submitted(intake, auth)
    agency = load_app("intake").service.repository.get(dossier["id"]).agency_code
    drawn_before = counter(agency, DAY.date())
    reads_meet(monkeypatch, dossier["id"], 2)
    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(
            pool.map(lambda c: act(c, auth, "desk1", dossier["id"], "accept"), (intake, second))
        )
    monkeypatch.undo()
    assert sorted(status for status, _ in answers) == [200, 409]
    code = next(body["code"] for status, body in answers if status == 200)
    assert counter(agency, DAY.date()) == drawn_before + 2  # both drew; one number is burnt
    assert number(code) in (drawn_before + 1, drawn_before + 2)
    following = submitted(intake, auth)
    status, body = act(intake, auth, "desk1", following["id"], "accept")
    assert status == 200
    assert number(body["code"]) == drawn_before + 3


def test_fifty_acceptances_at_once_take_fifty_consecutive_codes(
    intake: Client, auth: Auth, fixed_day: None
) -> None:
    """Fifty desk officers' acceptances released together against the service (the route's
    work without its HTTP wrapping, as tests/service/test_payment.py does with parallel IPNs)."""
    from chalicelib.intake.domain.model import Actor, Role

    desk = Actor(sub="desk1-sub", username="desk1", roles=frozenset({Role.DESK_OFFICER}))
    service = load_app("intake").service
    dossiers = [submitted(intake, auth)["id"] for _ in range(50)]
    agency = service.repository.get(dossiers[0]).agency_code
    drawn_before = counter(agency, DAY.date())
    start = threading.Barrier(50, timeout=30)

    def accept(dossier_id: str) -> str:
        start.wait()
        return str(service.accept(dossier_id, desk).code)

    with ThreadPoolExecutor(max_workers=50) as pool:
        codes = list(pool.map(accept, dossiers))

    assert len(set(codes)) == 50
    prefixes = {code.rsplit("-", 1)[0] for code in codes}
    assert prefixes == {f"{agency}-{DAY:%y%m%d}"}
    assert sorted(number(c) for c in codes) == list(range(drawn_before + 1, drawn_before + 51))
    assert counter(agency, DAY.date()) == drawn_before + 50  # no number drawn and lost
    for dossier_id, code in zip(dossiers, codes, strict=True):
        stored = service.repository.get(dossier_id)
        assert (stored.status.value, stored.code) == ("accepted", code)
        status, tracked = call(intake, "GET", f"/track/{code}")
        assert status == 200
        assert tracked["code"] == code

    # A refused acceptance (already accepted) draws no number; the next one continues the run.
    status, body = act(intake, auth, "desk1", dossiers[0], "accept")
    assert (status, body["error"]["code"]) == (409, "invalid_transition")
    assert counter(agency, DAY.date()) == drawn_before + 50
    following = submitted(intake, auth)
    _, accepted = act(intake, auth, "desk1", following["id"], "accept")
    assert number(accepted["code"]) == drawn_before + 51
