"""The benches' one cache of real Groth16 proofs (bench_gas's batches, sim_network's nodes).

A proof takes seconds here, and a bench needs from 160 (bench/gas_proofs.py) to 1,000+
(bench/sim_network.py) of them, so each is proved once per zkey and kept: one JSON file per
proof under ``bench/.cache/proofs/<zkey sha256>/<set>/<name>.json`` (git-ignored), holding the
``spec`` it proves and the prover's ``value``. A file whose spec differs from the one asked for
(the bench's inputs changed) is proved again; each file is written atomically as soon as its
proof is done, so an interrupted run resumes where it stopped. `ensure` proves what is missing
in ``workers`` processes (one Prover each), with a progress bar, and says what it cost.

The prover is the one of the ``ecoai_chain`` first on the path (bench_gas proves its baseline
tree's certificates with that tree's own package and zkey).
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

CACHE = Path(__file__).resolve().parent / ".cache" / "proofs"
CHUNK = 10  # proofs per worker task: a progress step, and what an interrupt can lose

# (prover, spec) -> the JSON-able value kept for that spec; must be a module-level function
# (it is sent to worker processes).
ProveFn = Callable[[Any, dict], Any]


def set_dir(set_name: str) -> tuple[Path, str]:
    """The directory of ``set_name``'s proofs under the current zkey, and the zkey's sha256."""
    from ecoai_chain.zk.artifacts import zk_artifacts

    sha = hashlib.sha256(zk_artifacts().zkey.read_bytes()).hexdigest()
    d = CACHE / sha / set_name
    d.mkdir(parents=True, exist_ok=True)
    return d, sha


def load(directory: Path, name: str) -> Any:
    """The cached value of proof ``name`` (a KeyError names a proof that is not there)."""
    path = directory / f"{name}.json"
    if not path.is_file():
        raise KeyError(f"no cached proof {name} in {directory}: run the bench's proving step")
    return json.loads(path.read_text())["value"]


def _stale(path: Path, spec: dict) -> bool:
    if not path.is_file():
        return True
    try:
        return json.loads(path.read_text()).get("spec") != spec
    except (OSError, ValueError):
        return True  # a torn or foreign file: prove it again


def _prove_chunk(args: tuple[list[tuple[str, dict]], str, ProveFn, str | None]) -> int:
    """Worker: prove these (name, spec) into ``directory``, one Prover for all of them."""
    todo, directory, prove, mode = args
    from ecoai_chain.zk.prover import Prover

    with (Prover(mode=mode) if mode else Prover()) as prover:
        for name, spec in todo:
            doc = {"spec": spec, "value": prove(prover, spec)}
            path = Path(directory) / f"{name}.json"
            tmp = path.with_suffix(".tmp")
            tmp.write_text(json.dumps(doc))
            tmp.replace(path)
    return len(todo)


def prover_mode() -> str | None:
    """groth16py (native) when installed, else the Prover's default."""
    try:
        import groth16py  # noqa: F401
    except ImportError:
        return None
    return "groth16py"


def ensure(set_name: str, entries: list[tuple[str, dict]], prove: ProveFn,
           workers: int = 1) -> dict[str, Any]:
    """Prove whichever of ``entries`` (name, spec) are not cached with that spec; where the
    set lies and what proving cost now."""
    directory, sha = set_dir(set_name)
    todo = [(n, s) for n, s in entries if _stale(directory / f"{n}.json", s)]
    t0 = time.perf_counter()
    if todo:
        mode = prover_mode()
        chunks = [todo[i:i + CHUNK] for i in range(0, len(todo), CHUNK)]
        bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                       TimeRemainingColumn())
        with bar:
            task = bar.add_task(f"proving {set_name} ({mode or 'default prover'}, "
                                f"{workers} process{'es' if workers > 1 else ''})",
                                total=len(entries), completed=len(entries) - len(todo))
            jobs = [(c, str(directory), prove, mode) for c in chunks]
            if workers <= 1:
                for job in jobs:
                    bar.advance(task, _prove_chunk(job))
            else:
                with ProcessPoolExecutor(workers) as pool:
                    for done in pool.map(_prove_chunk, jobs):
                        bar.advance(task, done)
    return {"dir": str(directory), "zkey_sha256": sha, "total": len(entries),
            "proved": len(todo), "seconds": round(time.perf_counter() - t0, 1)}
