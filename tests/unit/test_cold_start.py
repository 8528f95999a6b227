"""What a function's cold start imports: each handler module leaves pydantic, the event contract
and the request body models to the first request or event that needs them (bench/coldstart.py
measures the time; this checks the lazy imports stay lazy and still resolve)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from bench.coldstart import candidates, clean_env
from infra.resources import SERVICES

CHECK = """
import json
loaded_at_import = sorted(
    m for m in sys.modules if m.split(".")[0] == "pydantic" or m.startswith("motcua_shared.events")
)
models = sorted({op.body.__name__ for op in module.api.operations if op.body_name})
models += sorted({op.response.__name__ for op in module.api.operations if op.response_name})
print(json.dumps({"at_import": loaded_at_import, "models": models,
                  "after": "pydantic" in sys.modules}))
"""


@pytest.mark.parametrize("service", SERVICES)
def test_a_cold_start_defers_pydantic_until_a_body_needs_it(service: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", "import sys\n" + candidates()[service] + CHECK],
        env=clean_env(),
        cwd="/",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["at_import"] == []
    # Every route that names a body or a response finds its model (a misspelt body name would be
    # a 500 at run time, a response name a broken /openapi.json).
    assert seen["models"], service
    assert seen["after"] is True
