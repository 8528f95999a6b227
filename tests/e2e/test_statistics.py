"""The leaders' statistics over HTTP against a recomputation from every dossier, on 200 generated
dossiers. Last of the e2e files (by name) on purpose: it leaves a long queue of notifications
behind, which no later test of this stack then waits for."""

from __future__ import annotations

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


def generate(stack: RunningStack, count: int, seed: int) -> None:
    rng = random.Random(seed)
    for n in range(count):
        # Without a fee, so that the 200 journeys stay quick; fees have their own tests.
        journey = Journey(stack, "MYPHAM-03")
        fate = rng.random()
        if fate < 0.05:
            continue  # a draft
        journey.submitted()
        if fate < 0.12:
            journey.do("desk1", "refuse", {"reason": "Không đủ điều kiện"})
            continue
        journey.do("desk1", "accept")
        journey.pay_at_counter()
        if fate < 0.2:
            document = journey.procedure["documents"][0]["code"]
            journey.do(
                "desk1",
                "request-supplement",
                {"reason": "Bổ sung", "items": [{"document_code": document}]},
            )
            journey.upload(document)
            journey.do("citizen1", "submit")
        if fate < 0.25:
            journey.do("citizen1", "withdraw")
            continue
        unit = ("Phòng Nghiệp vụ Dược", "Phòng Quản lý hành nghề")[n % 2]
        journey.do("leader1", "assign", {"unit": unit, "officer": "officer1"})
        if fate < 0.3:
            journey.do("leader1", "stop", {"reason": "Dừng theo đề nghị"})
            continue
        if fate < 0.45:
            continue
        journey.do("officer1", "approve", {"result_summary": "Đạt"})
        if fate < 0.55:
            continue
        journey.do("desk1", "return")
        if fate < 0.8:
            journey.do(
                "citizen1", "rating", {"score": rng.randint(1, 5), "comment": ""}, expect=201
            )


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


@pytest.mark.parametrize("count", [200])
def test_stats_agree_with_a_recomputation(stack: RunningStack, count: int) -> None:
    generate(stack, count, seed=766)
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
