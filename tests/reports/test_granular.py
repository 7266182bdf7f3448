"""The granular export (reports/granular.py), pure: status, totals and CSV rows that sum to the
certificate whatever the claims."""

from __future__ import annotations

import csv
import io

from hypothesis import given
from hypothesis import strategies as st

from ecoai_chain.core.claims import split_certificate
from ecoai_chain.core.units import carbon_mg
from ecoai_chain.reports.granular import granular_certificate, to_csv

INTENSITY = 436_000


def _cert(energy_mj: int, revoked: bool = False) -> dict:
    return {"certificate_id": 7, "node_id": 1, "region": "KR", "epoch_start_s": 1_700_006_400,
            "window_s": 60, "slot_count": 60, "energy_mj": energy_mj,
            "carbon_mg": carbon_mg(energy_mj, INTENSITY), "intensity_mg_per_kwh": INTENSITY,
            "max_power_mw": 700_000, "revoked": revoked, "revoked_reason": "x" if revoked else None,
            "block_number": 12, "block_time_s": 1_700_010_000, "tx_hash": "0x" + "ab" * 32}


def _claims(cert: dict, parts: list[int]) -> list[dict]:
    split = split_certificate(cert["energy_mj"], cert["carbon_mg"], INTENSITY, parts)
    return [{"claim_id": i + 1, "beneficiary": "0x" + f"{i:040x}", "energy_mj": p.energy_mj,
             "carbon_mg": p.carbon_mg, "purpose": f"p{i}", "is_final": p.is_final,
             "status": "claimed", "block_time_s": 1_700_020_000} for i, p in enumerate(split)]


@given(st.integers(1, 2**54 - 1), st.lists(st.integers(1, 10**6), max_size=5))
def test_csv_rows_of_a_certificate_sum_to_it(energy_mj, weights):
    cert = _cert(energy_mj)
    parts, left = [], energy_mj
    for w in weights:  # parts that may stop short of the whole
        p = min(left, w)
        if p == 0:
            break
        parts.append(p)
        left -= p
    gc = granular_certificate(cert, None, _claims(cert, parts), None, 31337, None, None)
    rows = list(csv.DictReader(io.StringIO(to_csv([gc]))))
    assert sum(int(r["energy_mj"]) for r in rows) == energy_mj
    assert sum(int(r["carbon_mg"]) for r in rows) == cert["carbon_mg"]
    assert gc.claimed_energy_mj + gc.unclaimed_energy_mj == energy_mj
    expected = "claimed" if left == 0 and parts else ("partly claimed" if parts else "unclaimed")
    assert gc.status == expected


def test_energy_is_floored_to_whole_wh_and_the_interval_is_the_epoch():
    gc = granular_certificate(_cert(7_199_999), None, [], None, 1, "0xgp", None)
    assert gc.energy_wh == 1 and gc.energy_mj == 7_199_999
    assert gc.interval.duration_s == 3600 and gc.interval.start_utc == "2023-11-15T00:00:00Z"
    assert gc.intensity.basis == "location-based" and gc.status == "unclaimed"


def test_a_revoked_certificate_says_so_on_every_row():
    cert = _cert(3_600_000_000, revoked=True)
    gc = granular_certificate(cert, None, _claims(cert, [10**9]), None, 1, None, None)
    assert gc.status == "revoked"
    assert {r["status"] for r in csv.DictReader(io.StringIO(to_csv([gc])))} == {"revoked"}
