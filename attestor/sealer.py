"""Epoch sealing: stored windows -> slots -> EpochInput -> proof -> EIP-712 signature.

Outbox states written here: ``sealed`` (slots fixed from the signed window log),
``proving`` (intensity fetched, prover running; a crash here re-proves on restart),
``proved`` (proof + signature stored; the `Submitter` takes over), or ``failed(reason)``
(e.g. a slot above the registered max power: never clipped, never dropped).

Which epochs: every epoch fully covered by the window log, starting at the first epoch
boundary at or after both the log's first window and ``seal_from_s`` (set at registration),
in order, none skipped. Windows missing inside an epoch cannot happen: the log is contiguous
by construction (gap windows carry the counter difference across agent downtime). An epoch
holding gap or estimated windows is sealed like any other and flagged in ``flags``.

Measurement: at sealing the epoch's windows are summarised (`ecoai_chain.energy.summary`:
energy and windows per method, counter-exact share, flagged windows) into ``measurement_json``;
once proved (the root is known) the summary becomes a document bound to the certificate and
signed by ``sign_summary`` (EIP-191, the attestor key), for the API and explorer.

Backends are injected: ``prover`` (``.prove(EpochInput) -> ProofBundle``),
``intensity_at(epoch_start_s) -> mg/kWh``, ``sign(cert) -> bytes`` (EIP-712) and
``sign_summary(document) -> signed document``.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from typing import Any

from attestor.logs import event
from attestor.states import EpochState
from attestor.store import EpochRecord, Store, WindowRecord
from ecoai_chain.core.backoff import Backoff
from ecoai_chain.energy import summary as measurement
from ecoai_chain.errors import ChainError, EcoAIError, ProofError, ValidationError

log = logging.getLogger("ecoai.attestor")
MAX_PROOF_ATTEMPTS = 5
DEFER_MAX_S = 30.0


def epoch_slots(windows: list[WindowRecord], epoch_start_s: int, window_s: int,
                slot_count: int) -> tuple[list[int], list[int], list[str]]:
    """(slot energies, slot work, flags); raises if a slot is missing or misaligned. Flags:
    ``gap``, ``estimated`` and the windows' measurement flags (``counter_power_mismatch``...)."""
    if len(windows) != slot_count:
        raise ValidationError("windows", f"epoch {epoch_start_s} has {len(windows)} windows, "
                                         f"needs {slot_count}")
    for i, w in enumerate(windows):
        if w.start_s != epoch_start_s + i * window_s or w.end_s != w.start_s + window_s:
            raise ValidationError("windows", f"slot {i} of epoch {epoch_start_s} is window "
                                             f"[{w.start_s}, {w.end_s})")
    flags = sorted({f for w in windows for f, on in (("gap", w.gap), ("estimated", w.estimated))
                    if on} | {f for w in windows for f in (w.quality_flags or "").split(",") if f})
    return [w.energy_mj for w in windows], [w.work for w in windows], flags


def certificate_fields(public: dict[str, int], workload_class: bytes) -> dict[str, Any]:
    """The EIP-712 ``Certificate`` struct (contract names, struct order) from the public values
    and the workload class (`ecoai_chain.core.certificate.Certificate`)."""
    from ecoai_chain.core.certificate import Certificate

    return Certificate.from_public(public, workload_class=workload_class).struct()


def build_epoch_input(rec: EpochRecord, seed: bytes) -> Any:
    from ecoai_chain.zk.witness import EpochInput

    data = json.loads(rec.public_json)
    return EpochInput(node_id=rec.node_id, epoch_start_s=rec.epoch_start_s,
                      window_s=rec.window_s, slot_energy_mj=data["slot_energy_mj"],
                      slot_work=data["slot_work"],
                      intensity_mg_per_kwh=data["intensity_mg_per_kwh"],
                      max_power_mw=data["max_power_mw"], seed=seed)


class Sealer:
    def __init__(self, store: Store, seed: bytes, window_s: int, slot_count: int,
                 max_power_mw: int, workload_class: bytes, prover: Any,
                 intensity_at: Callable[[int], int], sign: Callable[[dict], bytes],
                 clock: Callable[[], float] = time.time, seal_delay_s: int = 0,
                 sign_summary: Callable[[dict], dict] | None = None) -> None:
        self.store, self._seed = store, seed
        self.window_s, self.slot_count = window_s, slot_count
        self.epoch_s = window_s * slot_count
        self.max_power_mw, self.workload_class = max_power_mw, workload_class
        self.prover, self.intensity_at, self.sign = prover, intensity_at, sign
        self.clock, self.seal_delay_s = clock, seal_delay_s
        self.sign_summary = sign_summary
        self._retry = Backoff(base_s=0.5, max_s=DEFER_MAX_S)
        self._retry_at_s = 0.0

    # -- which epochs ---------------------------------------------------------------------
    def due_epochs(self) -> list[int]:
        last = self.store.last_window()
        if last is None:
            return []
        prev = self.store.last_epoch_start()
        if prev is not None:
            cand = prev + self.epoch_s
        else:
            first = self.store.windows(limit=1)[0].start_s
            floor_s = max(first, int(self.store.get_meta("seal_from_s", "0") or 0))
            cand = -(-floor_s // self.epoch_s) * self.epoch_s
        out = []
        now = self.clock()
        while cand + self.epoch_s <= last.end_s and cand + self.epoch_s + self.seal_delay_s <= now:
            out.append(cand)
            cand += self.epoch_s
        return out

    # -- states -------------------------------------------------------------------------
    def seal(self, node_id: int, epoch_start_s: int) -> EpochRecord:
        wins = self.store.windows_between(epoch_start_s, epoch_start_s + self.epoch_s)
        energy, work, flags = epoch_slots(wins, epoch_start_s, self.window_s, self.slot_count)
        body = {"slot_energy_mj": energy, "slot_work": work, "max_power_mw": self.max_power_mw,
                "workload_class_hex": self.workload_class.hex(),
                "window_hashes": [w.hash for w in wins]}
        summary = measurement.summarize(wins)
        rec = self.store.add_epoch(EpochRecord(
            epoch_start_s=epoch_start_s, state=EpochState.SEALED, node_id=node_id,
            window_s=self.window_s, slot_count=self.slot_count, public_json=json.dumps(body),
            flags=",".join(flags), measurement_json=json.dumps(summary.to_json())))
        event(log, "epoch sealed", epoch_start_s=epoch_start_s, energy_mj=sum(energy),
              work=sum(work), flags=rec.flags)
        return rec

    def prove(self, rec: EpochRecord) -> EpochRecord:
        """sealed/proving -> proving -> proved (or failed with the reason)."""
        data = json.loads(rec.public_json)
        if "intensity_mg_per_kwh" not in data:
            intensity = int(self.intensity_at(rec.epoch_start_s))
            if intensity == 0:  # regionIntensityAt answers 0 when the DAO has not set one
                raise ChainError(f"no on-chain intensity for the region at {rec.epoch_start_s}"
                                 " yet (the DAO sets it); will retry")
            data["intensity_mg_per_kwh"] = intensity
            rec = self.store.update_epoch(rec.epoch_start_s, state=EpochState.PROVING,
                                          public_json=json.dumps(data))
        try:
            inp = build_epoch_input(rec, self._seed)
        except ValidationError as e:
            event(log, "epoch cannot be proved", logging.ERROR, epoch_start_s=rec.epoch_start_s,
                  error=str(e))
            return self.store.update_epoch(rec.epoch_start_s, state=EpochState.FAILED,
                                           last_error=f"invalid epoch: {e}")
        t0 = time.perf_counter()
        bundle = self.prover.prove(inp)
        public = inp.public_values()
        cert = certificate_fields(public, self.workload_class)
        sig = self.sign(cert)
        data["public"] = {k: str(v) for k, v in public.items()}
        event(log, "epoch proved", epoch_start_s=rec.epoch_start_s,
              prove_s=round(time.perf_counter() - t0, 3), carbon_mg=public["carbon_mg"])
        return self.store.update_epoch(rec.epoch_start_s, state=EpochState.PROVED,
                                       public_json=json.dumps(data),
                                       proof_json=json.dumps(bundle.to_json()),
                                       signature=bytes(sig).hex(),
                                       measurement_json=self.measurement_document(
                                           rec, public["root"]))

    def measurement_document(self, rec: EpochRecord, root: int | str) -> str:
        """The epoch's measurement summary bound to its certificate (root, energy) and signed
        (JSON text); empty when the epoch was sealed before summaries existed."""
        if not rec.measurement_json:
            return ""
        summary = measurement.MeasurementSummary.from_json(json.loads(rec.measurement_json))
        hashes = json.loads(rec.public_json).get("window_hashes", [])
        doc = measurement.document(rec.node_id, rec.epoch_start_s, root, summary, hashes)
        return json.dumps(self.sign_summary(doc) if self.sign_summary else doc)

    def run_once(self, node_id: int | None) -> int:
        """Seal what is due and prove the oldest sealed epoch (one proof per call, so the
        submitter gets a turn between proofs); returns how many epochs it advanced."""
        n = 0
        if node_id is not None:
            for start in self.due_epochs():
                self.seal(node_id, start)
                n += 1
        if self.clock() < self._retry_at_s:
            return n
        for rec in self.store.epochs(states=(EpochState.SEALED, EpochState.PROVING)):
            try:
                self.prove(rec)
                n += 1
                self._retry.succeed()
                self._retry_at_s = 0.0
            except ProofError as e:  # the prover rejected the witness: retry a few times
                failed = rec.attempts + 1 >= MAX_PROOF_ATTEMPTS
                extra = {"state": EpochState.FAILED} if failed else {}
                self.store.update_epoch(rec.epoch_start_s, attempts=rec.attempts + 1,
                                        last_error=str(e), **extra)
                event(log, "proof failed", logging.ERROR, epoch_start_s=rec.epoch_start_s,
                      error=str(e), final=failed)
            except EcoAIError as e:  # chain down for the intensity, worker died: retry later
                delay = self._retry.fail()
                self._retry_at_s = self.clock() + delay
                event(log, "proving deferred", logging.WARNING, epoch_start_s=rec.epoch_start_s,
                      error=str(e)[:300], retry_in_s=delay)
                self.store.update_epoch(rec.epoch_start_s, attempts=rec.attempts + 1,
                                        last_error=str(e))
            break
        return n

def open_slot(store: Store, seed: bytes, epoch_start_s: int, index: int) -> dict:
    """Reveal one slot (energy, work, salt, leaf, Merkle path) of a proved epoch as JSON."""
    rec = store.get_epoch(epoch_start_s)
    if rec is None or "intensity_mg_per_kwh" not in json.loads(rec.public_json or "{}"):
        raise ValidationError("epoch", f"epoch {epoch_start_s} has not been proved by this agent")
    if not 0 <= index < rec.slot_count:
        raise ValidationError("slot", f"must be in [0, {rec.slot_count}), got {index}")
    inp = build_epoch_input(rec, seed)
    return {"node_id": rec.node_id, "epoch_start_s": epoch_start_s, "slot": index,
            "slot_start_s": epoch_start_s + index * rec.window_s, "window_s": rec.window_s,
            "root": str(inp.root), "opening": inp.slot_opening(index).to_json()}
