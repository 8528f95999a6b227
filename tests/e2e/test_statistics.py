"""The leaders' statistics over HTTP against a recomputation from every dossier, on generated
dossiers with every outcome for both units. Last of the e2e files (by name) on purpose: it
leaves a long queue of notifications behind, which no later test of this stack then waits for."""

from __future__ import annotations

import bisect
import random
import time
from datetime import date
from typing import Any

import pytest

from chalicelib.intake.domain import stats
from chalicelib.intake.domain.calendar import WorkingCalendar
from chalicelib.intake.domain.model import Dossier
from infra.local.apps import add_service_paths
from tests.e2e.conftest import RunningStack
from tests.e2e.test_one_stop import Journey

add_service_paths()


# -- the leaders' statistics against a recomputation --------------------------------------------


UNITS = ("Phòng Nghiệp vụ Dược", "Phòng Quản lý hành nghề")
# Where a dossier's journey stops, by its fate (a number in [0, 1)): below each bound, the
# outcome named; from RATED on, returned without a rating.
DRAFT, REFUSED, SUPPLEMENTED_AND_WITHDRAWN, WITHDRAWN, STOPPED = 0.05, 0.12, 0.2, 0.25, 0.3
PROCESSING, RESULT_READY, RATED = 0.45, 0.55, 0.8
BOUNDS = (0.0, DRAFT, REFUSED, SUPPLEMENTED_AND_WITHDRAWN, WITHDRAWN, STOPPED, PROCESSING)
BOUNDS += (RESULT_READY, RATED, 1.0)


def plan(count: int, seed: int) -> list[tuple[float, str, int]]:
    """(fate, unit, rating score) of each dossier. The fates are spread evenly — one at a random
    point of each 1/count-wide slice of [0, 1) — and the unit and the score go by the slice, so
    that every outcome (the narrowest is 5 % wide) befalls several dossiers, those assigned of
    both units, and the rated ones of each unit get every score; then the order is shuffled.
    Fates drawn at random instead needed 200 dossiers (minutes of the suite) to be sure of as
    much; the test checks the mix before it starts."""
    rng = random.Random(seed)
    fates = [((k + rng.random()) / count, UNITS[k % 2], 1 + (k // 2) % 5) for k in range(count)]
    rng.shuffle(fates)
    return fates


def generate(stack: RunningStack, fates: list[tuple[float, str, int]]) -> None:
    # Without a fee, so that the journeys stay quick; fees have their own tests.
    procedure = stack.call("GET", "/intake/procedures/MYPHAM-03").json()
    for fate, unit, score in fates:
        journey = Journey(stack, "MYPHAM-03", procedure_view=procedure)
        if fate < DRAFT:
            continue
        journey.submitted()
        if fate < REFUSED:
            journey.do("desk1", "refuse", {"reason": "Không đủ điều kiện"})
            continue
        journey.do("desk1", "accept")
        journey.pay_at_counter()
        if fate < SUPPLEMENTED_AND_WITHDRAWN:
            document = journey.procedure["documents"][0]["code"]
            journey.do(
                "desk1",
                "request-supplement",
                {"reason": "Bổ sung", "items": [{"document_code": document}]},
            )
            journey.upload(document)
            journey.do("citizen1", "submit")
        if fate < WITHDRAWN:
            journey.do("citizen1", "withdraw")
            continue
        journey.do("leader1", "assign", {"unit": unit, "officer": "officer1"})
        if fate < STOPPED:
            journey.do("leader1", "stop", {"reason": "Dừng theo đề nghị"})
            continue
        if fate < PROCESSING:
            continue
        journey.do("officer1", "approve", {"result_summary": "Đạt"})
        if fate < RESULT_READY:
            continue
        journey.do("desk1", "return")
        if fate < RATED:
            journey.do("citizen1", "rating", {"score": score, "comment": ""}, expect=201)


def every_dossier(stack: RunningStack) -> list[Dossier]:
    dossiers = []
    for status in (
        "draft",
        "submitted",
        "supplement_requested",
        "refused",
        "accepted",
        "processing",
        "fee_requested",
        "result_ready",
        "returned",
        "withdrawn",
        "stopped",
    ):
        cursor = None
        while True:
            path = f"/intake/dossiers?status={status}&limit=100" + (
                f"&cursor={cursor}" if cursor else ""
            )
            page = stack.call("GET", path, "leader1").json()
            dossiers += [from_view(v) for v in page["items"]]
            cursor = page["next_cursor"]
            if not cursor:
                break
    return dossiers


def from_view(view: dict[str, Any]) -> Dossier:
    """The API's view of a dossier back into the domain object (what recomputation needs)."""
    doc = {
        k: v for k, v in view.items() if k not in {"national_status", "supplement_count", "version"}
    }
    doc.update(
        owner_sub="",
        attachments=[],
        result=None,
        step_started_at=None,
        step_plan={},
        alerts=[],
        supplement_requests=[{**s, "from_status": ""} for s in view["supplement_requests"]],
    )
    return Dossier.from_document(doc, view["version"])


# 72 dossiers: every outcome for both units (see plan), and more than 50 of them finished.
@pytest.mark.parametrize("count", [72])
def test_stats_agree_with_a_recomputation(stack: RunningStack, count: int) -> None:
    fates = plan(count, seed=766)
    outcomes = {(bisect.bisect_right(BOUNDS, fate), unit) for fate, unit, _ in fates}
    assert outcomes == {(n, unit) for n in range(1, len(BOUNDS)) for unit in UNITS}
    rated = {(unit, score) for fate, unit, score in fates if RESULT_READY <= fate < RATED}
    assert rated == {(unit, score) for unit in UNITS for score in range(1, 6)}
    generate(stack, fates)
    start, end = date(2020, 1, 1), date(2100, 12, 31)
    calendar = WorkingCalendar.vietnam()
    deadline = time.monotonic() + 90
    while True:
        dossiers = every_dossier(stack)
        expected = stats.recompute(dossiers, start, end, None, calendar).to_dict()
        report = stack.call("GET", f"/intake/stats?from={start}&to={end}", "leader1").json()
        counted = {k: report[k] for k in expected}
        if counted == expected or time.monotonic() > deadline:
            break
        time.sleep(1)  # the counters follow the stream
    assert len(dossiers) >= count
    assert counted == expected
    assert report["overall"]["finished"] > 50
    assert report["overall"]["on_time_rate"] is not None
