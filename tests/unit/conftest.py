"""Unit tests: the domain in plain Python, no AWS."""

from infra.local.apps import add_service_paths

add_service_paths()
