"""The CDK app synthesized once per test session (both stages), as `make synth` does it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
STAGES = ("dev", "prod")


@dataclass
class Synth:
    outdir: Path
    stdout: str
    seconds: float

    def template(self, stage: str) -> dict[str, Any]:
        return json.loads((self.outdir / f"motcua-{stage}.template.json").read_text())

    def resources(self, stage: str, kind: str) -> dict[str, dict[str, Any]]:
        return {
            logical_id: body
            for logical_id, body in self.template(stage)["Resources"].items()
            if body["Type"] == kind
        }


@pytest.fixture(scope="session")
def synth(tmp_path_factory: pytest.TempPathFactory) -> Synth:
    outdir = tmp_path_factory.mktemp("cdk") / "cdk.out"
    env = {**os.environ, "MOTCUA_CDK_OUT": str(outdir)}
    env.pop("MOTCUA_DEPLOY_STAGE", None)
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "infra.cdk"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    seconds = time.monotonic() - started
    print(done.stdout)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-6000:]
    return Synth(outdir, done.stdout, seconds)
