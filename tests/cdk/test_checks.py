"""cfn-lint and cdk-nag on the synthesized templates."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.cdk.conftest import STAGES, Synth

CFN_LINT = Path(sys.executable).parent / "cfn-lint"


@pytest.mark.parametrize("stage", STAGES)
def test_cfn_lint_reports_no_errors(synth: Synth, stage: str) -> None:
    done = subprocess.run(
        [str(CFN_LINT), "--format", "json", str(synth.outdir / f"motcua-{stage}.template.json")],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    findings = json.loads(done.stdout or "[]")
    for finding in findings:
        print(finding["Level"], finding["Rule"]["Id"], finding["Message"])
    assert [f for f in findings if f["Level"] == "Error"] == [], done.stderr


def _report(synth: Synth) -> dict[str, Any]:
    return dict(json.loads((synth.outdir / "validation-report.json").read_text()))


def test_cdk_nag_reports_nothing_unacknowledged(synth: Synth) -> None:
    # cdk-nag 3 is a validation plugin: an unacknowledged finding fails the synth itself, and
    # a plugin with findings is listed here with its violations.
    for plugin in _report(synth)["pluginReports"]:
        assert plugin["violations"] == [], plugin["pluginName"]
    manifest = json.loads((synth.outdir / "manifest.json").read_text())
    errors = [
        entry
        for artifact in manifest["artifacts"].values()
        for entries in artifact.get("metadata", {}).values()
        for entry in entries
        if entry["type"] == "aws:cdk:error"
    ]
    assert errors == []


@pytest.mark.parametrize("stage", STAGES)
def test_every_acknowledgement_says_why(synth: Synth, stage: str) -> None:
    reasons = [
        rule
        for body in synth.template(stage)["Resources"].values()
        for rule in body.get("Metadata", {}).get("cdk_nag", {}).get("rules_to_suppress", [])
    ]
    # cdk-nag ran (it writes each acknowledgement it honoured into the template)
    assert reasons, "the suppressions are written into the template"
    for rule in reasons:
        assert len(rule.get("reason", "").split()) >= 5, rule
