"""Epoch -> circuit input, public signals and slot openings (pure; no I/O).

`EpochInput` is what the attestor seals: one node's slot energies and work counts for an epoch,
the public parameters, and its 32-byte secret seed. Slot i covers
[epoch_start_s + i*window_s, +window_s); slots beyond ``len(slot_energy_mj)`` are zero padding.

Commitment (matches circuits/green_proof.circom and tests/vectors/epochs.json):
  seed_field = int.from_bytes(sha256(seed)) % p
  salt_i     = Poseidon(seed_field, node_id, epoch_start_s, i)
  leaf_i     = Poseidon(energy_mj_i, work_i, salt_i)
  root       = 8-ary Poseidon Merkle root over leaf_0 .. leaf_63 (ecoai_chain/zk/merkle.py)
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property

from ecoai_chain.core.signals import signal_names, to_public_signals, word_table
from ecoai_chain.core.units import (
    ENERGY_SLOT_BITS,
    INTENSITY_BITS,
    POWER_BITS,
    SNARK_SCALAR_FIELD,
    WINDOW_BITS,
    WORK_SLOT_BITS,
    carbon_mg,
    require_uint,
)
from ecoai_chain.errors import ValidationError
from ecoai_chain.zk.merkle import MerkleProof, MerkleTree, verify_merkle_proof
from ecoai_chain.zk.poseidon import poseidon

N_SLOTS = 64
TREE_DEPTH = 2
SEED_BYTES = 32
NODE_ID_BITS = 64
EPOCH_START_BITS = 64
CARBON_BITS = 64


def seed_field(seed: bytes) -> int:
    return int.from_bytes(hashlib.sha256(seed).digest(), "big") % SNARK_SCALAR_FIELD


def slot_salt(seed_field_: int, node_id: int, epoch_start_s: int, index: int) -> int:
    return poseidon((seed_field_, node_id, epoch_start_s, index))


def slot_leaf(energy_mj: int, work: int, salt: int) -> int:
    return poseidon((energy_mj, work, salt))


def circuit_fields(values: dict[str, int]) -> dict[str, str]:
    """The circuit's scalar inputs for the proved ``values`` (decimal strings): each public
    input (packed word) by its word name, then each field whose name is not a word's (those
    are private inputs of GreenProof; ``root`` is both a field and word 0)."""
    words = word_table()
    obj = {w.name: str(v) for w, v in zip(words, to_public_signals(values), strict=True)}
    obj.update({k: str(v) for k, v in values.items() if k not in obj})
    return obj


@dataclass(frozen=True)
class SlotOpening:
    """Everything needed to reveal one slot against the public root (for DAO audits)."""

    index: int
    energy_mj: int
    work: int
    salt: int
    leaf: int
    proof: MerkleProof

    def verify(self, root: int) -> bool:
        """The values hash to ``leaf`` and ``leaf`` sits at ``index`` under ``root``."""
        try:
            if slot_leaf(self.energy_mj, self.work, self.salt) != self.leaf:
                return False
        except ValidationError:
            return False
        return self.proof.index == self.index and verify_merkle_proof(
            root, self.leaf, self.proof, depth=TREE_DEPTH
        )

    def to_json(self) -> dict:
        return {
            "index": self.index,
            "energy_mj": str(self.energy_mj),
            "work": str(self.work),
            "salt": str(self.salt),
            "leaf": str(self.leaf),
            "proof": self.proof.to_json(),
        }

    @classmethod
    def from_json(cls, obj: dict) -> SlotOpening:
        try:
            return cls(
                index=int(obj["index"]),
                energy_mj=int(obj["energy_mj"]),
                work=int(obj["work"]),
                salt=int(obj["salt"]),
                leaf=int(obj["leaf"]),
                proof=MerkleProof.from_json(obj["proof"]),
            )
        except (KeyError, TypeError, ValueError) as e:
            raise ValidationError("slot_opening", f"malformed: {e}") from e


@dataclass(frozen=True)
class EpochInput:
    node_id: int
    epoch_start_s: int
    window_s: int
    slot_energy_mj: list[int]
    slot_work: list[int]
    intensity_mg_per_kwh: int
    max_power_mw: int
    seed: bytes = field(repr=False)  # secret: never printed

    def __post_init__(self) -> None:
        self.validate()

    # ------------------------------------------------------------------ validation
    def validate(self) -> None:
        require_uint("node_id", self.node_id, NODE_ID_BITS)
        require_uint("epoch_start_s", self.epoch_start_s, EPOCH_START_BITS)
        require_uint("window_s", self.window_s, WINDOW_BITS)
        if self.window_s == 0:
            raise ValidationError("window_s", "must be at least 1 second")
        require_uint("intensity_mg_per_kwh", self.intensity_mg_per_kwh, INTENSITY_BITS)
        require_uint("max_power_mw", self.max_power_mw, POWER_BITS)
        if not isinstance(self.seed, bytes | bytearray) or len(self.seed) != SEED_BYTES:
            raise ValidationError("seed", f"must be {SEED_BYTES} bytes")
        if not isinstance(self.slot_energy_mj, list | tuple):
            raise ValidationError("slot_energy_mj", "must be a list of integers")
        if not isinstance(self.slot_work, list | tuple):
            raise ValidationError("slot_work", "must be a list of integers")
        n = len(self.slot_energy_mj)
        if not 1 <= n <= N_SLOTS:
            raise ValidationError("slot_energy_mj", f"must hold 1..{N_SLOTS} slots, got {n}")
        if len(self.slot_work) != n:
            raise ValidationError(
                "slot_work",
                f"must hold as many slots as slot_energy_mj ({n}), got {len(self.slot_work)}",
            )
        cap = self.max_power_mw * self.window_s
        for i, e in enumerate(self.slot_energy_mj):
            require_uint(f"slot_energy_mj[{i}]", e, ENERGY_SLOT_BITS)
            if e > cap:
                raise ValidationError(
                    f"slot_energy_mj[{i}]",
                    f"{e} mJ exceeds max_power_mw * window_s = {cap} mJ",
                )
        for i, w in enumerate(self.slot_work):
            require_uint(f"slot_work[{i}]", w, WORK_SLOT_BITS)
        c = carbon_mg(sum(self.slot_energy_mj), self.intensity_mg_per_kwh)
        require_uint("carbon_mg", c, CARBON_BITS)

    # ------------------------------------------------------------------ derived values
    @property
    def slot_count(self) -> int:
        return len(self.slot_energy_mj)

    @property
    def epoch_length_s(self) -> int:
        return self.window_s * self.slot_count

    def padded_energy(self) -> list[int]:
        return list(self.slot_energy_mj) + [0] * (N_SLOTS - self.slot_count)

    def padded_work(self) -> list[int]:
        return list(self.slot_work) + [0] * (N_SLOTS - self.slot_count)

    @cached_property
    def salts(self) -> tuple[int, ...]:
        sf = seed_field(bytes(self.seed))
        return tuple(slot_salt(sf, self.node_id, self.epoch_start_s, i) for i in range(N_SLOTS))

    @cached_property
    def tree(self) -> MerkleTree:
        energy, work = self.padded_energy(), self.padded_work()
        return MerkleTree([slot_leaf(energy[i], work[i], self.salts[i]) for i in range(N_SLOTS)])

    @property
    def root(self) -> int:
        return self.tree.root

    def public_values(self) -> dict[str, int]:
        """The ten proved values by their pinned names (core/public_signals.json); the circuit's
        public inputs are these packed into words (`public_signals`)."""
        total_e = sum(self.slot_energy_mj)
        values = {
            "root": self.root,
            "node_id": self.node_id,
            "epoch_start_s": self.epoch_start_s,
            "window_s": self.window_s,
            "slot_count": self.slot_count,
            "total_energy_mj": total_e,
            "total_work": sum(self.slot_work),
            "carbon_mg": carbon_mg(total_e, self.intensity_mg_per_kwh),
            "intensity_mg_per_kwh": self.intensity_mg_per_kwh,
            "max_power_mw": self.max_power_mw,
        }
        assert tuple(values) == signal_names(), "public_signals.json changed: update witness.py"
        return values

    def public_signals(self) -> list[int]:
        return to_public_signals(self.public_values())

    def circuit_input(self) -> dict:
        """The JSON object the circuit's wasm witness calculator takes (decimal strings): the
        public inputs (the packed words, by word name), then the proved fields not already a
        word (private), then the slots."""
        obj = circuit_fields(self.public_values())
        obj["energy"] = [str(x) for x in self.padded_energy()]
        obj["work"] = [str(x) for x in self.padded_work()]
        obj["salt"] = [str(x) for x in self.salts]
        return obj

    def slot_opening(self, i: int) -> SlotOpening:
        if isinstance(i, bool) or not isinstance(i, int) or not 0 <= i < N_SLOTS:
            raise ValidationError("index", f"must be an integer in [0, {N_SLOTS}), got {i!r}")
        energy, work = self.padded_energy(), self.padded_work()
        return SlotOpening(
            index=i,
            energy_mj=energy[i],
            work=work[i],
            salt=self.salts[i],
            leaf=self.tree.levels[0][i],
            proof=self.tree.proof(i),
        )

    # ------------------------------------------------------------------ JSON (test fixtures)
    def to_json(self, include_seed: bool = False) -> dict:
        obj = {
            "node_id": str(self.node_id),
            "epoch_start_s": str(self.epoch_start_s),
            "window_s": self.window_s,
            "slot_energy_mj": [str(x) for x in self.slot_energy_mj],
            "slot_work": [str(x) for x in self.slot_work],
            "intensity_mg_per_kwh": self.intensity_mg_per_kwh,
            "max_power_mw": self.max_power_mw,
        }
        if include_seed:
            obj["seed_hex"] = bytes(self.seed).hex()
        return obj

    @classmethod
    def from_json(cls, obj: dict) -> EpochInput:
        def _int(name: str, v) -> int:
            try:
                return int(v)
            except (TypeError, ValueError) as e:
                raise ValidationError(name, f"must be an integer, got {v!r}") from e

        try:
            return cls(
                node_id=_int("node_id", obj["node_id"]),
                epoch_start_s=_int("epoch_start_s", obj["epoch_start_s"]),
                window_s=_int("window_s", obj["window_s"]),
                slot_energy_mj=[_int("slot_energy_mj", x) for x in obj["slot_energy_mj"]],
                slot_work=[_int("slot_work", x) for x in obj["slot_work"]],
                intensity_mg_per_kwh=_int("intensity_mg_per_kwh", obj["intensity_mg_per_kwh"]),
                max_power_mw=_int("max_power_mw", obj["max_power_mw"]),
                seed=bytes.fromhex(obj["seed_hex"]),
            )
        except KeyError as e:
            raise ValidationError(str(e.args[0]), "missing") from e
