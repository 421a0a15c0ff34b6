"""The lock files follow pyproject.toml, and this environment was installed from them."""

from __future__ import annotations

import os
import re
import tomllib
from importlib import metadata

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from kb.config import ROOT

PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([^\s;\\]+)\s*(?:;\s*([^\\]+?))?\s*\\?$")


def _pins(name: str) -> dict[str, Version]:
    """The lock's pins that apply to this interpreter, by canonical name."""
    pins = {}
    for line in (ROOT / "requirements" / name).read_text().splitlines():
        match = PIN.match(line)
        if match and (not match[3] or Marker(match[3]).evaluate()):
            pins[canonicalize_name(match[1])] = Version(match[2])
    return pins


def _wanted(extra: str | None) -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    lines = list(project["dependencies"])
    if extra:
        lines += project["optional-dependencies"][extra]
    build = (ROOT / "requirements" / "build.in").read_text().splitlines()
    lines += [line for line in build if line.strip() and not line.startswith("#")]
    return [Requirement(line) for line in lines]


@pytest.mark.parametrize(("lock", "extra"), [("runtime.txt", None), ("dev.txt", "dev")])
def test_every_range_in_pyproject_is_locked_within_it(lock, extra):
    pins = _pins(lock)
    for requirement in _wanted(extra):
        if requirement.marker and not requirement.marker.evaluate():
            continue
        version = pins.get(canonicalize_name(requirement.name))
        assert version is not None, f"{requirement.name} is not in requirements/{lock}: make lock"
        assert requirement.specifier.contains(version, prereleases=True), (
            f"requirements/{lock} has {requirement.name}=={version}, outside {requirement}"
        )


def test_production_and_development_lock_the_same_versions():
    dev = _pins("dev.txt")
    for name, version in _pins("runtime.txt").items():
        assert dev.get(name) == version, f"{name}: runtime.txt {version}, dev.txt {dev.get(name)}"


@pytest.mark.skipif(
    bool(os.environ.get("KB_UPGRADE_CHECK")), reason="make upgrade-check installs newer versions"
)
def test_this_environment_runs_the_locked_versions():
    for name, version in _pins("dev.txt").items():
        try:
            installed = Version(metadata.version(name))
        except metadata.PackageNotFoundError:
            pytest.fail(f"{name} is locked but not installed: make install")
        assert installed == version, f"{name} {installed} is installed, the lock says {version}"
