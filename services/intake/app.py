"""intake: the procedure catalogue and the dossier lifecycle. The routes live in one module per
resource (chalicelib/intake/entrypoints/), the queue, stream and schedule functions in
entrypoints/events.py; the service layer they call is wired here, by chalicelib/intake/bootstrap.py
(each import of this module has its own)."""

from __future__ import annotations

from chalice.app import Chalice

from chalicelib.intake.bootstrap import build_service
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
from chalicelib.intake.settings import get_settings
from motcua_shared.api import Api

app = Chalice(app_name="motcua-intake")
app.api.binary_types.append(XLSX)
api = Api(app, title="motcua intake", settings=get_settings, schemas="chalicelib.intake.schemas")
service = build_service(get_settings())
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
    api.register_blueprint(resource.routes, service=service)
app.register_blueprint(events.handlers(service))

# Lambda's handlers of the functions that are not the API (infra/cdk, chalice package).
handle_events = app.handler_map["handle_events"]
publish_events = app.handler_map["publish_events"]
watch_deadlines = app.handler_map["watch_deadlines"]
