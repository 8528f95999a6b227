"""Leaders' statistics: the counters kept with every change agree with a recomputation from the
raw dossiers, and the figures download as CSV and Excel."""

from __future__ import annotations

import io
import json
import os
import random
from datetime import date, datetime, timedelta
from typing import Any

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


def generate(service: Any, count: int, seed: int) -> list[str]:
    """Dossiers with every kind of outcome, at random working times of January 2027."""
    rng = random.Random(seed)
    s3 = boto3.client("s3")
    bucket = os.environ["ATTACHMENTS_BUCKET"]
    clock = service.clock
    ids = []
    for n in range(count):
        clock.now = datetime(2027, 1, 4, 7, 30, tzinfo=VN_TZ) + timedelta(
            hours=rng.randrange(0, 24 * 20)
        )
        body = NewDossier.model_validate(
            new_dossier(procedure_code=rng.choice(["MYPHAM-01", "DUOC-02"]))
        )
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
        service.submit(dossier.id, CITIZEN)
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
