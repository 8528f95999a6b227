"""What people do to a dossier. Each operation checks the lifecycle and changes the aggregate;
storage and announcements are the service layer's business."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from chalicelib.intake.domain import steps
from chalicelib.intake.domain.attachments import StoredFile, UploadPolicy, freeze_documents
from chalicelib.intake.domain.calendar import WorkingCalendar, due_at, resume_after_pause
from chalicelib.intake.domain.catalog import Procedure, TimeUnit
from chalicelib.intake.domain.errors import (
    AlreadyRated,
    DossierNotFound,
    ExtensionNotNeeded,
    InvalidNewDueDate,
    InvalidTransition,
    NoOpenSupplement,
    UnknownDocument,
    WrongAmount,
)
from chalicelib.intake.domain.forms import check_form_data
from chalicelib.intake.domain.lifecycle import check_assignee, next_status
from chalicelib.intake.domain.model import (
    OFFICER_ROLES,
    Action,
    Actor,
    Applicant,
    Channel,
    DeliveryMethod,
    Dossier,
    Extension,
    FeePayment,
    Handoff,
    Rating,
    ResultDocument,
    Role,
    Status,
    SupplementItem,
    SupplementRequest,
)
from chalicelib.intake.domain.stats import NO_UNIT
from chalicelib.intake.domain.steps import APPLICANT_UNIT, DESK_UNIT, Step
from motcua_shared.errors import ValidationFailed


def can_view(dossier: Dossier, actor: Actor) -> bool:
    """Officers see every dossier; a citizen or postal agent only those they created."""
    return dossier.owner_sub == actor.sub or not OFFICER_ROLES.isdisjoint(actor.roles)


def create(
    procedure: Procedure,
    actor: Actor,
    applicant: Applicant,
    request_content: str,
    form_data: dict[str, Any],
    delivery_method: DeliveryMethod,
    delivery_address: str | None,
    at: datetime,
    dossier_id: str | None = None,
) -> Dossier:
    """A draft of ``procedure`` (``dossier_id``: the service's new id, a random UUID if none)."""
    check_form_data(procedure, form_data, complete=False)
    channel = Channel.PUBLIC_POSTAL if Role.POSTAL_AGENT in actor.roles else Channel.ONLINE
    dossier = Dossier(
        id=dossier_id or str(uuid.uuid4()),
        owner_sub=actor.sub,
        procedure_code=procedure.code,
        procedure_name=procedure.name,
        agency_code=procedure.agency_code,
        applicant=applicant,
        request_content=request_content,
        form_data=form_data,
        delivery_method=delivery_method,
        delivery_address=delivery_address,
        channel=channel,
        status=Status.DRAFT,
        created_at=at,
        updated_at=at,
    )
    dossier.record(Action.CREATE, Status.DRAFT, actor, at)
    return dossier


def _require_owner(dossier: Dossier, actor: Actor) -> None:
    if dossier.owner_sub != actor.sub:
        raise DossierNotFound()


def update_draft(
    dossier: Dossier,
    procedure: Procedure,
    actor: Actor,
    applicant: Applicant,
    request_content: str,
    form_data: dict[str, Any],
    delivery_method: DeliveryMethod,
    delivery_address: str | None,
    at: datetime,
) -> None:
    """The owner rewrites what a draft says (not its procedure, nor its documents)."""
    _require_owner(dossier, actor)
    if dossier.status is not Status.DRAFT:
        raise InvalidTransition(
            "Only a draft can be edited.",
            "Chỉ có thể sửa hồ sơ khi hồ sơ còn là bản nháp.",
            status=str(dossier.status),
        )
    check_form_data(procedure, form_data, complete=False)
    dossier.applicant = applicant
    dossier.request_content = request_content
    dossier.form_data = form_data
    dossier.delivery_method = delivery_method
    dossier.delivery_address = delivery_address
    dossier.updated_at = at


def submit(
    dossier: Dossier,
    procedure: Procedure,
    actor: Actor,
    stored: Mapping[str, StoredFile],
    policy: UploadPolicy,
    at: datetime,
) -> None:
    """Send the dossier to the desk, its files frozen as they are (``stored``: attachment id →
    what S3 holds for each file not frozen yet)."""
    _require_owner(dossier, actor)
    target = next_status(dossier.status, Action.SUBMIT, actor.roles)
    check_form_data(procedure, dossier.form_data, complete=True)
    freeze_documents(dossier, procedure, stored, policy, at)
    dossier.submitted_at = at
    dossier.record(Action.SUBMIT, target, actor, at)


def _close_step(
    dossier: Dossier,
    calendar: WorkingCalendar,
    at: datetime,
    to_unit: str,
    giver: str,
    receiver: str,
) -> None:
    """Record the hand-off that ends the current step, measured against the step's allotment."""
    if dossier.step is None or dossier.step_started_at is None:
        return
    used = calendar.working_time_between(dossier.step_started_at, at) - _paused_during(
        dossier, dossier.step_started_at, at, calendar
    )
    dossier.handoffs.append(
        Handoff(
            step=dossier.step,
            from_unit=_holder(dossier, dossier.step),
            to_unit=to_unit,
            at=at,
            giver=giver,
            receiver=receiver,
            allotted_hours=dossier.step_plan.get(dossier.step),
            used_hours=round(max(used, timedelta(0)) / timedelta(hours=1), 2),
            result=str(steps.timeliness(at, dossier.step_due_at)) if dossier.step_due_at else None,
        )
    )
    dossier.step = dossier.step_started_at = dossier.step_due_at = None


def _open_step(dossier: Dossier, step: Step, calendar: WorkingCalendar, at: datetime) -> None:
    dossier.step, dossier.step_started_at = step, at
    hours = dossier.step_plan.get(step)
    dossier.step_due_at = (
        calendar.add_working_time(at, timedelta(hours=hours)) if hours is not None else None
    )
    if dossier.due_at is not None and dossier.step_due_at is not None:
        dossier.step_due_at = min(dossier.step_due_at, dossier.due_at)


def _holder(dossier: Dossier, step: str) -> str:
    return (dossier.unit or DESK_UNIT) if step == Step.PROCESSING else DESK_UNIT


def _paused_during(
    dossier: Dossier, start: datetime, end: datetime, calendar: WorkingCalendar
) -> timedelta:
    total = timedelta(0)
    for request in dossier.supplement_requests:
        stop = request.resolved_at or end
        lo, hi = max(start, request.requested_at), min(end, stop)
        if hi > lo:
            total += calendar.working_time_between(lo, hi)
    return total


def _finish(dossier: Dossier, at: datetime) -> None:
    """Processing ends at the first of: processed, returned, stopped, refused, withdrawn."""
    if dossier.finished_at is None:
        dossier.finished_at = at


def accept(
    dossier: Dossier,
    procedure: Procedure,
    actor: Actor,
    code: str,
    calendar: WorkingCalendar,
    at: datetime,
) -> None:
    target = next_status(dossier.status, Action.ACCEPT, actor.roles)
    dossier.code = code
    dossier.accepted_at = at
    dossier.accepted_by = actor.display_name
    dossier.due_at = due_at(at, procedure.time_limit, calendar)
    dossier.step_plan = steps.plan(at, dossier.due_at, procedure.step_shares, calendar)
    dossier.handoffs.append(
        Handoff(
            step="reception",
            from_unit=APPLICANT_UNIT,
            to_unit=DESK_UNIT,
            at=at,
            giver=dossier.applicant.full_name,
            receiver=actor.username,
        )
    )
    _open_step(dossier, Step.DESK, calendar, at)
    dossier.record(Action.ACCEPT, target, actor, at)
    if procedure.fee_vnd > 0:
        dossier.fee_vnd = procedure.fee_vnd
        dossier.record(
            Action.REQUEST_FEE,
            next_status(dossier.status, Action.REQUEST_FEE, actor.roles),
            actor,
            at,
            note=f"{procedure.fee_vnd} VND",
        )


def confirm_payment(
    dossier: Dossier, actor: Actor, method: str, reference: str, amount_vnd: int, at: datetime
) -> bool:
    """The fee is paid (online, or at the counter): processing can go on. False if the dossier's
    fee was already confirmed (a repeated notice changes nothing)."""
    if dossier.payment is not None and dossier.status is not Status.FEE_REQUESTED:
        return False
    target = next_status(dossier.status, Action.CONFIRM_PAYMENT, actor.roles)
    if amount_vnd != dossier.fee_vnd:
        raise WrongAmount(expected_vnd=dossier.fee_vnd)
    dossier.payment = FeePayment(method, reference, amount_vnd, at, actor.username)
    dossier.record(Action.CONFIRM_PAYMENT, target, actor, at, note=f"{method} {reference}")
    return True


def assign(
    dossier: Dossier, actor: Actor, unit: str, officer: str, calendar: WorkingCalendar, at: datetime
) -> None:
    target = next_status(dossier.status, Action.ASSIGN, actor.roles)
    for name, value in (("unit", unit), ("officer", officer)):
        if value == NO_UNIT:  # what the statistics show for "not assigned": never a name
            raise ValidationFailed(
                f"'{NO_UNIT}' is not a name.", f"'{NO_UNIT}' không phải là tên.", field=name
            )
    _close_step(dossier, calendar, at, unit, actor.username, officer)
    dossier.unit, dossier.officer = unit, officer
    _open_step(dossier, Step.PROCESSING, calendar, at)
    dossier.record(Action.ASSIGN, target, actor, at, note=f"{unit} / {officer}")


def approve(
    dossier: Dossier,
    actor: Actor,
    result_summary: str,
    calendar: WorkingCalendar,
    at: datetime,
    result: ResultDocument | None = None,
) -> None:
    target = next_status(dossier.status, Action.APPROVE, actor.roles)
    check_assignee(dossier.status, Action.APPROVE, actor.roles, actor.username, dossier.officer)
    dossier.result_summary = result_summary
    dossier.result = result
    _close_step(dossier, calendar, at, DESK_UNIT, actor.username, DESK_UNIT)
    _open_step(dossier, Step.RETURN, calendar, at)
    _finish(dossier, at)
    dossier.record(Action.APPROVE, target, actor, at)


def return_result(
    dossier: Dossier, actor: Actor, calendar: WorkingCalendar, at: datetime, note: str | None = None
) -> None:
    target = next_status(dossier.status, Action.RETURN, actor.roles)
    _close_step(dossier, calendar, at, APPLICANT_UNIT, actor.username, dossier.applicant.full_name)
    dossier.returned_at = at
    _finish(dossier, at)
    dossier.record(Action.RETURN, target, actor, at, note=note)


def request_supplement(
    dossier: Dossier,
    procedure: Procedure,
    actor: Actor,
    reason: str,
    items: list[tuple[str, str]],
    at: datetime,
) -> None:
    """Ask for documents to be added or corrected; the deadline clock stops until resubmission."""
    target = next_status(dossier.status, Action.REQUEST_SUPPLEMENT, actor.roles)
    check_assignee(
        dossier.status, Action.REQUEST_SUPPLEMENT, actor.roles, actor.username, dossier.officer
    )
    resolved: list[SupplementItem] = []
    for document_code, note in items:
        document = procedure.document(document_code)
        if document is None:
            raise UnknownDocument(document_code=document_code)
        resolved.append(SupplementItem(document_code, document.name, note))
    dossier.supplement_requests.append(
        SupplementRequest(
            reason=reason,
            items=resolved,
            requested_at=at,
            requested_by=actor.username,
            from_status=str(dossier.status),
            requested_by_name=actor.display_name,
        )
    )
    dossier.record(Action.REQUEST_SUPPLEMENT, target, actor, at, note=reason)


def resubmit(
    dossier: Dossier,
    procedure: Procedure,
    actor: Actor,
    stored: Mapping[str, StoredFile],
    policy: UploadPolicy,
    calendar: WorkingCalendar,
    at: datetime,
) -> None:
    """The applicant answers a supplement request (the new files frozen as the first ones were);
    the dossier returns where it was, and the due dates move by the time spent waiting."""
    _require_owner(dossier, actor)
    request = dossier.open_supplement
    previous = Status(request.from_status) if request else None
    target = next_status(dossier.status, Action.RESUBMIT, actor.roles, previous=previous)
    if request is None:
        raise NoOpenSupplement(dossier.id)
    freeze_documents(dossier, procedure, stored, policy, at)
    request.resolved_at = at
    if dossier.due_at is not None:
        dossier.due_at = resume_after_pause(
            dossier.due_at, request.requested_at, at, procedure.time_limit.unit, calendar
        )
    if dossier.step_due_at is not None:
        dossier.step_due_at = resume_after_pause(
            dossier.step_due_at, request.requested_at, at, TimeUnit.WORKING_DAYS, calendar
        )
    dossier.record(Action.RESUBMIT, target, actor, at)


def refuse(dossier: Dossier, actor: Actor, reason: str, at: datetime) -> None:
    target = next_status(dossier.status, Action.REFUSE, actor.roles)
    dossier.refusal_reason = reason
    dossier.refused_by = actor.display_name
    _finish(dossier, at)
    dossier.record(Action.REFUSE, target, actor, at, note=reason)


def withdraw(dossier: Dossier, actor: Actor, reason: str | None, at: datetime) -> None:
    _require_owner(dossier, actor)
    target = next_status(dossier.status, Action.WITHDRAW, actor.roles)
    _finish(dossier, at)
    dossier.step = dossier.step_started_at = dossier.step_due_at = None
    dossier.record(Action.WITHDRAW, target, actor, at, note=reason)


def stop(dossier: Dossier, actor: Actor, reason: str, at: datetime) -> None:
    target = next_status(dossier.status, Action.STOP, actor.roles)
    dossier.stop_reason = reason
    _finish(dossier, at)
    dossier.step = dossier.step_started_at = dossier.step_due_at = None
    dossier.record(Action.STOP, target, actor, at, note=reason)


def extend(
    dossier: Dossier,
    actor: Actor,
    reason: str,
    new_due_at: datetime,
    calendar: WorkingCalendar,
    at: datetime,
) -> None:
    """Form 04: apologise and set a new appointment date, for a late or nearly late dossier."""
    target = next_status(dossier.status, Action.EXTEND, actor.roles)
    current = dossier.due_at
    if current is None:
        raise InvalidTransition("The dossier has no appointment date yet.")
    if at < current and calendar.working_time_between(at, current) > calendar.hours.per_day:
        raise ExtensionNotNeeded(due_at=current.isoformat())
    if new_due_at <= max(current, at):
        raise InvalidNewDueDate(due_at=current.isoformat())
    if not calendar.is_inside_working_hours(new_due_at):
        raise InvalidNewDueDate(
            "The new appointment must fall within working hours.",
            "Ngày hẹn mới phải nằm trong giờ làm việc.",
        )
    dossier.extensions.append(
        Extension(
            reason=reason, previous_due_at=current, new_due_at=new_due_at, at=at, by=actor.username
        )
    )
    dossier.due_at = new_due_at
    if dossier.step_due_at is not None and dossier.step_due_at < new_due_at:
        dossier.step_due_at = new_due_at
    dossier.alerts = []  # the new date is watched afresh
    dossier.record(Action.EXTEND, target, actor, at, note=reason)


def rate(dossier: Dossier, actor: Actor, score: int, comment: str, at: datetime) -> None:
    _require_owner(dossier, actor)
    target = next_status(dossier.status, Action.RATE, actor.roles)
    if dossier.rating is not None:
        raise AlreadyRated()
    dossier.rating = Rating(score=score, comment=comment, at=at)
    dossier.record(Action.RATE, target, actor, at)


def receive_online(dossier: Dossier, actor: Actor, calendar: WorkingCalendar, at: datetime) -> None:
    """The owner's first download of the electronic result returns it (online delivery)."""
    _require_owner(dossier, actor)
    target = next_status(dossier.status, Action.RECEIVE_ONLINE, actor.roles)
    _close_step(dossier, calendar, at, APPLICANT_UNIT, "Hệ thống", dossier.applicant.full_name)
    dossier.returned_at = at
    if dossier.result is not None:
        dossier.result.downloaded_at = at
    _finish(dossier, at)
    dossier.record(Action.RECEIVE_ONLINE, target, actor, at)


def return_by_post(
    dossier: Dossier, actor: Actor, item_code: str, calendar: WorkingCalendar, at: datetime
) -> bool:
    """The post office delivered the result; False if the dossier is already returned."""
    if dossier.status is Status.RETURNED:
        return False
    return_result(dossier, actor, calendar, at, note=f"Bưu điện đã phát, vận đơn {item_code}")
    return True


def record_shipment(
    dossier: Dossier, actor: Actor, action: Action, note: str, at: datetime
) -> bool:
    """Write a post office event into the history once (originals received, delivery failed)."""
    if any(h.action == action and h.note == note for h in dossier.history):
        return False
    dossier.record(action, next_status(dossier.status, action, actor.roles), actor, at, note=note)
    return True
