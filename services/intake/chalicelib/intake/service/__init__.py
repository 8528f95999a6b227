"""Intake's service layer: ``commands`` (use cases that change a dossier, the catalogue or the
calendar), ``queries`` (reads, listings, statistics), ``caches`` (the catalogue with its edits,
the working calendar), over the ports it receives when wired (``ports.py``, ``bootstrap.py``)."""

from __future__ import annotations

from chalicelib.intake.service.commands import IntakeCommands
from chalicelib.intake.service.queries import IntakeQueries


class IntakeService(IntakeCommands, IntakeQueries):
    """Every use case of intake, over one set of ports (one object per process: bootstrap)."""


__all__ = ["IntakeService"]
