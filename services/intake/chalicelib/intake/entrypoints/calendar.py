"""The working calendar: a year's days off and make-up working days."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.intake.answers.catalog import CalendarYearOut
from chalicelib.intake.domain.model import Role
from chalicelib.intake.entrypoints.common import actor
from motcua_shared.api import PUBLIC, ApiRequest, Routes
from motcua_shared.errors import NotFound
from motcua_shared.parsing import parse_whole_number

if TYPE_CHECKING:
    from chalicelib.intake.schemas import (
        CalendarYearIn,
    )
    from chalicelib.intake.service import IntakeService

routes = Routes(__name__)


@routes.route(
    "/calendar/{year}",
    summary="Days off and make-up working days of a year",
    roles=PUBLIC,
    response=CalendarYearOut,
)
def calendar_year(request: ApiRequest[Any], service: IntakeService) -> CalendarYearOut:
    year = _year(request.path["year"])
    return CalendarYearOut.of(year, service.calendar_year(year))


@routes.route(
    "/calendar/{year}",
    methods=["PUT"],
    body="CalendarYearIn",
    roles=(Role.ADMIN,),
    summary="Set the extra days off and make-up working days of a year",
    response=CalendarYearOut,
)
def set_calendar_year(
    request: ApiRequest[CalendarYearIn], service: IntakeService
) -> CalendarYearOut:
    body = request.body
    year = _year(request.path["year"])
    service.set_calendar_year(
        actor(request.user), year, body.extra_days_off, body.extra_working_days
    )
    return CalendarYearOut.of(year, service.calendar_year(year))


def _year(raw: str) -> int:
    year = parse_whole_number(raw, minimum=2000, maximum=2100)
    if year is None:
        raise NotFound("No calendar for this year.", "Không có lịch làm việc cho năm này.")
    return year
