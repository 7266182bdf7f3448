"""Write constraints.txt: the exact version of every Python package ecoai-chain needs.

pyproject.toml keeps ranges (what the code supports); constraints.txt pins what setup and CI
install (``pip install -c constraints.txt -e '.[dev]'``), the way package-lock.json pins npm.

    python scripts/lock_deps.py            lock what .venv has installed (after a change)
    python scripts/lock_deps.py --fresh    resolve anew: a throwaway venv takes the newest
                                           versions pyproject allows, and those are locked

Only the dependency closure of ecoai-chain and all its extras is written (walked through the
installed packages' metadata, markers evaluated), not whatever else a venv holds. After a
refresh, run ``make test`` on the refreshed set before committing the new lock.
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "constraints.txt"
HEADER = """\
# Exact versions of the Python packages of ecoai-chain[{extras}] (generated; do not edit).
# Resolved on Python {python} ({system} {machine}).
# Install: pip install -c constraints.txt -e '.[dev]'   (scripts/setup.sh does this)
# Refresh: python scripts/lock_deps.py --fresh, then run `make test` on the refreshed set.
"""


def project_requirements() -> tuple[list[str], list[str]]:
    """(every requirement string of pyproject, including each extra's), the extra names."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = sorted(project.get("optional-dependencies", {}))
    reqs = list(project["dependencies"])
    for e in extras:
        reqs += project["optional-dependencies"][e]
    return reqs, extras


def closure(requirements: list[str]) -> dict[str, str]:
    """{normalised name: installed version} for the requirements and everything they pull in,
    in the interpreter running this function."""
    from importlib.metadata import PackageNotFoundError, distribution

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    pins: dict[str, str] = {}
    seen: set[tuple[str, frozenset[str]]] = set()
    todo = [(Requirement(r), frozenset({""})) for r in requirements]
    while todo:
        req, parent_extras = todo.pop()
        if req.marker is not None and not any(
                req.marker.evaluate({"extra": e}) for e in parent_extras):
            continue
        name = canonicalize_name(req.name)
        key = (name, frozenset(req.extras))
        if key in seen:
            continue
        seen.add(key)
        try:
            dist = distribution(name)
        except PackageNotFoundError as e:
            raise SystemExit(f"{name} (needed for {req}) is not installed in {sys.prefix}; "
                             "install the project first") from e
        pins[name] = dist.version
        wanted = frozenset({"", *req.extras})
        todo += [(Requirement(r), wanted) for r in dist.requires or ()]
    return pins


def lock_text(pins: dict[str, str], extras: list[str], python: str, system: str,
              machine: str) -> str:
    head = HEADER.format(extras=",".join(extras), python=python, system=system, machine=machine)
    return head + "".join(f"{n}=={v}\n" for n, v in sorted(pins.items()))


def _probe(python: Path) -> dict:
    """Run `closure` inside another interpreter (the venv to lock)."""
    reqs, _ = project_requirements()
    out = subprocess.run([str(python), __file__, "--probe", json.dumps(reqs)], check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out)


def _fresh_venv(tmp: Path) -> Path:
    subprocess.run([sys.executable, "-m", "venv", str(tmp / "venv")], check=True)
    py = tmp / "venv" / "bin" / "python"
    _, extras = project_requirements()
    subprocess.run([str(py), "-m", "pip", "install", "-q", "--upgrade", "pip"], check=True)
    subprocess.run([str(py), "-m", "pip", "install", "-q", f".[{','.join(extras)}]"],
                   check=True, cwd=ROOT)
    return py


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--fresh", action="store_true",
                    help="resolve the newest allowed versions in a throwaway venv")
    ap.add_argument("--python", type=Path, default=ROOT / ".venv" / "bin" / "python",
                    help="interpreter of the venv to lock (default .venv)")
    ap.add_argument("--out", type=Path, default=LOCK)
    ap.add_argument("--probe", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.probe is not None:
        print(json.dumps({"pins": closure(json.loads(args.probe)),
                          "python": platform.python_version(), "system": platform.system(),
                          "machine": platform.machine()}))
        return 0
    _, extras = project_requirements()
    with tempfile.TemporaryDirectory(prefix="ecoai-lock-") as tmp:
        python = _fresh_venv(Path(tmp)) if args.fresh else args.python
        probe = _probe(python)
    probe["pins"].pop("ecoai-chain", None)
    args.out.write_text(lock_text(probe["pins"], extras, probe["python"], probe["system"],
                                  probe["machine"]))
    print(f"{args.out}: {len(probe['pins'])} packages pinned", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
