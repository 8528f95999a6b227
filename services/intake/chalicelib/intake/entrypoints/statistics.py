"""The leaders' figures: overdue dossiers and statistics (JSON, CSV, XLSX)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from chalice.app import Response

from chalicelib.intake import reports
from chalicelib.intake.answers.figures import OverdueListOut, StatisticsOut
from chalicelib.intake.entrypoints.common import XLSX, page_limit
from motcua_shared import timeutil
from motcua_shared.api import ApiRequest, Routes, answer_dict
from motcua_shared.errors import ValidationFailed
from motcua_shared.roles import OVERSIGHT

if TYPE_CHECKING:
    from chalicelib.intake.service import IntakeService

routes = Routes(__name__)


@routes.route(
    "/overdue",
    roles=OVERSIGHT,
    query=("limit", "cursor"),
    summary="Dossiers past their step deadline or appointment date, most overdue first",
    response=OverdueListOut,
)
def overdue(request: ApiRequest[Any], service: IntakeService) -> OverdueListOut:
    items, cursor = service.overdue(
        page_limit(request.query.get("limit")), request.query.get("cursor")
    )
    return OverdueListOut.of(items, cursor)


@routes.route(
    "/stats",
    roles=OVERSIGHT,
    query=("from", "to", "unit", "format"),
    summary="On-time rates, processing time and satisfaction by unit and officer",
    content_types=("application/json", "text/csv", XLSX),
    response=StatisticsOut,
)
def statistics(request: ApiRequest[Any], service: IntakeService) -> Any:
    q = request.query
    today = timeutil.now().date()
    start = _date(q.get("from"), "from") or today.replace(day=1)
    end = _date(q.get("to"), "to") or today
    if end < start:
        raise ValidationFailed(
            "'to' is before 'from'.", "Ngày kết thúc trước ngày bắt đầu.", field="to"
        )
    unit = q.get("unit") or None
    answer = StatisticsOut.of(
        start, end, unit, service.overdue_now(unit), service.statistics(start, end, unit)
    )
    report = answer_dict(answer)
    fmt = q.get("format", "json")
    name = f"thong-ke-ho-so-{start.isoformat()}-{end.isoformat()}"
    if fmt == "csv":
        return Response(
            body=reports.to_csv(report),
            status_code=200,
            headers={
                "Content-Type": "text/csv; charset=utf-8",
                "Content-Disposition": f'attachment; filename="{name}.csv"',
            },
        )
    if fmt == "xlsx":
        return Response(
            body=reports.to_xlsx(report),
            status_code=200,
            headers={
                "Content-Type": XLSX,
                "Content-Disposition": f'attachment; filename="{name}.xlsx"',
            },
        )
    if fmt != "json":
        raise ValidationFailed(
            "format is json, csv or xlsx.", "Định dạng: json, csv hoặc xlsx.", field="format"
        )
    return answer


def _date(raw: str | None, field: str) -> date | None:
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ValidationFailed(
            f"'{field}' must be a date like 2026-11-23.",
            f"'{field}' phải là ngày dạng 2026-11-23.",
            field=field,
        ) from None
