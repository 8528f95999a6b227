"""intake: the procedure catalogue and the dossier lifecycle (routes stay thin)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from chalice import Chalice, Rate, Response

from chalicelib.intake import documents, reports
from chalicelib.intake.domain.catalog import default_catalog
from chalicelib.intake.domain.lifecycle import roles_for
from chalicelib.intake.domain.model import Action, Actor, Role
from chalicelib.intake.service import IntakeService
from chalicelib.intake.settings import get_settings
from chalicelib.intake.storage import DossierRepository, stats_views
from chalicelib.intake.views import (
    dossier_view,
    overdue_view,
    tracking_view,
    verification_view,
)
from motcua_shared import links, timeutil
from motcua_shared.api import PUBLIC, SIGNED_IN, Api, ApiRequest
from motcua_shared.auth import Principal
from motcua_shared.errors import NotFound, ValidationFailed
from motcua_shared.inbox import consume_sqs_batch
from motcua_shared.outbox import publish_stream_batch
from motcua_shared.parsing import parse_whole_number, whole_number
from motcua_shared.roles import APPLICANTS, OFFICERS, OVERSIGHT, RECEPTION, WORKLIST

if TYPE_CHECKING:
    from chalicelib.intake.schemas import (
        Approval,
        Assignment,
        CalendarYearIn,
        CounterPayment,
        DossierUpdate,
        ExtensionIn,
        NewAttachment,
        NewDossier,
        NoBody,
        OptionalReason,
        ProcedureEdit,
        RatingIn,
        Reason,
        ResultFileIn,
        SupplementRequestIn,
    )
    from motcua_shared.events import Envelope

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

app = Chalice(app_name="motcua-intake")
app.api.binary_types.append(XLSX)
api = Api(app, title="motcua intake", settings=get_settings, schemas="chalicelib.intake.schemas")
settings = get_settings()
service = IntakeService(DossierRepository(), default_catalog(), settings)


def actor(principal: Principal) -> Actor:
    return Actor(
        sub=principal.sub, username=principal.username, roles=principal.groups, name=principal.name
    )


@api.route(
    "/procedures",
    summary="Search the procedure catalogue",
    roles=PUBLIC,
    query=("field", "q"),
    response="ProcedureListOut",
)
def list_procedures(request: ApiRequest[Any]) -> dict[str, Any]:
    found = service.catalog.search(request.query.get("field"), request.query.get("q"))
    return {"items": [p.to_dict() for p in found]}


@api.route(
    "/procedures/{code}",
    summary="One procedure with its documents",
    roles=PUBLIC,
    response="ProcedureOut",
)
def get_procedure(request: ApiRequest[Any]) -> dict[str, Any]:
    return service.catalog.get(request.path["code"]).to_dict()


@api.route(
    "/procedures/{code}",
    methods=["PUT"],
    summary="Change a catalogued procedure (fee, time limit, documents, form)",
    roles=(Role.ADMIN,),
    body="ProcedureEdit",
    response="ProcedureOut",
)
def edit_procedure(request: ApiRequest[ProcedureEdit]) -> dict[str, Any]:
    return service.edit_procedure(actor(request.user), request.path["code"], request.body).to_dict()


@api.route(
    "/dossiers",
    methods=["POST"],
    summary="Create a draft dossier",
    roles=APPLICANTS,
    body="NewDossier",
    status=201,
    response="DossierOut",
)
def create_dossier(request: ApiRequest[NewDossier]) -> dict[str, Any]:
    return dossier_view(service.create(actor(request.user), request.body), actor(request.user))


@api.route(
    "/dossiers",
    summary="My dossiers (citizen) or dossiers by status (officers)",
    roles=SIGNED_IN,
    query=("status", "limit", "cursor"),
    response="DossierListOut",
)
def list_dossiers(request: ApiRequest[Any]) -> dict[str, Any]:
    limit = _limit(request.query.get("limit"))
    items, cursor = service.list_for(
        actor(request.user), request.query.get("status"), limit, request.query.get("cursor")
    )
    viewer = actor(request.user)
    return {"items": [dossier_view(d, viewer) for d in items], "next_cursor": cursor}


@api.route(
    "/dossiers/{id}", summary="One dossier with its history", roles=SIGNED_IN, response="DossierOut"
)
def get_dossier(request: ApiRequest[Any]) -> dict[str, Any]:
    return dossier_view(
        service.visible(request.path["id"], actor(request.user)), actor(request.user)
    )


@api.route(
    "/dossiers/{id}",
    methods=["PUT"],
    summary="Rewrite a draft dossier (everything but its procedure)",
    roles=APPLICANTS,
    body="DossierUpdate",
    response="DossierOut",
)
def update_dossier(request: ApiRequest[DossierUpdate]) -> dict[str, Any]:
    return dossier_view(
        service.update(request.path["id"], actor(request.user), request.body), actor(request.user)
    )


@api.route(
    "/dossiers/{id}/attachments/{attachment_id}",
    summary="Download an uploaded document of the dossier",
    roles=(*APPLICANTS, *OFFICERS),
    response="AttachmentDownloadOut",
)
def download_attachment(request: ApiRequest[Any]) -> dict[str, Any]:
    return service.attachment_download(
        request.path["id"], actor(request.user), request.path["attachment_id"]
    )


@api.route(
    "/dossiers/{id}/attachments",
    methods=["POST"],
    summary="Get a presigned upload for a document",
    roles=APPLICANTS,
    body="NewAttachment",
    status=201,
    response="AttachmentUploadOut",
)
def add_attachment(request: ApiRequest[NewAttachment]) -> dict[str, Any]:
    return service.attach(request.path["id"], actor(request.user), request.body)


@api.route(
    "/dossiers/{id}/submit",
    methods=["POST"],
    summary="Submit the dossier to the one-stop desk",
    roles=roles_for(Action.SUBMIT),
    body="NoBody",
    response="DossierOut",
)
def submit_dossier(request: ApiRequest[NoBody]) -> dict[str, Any]:
    return dossier_view(
        service.submit(request.path["id"], actor(request.user)), actor(request.user)
    )


@api.route(
    "/dossiers/{id}/accept",
    methods=["POST"],
    summary="Accept: issue the code and the appointment date",
    roles=roles_for(Action.ACCEPT),
    body="NoBody",
    response="DossierOut",
)
def accept_dossier(request: ApiRequest[NoBody]) -> dict[str, Any]:
    return dossier_view(
        service.accept(request.path["id"], actor(request.user)), actor(request.user)
    )


@api.route(
    "/dossiers/{id}/assign",
    methods=["POST"],
    summary="Hand the dossier to a processing unit",
    roles=roles_for(Action.ASSIGN),
    body="Assignment",
    response="DossierOut",
)
def assign_dossier(request: ApiRequest[Assignment]) -> dict[str, Any]:
    body = request.body
    return dossier_view(
        service.assign(request.path["id"], actor(request.user), body.unit, body.officer),
        actor(request.user),
    )


@api.route(
    "/dossiers/{id}/approve",
    methods=["POST"],
    summary="Approve: the result is ready",
    roles=roles_for(Action.APPROVE),
    body="Approval",
    response="DossierOut",
)
def approve_dossier(request: ApiRequest[Approval]) -> dict[str, Any]:
    return dossier_view(
        service.approve(request.path["id"], actor(request.user), request.body.result_summary),
        actor(request.user),
    )


@api.route(
    "/dossiers/{id}/return",
    methods=["POST"],
    summary="Return the result to the applicant",
    roles=roles_for(Action.RETURN),
    body="NoBody",
    response="DossierOut",
)
def return_dossier(request: ApiRequest[NoBody]) -> dict[str, Any]:
    return dossier_view(
        service.return_result(request.path["id"], actor(request.user)), actor(request.user)
    )


@api.route(
    "/track/{code}",
    summary="Public progress of a dossier by its code",
    roles=PUBLIC,
    response="TrackingOut",
)
def track_dossier(request: ApiRequest[Any]) -> dict[str, Any]:
    return tracking_view(service.track(request.path["code"]))


@api.route(
    "/dossiers/{id}/record-payment",
    methods=["POST"],
    body="CounterPayment",
    summary="Record a fee paid at the counter (level 3)",
    roles=(Role.DESK_OFFICER,),
    response="DossierOut",
)
def record_payment(request: ApiRequest[CounterPayment]) -> dict[str, Any]:
    body = request.body
    dossier = service.record_payment(
        request.path["id"], actor(request.user), "counter", body.receipt_no, body.amount_vnd
    )
    return dossier_view(dossier, actor(request.user))


@api.route(
    "/dossiers/{id}/request-supplement",
    methods=["POST"],
    body="SupplementRequestIn",
    summary="Ask the applicant to add or correct documents (the clock stops)",
    roles=roles_for(Action.REQUEST_SUPPLEMENT),
    response="DossierOut",
)
def request_supplement(request: ApiRequest[SupplementRequestIn]) -> dict[str, Any]:
    items = [(i.document_code, i.note) for i in request.body.items]
    return dossier_view(
        service.request_supplement(
            request.path["id"], actor(request.user), request.body.reason, items
        ),
        actor(request.user),
    )


@api.route(
    "/dossiers/{id}/refuse",
    methods=["POST"],
    body="Reason",
    summary="Refuse the dossier at reception",
    roles=roles_for(Action.REFUSE),
    response="DossierOut",
)
def refuse_dossier(request: ApiRequest[Reason]) -> dict[str, Any]:
    return dossier_view(
        service.refuse(request.path["id"], actor(request.user), request.body.reason),
        actor(request.user),
    )


@api.route(
    "/dossiers/{id}/withdraw",
    methods=["POST"],
    body="OptionalReason",
    summary="The applicant withdraws the dossier",
    roles=roles_for(Action.WITHDRAW),
    response="DossierOut",
)
def withdraw_dossier(request: ApiRequest[OptionalReason]) -> dict[str, Any]:
    return dossier_view(
        service.withdraw(request.path["id"], actor(request.user), request.body.reason),
        actor(request.user),
    )


@api.route(
    "/dossiers/{id}/stop",
    methods=["POST"],
    body="Reason",
    summary="Stop processing the dossier",
    roles=roles_for(Action.STOP),
    response="DossierOut",
)
def stop_dossier(request: ApiRequest[Reason]) -> dict[str, Any]:
    return dossier_view(
        service.stop(request.path["id"], actor(request.user), request.body.reason),
        actor(request.user),
    )


@api.route(
    "/dossiers/{id}/extend",
    methods=["POST"],
    body="ExtensionIn",
    summary="Apologise and set a new appointment date (form 04)",
    roles=roles_for(Action.EXTEND),
    response="DossierOut",
)
def extend_dossier(request: ApiRequest[ExtensionIn]) -> dict[str, Any]:
    body = request.body
    return dossier_view(
        service.extend(request.path["id"], actor(request.user), body.reason, body.new_due_at),
        actor(request.user),
    )


@api.route(
    "/dossiers/{id}/rating",
    methods=["POST"],
    body="RatingIn",
    status=201,
    summary="Rate the service once the result is returned",
    roles=roles_for(Action.RATE),
    response="DossierOut",
)
def rate_dossier(request: ApiRequest[RatingIn]) -> dict[str, Any]:
    body = request.body
    return dossier_view(
        service.rate(request.path["id"], actor(request.user), body.score, body.comment),
        actor(request.user),
    )


@api.route(
    "/dossiers/{id}/result-file",
    methods=["POST"],
    body="ResultFileIn",
    status=201,
    summary="Get a presigned upload for the electronic result (before approving)",
    roles=roles_for(Action.APPROVE),
    response="ResultUploadOut",
)
def prepare_result(request: ApiRequest[ResultFileIn]) -> dict[str, Any]:
    return service.prepare_result(request.path["id"], actor(request.user), request.body)


@api.route(
    "/dossiers/{id}/result",
    summary="Download the electronic result",
    roles=SIGNED_IN,
    response="ResultDownloadOut",
)
def download_result(request: ApiRequest[Any]) -> dict[str, Any]:
    return service.download_result(request.path["id"], actor(request.user))


@api.route(
    "/verify/{verification_code}",
    summary="Check that a result is authentic",
    roles=PUBLIC,
    response="VerificationOut",
)
def verify_result(request: ApiRequest[Any]) -> dict[str, Any]:
    return verification_view(service.verify(request.path["verification_code"]))


@api.route(
    "/dossiers/{id}/documents/{kind}",
    roles=SIGNED_IN,
    summary="A printable slip: receipt, supplement_request, refusal, apology, control_sheet, "
    "result (with a QR to the result's public verification)",
    content_types=("text/html",),
)
def printable_document(request: ApiRequest[Any]) -> Response:
    kind = request.path["kind"]
    if kind not in documents.KINDS:
        raise NotFound(
            f"No document '{kind}'; choose one of {', '.join(documents.KINDS)}.",
            "Không có mẫu văn bản này.",
        )
    dossier = service.visible(request.path["id"], actor(request.user))
    procedure = service.catalog.get(dossier.procedure_code)
    context = {
        "agency_name": procedure.agency_name,
        "tracking_url": links.tracking(settings.public_base_url, dossier.code)
        if dossier.code
        else None,
        "verification_url": links.verification(
            settings.public_base_url, dossier.result.verification_code
        )
        if dossier.result and dossier.result.verification_code
        else None,
        "dossier": dossier_view(dossier, actor(request.user)),
        "documents": procedure.to_dict()["documents"],
    }
    return Response(
        body=documents.render(kind, context),
        status_code=200,
        headers={"Content-Type": "text/html; charset=utf-8"},
    )


@api.route(
    "/dossiers/{id}/national-record",
    roles=OFFICERS,
    summary="The dossier in the national public service portal's fields",
    response="NationalRecord",
)
def national_record(request: ApiRequest[Any]) -> dict[str, Any]:
    return service.national_record(request.path["id"])


@api.route(
    "/desk/queue",
    roles=RECEPTION,
    query=("limit", "cursor"),
    summary="Submitted dossiers waiting at the desk, oldest first",
    response="DossierListOut",
)
def desk_queue(request: ApiRequest[Any]) -> dict[str, Any]:
    items, cursor = service.desk_queue(
        _limit(request.query.get("limit")), request.query.get("cursor")
    )
    viewer = actor(request.user)
    return {"items": [dossier_view(d, viewer) for d in items], "next_cursor": cursor}


@api.route(
    "/worklist",
    roles=WORKLIST,
    query=("unit", "officer", "limit", "cursor"),
    summary="Dossiers under processing by unit or officer, earliest deadline first",
    response="DossierListOut",
)
def worklist(request: ApiRequest[Any]) -> dict[str, Any]:
    q = request.query
    items, cursor = service.worklist(
        actor(request.user),
        q.get("unit"),
        q.get("officer"),
        _limit(q.get("limit")),
        q.get("cursor"),
    )
    viewer = actor(request.user)
    return {"items": [dossier_view(d, viewer) for d in items], "next_cursor": cursor}


@api.route(
    "/overdue",
    roles=OVERSIGHT,
    query=("limit", "cursor"),
    summary="Dossiers past their step deadline or appointment date, most overdue first",
    response="OverdueListOut",
)
def overdue(request: ApiRequest[Any]) -> dict[str, Any]:
    items, cursor = service.overdue(_limit(request.query.get("limit")), request.query.get("cursor"))
    return {"items": [overdue_view(d, hours) for d, hours in items], "next_cursor": cursor}


@api.route(
    "/stats",
    roles=OVERSIGHT,
    query=("from", "to", "unit", "format"),
    summary="On-time rates, processing time and satisfaction by unit and officer",
    content_types=("application/json", "text/csv", XLSX),
    response="StatisticsOut",
)
def statistics(request: ApiRequest[Any]) -> Any:
    q = request.query
    today = timeutil.now().date()
    start = _date(q.get("from"), "from") or today.replace(day=1)
    end = _date(q.get("to"), "to") or today
    if end < start:
        raise ValidationFailed(
            "'to' is before 'from'.", "Ngày kết thúc trước ngày bắt đầu.", field="to"
        )
    unit = q.get("unit") or None
    report = {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "unit": unit,
        "overdue_now": service.overdue_now(unit),
        **service.statistics(start, end, unit).to_dict(),
    }
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
    return report


@api.route(
    "/calendar/{year}",
    summary="Days off and make-up working days of a year",
    roles=PUBLIC,
    response="CalendarYearOut",
)
def calendar_year(request: ApiRequest[Any]) -> dict[str, Any]:
    return service.calendar_year(_year(request.path["year"]))


@api.route(
    "/calendar/{year}",
    methods=["PUT"],
    body="CalendarYearIn",
    roles=(Role.ADMIN,),
    summary="Set the extra days off and make-up working days of a year",
    response="CalendarYearOut",
)
def set_calendar_year(request: ApiRequest[CalendarYearIn]) -> dict[str, Any]:
    body = request.body
    return service.set_calendar_year(
        actor(request.user),
        _year(request.path["year"]),
        body.extra_days_off,
        body.extra_working_days,
    )


SYSTEM = Actor(sub="system", username="system", roles=frozenset({Role.SYSTEM}))


def apply_event(envelope: Envelope, data: Any) -> None:
    """What other services tell intake: a fee paid online moves the dossier on."""
    if envelope.type == "payment.succeeded":
        service.record_online_payment(data.dossier_id, SYSTEM, data.txn_ref, data.amount_vnd)
    elif envelope.type.startswith("shipment."):
        service.apply_shipment(SYSTEM, data, envelope.type)


@app.on_sqs_message(queue=settings.events_queue, batch_size=10)
def handle_events(event: Any) -> dict[str, Any]:
    return consume_sqs_batch(
        event.to_dict(), apply_event, settings.max_receive_count, failures=settings.dossiers_table
    )


@app.schedule(Rate(15, unit=Rate.MINUTES))
def watch_deadlines(event: Any) -> dict[str, int]:
    """Announce steps that are due within a working day or overdue (the event's time is now)."""
    raw = event.to_dict() if hasattr(event, "to_dict") else dict(event)
    at = (
        timeutil.parse_iso(raw["time"].replace("Z", "+00:00"))
        if raw.get("time")
        else timeutil.now()
    )
    return {"announced": service.watch_deadlines(at)}


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


def _year(raw: str) -> int:
    year = parse_whole_number(raw, minimum=2000, maximum=2100)
    if year is None:
        raise NotFound("No calendar for this year.", "Không có lịch làm việc cho năm này.")
    return year


@app.on_dynamodb_record(stream_arn=settings.dossiers_stream_arn, batch_size=100)
def publish_events(event: Any) -> dict[str, Any]:
    """Outbox: the events of each dossier write go to their subscribers' queues; the write's
    change to the leaders' statistics is counted (once)."""
    return publish_stream_batch(event.to_dict(), settings.event_routes, also=count_statistics)


def count_statistics(record: Any) -> None:
    if record.dynamodb is None:
        return
    change = stats_views(record.dynamodb.new_image, record.dynamodb.old_image)
    if change is not None:
        service.count(*change)


def _limit(raw: str | None) -> int:
    if raw is None:
        return settings.page_size
    return whole_number(raw, "limit", minimum=1, maximum=100)
