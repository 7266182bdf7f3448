"""Units and the one rounding rule (floor) for everything hashed or sent on-chain.

| quantity        | unit                        | suffix           |
| --------------- | --------------------------- | ---------------- |
| energy          | millijoule                  | ``_mj``          |
| power           | milliwatt                   | ``_mw``          |
| time            | unix seconds                | ``_s``           |
| carbon          | milligram CO2e              | ``_mg``          |
| grid intensity  | milligram CO2e per kWh      | ``_mg_per_kwh``  |
| baseline        | nanogram CO2e per work unit | ``_ng_per_work`` |
| Eco Credit      | 10^-18 ECO; 1 ECO = 1 kg    | ``_units``       |

1 kWh = 3.6e9 mJ. Every division rounds toward zero (floor; all values are non-negative).
The same formulas are implemented in circom (carbon) and Solidity (carbon, score, reward) and
checked against these through ``tests/vectors/scoring.json``.
"""

from __future__ import annotations

from ecoai_chain.errors import ValidationError

# BN254 (alt_bn128) scalar field modulus: every public input must be strictly below it.
SNARK_SCALAR_FIELD = (
    21888242871839275222246405745257275088548364400416034343698204186575808495617
)

MJ_PER_KWH = 3_600_000_000
MJ_PER_J = 1_000
MW_PER_W = 1_000
MG_PER_KG = 1_000_000
NG_PER_MG = 1_000_000
# 1 ECO (10^18 units) is 1 kg CO2e avoided, so 1 mg avoided is 10^18 / 10^6 units.
CREDIT_UNITS_PER_MG = 10**12

# Bit widths the circuit range-checks (and the contract re-checks on public inputs).
ENERGY_SLOT_BITS = 48   # per-slot energy in mJ (< 2.8e14 mJ = 78 MWh)
WORK_SLOT_BITS = 64     # per-slot work units
POWER_BITS = 32         # max power in mW (< 4.29 MW per node)
WINDOW_BITS = 16        # window length in seconds (< 18 h)
INTENSITY_BITS = 32     # mg CO2e per kWh (< 4.29e9; real grids are < 2e6)


def require_uint(field: str, value: int, bits: int = 256) -> int:
    """Return ``value`` if it is an int in [0, 2**bits), else raise naming ``field``."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(field, f"must be an integer, got {type(value).__name__}")
    if value < 0:
        raise ValidationError(field, f"must be >= 0, got {value}")
    if value >> bits:
        raise ValidationError(field, f"must be below 2**{bits}, got {value}")
    return value


def carbon_mg(energy_mj: int, intensity_mg_per_kwh: int) -> int:
    """carbon_mg = floor(energy_mj * intensity_mg_per_kwh / 3.6e9)."""
    require_uint("energy_mj", energy_mj)
    require_uint("intensity_mg_per_kwh", intensity_mg_per_kwh)
    return energy_mj * intensity_mg_per_kwh // MJ_PER_KWH


def baseline_mg(baseline_ng_per_work: int, work: int) -> int:
    """What the same work would emit at the class baseline: floor(ng_per_work * work / 1e6)."""
    require_uint("baseline_ng_per_work", baseline_ng_per_work)
    require_uint("work", work)
    return baseline_ng_per_work * work // NG_PER_MG


def eco_score(baseline_mg_: int, carbon_mg_: int, work: int) -> int:
    """floor(100 * baseline / (baseline + carbon)); 0 when work = 0 or both are 0."""
    require_uint("baseline_mg", baseline_mg_)
    require_uint("carbon_mg", carbon_mg_)
    require_uint("work", work)
    if work == 0 or baseline_mg_ + carbon_mg_ == 0:
        return 0
    return 100 * baseline_mg_ // (baseline_mg_ + carbon_mg_)


def avoided_mg(baseline_mg_: int, carbon_mg_: int) -> int:
    """max(0, baseline - carbon): the carbon the certificate avoided against its baseline."""
    return max(0, baseline_mg_ - carbon_mg_)


def reward_units(baseline_mg_: int, carbon_mg_: int) -> int:
    """Eco Credit reward in token units (18 decimals): avoided mg * 10^12."""
    return avoided_mg(baseline_mg_, carbon_mg_) * CREDIT_UNITS_PER_MG


def mj_to_kwh(energy_mj: int) -> float:
    """For display only (reports, explorer); never for anything hashed or sent on-chain."""
    return energy_mj / MJ_PER_KWH


def work_per_kwh(work: int, energy_mj: int) -> float:
    """Energy efficiency index for display: work units per kWh (0 when no energy, never inf)."""
    require_uint("work", work)
    require_uint("energy_mj", energy_mj)
    return 0.0 if energy_mj == 0 else work * MJ_PER_KWH / energy_mj


CREDIT_UNITS_PER_ECO = 10**18


def eco_text(units: int) -> str:
    """EcoCredit units as ECO with 6 decimals (truncated), in exact integer arithmetic: a
    reward beyond 2^53 units is not a float's approximation ("18446744073709.624279", not
    "...709.625000"); a negative figure keeps its sign."""
    sign, v = ("-" if units < 0 else ""), abs(int(units))
    return f"{sign}{v // CREDIT_UNITS_PER_ECO}.{v % CREDIT_UNITS_PER_ECO // 10**12:06d}"
