"""Steps of processing and their timing: each hand-off is measured against its share of the
legal time limit (control sheet, form 06), and a finished dossier against its appointment date."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from chalicelib.intake.domain.calendar import WorkingCalendar
from chalicelib.intake.domain.model import Dossier


class Step(StrEnum):
    DESK = "desk"  # accepted at the desk, waiting to be handed to a unit
    PROCESSING = "processing"  # the unit examines and approves
    RETURN = "return"  # the result waits at the desk (or the post office) for the applicant


class Timeliness(StrEnum):
    EARLY = "early"  # Trước hạn
    ON_TIME = "on_time"  # Đúng hạn
    LATE = "late"  # Quá hạn


# A Decision 766 rule: more than this many supplement requests make a dossier count as late.
MAX_SUPPLEMENTS_ON_TIME = 1

# Who holds the dossier during each step, as the control sheet names them.
DESK_UNIT = "Bộ phận Một cửa"
APPLICANT_UNIT = "Tổ chức, cá nhân"


def plan(
    accepted_at: datetime, due_at: datetime, shares: dict[str, float], calendar: WorkingCalendar
) -> dict[str, float]:
    """Working hours allotted to each step: its share of the working time until the due date."""
    total = calendar.working_time_between(accepted_at, due_at) / timedelta(hours=1)
    return {step: round(total * share, 2) for step, share in shares.items()}


def timeliness(finished_at: datetime, due_at: datetime) -> Timeliness:
    """Early: before the due day; on time: by the due instant on the due day; late: after it."""
    if finished_at > due_at:
        return Timeliness.LATE
    if finished_at.date() < due_at.date():
        return Timeliness.EARLY
    return Timeliness.ON_TIME


def dossier_timeliness(finished_at: datetime, due_at: datetime, supplements: int) -> Timeliness:
    if supplements > MAX_SUPPLEMENTS_ON_TIME:
        return Timeliness.LATE
    return timeliness(finished_at, due_at)


# Statuses whose current step is watched for deadlines (a supplement stops the clock).
WATCHED_STATUSES = frozenset({"accepted", "processing", "result_ready"})


def deadline_alerts(dossier: Dossier, now: datetime, calendar: WorkingCalendar) -> list[str]:
    """The alerts to announce now for the dossier's current step, each once per step:
    ``due_soon`` (less than one working day left) and ``overdue``. Records them on the dossier."""
    if (
        dossier.status not in WATCHED_STATUSES
        or dossier.step is None
        or dossier.step_due_at is None
    ):
        return []
    if now > dossier.step_due_at:
        kind = "overdue"
    elif calendar.working_time_between(now, dossier.step_due_at) < calendar.hours.per_day:
        kind = "due_soon"
    else:
        return []
    key = f"{kind}:{dossier.step}"
    if key in dossier.alerts:
        return []
    dossier.alerts.append(key)
    return [kind]
