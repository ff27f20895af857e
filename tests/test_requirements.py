"""requirements/*.txt stay in step with pyproject.toml (``make requirements``).

``make install`` installs requirements/dev.txt with ``--no-deps``: a
dependency added to pyproject.toml but not compiled in would be missing from
the venv without any resolver noticing. No network: the files are read.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
PROJECT = PYPROJECT["project"]


def pins(name: str) -> dict[str, Version]:
    """``package==version`` lines of one requirements file, by normalised name."""
    found: dict[str, Version] = {}
    for line in (ROOT / "requirements" / name).read_text(encoding="utf-8").splitlines():
        match = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)", line)
        if match:
            found[canonicalize_name(match[1])] = Version(match[2])
    return found


def requirements(*extras: str) -> list[Requirement]:
    reqs = [Requirement(r) for r in PROJECT["dependencies"]]
    for extra in extras:
        reqs += [Requirement(r) for r in PROJECT["optional-dependencies"][extra]]
    return reqs


@pytest.mark.parametrize(
    ("file", "extras"), [("runtime.txt", ()), ("dev.txt", ("dev", "pdf", "notebooks"))]
)
def test_every_declared_dependency_is_pinned_within_its_range(file, extras):
    pinned = pins(file)
    for req in requirements(*extras):
        name = canonicalize_name(req.name)
        assert name in pinned, f"{req} is not in requirements/{file}: run make requirements"
        assert req.specifier.contains(pinned[name], prereleases=True), (req, pinned[name])


def test_runtime_pins_are_the_versions_the_tests_run_with():
    runtime, dev = pins("runtime.txt"), pins("dev.txt")
    assert set(runtime) <= set(dev)
    assert {n: v for n, v in runtime.items() if dev[n] != v} == {}


def test_the_runtime_install_leaves_the_pdf_out():
    assert "playwright" not in pins("runtime.txt")
    assert "playwright" in pins("dev.txt")


@pytest.mark.parametrize("file", ["runtime.txt", "dev.txt"])
def test_the_venv_gets_a_setuptools_with_the_security_fixes(file):
    # CVE-2022-40897 (fixed in 65.5.1) and CVE-2024-6345 (fixed in 70.0)
    assert pins(file)["setuptools"] >= Version("75")


@pytest.mark.parametrize("file", ["runtime.txt", "dev.txt"])
def test_each_file_says_how_to_regenerate_it(file):
    head = (ROOT / "requirements" / file).read_text(encoding="utf-8").splitlines()[:3]
    assert any("make requirements" in line for line in head)
