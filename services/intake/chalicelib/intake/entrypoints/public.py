"""What anyone may read without signing in: a dossier's progress, a result's authenticity."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.intake.answers.public import TrackingOut, VerificationOut
from motcua_shared.api import PUBLIC, ApiRequest, Routes

if TYPE_CHECKING:
    from chalicelib.intake.service import IntakeService

routes = Routes(__name__)


@routes.route(
    "/track/{code}",
    summary="Public progress of a dossier by its code",
    roles=PUBLIC,
    response=TrackingOut,
)
def track_dossier(request: ApiRequest[Any], service: IntakeService) -> TrackingOut:
    return TrackingOut.of(service.track(request.path["code"]))


@routes.route(
    "/verify/{verification_code}",
    summary="Check that a result is authentic",
    roles=PUBLIC,
    response=VerificationOut,
)
def verify_result(request: ApiRequest[Any], service: IntakeService) -> VerificationOut:
    return VerificationOut.of(service.verify(request.path["verification_code"]))
