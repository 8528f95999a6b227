"""Load the services' Chalice apps in one process, each under its own module name.

Every service keeps its domain in ``chalicelib/<service>/`` (``chalicelib`` is a namespace
package), so the four apps import side by side without clashing.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from infra.resources import SERVICES

ROOT = Path(__file__).resolve().parents[2]
SERVICES_DIR = ROOT / "services"


def add_service_paths() -> None:
    for service in SERVICES:
        path = str(SERVICES_DIR / service)
        if path not in sys.path:
            sys.path.append(path)


def load_app(service: str) -> ModuleType:
    """Import ``services/<service>/app.py`` as module ``motcua_<service>_app`` (once)."""
    name = f"motcua_{service}_app"
    if name in sys.modules:
        return sys.modules[name]
    add_service_paths()
    path = SERVICES_DIR / service / "app.py"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"no Python module to load at {path}", name=name, path=str(path))
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module
