"""Deployment packages: the shared package inside, nothing the Lambda runtime already has and
no build or test tooling; sizes printed."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from infra.cdk.packaging import FORBIDDEN, top_level_names
from infra.resources import SERVICES
from tests.cdk.conftest import STAGES, Synth

MAX_PACKAGE_BYTES = 20 * 1024 * 1024


def _packages(synth: Synth, stage: str) -> dict[str, Path]:
    """service -> its function code zip, found through the template's CodeUri."""
    found = {}
    for body in synth.resources(stage, "AWS::Serverless::Function").values():
        key = body["Properties"]["CodeUri"]["Key"]
        service = body["Properties"]["Environment"]["Variables"]["POWERTOOLS_SERVICE_NAME"]
        found[service] = synth.outdir / f"asset.{key}"
    return found


def test_synth_prints_each_package_size(synth: Synth) -> None:
    print(f"synth took {synth.seconds:.1f} s")
    for stage in STAGES:
        for service in SERVICES:
            assert f"motcua-{stage}: package {service}: " in synth.stdout


@pytest.mark.parametrize("stage", STAGES)
def test_packages_hold_the_app_and_the_shared_package_only(synth: Synth, stage: str) -> None:
    packages = _packages(synth, stage)
    assert set(packages) == set(SERVICES)
    for service, path in packages.items():
        size = path.stat().st_size
        print(f"{stage} {service}: {size / 1e6:.1f} MB")
        names = top_level_names(path)
        assert {"app", "chalicelib", "motcua_shared", "chalice"} <= names, service
        assert not names & set(FORBIDDEN), (service, names & set(FORBIDDEN))
        with zipfile.ZipFile(path) as archive:
            listed = archive.namelist()
        assert f"chalicelib/{service}/__init__.py" in listed
        assert "motcua_shared/secrets.py" in listed
        assert size < MAX_PACKAGE_BYTES, (service, size)
