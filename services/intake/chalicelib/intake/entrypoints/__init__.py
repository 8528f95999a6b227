"""Intake's entry points: one module of routes per resource (a Chalice blueprint each, registered
by app.py through motcua_shared.api.Api) and ``events`` for the queue, stream and schedule."""
