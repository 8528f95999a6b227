"""intake: the procedure catalogue and the dossier lifecycle (routes stay thin)."""

from __future__ import annotations

from typing import Any

from chalice import Chalice

from chalicelib.intake.domain.catalog import default_catalog
from chalicelib.intake.domain.lifecycle import roles_for
from chalicelib.intake.domain.model import Action, Actor, Role
from chalicelib.intake.schemas import Approval, Assignment, NewAttachment, NewDossier, NoBody
from chalicelib.intake.service import IntakeService
from chalicelib.intake.settings import get_settings
from chalicelib.intake.storage import DossierRepository
from chalicelib.intake.views import dossier_view, tracking_view
from motcua_shared.api import PUBLIC, SIGNED_IN, Api, ApiRequest
from motcua_shared.auth import Principal
from motcua_shared.errors import ValidationFailed
from motcua_shared.outbox import publish_stream_batch

app = Chalice(app_name="motcua-intake")
api = Api(app, title="motcua intake", settings=get_settings)
settings = get_settings()
service = IntakeService(DossierRepository(), default_catalog(), settings)


def actor(principal: Principal) -> Actor:
    return Actor(sub=principal.sub, username=principal.username, roles=principal.groups)


@api.route(
    "/procedures", summary="Search the procedure catalogue", roles=PUBLIC, query=("field", "q")
)
def list_procedures(request: ApiRequest[Any]) -> dict[str, Any]:
    found = service.catalog.search(request.query.get("field"), request.query.get("q"))
    return {"items": [p.to_dict() for p in found]}


@api.route("/procedures/{code}", summary="One procedure with its documents", roles=PUBLIC)
def get_procedure(request: ApiRequest[Any]) -> dict[str, Any]:
    return service.catalog.get(request.path["code"]).to_dict()


@api.route(
    "/dossiers",
    methods=["POST"],
    summary="Create a draft dossier",
    roles=(Role.CITIZEN, Role.POSTAL_AGENT),
    body=NewDossier,
    status=201,
)
def create_dossier(request: ApiRequest[NewDossier]) -> dict[str, Any]:
    return dossier_view(service.create(actor(request.user), request.body))


@api.route(
    "/dossiers",
    summary="My dossiers (citizen) or dossiers by status (officers)",
    roles=SIGNED_IN,
    query=("status", "limit", "cursor"),
)
def list_dossiers(request: ApiRequest[Any]) -> dict[str, Any]:
    limit = _limit(request.query.get("limit"))
    items, cursor = service.list_for(
        actor(request.user), request.query.get("status"), limit, request.query.get("cursor")
    )
    return {"items": [dossier_view(d) for d in items], "next_cursor": cursor}


@api.route("/dossiers/{id}", summary="One dossier with its history", roles=SIGNED_IN)
def get_dossier(request: ApiRequest[Any]) -> dict[str, Any]:
    return dossier_view(service.visible(request.path["id"], actor(request.user)))


@api.route(
    "/dossiers/{id}/attachments",
    methods=["POST"],
    summary="Get a presigned upload for a document",
    roles=(Role.CITIZEN, Role.POSTAL_AGENT),
    body=NewAttachment,
    status=201,
)
def add_attachment(request: ApiRequest[NewAttachment]) -> dict[str, Any]:
    return service.attach(request.path["id"], actor(request.user), request.body)


@api.route(
    "/dossiers/{id}/submit",
    methods=["POST"],
    summary="Submit the dossier to the one-stop desk",
    roles=roles_for(Action.SUBMIT),
    body=NoBody,
)
def submit_dossier(request: ApiRequest[NoBody]) -> dict[str, Any]:
    return dossier_view(service.submit(request.path["id"], actor(request.user)))


@api.route(
    "/dossiers/{id}/accept",
    methods=["POST"],
    summary="Accept: issue the code and the appointment date",
    roles=roles_for(Action.ACCEPT),
    body=NoBody,
)
def accept_dossier(request: ApiRequest[NoBody]) -> dict[str, Any]:
    return dossier_view(service.accept(request.path["id"], actor(request.user)))


@api.route(
    "/dossiers/{id}/assign",
    methods=["POST"],
    summary="Hand the dossier to a processing unit",
    roles=roles_for(Action.ASSIGN),
    body=Assignment,
)
def assign_dossier(request: ApiRequest[Assignment]) -> dict[str, Any]:
    body = request.body
    return dossier_view(
        service.assign(request.path["id"], actor(request.user), body.unit, body.officer)
    )


@api.route(
    "/dossiers/{id}/approve",
    methods=["POST"],
    summary="Approve: the result is ready",
    roles=roles_for(Action.APPROVE),
    body=Approval,
)
def approve_dossier(request: ApiRequest[Approval]) -> dict[str, Any]:
    return dossier_view(
        service.approve(request.path["id"], actor(request.user), request.body.result_summary)
    )


@api.route(
    "/dossiers/{id}/return",
    methods=["POST"],
    summary="Return the result to the applicant",
    roles=roles_for(Action.RETURN),
    body=NoBody,
)
def return_dossier(request: ApiRequest[NoBody]) -> dict[str, Any]:
    return dossier_view(service.return_result(request.path["id"], actor(request.user)))


@api.route("/track/{code}", summary="Public progress of a dossier by its code", roles=PUBLIC)
def track_dossier(request: ApiRequest[Any]) -> dict[str, Any]:
    return tracking_view(service.track(request.path["code"]))


@app.on_dynamodb_record(stream_arn=settings.dossiers_stream_arn, batch_size=100)
def publish_events(event: Any) -> dict[str, Any]:
    """Outbox: new event records on the dossiers table go to their subscribers' queues."""
    return publish_stream_batch(event.to_dict(), settings.event_routes)


def _limit(raw: str | None) -> int:
    if raw is None:
        return settings.page_size
    if not raw.isdigit() or not 1 <= int(raw) <= 100:
        raise ValidationFailed(
            "limit must be a whole number from 1 to 100.",
            "limit phải là số nguyên từ 1 đến 100.",
            field="limit",
        )
    return int(raw)
