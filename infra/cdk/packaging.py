"""Deployment packages of the four Chalice apps, built so that a second synth is fast.

Chalice keys its dependency cache on the app's own files, so every code change would run
``pip download`` again (about a minute per app). Instead the third-party dependencies of each
``requirements.txt`` are built once for Lambda (Chalice's own wheel selection, manylinux,
cp311) into ``~/.cache/motcua/lambda-deps/<hash>/``, without what the Lambda runtime already
has (boto3, botocore, s3transfer, jmespath). The app is then copied to a build directory with
that site-packages and the shared package in ``vendor/`` and an empty ``requirements.txt``:
Chalice only zips it (see ../shared/stack-notes.md on Chalice and shared code).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SERVICES_DIR = ROOT / "services"
SHARED_PACKAGE = SERVICES_DIR / "shared" / "motcua_shared"
BUILD_DIR = ROOT / "infra" / "cdk" / "build"
CACHE_DIR = Path(os.environ.get("MOTCUA_CACHE_DIR", Path.home() / ".cache" / "motcua"))
LAMBDA_ABI = "cp311"

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
    digest = hashlib.sha256(requirements.read_bytes() + LAMBDA_ABI.encode()).hexdigest()[:16]
    target = CACHE_DIR / "lambda-deps" / digest
    if target.is_dir():
        return target
    from chalice.deploy.packager import DependencyBuilder
    from chalice.utils import OSUtils

    target.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{digest}-"))
    DependencyBuilder(OSUtils()).build_site_packages(LAMBDA_ABI, str(requirements), str(building))
    _strip(building)
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
    shutil.copytree(deps, app_dir / "vendor", ignore=ignore)
    shutil.copytree(SHARED_PACKAGE, app_dir / "vendor" / "motcua_shared", ignore=ignore)
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
