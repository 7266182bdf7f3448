"""``POST /certificates/{id}/verify``: the checks of `ecoai_chain.verify.checks` -- the same
ones `ecoai verify` runs -- on an `Evidence` built from the index instead of a chain RPC.

The index holds everything the checks need at the certificate's own log: its event fields and
decoded calldata (proof, signature), the attestor then (NodeRegistered + AttestorRotated), the
region intensity then (RegionIntensitySet), the baseline in force at the epoch start as
scheduled then (BaselineSet with its effectiveFrom) and the efficiency ceiling likewise
(ParameterScheduled, `Queries.parameter_at`), with the epoch length the certificate's record
gives (window x slots, which the contract requires to equal it). What it cannot
hold is reported as not run, with the `ecoai verify` command that runs it (`INDEX_NOT_RUN`).

A result cannot change while the certificate's row does not (its events are final once
indexed; only a revocation, or a reorg replacing its log, changes it), so results are cached
per certificate keyed by that row state (`row_state`).
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from ecoai_chain.api.queries import Queries
from ecoai_chain.core.certificate import Certificate
from ecoai_chain.core.signals import certificate_table
from ecoai_chain.errors import ValidationError
from ecoai_chain.verify.checks import Check, not_run, run_checks
from ecoai_chain.verify.evidence import Evidence

_CHAIN_CMD = "run `ecoai verify {id} --rpc URL --manifest PATH`"
INDEX_NOT_RUN = {
    "record": "needs chain RPC: the index keeps the certificate's event record, not the hash "
              "the contract stores for it (recordOf) that shows the record is the one it "
              "committed to before comparing it with the signed calldata; " + _CHAIN_CMD,
}
GLOBAL_NOT_RUN = {
    "verifier_code": "needs chain RPC: the deployed Groth16Verifier's code (eth_getCode) against "
                     "the locally compiled one; " + _CHAIN_CMD,
}


def _recorded(row: Any) -> dict[str, Any]:
    """The certificate's fields the index row holds, by contract name (None ones left out)."""
    out: dict[str, Any] = {}
    for f in certificate_table():
        v = getattr(row, f.api, None)
        if v is not None:
            out[f.solidity] = v if f.abi_type == "bytes32" else int(v)
    return out


def index_evidence(q: Queries, row: Any, chain_id: int | None,
                   green_proof: str | None) -> Evidence:
    """`Evidence` for the certificate in index ``row``, the chain's tables taken just before
    its log (as the contract saw them when it accepted the certificate)."""
    before = (row.block_number, row.log_index)
    proof = json.loads(row.proof_json) if row.proof_json else None
    submitted, note = None, getattr(row, "calldata_note", None)
    if proof is not None and row.signature:
        try:
            # the workload class as the bytes32 that was signed, not its display text
            submitted = Certificate.from_api(row, workload_class=row.workload_class_hex).struct()
        except ValidationError as e:
            note = f"the index cannot rebuild the signed certificate ({e})"
    not_here = {k: v.format(id=row.certificate_id) for k, v in INDEX_NOT_RUN.items()}
    # The index keeps a node's region as text only: when regions whose bytes differ but
    # display alike have intensities, it cannot tell which one the contract read, and must
    # not lend one's intensity to the other (the bound is then unknown).
    look_alike = q.parameter_keys("region_intensity", row.region, before)
    intensity = None if len(look_alike) > 1 else q.intensity_at(row.region, row.epoch_start_s,
                                                                 before)
    if len(look_alike) > 1:
        not_here["intensity"] = _look_alike(row, look_alike)
    stored = {**_recorded(row), "ecoScore": row.eco_score, "rewardUnits": int(row.reward_units),
              "revoked": bool(row.revoked), "revokedReason": row.revoked_reason}
    sig = None
    if submitted is not None:
        try:
            sig = bytes.fromhex(str(row.signature).removeprefix("0x"))
        except ValueError:
            sig = None
    return Evidence(
        certificate_id=row.certificate_id, stored=stored, submitted=submitted,
        proof_solidity=proof if submitted is not None else None, signature=sig,
        tx_hash=row.tx_hash, block_number=row.block_number, block_timestamp_s=row.block_time_s,
        node_at_block={"attestor": q.attestor_at(row.node_id, before), "region": row.region},
        intensity_at_block=intensity,
        baseline_at_block=_baseline(q, row, before),
        ceiling_at_epoch=q.parameter_at("efficiency_ceiling", row.workload_class_hex,
                                        row.epoch_start_s, before),
        epoch_length_s=(row.window_s * row.slot_count
                        if None not in (row.window_s, row.slot_count) else None),
        chain_id=chain_id, green_proof=green_proof, source="index",
        not_run=not_here,
        calldata_note=note if submitted is None else None,
    )


def _look_alike(row: Any, keys: list[str]) -> str:
    """Why the intensity check does not run (the region text is a stranger's: never
    str.format'ed)."""
    return (f"needs chain RPC: {len(keys)} regions with intensities ({', '.join(keys)}) "
            f"display as node {row.node_id}'s region {row.region!r}, and the index keeps only "
            "that text, not the node's bytes32 region (getNode); "
            + _CHAIN_CMD.format(id=row.certificate_id))


def _baseline(q: Queries, row: Any, before: tuple[int, int]) -> tuple[int, bool]:
    """The class's baseline in force at the epoch start, (ng CO2e per work unit, is set), by
    the bytes32 the certificate signed (its ParameterScheduled key): two classes whose bytes
    are not UTF-8 can display the same text, and BaselineSet's row keeps only that text."""
    v = q.parameter_at("baseline", row.workload_class_hex, row.epoch_start_s, before)
    return (int(v), True) if v is not None else (0, False)


def row_state(row: Any) -> tuple:
    """What a verification result depends on that can change after indexing."""
    return (row.tx_hash, row.log_index, row.block_number, bool(row.revoked), row.revoked_reason)


class CertificateVerifier:
    """``CertificateVerifier(queries, chain_id, green_proof, vkey)``; ``vkey`` a
    `zk.verifier.VerifyingKey` (None: the proof check fails, saying so). ``engine`` picks the
    Groth16 pairing engine ("fast" or "py-ecc"), named in every result; ``groth16`` replaces
    the verifier function (``(vkey, snarkjs_proof, signals) -> bool``)."""

    def __init__(self, queries: Queries, chain_id: int | None, green_proof: str | None,
                 vkey: Any | None, vkey_sha256: str | None = None,
                 manifest_vkey_sha256: str | None = None, engine: str = "fast",
                 cache_size: int = 4096, groth16: Callable[..., bool] | None = None) -> None:
        from ecoai_chain.zk.verifier import engine_of

        self.q, self.chain_id, self.green_proof, self.vkey = queries, chain_id, green_proof, vkey
        self.engine = engine_of(engine)
        self._groth16 = groth16
        self._global = _global_checks(manifest_vkey_sha256, vkey_sha256)
        self._cache: OrderedDict[int, tuple[tuple, dict]] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()

    @classmethod
    def from_files(cls, queries: Queries, manifest: str | None, vkey_path: str | None,
                   engine: str = "fast", cache_size: int = 4096) -> CertificateVerifier:
        chain_id = green_proof = vkey = vkey_sha = manifest_sha = None
        if manifest:
            from ecoai_chain.chain.deployment import load_manifest

            dep = load_manifest(manifest)
            chain_id, green_proof, manifest_sha = dep.chain_id, dep.green_proof, dep.vkey_sha256
        if vkey_path:
            from ecoai_chain.verify.onchain import load_vkey_file

            vkey, vkey_sha = load_vkey_file(vkey_path)
        return cls(queries, chain_id, green_proof, vkey, vkey_sha, manifest_sha, engine,
                   cache_size)

    # -- the cache ---------------------------------------------------------------------------
    def cached(self, row: Any) -> dict | None:
        with self._lock:
            hit = self._cache.get(row.certificate_id)
            if hit is None or hit[0] != row_state(row):
                return None
            self._cache.move_to_end(row.certificate_id)
            return hit[1]

    def _remember(self, row: Any, body: dict) -> None:
        with self._lock:
            self._cache[row.certificate_id] = (row_state(row), body)
            self._cache.move_to_end(row.certificate_id)
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)

    # -- verification ------------------------------------------------------------------------
    def verify_row(self, row: Any) -> dict:
        """Run every check on the indexed certificate (and cache the result)."""
        ev = index_evidence(self.q, row, self.chain_id, self.green_proof)
        proof_check = None
        if self._groth16 is not None:
            from ecoai_chain.verify.checks import check_proof

            proof_check = check_proof(ev, self.vkey, verify=self._groth16, engine=self.engine)
        checks = run_checks(ev, self.vkey, proof_check=proof_check, engine=self.engine)
        body = {
            "certificate_id": row.certificate_id, "tx_hash": row.tx_hash,
            "valid": all(c.ok for c in checks) and all(c.ok for c in self._global),
            "engine": self.engine, "evidence": f"index (certificate log in block "
                                               f"{row.block_number})",
            "checks": [c.as_json() for c in checks], "not_run": not_run(ev),
            "global_checks": [c.as_json() for c in self._global],
            "global_not_run": [{"name": k, "detail": "not run: " + v.format(
                id=row.certificate_id)} for k, v in GLOBAL_NOT_RUN.items()],
        }
        self._remember(row, body)
        return body

    def verify(self, cert_id: int) -> dict | None:
        """The result for ``cert_id`` (cached if still current); None if not indexed."""
        row = self.q.certificate_row(cert_id)
        if row is None:
            return None
        return self.cached(row) or self.verify_row(row)


def _global_checks(manifest_sha: str | None, vkey_sha: str | None) -> list[Check]:
    from ecoai_chain.verify.onchain import vkey_hash_check

    return vkey_hash_check(manifest_sha, vkey_sha) if vkey_sha else []
