"""constraints.txt locks every Python dependency of pyproject.toml at one exact version that
its range allows, and setup installs from it (issue 12 item 12)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
PIN = re.compile(r"^([a-z0-9][a-z0-9-]*)==([0-9][^\s;#]*)$")


def _lock() -> dict[str, str]:
    pins: dict[str, str] = {}
    for n, line in enumerate((ROOT / "constraints.txt").read_text().splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        m = PIN.match(line)
        assert m, f"constraints.txt:{n}: {line!r} is not an exact `name==version` pin"
        assert m[1] == canonicalize_name(m[1]), f"constraints.txt:{n}: name not normalised"
        assert m[1] not in pins, f"constraints.txt:{n}: {m[1]} pinned twice"
        Version(m[2])  # a valid version
        pins[m[1]] = m[2]
    return pins


def _pyproject_requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = list(project["dependencies"])
    for group in project.get("optional-dependencies", {}).values():
        reqs += group
    return [Requirement(r) for r in reqs]


def test_every_pyproject_dependency_is_pinned_within_its_range():
    pins = _lock()
    reqs = _pyproject_requirements()
    assert len(reqs) > 20
    for req in reqs:
        name = canonicalize_name(req.name)
        assert name in pins, f"{req} is not in constraints.txt: run scripts/lock_deps.py"
        assert req.specifier.contains(pins[name], prereleases=True), \
            f"constraints.txt pins {name}=={pins[name]}, outside pyproject's {req}"


def test_extras_of_dependencies_are_locked_too():
    """uvicorn[standard] and psycopg[binary] pull packages of their own: they are pinned."""
    pins = _lock()
    assert {"uvloop", "httptools", "psycopg-binary"} <= set(pins)


def test_pyproject_keeps_ranges():
    """The lock pins; pyproject states what the code supports (a lower bound, not one version)
    except where a single version is deliberate (groth16py, young and single-author)."""
    exact = [str(r) for r in _pyproject_requirements()
             if any(s.operator == "==" for s in r.specifier) and r.name != "groth16py"]
    assert exact == []


def test_setup_installs_from_the_lock_and_restamps_when_it_changes():
    setup = (ROOT / "scripts" / "setup.sh").read_text()
    step = setup[setup.index("step_python() {"):setup.index("\n}\n", setup.index("step_python"))]
    assert re.search(r"hash_of pyproject\.toml constraints\.txt", step)
    assert "pip install -q -c constraints.txt -e '.[dev]'" in step
