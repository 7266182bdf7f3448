"""Claims: how a certificate's energy and carbon are split into parts that sum exactly.

The rule (the same in ``contracts/CertificateClaims.sol``): a certificate (energy E mJ, carbon C
mg, intensity I mg/kWh, with C = floor(E * I / 3.6e9), the project's one rounding rule) may be
claimed in parts by energy e_1 + ... + e_n = E, each e_k >= 1 mJ (a certificate of 0 mJ is
claimed whole, once). Every part but the last gets the carbon of its own energy by the same rule,
c_k = floor(e_k * I / 3.6e9); the last part (the one that claims the last energy) gets the rest,
c_n = C - (c_1 + ... + c_{n-1}). A sum of floors never exceeds the floor of the sum, so the rest
is never negative, and the parts sum to (E, C) exactly whatever the order or the sizes.

Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ecoai_chain.core.units import carbon_mg, require_uint
from ecoai_chain.errors import ValidationError


@dataclass(frozen=True)
class ClaimPart:
    """One claimed part of a certificate."""

    energy_mj: int
    carbon_mg: int
    is_final: bool


def part_carbon_mg(part_energy_mj: int, intensity_mg_per_kwh: int, rest_carbon_mg: int,
                   is_final: bool) -> int:
    """Carbon of one part: the rest when it is the final part, else floor(e * I / 3.6e9) (capped
    at the rest, as the contract does; the cap never binds for a certificate the proof checked)."""
    require_uint("rest_carbon_mg", rest_carbon_mg)
    if is_final:
        return rest_carbon_mg
    return min(carbon_mg(part_energy_mj, intensity_mg_per_kwh), rest_carbon_mg)


def split_certificate(energy_mj: int, carbon_mg_: int, intensity_mg_per_kwh: int,
                      parts_mj: Sequence[int]) -> list[ClaimPart]:
    """The parts, in claim order, for claims of ``parts_mj`` mJ each. ``parts_mj`` may stop short
    of the whole (the certificate is then partly claimed); it may not exceed it."""
    require_uint("energy_mj", energy_mj, 64)
    require_uint("carbon_mg", carbon_mg_, 64)
    require_uint("intensity_mg_per_kwh", intensity_mg_per_kwh, 32)
    out: list[ClaimPart] = []
    claimed_mj = claimed_mg = 0
    for i, e in enumerate(parts_mj):
        require_uint(f"parts_mj[{i}]", e, 64)
        remaining = energy_mj - claimed_mj
        if out and out[-1].is_final:
            raise ValidationError(f"parts_mj[{i}]", "the certificate is already claimed in full")
        if (e == 0 and energy_mj != 0) or e > remaining:
            raise ValidationError(f"parts_mj[{i}]", f"must be in [1, {remaining}] mJ, got {e}")
        is_final = claimed_mj + e == energy_mj
        c = part_carbon_mg(e, intensity_mg_per_kwh, carbon_mg_ - claimed_mg, is_final)
        out.append(ClaimPart(e, c, is_final))
        claimed_mj += e
        claimed_mg += c
    return out
