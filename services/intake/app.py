"""intake: the procedure catalogue and the dossier lifecycle. The routes live in one module per
resource (chalicelib/intake/entrypoints/), the queue, stream and schedule handlers in
entrypoints/events.py; the service layer is wired in chalicelib/intake/bootstrap.py."""

from __future__ import annotations

from chalice import Chalice

from chalicelib.intake.bootstrap import service as wired_service
from chalicelib.intake.entrypoints import (
    attachments,
    calendar,
    desk,
    documents,
    dossiers,
    events,
    procedures,
    processing,
    public,
    results,
    statistics,
)
from chalicelib.intake.entrypoints.common import XLSX
from chalicelib.intake.entrypoints.events import handle_events, publish_events, watch_deadlines
from chalicelib.intake.settings import get_settings
from motcua_shared.api import Api

app = Chalice(app_name="motcua-intake")
app.api.binary_types.append(XLSX)
api = Api(app, title="motcua intake", settings=get_settings, schemas="chalicelib.intake.schemas")
for resource in (
    procedures,
    dossiers,
    attachments,
    desk,
    processing,
    results,
    public,
    documents,
    statistics,
    calendar,
):
    api.register_blueprint(resource.routes)
app.register_blueprint(events.handlers)
service = wired_service()

__all__ = ["api", "app", "handle_events", "publish_events", "service", "watch_deadlines"]
