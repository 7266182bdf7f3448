"""Groth16 proofs for an epoch through snarkjs (node), and the proof bundle format.

Three modes, same output (measured by bench/bench_zk.py; the worker is the default):
* ``"worker"``: one long-lived ``node prover_worker.mjs`` fed one JSON line per proof; wasm,
  zkey and snarkjs's curve stay warm.
* ``"subprocess"``: ``snarkjs groth16 fullprove`` in a fresh node process per proof.
* ``"groth16py"`` (opt-in, ``pip install .[fast-prover]``): the same node worker computes only
  the witness (a .wtns file, from the committed wasm); the PyPI package groth16py (arkworks,
  GPL-3.0) proves it with the committed zkey, imported once. Its Ethereum-layout proof is turned
  back into snarkjs's proof.json layout.
"""

from __future__ import annotations

import collections
import json
import queue
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from ecoai_chain.core.units import SNARK_SCALAR_FIELD
from ecoai_chain.errors import ProofError, ToolchainError, ValidationError
from ecoai_chain.toolchain import node_binary, npm_package_file
from ecoai_chain.zk.artifacts import ZkArtifacts, zk_artifacts
from ecoai_chain.zk.bundle import ProofBundle
from ecoai_chain.zk.tools import snarkjs, snarkjs_cmd
from ecoai_chain.zk.witness import EpochInput

DEFAULT_MODE = "worker"
MODES = ("worker", "subprocess", "groth16py")
WORKER_JS = Path(__file__).with_name("prover_worker.mjs")
STARTUP_TIMEOUT_S = 120.0
PROVE_TIMEOUT_S = 600.0


def _pump(stream, sink) -> None:
    """Copy lines from ``stream`` to ``sink`` until EOF, then send None."""
    try:
        for line in stream:
            sink(line)
    except (OSError, ValueError):
        pass
    sink(None)


def _input_of(epoch_or_input: EpochInput | dict) -> dict:
    if isinstance(epoch_or_input, EpochInput):
        return epoch_or_input.circuit_input()
    if isinstance(epoch_or_input, dict):
        return epoch_or_input
    raise ValidationError(
        "epoch",
        f"must be an EpochInput or a circuit-input dict, got {type(epoch_or_input).__name__}",
    )


class Prover:
    """Proves epochs with the committed zkey and wasm. Use as a context manager (worker mode
    keeps a node process alive until `close`). Thread-safe: proofs are serialised."""

    def __init__(
        self,
        artifacts: ZkArtifacts | None = None,
        mode: str = DEFAULT_MODE,
        timeout_s: float = PROVE_TIMEOUT_S,
    ) -> None:
        if mode not in MODES:
            raise ValidationError("mode", f"must be one of {', '.join(MODES)}; got {mode!r}")
        self._g16 = _import_groth16py() if mode == "groth16py" else None
        self._g16_pk = None
        self.artifacts = artifacts or zk_artifacts()
        self.mode = mode
        self.timeout_s = timeout_s
        self._proc: subprocess.Popen | None = None
        self._lock = threading.Lock()
        self._next_id = 0
        self.last_timings: dict[str, float] = {}
        self._replies: queue.Queue[str | None] = queue.Queue()
        self._stderr_tail: collections.deque[str] = collections.deque(maxlen=40)

    # ------------------------------------------------------------------ lifecycle
    def __enter__(self) -> Prover:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None:
            try:
                if proc.stdin:
                    proc.stdin.close()
                proc.wait(timeout=5)
            except (subprocess.TimeoutExpired, OSError):
                proc.kill()
                proc.wait()

    def _worker(self) -> subprocess.Popen:
        if self._proc is not None and self._proc.poll() is None:
            return self._proc
        self.close()
        snarkjs_main = npm_package_file("snarkjs", "main.js")
        try:
            proc = subprocess.Popen(
                [
                    node_binary(),
                    str(WORKER_JS),
                    str(snarkjs_main),
                    str(self.artifacts.wasm),
                    str(self.artifacts.zkey),
                ],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                bufsize=1,
            )
        except OSError as e:
            raise ToolchainError(f"cannot start the prover worker: {e}") from e
        # Reader threads: replies go to a queue (so a hung worker hits a timeout instead of
        # blocking forever) and stderr is drained (keeping its tail for error messages).
        self._replies = queue.Queue()
        self._stderr_tail = collections.deque(maxlen=40)
        threading.Thread(target=_pump, args=(proc.stdout, self._replies.put), daemon=True).start()
        threading.Thread(target=_pump, args=(proc.stderr, self._keep_stderr), daemon=True).start()
        self._proc = proc
        first = self._reply(STARTUP_TIMEOUT_S)
        if not first.get("ready"):
            self.close()
            raise ToolchainError(f"prover worker failed to start: {first!r}")
        return proc

    def _keep_stderr(self, line: str | None) -> None:
        if line is not None:
            self._stderr_tail.append(line)

    def _reply(self, timeout_s: float) -> dict:
        try:
            line = self._replies.get(timeout=timeout_s)
        except queue.Empty:
            self.close()
            raise ToolchainError(f"prover worker gave no answer within {timeout_s:.0f} s") from None
        if line is None:
            err = "".join(self._stderr_tail)[-2000:]
            self.close()
            raise ToolchainError(f"prover worker exited: {err}")
        try:
            return json.loads(line)
        except ValueError as e:
            self.close()
            raise ToolchainError(f"prover worker wrote a bad line: {line[:200]!r}") from e

    # ------------------------------------------------------------------ proving
    def prove(self, epoch: EpochInput | dict) -> ProofBundle:
        """Prove ``epoch`` (an `EpochInput` or a raw circuit-input dict). Raises `ProofError`
        if the witness violates the circuit; checks the returned public signals match."""
        circuit_input = _input_of(epoch)
        with self._lock:
            if self.mode == "worker":
                bundle = self._prove_worker(circuit_input)
            elif self.mode == "groth16py":
                bundle = self._prove_groth16py(circuit_input)
            else:
                bundle = self._prove_subprocess(circuit_input)
        if isinstance(epoch, EpochInput) and bundle.public_signals != epoch.public_signals():
            raise ProofError("snarkjs returned public signals that differ from the epoch's")
        if any(not 0 <= s < SNARK_SCALAR_FIELD for s in bundle.public_signals):
            raise ProofError("public signal outside the field")
        return bundle

    def _ask_worker(self, request: dict) -> dict:
        """Send one request to the node worker and return its reply (ProofError on an error
        reply, ToolchainError if the worker is gone, hung or out of step)."""
        proc = self._worker()
        assert proc.stdin is not None
        self._next_id += 1
        rid = self._next_id
        try:
            proc.stdin.write(json.dumps({"id": rid, **request}) + "\n")
            proc.stdin.flush()
        except (BrokenPipeError, OSError) as e:
            self.close()
            raise ToolchainError(f"prover worker died: {e}") from e
        reply = self._reply(self.timeout_s)
        if reply.get("id") != rid:
            self.close()
            raise ToolchainError(
                f"prover worker answered request {reply.get('id')}, expected {rid}"
            )
        if "error" in reply:
            raise ProofError(f"proving failed: {reply['error']}")
        return reply

    def _prove_worker(self, circuit_input: dict) -> ProofBundle:
        reply = self._ask_worker({"input": circuit_input})
        self.last_timings = {
            "witness_s": reply["witness_ms"] / 1e3,
            "prove_s": reply["prove_ms"] / 1e3,
        }
        return ProofBundle.from_snarkjs(reply["proof"], reply["publicSignals"])

    def _prove_groth16py(self, circuit_input: dict) -> ProofBundle:
        g16 = self._g16
        assert g16 is not None  # set in __init__ for this mode
        if self._g16_pk is None:
            try:
                self._g16_pk, _ = g16.import_zkey(str(self.artifacts.zkey))
            except g16.SetupError as e:  # unreadable or malformed zkey
                raise ToolchainError(
                    f"groth16py could not import {self.artifacts.zkey}: {e}"
                ) from e
        with tempfile.TemporaryDirectory(prefix="ecoai-prove-") as td:
            wtns = Path(td) / "witness.wtns"
            t0 = time.perf_counter()
            reply = self._ask_worker({"input": circuit_input, "wtns_out": str(wtns)})
            t1 = time.perf_counter()
            try:
                blob = g16.prove_wtns(self._g16_pk, str(wtns))
            except (g16.WitnessError, g16.EncodingError, g16.SetupError) as e:
                raise ProofError(f"groth16py proving failed: {e}") from e
            t2 = time.perf_counter()
            public = _wtns_public_signals(wtns, self._n_public())
        self.last_timings = {
            "witness_s": reply["witness_ms"] / 1e3,
            "witness_roundtrip_s": t1 - t0,
            "prove_s": t2 - t1,
        }
        return ProofBundle(proof=_snarkjs_proof(blob), public_signals=public)

    def _n_public(self) -> int:
        return int(self.artifacts.vkey_json()["nPublic"])

    def _prove_subprocess(self, circuit_input: dict) -> ProofBundle:
        with tempfile.TemporaryDirectory(prefix="ecoai-prove-") as td:
            d = Path(td)
            (d / "input.json").write_text(json.dumps(circuit_input))
            try:
                snarkjs(
                    "groth16",
                    "fullprove",
                    str(d / "input.json"),
                    str(self.artifacts.wasm),
                    str(self.artifacts.zkey),
                    str(d / "proof.json"),
                    str(d / "public.json"),
                    timeout=self.timeout_s,
                )
            except ToolchainError as e:
                raise ProofError(f"proving failed: {e}") from e
            proof = json.loads((d / "proof.json").read_text())
            public = json.loads((d / "public.json").read_text())
        return ProofBundle.from_snarkjs(proof, public)


def _import_groth16py():
    try:
        import groth16py
    except ImportError as e:
        raise ToolchainError(
            "Prover mode 'groth16py' needs the optional package groth16py "
            "(pip install 'ecoai-chain[fast-prover]', or pick mode 'worker'): " + str(e)
        ) from e
    if not hasattr(groth16py, "import_zkey"):
        raise ToolchainError(
            "this groth16py build lacks import_zkey (a build without its 'native' feature)"
        )
    return groth16py


def _snarkjs_proof(blob: bytes) -> dict:
    """groth16py's 256-byte Ethereum proof (a.x a.y | b.x1 b.x0 b.y1 b.y0 | c.x c.y, 32-byte
    big-endian words, EIP-197 Fp2 order) as snarkjs's proof.json."""
    if len(blob) != 256:
        raise ProofError(f"groth16py returned a {len(blob)}-byte proof, expected 256")
    w = [str(int.from_bytes(blob[i : i + 32], "big")) for i in range(0, 256, 32)]
    return {
        "pi_a": [w[0], w[1], "1"],
        "pi_b": [[w[3], w[2]], [w[5], w[4]], ["1", "0"]],
        "pi_c": [w[6], w[7], "1"],
        "protocol": "groth16",
        "curve": "bn128",
    }


def _wtns_public_signals(path: Path, n_public: int) -> list[int]:
    """Wires 1..n_public of a circom .wtns file (iden3 binary: "wtns", version, sections; section
    1 = field size n8, prime, wire count; section 2 = the wires, n8-byte little-endian)."""
    data = path.read_bytes()
    if data[:4] != b"wtns":
        raise ProofError(f"{path} is not a .wtns file")
    n_sections = int.from_bytes(data[8:12], "little")
    pos, sections = 12, {}
    for _ in range(n_sections):
        kind = int.from_bytes(data[pos : pos + 4], "little")
        size = int.from_bytes(data[pos + 4 : pos + 12], "little")
        sections[kind] = (pos + 12, size)
        pos += 12 + size
    h, _ = sections[1]
    n8 = int.from_bytes(data[h : h + 4], "little")
    w, _ = sections[2]
    return [
        int.from_bytes(data[w + i * n8 : w + (i + 1) * n8], "little")
        for i in range(1, n_public + 1)
    ]


def snarkjs_verify(vkey: Path, bundle: ProofBundle) -> bool:
    """`snarkjs groth16 verify` on ``bundle`` (the reference the Python verifier is tested
    against): True only on exit 0 with "OK!". `ToolchainError` if node cannot run at all."""
    with tempfile.TemporaryDirectory(prefix="ecoai-verify-") as td:
        d = Path(td)
        (d / "proof.json").write_text(json.dumps(bundle.proof))
        (d / "public.json").write_text(json.dumps([str(s) for s in bundle.public_signals]))
        cmd = snarkjs_cmd(
            "groth16", "verify", str(vkey), str(d / "public.json"), str(d / "proof.json")
        )
        try:
            res = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        except (OSError, subprocess.TimeoutExpired) as e:
            raise ToolchainError(f"snarkjs groth16 verify could not run: {e}") from e
    return res.returncode == 0 and "OK!" in res.stdout
