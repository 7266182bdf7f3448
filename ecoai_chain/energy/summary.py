"""An epoch's measurement summary: how much of its energy was counter-exact (issue 18).

The certificate on chain carries totals only; how they were measured lives in the signed
window log. `summarize(windows)` condenses an epoch's windows into energy and window counts per
method (`ecoai_chain.energy.quality`), the counter-exact energy (method ``counter`` and not
``estimated``: no reset, not a partial first window, no failed read), the flagged windows per
flag, the largest counter-vs-power difference and the slowest counter update period.

The attestor publishes it as a *signed document* bound to the certificate: format, node id,
epoch start, Merkle root and total energy (all equal to the certificate's), a sha256 over the
epoch's window hashes (so an auditor holding the log can match it), and the summary; ``hash`` is
sha256 of its canonical JSON and ``signature`` is EIP-191 by the attestor key, the same scheme
as the window log. The document is the attestor's own statement: the zero-knowledge proof does
not cover it (the API and explorer say so).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ecoai_chain.core.canonical import sha256_hex
from ecoai_chain.energy import COUNTER, UNKNOWN
from ecoai_chain.energy.quality import METHODS
from ecoai_chain.errors import ValidationError

FORMAT = "ecoai-measurement/1"
PPM = 1_000_000
_KNOWN_METHODS = (*METHODS, UNKNOWN)


@dataclass(frozen=True)
class MeasurementSummary:
    energy_mj: int
    energy_mj_by_method: dict[str, int]
    windows_by_method: dict[str, int]
    counter_exact_energy_mj: int
    flagged_windows: dict[str, int]
    estimated_windows: int
    max_abs_counter_power_diff_ppm: int | None
    max_counter_update_period_ms: int | None
    # the workload's share on a shared GPU (ecoai_chain.energy.attribution): windows per
    # attribution method, and the attributed energy -- None unless every window that spent
    # energy had a share (never completed by assuming 100 %)
    windows_by_attribution: dict[str, int] = field(default_factory=dict)
    attributed_energy_mj: int | None = None

    @property
    def counter_exact_ppm(self) -> int:
        """Share of the energy that was counter-exact, in parts per million (floor)."""
        return self.counter_exact_energy_mj * PPM // self.energy_mj if self.energy_mj else 0

    def to_json(self) -> dict:
        return {"energy_mj": self.energy_mj,
                "energy_mj_by_method": dict(sorted(self.energy_mj_by_method.items())),
                "windows_by_method": dict(sorted(self.windows_by_method.items())),
                "counter_exact_energy_mj": self.counter_exact_energy_mj,
                "counter_exact_ppm": self.counter_exact_ppm,
                "flagged_windows": dict(sorted(self.flagged_windows.items())),
                "estimated_windows": self.estimated_windows,
                "max_abs_counter_power_diff_ppm": self.max_abs_counter_power_diff_ppm,
                "max_counter_update_period_ms": self.max_counter_update_period_ms,
                "windows_by_attribution": dict(sorted(self.windows_by_attribution.items())),
                "attributed_energy_mj": self.attributed_energy_mj}

    @classmethod
    def from_json(cls, d: Any, where: str = "measurement") -> MeasurementSummary:
        if not isinstance(d, dict):
            raise ValidationError(where, "must be an object")

        def nat(key: str, optional: bool = False) -> Any:
            v = d.get(key)
            if v is None and optional:
                return None
            if not isinstance(v, int) or isinstance(v, bool) or v < 0:
                raise ValidationError(f"{where}.{key}", "must be an integer >= 0")
            return v

        def counts(key: str, allowed: tuple[str, ...] | None) -> dict[str, int]:
            v = d.get(key)
            if not isinstance(v, dict):
                raise ValidationError(f"{where}.{key}", "must be an object")
            for k, x in v.items():
                if allowed is not None and k not in allowed:
                    raise ValidationError(f"{where}.{key}", f"unknown method {k!r}")
                if not isinstance(x, int) or isinstance(x, bool) or x < 0:
                    raise ValidationError(f"{where}.{key}.{k}", "must be an integer >= 0")
            return dict(v)

        s = cls(nat("energy_mj"), counts("energy_mj_by_method", _KNOWN_METHODS),
                counts("windows_by_method", _KNOWN_METHODS), nat("counter_exact_energy_mj"),
                counts("flagged_windows", None), nat("estimated_windows"),
                nat("max_abs_counter_power_diff_ppm", True),
                nat("max_counter_update_period_ms", True),
                counts("windows_by_attribution", None), nat("attributed_energy_mj", True))
        if sum(s.energy_mj_by_method.values()) != s.energy_mj:
            raise ValidationError(f"{where}.energy_mj_by_method", "does not sum to energy_mj")
        if s.counter_exact_energy_mj > s.energy_mj_by_method.get(COUNTER, 0):
            raise ValidationError(f"{where}.counter_exact_energy_mj",
                                  "exceeds the energy measured by counter")
        if s.attributed_energy_mj is not None and s.attributed_energy_mj > s.energy_mj:
            raise ValidationError(f"{where}.attributed_energy_mj", "exceeds energy_mj")
        if d.get("counter_exact_ppm") != s.counter_exact_ppm:
            raise ValidationError(f"{where}.counter_exact_ppm",
                                  f"must be {s.counter_exact_ppm} for these energies")
        return s


def summarize(windows: Iterable[Any]) -> MeasurementSummary:
    """From window records (``energy_mj``, ``method``, ``estimated``, ``quality_flags``,
    ``counter_power_diff_ppm``, ``counter_update_period_ms``)."""
    energy: dict[str, int] = {}
    count: dict[str, int] = {}
    flagged: dict[str, int] = {}
    exact = estimated = 0
    diffs: list[int] = []
    periods: list[int] = []
    total = 0
    by_attr: dict[str, int] = {}
    attributed: int | None = 0
    for w in windows:
        how = getattr(w, "attribution_method", "none") or "none"
        by_attr[how] = by_attr.get(how, 0) + 1
        share = getattr(w, "attributed_share_ppm", None)
        if w.energy_mj and (share is None or attributed is None):
            attributed = None
        elif share is not None and attributed is not None:
            attributed += w.energy_mj * share // PPM
        m = w.method or UNKNOWN
        energy[m] = energy.get(m, 0) + w.energy_mj
        count[m] = count.get(m, 0) + 1
        total += w.energy_mj
        if m == COUNTER and not w.estimated:
            exact += w.energy_mj
        estimated += bool(w.estimated)
        for f in filter(None, (w.quality_flags or "").split(",")):
            flagged[f] = flagged.get(f, 0) + 1
        if w.counter_power_diff_ppm is not None:
            diffs.append(abs(w.counter_power_diff_ppm))
        if w.counter_update_period_ms is not None:
            periods.append(w.counter_update_period_ms)
    return MeasurementSummary(total, energy, count, exact, flagged, estimated,
                              max(diffs, default=None), max(periods, default=None), by_attr,
                              attributed if by_attr.keys() - {"none"} else None)


def window_log_digest(window_hashes: Iterable[str]) -> str:
    return hashlib.sha256("".join(window_hashes).encode()).hexdigest()


def document(node_id: int, epoch_start_s: int, root: int | str, summary: MeasurementSummary,
             window_hashes: Iterable[str]) -> dict:
    """The unsigned document (see the module docstring)."""
    return {"format": FORMAT, "node_id": int(node_id), "epoch_start_s": int(epoch_start_s),
            "root": str(root), "energy_mj": summary.energy_mj,
            "window_log_sha256": window_log_digest(window_hashes),
            "measurement": summary.to_json()}


def _body(doc: dict) -> dict:
    return {k: v for k, v in doc.items() if k not in ("hash", "signature")}


def sign_document(doc: dict, signer: Any) -> dict:
    from ecoai_chain.chain.eip191 import sign_hash

    h = sha256_hex(_body(doc))
    return {**_body(doc), "hash": h, "signature": sign_hash(h, signer)}


def check_document(doc: Any) -> tuple[MeasurementSummary, str]:
    """(summary, signer address) of a signed document; `ValidationError` naming the field."""
    from eth_keys.exceptions import BadSignature

    from ecoai_chain.chain.eip191 import recover_signer

    if not isinstance(doc, dict):
        raise ValidationError("document", "must be a JSON object")
    if doc.get("format") != FORMAT:
        raise ValidationError("format", f"must be {FORMAT!r}")
    for k in ("node_id", "epoch_start_s", "energy_mj"):
        if not isinstance(doc.get(k), int) or isinstance(doc.get(k), bool) or doc[k] < 0:
            raise ValidationError(k, "must be an integer >= 0")
    for k in ("root", "window_log_sha256", "hash", "signature"):
        if not isinstance(doc.get(k), str) or not doc[k]:
            raise ValidationError(k, "must be a non-empty string")
    summary = MeasurementSummary.from_json(doc.get("measurement"))
    if summary.energy_mj != doc["energy_mj"]:
        raise ValidationError("measurement.energy_mj", "differs from the document's energy_mj")
    try:
        h = sha256_hex(_body(doc))
    except ValidationError as e:
        raise ValidationError("document", str(e)) from e
    if h != doc["hash"]:
        raise ValidationError("hash", "does not match the document's canonical JSON")
    try:
        who = recover_signer(h, doc["signature"])
    except (ValueError, BadSignature) as e:  # not hex, wrong length, not on the curve
        raise ValidationError("signature", f"not a valid EIP-191 signature ({e})") from e
    return summary, who
