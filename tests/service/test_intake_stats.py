"""Leaders' statistics: designed dossiers give the figures worked out by hand below (Decision
766's rules on Vietnam's working calendar); the counters kept with every change agree with a
recomputation from the raw dossiers; the figures download as CSV and Excel with no cell a
spreadsheet would take for a formula; no unit or officer name mixes its counters with another's."""

from __future__ import annotations

import csv
import io
import json
import os
import random
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import quote

import boto3
import pytest
from chalice.test import Client
from openpyxl import load_workbook

from chalicelib.intake.domain import stats
from chalicelib.intake.domain.model import Actor, Dossier
from chalicelib.intake.schemas import NewAttachment, NewDossier
from infra.local.apps import load_app
from motcua_shared.timeutil import VN_TZ
from tests.service.conftest import Pump
from tests.service.test_intake_dossiers import Auth, call, new_dossier

UNITS = ("Phòng Nghiệp vụ Dược", "Phòng Quản lý hành nghề")
OFFICERS = ("officer1", "officer2")


def actor(name: str, *roles: str) -> Actor:
    return Actor(sub=f"sub-{name}", username=name, roles=frozenset(roles))


CITIZEN = actor("stats-citizen", "citizen")
DESK = actor("desk1", "desk_officer")
LEADER = actor("leader1", "leader")


def submitted(service: Any, procedure_code: str) -> Dossier:
    """A dossier submitted by CITIZEN at the service's clock, its files in S3."""
    s3 = boto3.client("s3")
    bucket = os.environ["ATTACHMENTS_BUCKET"]
    body = NewDossier.model_validate(new_dossier(procedure_code=procedure_code))
    dossier = service.create(CITIZEN, body)
    procedure = service.catalog.get(dossier.procedure_code)
    slots = [
        service.attach(
            dossier.id,
            CITIZEN,
            NewAttachment(
                document_code=document.code,
                filename="a.pdf",
                content_type="application/pdf",
                size_bytes=5,
            ),
        )
        for document in procedure.required_documents
    ]
    # the files' keys: one read of the dossier once every slot is made, not one per slot
    keys = {a.attachment_id: a.s3_key for a in service.repository.get(dossier.id).attachments}
    for slot in slots:
        s3.put_object(Bucket=bucket, Key=keys[slot["attachment_id"]], Body=b"%PDF-")
    return service.submit(dossier.id, CITIZEN)


def generate(service: Any, count: int, seed: int) -> list[str]:
    """Dossiers with every kind of outcome, at random working times of January 2027."""
    rng = random.Random(seed)
    clock = service.clock
    ids = []
    for n in range(count):
        clock.now = datetime(2027, 1, 4, 7, 30, tzinfo=VN_TZ) + timedelta(
            hours=rng.randrange(0, 24 * 20)
        )
        dossier = submitted(service, rng.choice(["MYPHAM-01", "DUOC-02"]))
        procedure = service.catalog.get(dossier.procedure_code)
        ids.append(dossier.id)
        fate = rng.random()
        clock.now += timedelta(hours=rng.uniform(0.1, 3))
        if fate < 0.08:
            service.refuse(dossier.id, DESK, "Không đủ điều kiện")
            continue
        accepted = service.accept(dossier.id, DESK)
        if accepted.status == "fee_requested":  # paid at the counter a little later
            clock.now += timedelta(hours=rng.uniform(0.1, 4))
            service.record_payment(dossier.id, DESK, "counter", f"BL-{n}", accepted.fee_vnd)
        for _ in range(rng.choice([0, 0, 0, 1, 2])):
            clock.now += timedelta(hours=rng.uniform(0.5, 10))
            service.request_supplement(
                dossier.id, DESK, "Bổ sung", [(procedure.required_documents[0].code, "")]
            )
            clock.now += timedelta(hours=rng.uniform(1, 30))
            service.submit(dossier.id, CITIZEN)
        if fate < 0.14:
            service.withdraw(dossier.id, CITIZEN, "Rút")
            continue
        clock.now += timedelta(hours=rng.uniform(0.1, 20))
        officer = rng.choice(OFFICERS)
        service.assign(dossier.id, LEADER, rng.choice(UNITS), officer)
        if fate < 0.2:
            clock.now += timedelta(hours=rng.uniform(1, 60))
            service.stop(dossier.id, LEADER, "Dừng")
            continue
        if fate < 0.3:
            continue  # still processing
        clock.now += timedelta(hours=rng.uniform(1, 90))
        service.approve(dossier.id, actor(officer, "processing_officer"), "Đạt")
        if fate < 0.4:
            continue  # result waiting at the desk
        clock.now += timedelta(hours=rng.uniform(0.1, 30))
        service.return_result(dossier.id, DESK)
        if rng.random() < 0.5:
            service.rate(dossier.id, CITIZEN, rng.randint(1, 5), "")
    return ids


def all_dossiers() -> list[Dossier]:
    table = os.environ["DOSSIERS_TABLE"]
    paginator = boto3.client("dynamodb").get_paginator("scan")
    dossiers = []
    for page in paginator.paginate(
        TableName=table,
        FilterExpression="begins_with(pk, :p)",
        ExpressionAttributeValues={":p": {"S": "DOSSIER#"}},
    ):
        for item in page["Items"]:
            dossiers.append(
                Dossier.from_document(json.loads(item["doc"]["S"]), int(item["version"]["N"]))
            )
    return dossiers


def same(counted: dict[str, Any], recomputed: dict[str, Any]) -> None:
    assert json.dumps(counted, sort_keys=True) == json.dumps(recomputed, sort_keys=True)


@pytest.fixture(scope="module")
def generated(intake: Client) -> list[str]:
    from tests.service.test_intake_procedure import Clock

    service = load_app("intake").service
    original = service.clock
    service.clock = Clock(datetime(2027, 1, 4, 8, tzinfo=VN_TZ))
    try:
        return generate(service, 80, seed=766)
    finally:
        service.clock = original


@pytest.mark.parametrize("unit", [None, UNITS[0]])
def test_counters_agree_with_a_recomputation(
    generated: list[str], pump: Pump, unit: str | None
) -> None:
    pump.publish("intake")  # the counters follow the dossiers stream
    service = load_app("intake").service
    start, end = date(2027, 1, 1), date(2027, 3, 31)
    counted = service.statistics(start, end, unit).to_dict()
    recomputed = stats.recompute(all_dossiers(), start, end, unit, service.calendar()).to_dict()
    same(counted, recomputed)
    overall = counted["overall"]
    assert overall["finished"] > 20
    assert overall["late"] > 0
    assert overall["early"] + overall["on_time"] > 0
    assert 0 <= overall["on_time_rate"] <= 100
    assert {row["unit"] for row in counted["by_unit"]} >= ({unit} if unit else set(UNITS))


def test_more_than_one_supplement_counts_as_late(generated: list[str]) -> None:
    service = load_app("intake").service
    calendar = service.calendar()
    twice = [
        d for d in all_dossiers() if len(d.supplement_requests) > 1 and d.finished_at and d.due_at
    ]
    assert twice
    for dossier in twice:
        assert stats.Snapshot.of(dossier, calendar).timeliness == "late"


def test_stats_endpoint_json_csv_xlsx(
    generated: list[str], pump: Pump, intake: Client, auth: Auth
) -> None:
    pump.publish("intake")
    status, report = call(intake, "GET", "/stats?from=2027-01-01&to=2027-03-31", auth("leader1"))
    assert status == 200
    assert report["overall"]["finished"] > 20
    assert "overdue_now" in report
    assert call(intake, "GET", "/stats", auth("desk1"))[0] == 403
    assert call(intake, "GET", "/stats?from=2027-13-01", auth("leader1"))[0] == 400
    assert call(intake, "GET", "/stats?from=2027-02-01&to=2027-01-01", auth("leader1"))[0] == 400

    response = intake.http.get(
        "/stats?from=2027-01-01&to=2027-03-31&format=csv", headers=auth("leader1")
    )
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    text = response.body.decode("utf-8-sig")
    assert "Tỷ lệ đúng hạn (%)" in text
    assert "Theo chuyên viên" in text

    response = intake.http.get(
        "/stats?from=2027-01-01&to=2027-03-31&format=xlsx",
        headers={
            **auth("leader1"),
            "Accept": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        },
    )
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.body))
    assert workbook.sheetnames == ["Tổng hợp", "Theo trạng thái", "Theo phòng", "Theo chuyên viên"]
    summary = workbook["Tổng hợp"]
    headers = [c.value for c in summary[1]]
    assert "Số hồ sơ đã giải quyết" in headers
    finished = summary.cell(row=2, column=headers.index("Số hồ sơ đã giải quyết") + 1).value
    assert finished == report["overall"]["finished"]
    assert workbook["Theo phòng"].max_row == len(report["by_unit"]) + 1


# -- designed dossiers, figures worked out by hand ----------------------------------------------

OFFICER1 = actor("officer1", "processing_officer")
OFFICER2 = actor("officer2", "processing_officer")
UNIT = "Phòng Kiểm định Thống kê"
DOCUMENT = "VAN_BAN_DE_NGHI"  # the first required document of MYPHAM-03


def vn(month: int, day: int, hour: int, minute: int = 0, year: int = 2029) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=VN_TZ)


@pytest.fixture
def clock(intake: Client) -> Iterator[Any]:
    from tests.service.test_intake_procedure import Clock

    service = load_app("intake").service
    original = service.clock
    service.clock = Clock(vn(4, 19, 8, 30))
    yield service.clock
    service.clock = original


class Journey:
    """One dossier of MYPHAM-03 (5 working days, no fee), each step at the time given."""

    def __init__(self, service: Any, clock: Any, at: datetime) -> None:
        self.service, self.clock = service, clock
        clock.now = at
        self.id = submitted(service, "MYPHAM-03").id

    def do(self, at: datetime, step: str, *args: Any) -> Dossier:
        self.clock.now = at
        dossier: Dossier = getattr(self.service, step)(self.id, *args)
        return dossier

    def accepted(self, at: datetime) -> Dossier:
        return self.do(at, "accept", DESK)

    def supplement(self, at: datetime, by: Actor, answered_at: datetime) -> Dossier:
        self.do(at, "request_supplement", by, "Bổ sung", [(DOCUMENT, "")])
        return self.do(answered_at, "submit", CITIZEN)


def designed(service: Any, clock: Any) -> dict[str, Dossier]:
    """Eight dossiers of April 2029, all submitted on Thursday 19/4 at 08:30.

    The working calendar (Labour Code 2019, art. 112; working hours 07:00–11:30 and 13:30–17:00,
    8 hours a day): Saturdays and Sundays off; Monday 23/4 is the Hùng Kings' day (10/3 of the
    lunar calendar), Monday 30/4 and Tuesday 1/5 are holidays. Accepted on Thursday 19/4 at
    09:00, a 5-working-day (40 h) limit ends on Friday 27/4 at 09:00: Thursday 6 h (09:00–11:30,
    13:30–17:00), Friday 20/4 8 h (14), Tuesday 24/4 (22), Wednesday 25/4 (30), Thursday 26/4
    (38), and Friday 27/4 07:00–09:00 (40).
    """
    at = vn(4, 19, 8, 30)
    d = {}

    # A, on time (Đúng hạn): processed on the due day before the due hour, 08:30 on 27/4.
    # Working time 38 h + 1.5 h = 39.5 h = 2370 min. Returned, rated 5.
    a = Journey(service, clock, at)
    assert a.accepted(vn(4, 19, 9)).due_at == vn(4, 27, 9)
    a.do(vn(4, 19, 10), "assign", LEADER, UNIT, "officer1")
    a.do(vn(4, 27, 8, 30), "approve", OFFICER1, "Đạt")
    a.do(vn(4, 27, 10), "return_result", DESK)
    d["A"] = a.do(vn(4, 27, 10, 30), "rate", CITIZEN, 5, "")

    # B, early (Trước hạn) with ONE supplement request (not late: Decision 766 counts more than
    # one): the desk asks at 10:00 on 19/4, the applicant answers at 14:00 (paused 1.5 h + 0.5 h
    # = 2 h; due 27/4 at 11:00). Processed on Wednesday 25/4 at 10:00: 6 + 8 + 8 + 3 = 25 h,
    # less 2 h paused = 23 h = 1380 min. Returned, rated 2 (a negative rating).
    b = Journey(service, clock, at)
    b.accepted(vn(4, 19, 9))
    assert b.supplement(vn(4, 19, 10), DESK, vn(4, 19, 14)).due_at == vn(4, 27, 11)
    b.do(vn(4, 19, 15), "assign", LEADER, UNIT, "officer1")
    b.do(vn(4, 25, 10), "approve", OFFICER1, "Đạt")
    b.do(vn(4, 25, 15), "return_result", DESK)
    d["B"] = b.do(vn(4, 25, 16), "rate", CITIZEN, 2, "")

    # C, late (Quá hạn): processed at 14:00 on 27/4, after 09:00. 38 + 4.5 + 0.5 = 43 h =
    # 2580 min. Its result still waits at the desk.
    c = Journey(service, clock, at)
    c.accepted(vn(4, 19, 9))
    c.do(vn(4, 19, 10), "assign", LEADER, UNIT, "officer2")
    d["C"] = c.do(vn(4, 27, 14), "approve", OFFICER2, "Đạt")

    # D, late because of TWO supplement requests (Decision 766), although processed before its
    # due date. The desk asks at 10:00 on 19/4, answered at 10:00 on 20/4: paused 1.5 + 3.5 + 3
    # = 8 h, so due 27/4 09:00 + 8 h = 27/4 until 17:00 (6 h), then past the weekend and the
    # holidays of 30/4 and 1/5, Wednesday 2/5 at 09:00. Officer2 asks at 09:00 on Tuesday 24/4,
    # answered at 11:00: 2 h more, due 2/5 at 11:00. Processed Wednesday 25/4 at 10:00: 25 h
    # less 10 h paused = 15 h = 900 min. Returned.
    dd = Journey(service, clock, at)
    dd.accepted(vn(4, 19, 9))
    assert dd.supplement(vn(4, 19, 10), DESK, vn(4, 20, 10)).due_at == vn(5, 2, 9)
    dd.do(vn(4, 20, 11), "assign", LEADER, UNIT, "officer2")
    assert dd.supplement(vn(4, 24, 9), OFFICER2, vn(4, 24, 11)).due_at == vn(5, 2, 11)
    dd.do(vn(4, 25, 10), "approve", OFFICER2, "Đạt")
    d["D"] = dd.do(vn(4, 26, 8), "return_result", DESK)

    # E, refused at the desk at 09:30 on 19/4: finished, never accepted (no timeliness), in no
    # unit.
    e = Journey(service, clock, at)
    d["E"] = e.do(vn(4, 19, 9, 30), "refuse", DESK, "Không thuộc thẩm quyền")

    # F, withdrawn by the applicant on Tuesday 24/4 at 10:00, during processing: finished early
    # (24/4 before 27/4). 6 + 8 + 3 = 17 h = 1020 min.
    f = Journey(service, clock, at)
    f.accepted(vn(4, 19, 9))
    f.do(vn(4, 19, 10), "assign", LEADER, UNIT, "officer2")
    d["F"] = f.do(vn(4, 24, 10), "withdraw", CITIZEN, "Rút hồ sơ")

    # G, still in processing and overdue since 27/4 09:00.
    g = Journey(service, clock, at)
    g.accepted(vn(4, 19, 9))
    d["G"] = g.do(vn(4, 19, 10), "assign", LEADER, UNIT, "officer2")

    # H, stopped by the leader on Wednesday 2/5 at 10:00, late: 40 h to 27/4 09:00, 6 h more
    # that Friday, none on 30/4 and 1/5, 3 h on 2/5: 49 h = 2940 min.
    h = Journey(service, clock, at)
    h.accepted(vn(4, 19, 9))
    h.do(vn(4, 19, 10), "assign", LEADER, UNIT, "officer2")
    d["H"] = h.do(vn(5, 2, 10), "stop", LEADER, "Dừng theo đề nghị")
    return d


def figures(
    finished: int,
    early: int,
    on_time: int,
    late: int,
    rate: float | None,
    hours: float | None,
    negative: int,
    satisfaction: float | None,
) -> dict[str, Any]:
    return {
        "finished": finished,
        "early": early,
        "on_time": on_time,
        "late": late,
        "on_time_rate": rate,
        "average_processing_hours": hours,
        "negative_ratings": negative,
        "satisfaction_index": satisfaction,
    }


# Worked out by hand from the dossiers above (minutes: A 2370, B 1380, C 2580, D 900, F 1020,
# H 2940). Timed = early + on time + late; on-time rate = (early + on time) / timed;
# satisfaction index = 100 − % late (of timed) − % negative ratings (of finished).
# Unit: A, B, C, D, F, H = 6 finished; early B, F; on time A; late C, D, H: 3/6 = 50 %;
# 11190 min / 60 / 6 = 31.08 h; B rated 2; 100 − 50 − 16.67 = 33.33.
IN_UNIT = figures(6, 2, 1, 3, 50.0, 31.08, 1, 33.33)
# Everyone: the unit's six and E (refused: finished, not timed): 100 − 50 − 14.29 = 35.71.
OVERALL = figures(7, 2, 1, 3, 50.0, 31.08, 1, 35.71)
UNASSIGNED = figures(1, 0, 0, 0, None, None, 0, 100.0)
# officer1: A (on time), B (early, rated 2): (2370 + 1380) / 60 / 2 = 31.25 h; 100 − 0 − 50.
BY_OFFICER1 = figures(2, 1, 1, 0, 100.0, 31.25, 1, 50.0)
# officer2: C, D, H late, F early: 1/4 on time; (2580 + 900 + 1020 + 2940) / 60 / 4 = 31 h.
BY_OFFICER2 = figures(4, 1, 0, 3, 25.0, 31.0, 0, 25.0)


def stats_over_http(
    intake: Client, auth: Auth, start: str, end: str, unit: str | None = None
) -> dict[str, Any]:
    path = f"/stats?from={start}&to={end}" + (f"&unit={quote(unit)}" if unit else "")
    status, report = call(intake, "GET", path, auth("leader1"))
    assert status == 200, report
    return report


def test_designed_dossiers_give_the_figures_worked_out_by_hand(
    clock: Any, pump: Pump, intake: Client, auth: Auth
) -> None:
    """Decision 766/QĐ-TTg's progress indicator (early / on time / late against the appointment
    date; more than one supplement request counts as late; refused and withdrawn dossiers end
    processing) and satisfaction index, on Vietnam's working calendar (Labour Code 2019, art.
    112) — expected values stated literally, not recomputed by the product."""
    service = load_app("intake").service
    dossiers = designed(service, clock)
    assert {k: str(v.status) for k, v in dossiers.items()} == {
        "A": "returned",
        "B": "returned",
        "C": "result_ready",
        "D": "returned",
        "E": "refused",
        "F": "withdrawn",
        "G": "processing",
        "H": "stopped",
    }
    pump.publish("intake")  # the counters follow the dossiers stream
    clock.now = vn(5, 3, 10)  # "now", for the dossiers overdue

    report = stats_over_http(intake, auth, "2029-04-01", "2029-05-31", UNIT)
    assert report["overall"] == IN_UNIT
    assert report["by_status"] == {
        "processing": 1,
        "result_ready": 1,
        "returned": 3,
        "stopped": 1,
        "withdrawn": 1,
    }
    assert report["by_unit"] == [{"unit": UNIT, **IN_UNIT}]
    assert report["by_officer"] == [
        {"unit": UNIT, "officer": "officer1", **BY_OFFICER1},
        {"unit": UNIT, "officer": "officer2", **BY_OFFICER2},
    ]
    # on the clock and past the appointment date now: G (processing) and C (its result not yet
    # returned, due 27/4 09:00); D was due on 2/5 but is returned
    assert report["overdue_now"] == 2

    report = stats_over_http(intake, auth, "2029-04-01", "2029-05-31")
    assert report["overall"] == OVERALL
    assert report["by_unit"] == [{"unit": "-", **UNASSIGNED}, {"unit": UNIT, **IN_UNIT}]
    assert report["by_officer"] == [
        {"unit": "-", "officer": "-", **UNASSIGNED},
        {"unit": UNIT, "officer": "officer1", **BY_OFFICER1},
        {"unit": UNIT, "officer": "officer2", **BY_OFFICER2},
    ]

    # The period counts by the day processing ended: to 24/4, only E (19/4) and F (24/4).
    report = stats_over_http(intake, auth, "2029-04-01", "2029-04-24")
    assert report["overall"] == figures(2, 1, 0, 0, 100.0, 17.0, 0, 100.0)

    # The recomputation from raw dossiers gives the same figures.
    recomputed = stats.recompute(
        [service.repository.get(d.id) for d in dossiers.values()],
        date(2029, 4, 1),
        date(2029, 5, 31),
        None,
        service.calendar(),
    ).to_dict()
    assert recomputed["overall"] == OVERALL
    assert recomputed["by_officer"][1:] == [
        {"unit": UNIT, "officer": "officer1", **BY_OFFICER1},
        {"unit": UNIT, "officer": "officer2", **BY_OFFICER2},
    ]


# -- free text in the counters and the exports ---------------------------------------------------


def withdrawn_in(service: Any, clock: Any, at: datetime, unit: str, officer: str) -> Dossier:
    """A dossier assigned to ``unit`` / ``officer`` and withdrawn (finished) at ``at``."""
    journey = Journey(service, clock, at)
    journey.accepted(at + timedelta(minutes=10))
    journey.do(at + timedelta(minutes=20), "assign", LEADER, unit, officer)
    return journey.do(at + timedelta(minutes=30), "withdraw", CITIZEN, "Rút")


def test_a_hash_in_a_unit_or_officer_name_keeps_its_counters_apart(
    clock: Any, pump: Pump, intake: Client, auth: Auth
) -> None:
    """The counters' sort keys are composite, parts joined with '#' (AWS, "Best practices for
    using sort keys to organize data in DynamoDB": [country]#[region]#…): a part holding '#' (or
    the escape '%') must not add to another unit's or officer's figures, nor be read back as
    another name."""
    service = load_app("intake").service
    names = [("a#b", "c"), ("a", "b#c"), ("x%23y", "o"), ("x#y", "o"), ("p%", "q")]
    for unit, officer in names:
        withdrawn_in(service, clock, vn(4, 2, 8, year=2031), unit, officer)
    pump.publish("intake")
    report = stats_over_http(intake, auth, "2031-04-01", "2031-04-30")
    assert [(row["unit"], row["finished"]) for row in report["by_unit"]] == [
        ("a", 1),
        ("a#b", 1),
        ("p%", 1),
        ("x#y", 1),
        ("x%23y", 1),
    ]
    assert sorted((row["unit"], row["officer"]) for row in report["by_officer"]) == sorted(names)
    for unit, _ in names:
        single = stats_over_http(intake, auth, "2031-04-01", "2031-04-30", unit)
        assert single["by_status"] == {"withdrawn": 1}, unit
        assert single["overall"]["finished"] == 1, unit


HOSTILE_UNITS = ['=HYPERLINK("http://evil","x")', "+1", "-1", "@SUM(1)"]


def test_exports_never_carry_a_live_formula(
    clock: Any, pump: Pump, intake: Client, auth: Auth
) -> None:
    """OWASP "CSV Injection": unit and officer names typed by officers reach the leaders' CSV
    with a leading single quote, and the workbook as string cells (never formulas); a control
    character (which XML 1.0 cannot hold) does not fail the workbook."""
    service = load_app("intake").service
    for unit in HOSTILE_UNITS:
        withdrawn_in(service, clock, vn(3, 5, 8, year=2031), unit, "@officer")
    withdrawn_in(service, clock, vn(3, 5, 8, year=2031), "Phòng\x01B", "officer1")
    pump.publish("intake")
    query = "/stats?from=2031-03-01&to=2031-03-31&format="

    response = intake.http.get(query + "csv", headers=auth("leader1"))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.body.decode("utf-8-sig"), newline="")))
    units = rows[rows.index(["Theo phòng"]) + 2 :][:5]
    assert [row[0] for row in units] == sorted(["'" + u for u in HOSTILE_UNITS] + ["Phòng\x01B"])
    officers = rows[rows.index(["Theo chuyên viên"]) + 2 :][:5]
    assert sorted(row[1] for row in officers) == ["'@officer"] * 4 + ["officer1"]

    response = intake.http.get(
        query + "xlsx",
        headers={
            **auth("leader1"),
            "Accept": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        },
    )
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.body))
    cells = [row[0] for row in workbook["Theo phòng"].iter_rows(min_row=2)]
    assert {c.value: (c.data_type, c.quotePrefix) for c in cells} == {
        **dict.fromkeys(HOSTILE_UNITS, ("s", True)),
        "Phòng\ufffdB": ("s", False),
    }
    for sheet in workbook:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
