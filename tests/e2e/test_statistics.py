"""The leaders' statistics over HTTP: designed dossiers whose figures are written out by hand,
then a recomputation from every dossier, on generated dossiers with every outcome for both units.
Last of the e2e files (by name) on purpose: it leaves a long queue of notifications behind,
which no later test of this stack then waits for."""

from __future__ import annotations

import bisect
import random
import time
import uuid
from datetime import date
from typing import Any
from urllib.parse import quote

import pytest

from chalicelib.intake.domain import stats
from chalicelib.intake.domain.calendar import WorkingCalendar
from chalicelib.intake.domain.model import Dossier
from infra.local.apps import add_service_paths
from tests.e2e.conftest import RunningStack
from tests.e2e.test_one_stop import Journey

add_service_paths()


# -- designed dossiers, figures written out by hand ----------------------------------------------


def test_designed_dossiers_give_the_figures_worked_out_by_hand(stack: RunningStack) -> None:
    """Decision 766/QĐ-TTg's progress indicator and satisfaction index over the whole stack, with
    the expected figures stated here, not recomputed by the product. Each dossier finishes
    seconds after its acceptance, days before its 5-working-day appointment: early — unless it
    had more than one supplement request, which Decision 766 counts as late.
    Outcomes that need a chosen clock (on time, late by the hour, overdue, refused: in no unit)
    are in tests/service/test_intake_stats.py."""
    unit = f"Phòng Thiết kế {uuid.uuid4().hex[:8]}"  # this run's dossiers alone
    procedure = stack.call("GET", "/intake/procedures/MYPHAM-03").json()  # 5 working days, free
    document = procedure["documents"][0]["code"]

    def accepted() -> Journey:
        journey = Journey(stack, "MYPHAM-03", procedure_view=procedure).submitted()
        journey.do("desk1", "accept")
        return journey

    def assigned(journey: Journey) -> Journey:
        journey.do("leader1", "assign", {"unit": unit, "officer": "officer1"})
        return journey

    def supplement(journey: Journey, by: str) -> None:
        body = {"reason": "Bổ sung", "items": [{"document_code": document}]}
        journey.do(by, "request-supplement", body)
        journey.upload(document)
        journey.do("citizen1", "submit")

    early = assigned(accepted())  # processed, returned, rated 5: early
    early.do("officer1", "approve", {"result_summary": "Đạt"})
    early.do("desk1", "return")
    early.do("citizen1", "rating", {"score": 5, "comment": ""}, expect=201)
    twice = accepted()  # two supplement requests (desk, then officer): late; rated 1
    supplement(twice, "desk1")
    assigned(twice)
    supplement(twice, "officer1")
    twice.do("officer1", "approve", {"result_summary": "Đạt"})
    twice.do("desk1", "return")
    twice.do("citizen1", "rating", {"score": 1, "comment": "Chậm"}, expect=201)
    assigned(accepted()).do("citizen1", "withdraw")  # withdrawn during processing: early
    assigned(accepted()).do("leader1", "stop", {"reason": "Dừng"})  # stopped: early
    assigned(accepted())  # still in processing: not finished

    # 4 finished: 3 early, 1 late → 75 % on time; 1 negative rating of 4 finished; satisfaction
    # index 100 − 25 (% late) − 25 (% negative) = 50.
    expected = {
        "finished": 4,
        "early": 3,
        "on_time": 0,
        "late": 1,
        "on_time_rate": 75.0,
        "negative_ratings": 1,
        "satisfaction_index": 50.0,
    }
    statuses = {"processing": 1, "returned": 2, "stopped": 1, "withdrawn": 1}
    path = f"/intake/stats?from=2020-01-01&to=2100-12-31&unit={quote(unit)}"
    deadline = time.monotonic() + 90
    while True:  # the counters follow the stream
        report = stack.call("GET", path, "leader1").json()
        overall = {k: report["overall"][k] for k in expected}
        if (overall, report["by_status"]) == (expected, statuses):
            break
        assert time.monotonic() < deadline, (overall, report["by_status"])
        time.sleep(0.5)
    # seconds of working time each (none outside working hours): a few hundredths at most
    assert 0 <= report["overall"]["average_processing_hours"] <= 0.1
    assert [(r["unit"], r["finished"], r["late"]) for r in report["by_unit"]] == [(unit, 4, 1)]
    officer = report["by_officer"]
    assert [(r["unit"], r["officer"]) for r in officer] == [(unit, "officer1")]
    assert {k: officer[0][k] for k in expected} == expected


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
        k: v
        for k, v in view.items()
        # what the answer adds for its reader, not the dossier's own fields
        if k not in {"national_status", "supplement_count", "version", "allowed_actions"}
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
