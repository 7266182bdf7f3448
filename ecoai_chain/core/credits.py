"""What an Eco Credit is worth at most, and what backs it: the efficiency ceiling, the per-epoch
reward bound and the bond, exactly as contracts/GreenScore.sol and GreenProofParams.sol compute
them (checked through tests/vectors/scoring.json and property tests on both sides).

The bound. A proof bounds a certificate's energy by max power x epoch length (E <= P*L mJ);
the DAO's efficiency ceiling C (work units per kWh) bounds its work (w * 3.6e9 <= C * E). With
baseline B (ng CO2e per work unit) and grid intensity I (mg CO2e per kWh) in effect at the
epoch start, its reward is then at most

    ceil((B*C - 1e6*I) * P * L / 3.6e15) * 1e12 units   if B*C > 1e6*I, else 0

(B*C and 1e6*I are ng CO2e per kWh; x P*L mJ / 3.6e9 mJ per kWh gives ng; / 1e6 gives mg; the
ceiling covers the floors of baseline and carbon: floor(X) - floor(Y) <= ceil(X - Y)).
"""

from __future__ import annotations

from ecoai_chain.core.units import CREDIT_UNITS_PER_MG, MJ_PER_KWH, NG_PER_MG, require_uint

MW_PER_MEGAWATT = 10**9  # milliwatts per megawatt: bonds are priced per MW of max power
BPS = 10_000  # basis points in a whole (the slash share)


def within_ceiling(work: int, energy_mj: int, ceiling_work_per_kwh: int) -> bool:
    """work * 3.6e9 <= ceiling * energy_mj: the certificate is not more efficient than the
    class's ceiling allows (a class without a ceiling accepts nothing)."""
    require_uint("work", work)
    require_uint("energy_mj", energy_mj)
    require_uint("ceiling_work_per_kwh", ceiling_work_per_kwh)
    return work * MJ_PER_KWH <= ceiling_work_per_kwh * energy_mj


def max_work_at_ceiling(energy_mj: int, ceiling_work_per_kwh: int) -> int:
    """The most work a certificate of ``energy_mj`` may claim: floor(ceiling * E / 3.6e9)."""
    require_uint("energy_mj", energy_mj)
    require_uint("ceiling_work_per_kwh", ceiling_work_per_kwh)
    return ceiling_work_per_kwh * energy_mj // MJ_PER_KWH


def reward_bound_units(
    baseline_ng_per_work: int,
    ceiling_work_per_kwh: int,
    intensity_mg_per_kwh: int,
    max_power_mw: int,
    epoch_length_s: int,
) -> int:
    """The most one certificate can earn in one epoch (EcoCredit units): see the module doc."""
    for name, v in (("baseline_ng_per_work", baseline_ng_per_work),
                    ("ceiling_work_per_kwh", ceiling_work_per_kwh),
                    ("intensity_mg_per_kwh", intensity_mg_per_kwh),
                    ("max_power_mw", max_power_mw), ("epoch_length_s", epoch_length_s)):
        require_uint(name, v)
    gross = baseline_ng_per_work * ceiling_work_per_kwh  # ng per kWh at the ceiling
    cost = intensity_mg_per_kwh * NG_PER_MG  # ng per kWh emitted
    if gross <= cost:
        return 0
    num = (gross - cost) * max_power_mw * epoch_length_s
    den = MJ_PER_KWH * NG_PER_MG
    return -(-num // den) * CREDIT_UNITS_PER_MG


def bond_wei(wei_per_mw: int, max_power_mw: int) -> int:
    """The bond registering a node locks: ceil(wei_per_mw * max_power_mw / 1e9)."""
    require_uint("wei_per_mw", wei_per_mw)
    require_uint("max_power_mw", max_power_mw)
    return -(-wei_per_mw * max_power_mw // MW_PER_MEGAWATT)


def slashed_wei(bond: int, slash_share_bps: int) -> int:
    """What one revocation takes from a bond: floor(bond * share / 10000)."""
    require_uint("bond", bond)
    require_uint("slash_share_bps", slash_share_bps)
    return bond * slash_share_bps // BPS


def bond_shortfall_wei(bond_wei_held: int, wei_per_mw: int, max_power_mw: int) -> int:
    """What a node must top up before it can be activated: the bond at today's rate minus what
    it holds (registered before a rate increase applied, or slashed since), 0 if none."""
    require_uint("bond_wei_held", bond_wei_held)
    return max(0, bond_wei(wei_per_mw, max_power_mw) - bond_wei_held)


def bond_returnable(retired: bool, now_s: int, bond_unlock_at_s: int, operator_debt_units: int,
                    bond_wei_held: int) -> bool:
    """Whether withdrawBond returns the bond now: the node is retired, its unlock time has
    come (getNode's bondUnlockAt: retirement + the longest challenge window scheduled by
    then, fixed at retirement, so past every release time of its certificates), its operator
    owes no debt (the bond is the debt's collateral) and something is left. Open challenges
    also hold it (not here)."""
    for name, v in (("now_s", now_s), ("bond_unlock_at_s", bond_unlock_at_s),
                    ("operator_debt_units", operator_debt_units), ("bond_wei_held", bond_wei_held)):
        require_uint(name, v)
    return retired and now_s >= bond_unlock_at_s and operator_debt_units == 0 and bond_wei_held > 0


def release_refusal(revoked: bool, released: bool, challenged: bool, now_s: int,
                    release_at_s: int) -> str | None:
    """Which error releaseRewards raises for a certificate, in the contract's order, or None
    when it releases: revoked, released, held by an open challenge (until it is answered or
    finalized, even past the release time), still vesting."""
    require_uint("now_s", now_s)
    require_uint("release_at_s", release_at_s)
    if revoked:
        return "GreenProofAlreadyRevoked"
    if released:
        return "GreenProofAlreadyReleased"
    if challenged:
        return "GreenProofReleaseOnHold"
    if now_s < release_at_s:
        return "GreenProofStillVesting"
    return None


CREDIT_STATES = ("escrowed", "held", "released", "cancelled", "revoked after release")


def credit_state(revoked: bool, released: bool, held: bool = False) -> str:
    """Where a certificate's reward stands (one of CREDIT_STATES): escrowed (vesting, locked
    until its release time), held (escrowed, and an open challenge holds its release),
    released (minted to the operator, or withheld against its debt), cancelled (revoked in
    escrow: never minted) or revoked after release (clawed back, the rest owed as debt)."""
    if revoked:
        return "revoked after release" if released else "cancelled"
    if released:
        return "released"
    return "held" if held else "escrowed"
