"""Deployment packages: the shared package inside, nothing the Lambda runtime already has and
no build or test tooling, bytecode for every module; sizes printed."""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path, PurePosixPath

import pytest

from infra.cdk.packaging import FORBIDDEN, packages_of, top_level_names
from infra.resources import SERVICES
from tests.cdk.conftest import STAGES, Synth

MAX_PACKAGE_BYTES = 20 * 1024 * 1024


def _packages(synth: Synth, stage: str) -> dict[str, Path]:
    """service -> its function code zip, found through the template's CodeUri."""
    return packages_of(synth.outdir / f"motcua-{stage}.template.json")


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


UNCHECKED_HASH = 0b01  # PEP 552 flags: hash-based, source not checked


@pytest.mark.parametrize("stage", STAGES)
def test_every_module_ships_with_bytecode_lambda_can_use(synth: Synth, stage: str) -> None:
    """/var/task is read-only: a module without bytecode is compiled again on every cold start
    (importing intake's handler took about twice as long from sources only). Bytecode that does
    not depend on the timestamps the zip gives the sources, for every module."""
    tag = sys.implementation.cache_tag
    for service, path in _packages(synth, stage).items():
        with zipfile.ZipFile(path) as archive:
            listed = set(archive.namelist())
            missing, stale = [], []
            for name in sorted(n for n in listed if n.endswith(".py")):
                module = PurePosixPath(name)
                cached = str(module.parent / "__pycache__" / f"{module.stem}.{tag}.pyc")
                if cached not in listed:
                    missing.append(name)
                elif int.from_bytes(archive.read(cached)[4:8], "little") != UNCHECKED_HASH:
                    stale.append(name)
        assert {"app.py", "chalice/app.py", f"chalicelib/{service}/settings.py"} <= listed
        assert not missing, (service, len(missing), missing[:5])
        assert not stale, (service, stale[:5])


@pytest.mark.parametrize("stage", STAGES)
def test_intake_ships_the_slip_templates_and_jinja2(synth: Synth, stage: str) -> None:
    """The printable slips are Jinja2 templates read from chalicelib/ at run time: a package
    without them (or without Jinja2) would answer every print with a 500."""
    root = Path(__file__).resolve().parents[2] / "services" / "intake"
    templates = sorted(
        path.relative_to(root).as_posix()
        for path in (root / "chalicelib" / "intake" / "documents" / "templates").iterdir()
    )
    assert "chalicelib/intake/documents/templates/receipt.html" in templates
    with zipfile.ZipFile(_packages(synth, stage)["intake"]) as archive:
        listed = set(archive.namelist())
    assert set(templates) <= listed
    assert {"jinja2/__init__.py", "markupsafe/__init__.py"} <= listed
