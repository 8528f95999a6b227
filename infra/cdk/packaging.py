"""Deployment packages of the four Chalice apps, built so that a second synth is fast.

Chalice keys its dependency cache on the app's own files, so every code change would run
``pip download`` again (about a minute per app). Instead the third-party dependencies of each
``requirements.txt`` are built once for Lambda (Chalice's own wheel selection, manylinux,
cp311) into ``~/.cache/motcua/lambda-deps/<hash>/``, without what the Lambda runtime already
has (boto3, botocore, s3transfer, jmespath). The app is then copied to a build directory with
that site-packages and the shared package in ``vendor/`` and an empty ``requirements.txt``:
Chalice only zips it (it silently drops a local path in ``requirements.txt`` and does not
follow a symlinked ``chalicelib/``, so the shared package cannot reach it any other way).

Every module travels with its bytecode. /var/task is read-only, so a package without it makes
every cold start compile each module it imports (measured here: importing intake's handler with
everything compiled from source takes ~5 x as long as with bytecode). The bytecode is
"unchecked-hash" (PEP 552): valid whatever timestamps the zip gives the sources; it is rebuilt
with every package, so it always matches them. Chalice zips ``app.py`` and its own
``chalice/app.py`` itself, as sources only; their bytecode goes through ``vendor/``, whose
content lands at the root of the zip.
"""

from __future__ import annotations

import compileall
import hashlib
import json
import os
import py_compile
import shutil
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import chalice

ROOT = Path(__file__).resolve().parents[2]
SERVICES_DIR = ROOT / "services"
SHARED_PACKAGE = SERVICES_DIR / "shared" / "motcua_shared"
BUILD_DIR = ROOT / "infra" / "cdk" / "build"
CACHE_DIR = Path(os.environ.get("MOTCUA_CACHE_DIR", Path.home() / ".cache" / "motcua"))
LAMBDA_ABI = "cp311"
LAMBDA_PYTHON = (3, 11)  # the functions' runtime (python3.11, the version synth runs with)
# Part of the dependency cache's key: a change of how dependencies are built rebuilds them.
_DEPS_FORMAT = b"deps-v2:bytecode"
LAMBDA_ROOT = "/var/task"  # where Lambda unpacks the code: the paths shown in tracebacks

# The Lambda Python runtime ships these; a package of our own would only add 16 MB.
RUNTIME_PROVIDED: tuple[str, ...] = ("boto3", "botocore", "s3transfer", "jmespath")
# Must never reach a function: build and test tooling.
FORBIDDEN: tuple[str, ...] = (*RUNTIME_PROVIDED, "aws_cdk", "cdk_nag", "jsii", "pytest", "moto")
_UNUSED_FILES = ("__pycache__",)


@dataclass(frozen=True)
class PackageReport:
    service: str
    path: Path
    size_bytes: int
    files: int

    def line(self) -> str:
        return f"package {self.service}: {self.size_bytes / 1e6:.1f} MB, {self.files} files"


def dependencies_dir(requirements: Path) -> Path:
    """Site-packages for ``requirements`` built for Lambda, from the cache when present."""
    key = requirements.read_bytes() + LAMBDA_ABI.encode() + _DEPS_FORMAT
    digest = hashlib.sha256(key).hexdigest()[:16]
    target = CACHE_DIR / "lambda-deps" / digest
    if target.is_dir():
        return target
    from chalice.deploy.packager import DependencyBuilder
    from chalice.utils import OSUtils

    target.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{digest}-"))
    DependencyBuilder(OSUtils()).build_site_packages(LAMBDA_ABI, str(requirements), str(building))
    _strip(building)
    compile_tree(building, LAMBDA_ROOT)
    try:
        building.rename(target)  # atomic: a concurrent build leaves one complete copy
    except OSError:
        shutil.rmtree(building, ignore_errors=True)
    return target


def _strip(site_packages: Path) -> None:
    for entry in site_packages.iterdir():
        top = entry.name.split("-", 1)[0].lower()
        if top in RUNTIME_PROVIDED or entry.name in _UNUSED_FILES:
            shutil.rmtree(entry) if entry.is_dir() else entry.unlink()


def _bytecode_applies() -> bool:
    """Bytecode is only of use to the interpreter version that wrote it."""
    return sys.version_info[:2] == LAMBDA_PYTHON


def compile_tree(directory: Path, shown_as: str) -> None:
    """Bytecode for every module under ``directory`` (tracebacks name ``shown_as``/...)."""
    if not _bytecode_applies():
        return
    compileall.compile_dir(
        str(directory),
        quiet=2,
        ddir=shown_as,
        invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
    )


def compile_module(source: Path, vendor: Path, name: str) -> None:
    """Bytecode of a module Chalice zips as source (``app``, ``chalice/app``) into ``vendor``,
    which Chalice puts at the root of the zip beside that source."""
    if not _bytecode_applies():
        return
    tag = sys.implementation.cache_tag
    parent, _, leaf = name.rpartition("/")
    target = vendor / parent / "__pycache__" / f"{leaf}.{tag}.pyc"
    target.parent.mkdir(parents=True, exist_ok=True)
    py_compile.compile(
        str(source),
        cfile=str(target),
        dfile=f"{LAMBDA_ROOT}/{name}.py",
        doraise=True,
        invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
    )


def prepare_app(service: str, build_root: Path = BUILD_DIR) -> Path:
    """A copy of ``services/<service>`` ready for ``chalice package``; returns its directory.

    The directory (and Chalice's zip cache in its ``.chalice/deployments``) is kept between
    runs; only the app's sources and vendor/ are refreshed.
    """
    source = SERVICES_DIR / service
    deps = dependencies_dir(source / "requirements.txt")
    app_dir = build_root / service
    app_dir.mkdir(parents=True, exist_ok=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("chalicelib", "vendor"):
        shutil.rmtree(app_dir / name, ignore_errors=True)
    shutil.copy2(source / "app.py", app_dir / "app.py")
    shutil.copytree(source / "chalicelib", app_dir / "chalicelib", ignore=ignore)
    (app_dir / ".chalice").mkdir(exist_ok=True)
    shutil.copy2(source / ".chalice" / "config.json", app_dir / ".chalice" / "config.json")
    # Dependencies come from vendor/: Chalice has nothing left to download.
    (app_dir / "requirements.txt").write_text("# dependencies are in vendor/ (infra/cdk)\n")
    shutil.copytree(deps, app_dir / "vendor")  # with its bytecode (dependencies_dir)
    shutil.copytree(SHARED_PACKAGE, app_dir / "vendor" / "motcua_shared", ignore=ignore)
    compile_tree(app_dir / "chalicelib", f"{LAMBDA_ROOT}/chalicelib")
    compile_tree(app_dir / "vendor" / "motcua_shared", f"{LAMBDA_ROOT}/motcua_shared")
    compile_module(app_dir / "app.py", app_dir / "vendor", "app")
    for module in ("app", "__init__"):  # the files Chalice adds from its installed copy
        compile_module(
            Path(chalice.__file__).with_name(f"{module}.py"),
            app_dir / "vendor",
            f"chalice/{module}",
        )
    _prune_old_zips(app_dir / ".chalice" / "deployments")
    return app_dir


def _prune_old_zips(deployments: Path, keep: int = 4) -> None:
    """Chalice adds a zip per distinct content; keep the newest few."""
    if not deployments.is_dir():
        return
    zips = sorted(deployments.glob("*.zip"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in zips[keep:]:
        old.unlink(missing_ok=True)


def report(service: str, package: Path) -> PackageReport:
    with zipfile.ZipFile(package) as archive:
        files = len(archive.infolist())
    return PackageReport(service, package, package.stat().st_size, files)


def top_level_names(package: Path) -> set[str]:
    """The top-level modules and packages inside a deployment zip."""
    with zipfile.ZipFile(package) as archive:
        names = {name.split("/", 1)[0] for name in archive.namelist()}
    return {name.removesuffix(".py") for name in names if not name.endswith(".dist-info")}


def packages_of(template: Path) -> dict[str, Path]:
    """service -> its deployment zip, through a synthesized template's CodeUri (none without
    the template)."""
    if not template.is_file():
        return {}
    found: dict[str, Path] = {}
    for body in json.loads(template.read_text())["Resources"].values():
        if body["Type"] == "AWS::Serverless::Function":
            props = body["Properties"]
            service = props["Environment"]["Variables"]["POWERTOOLS_SERVICE_NAME"]
            found[service] = template.parent / f"asset.{props['CodeUri']['Key']}"
    return found
