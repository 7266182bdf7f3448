"""The epoch measurement summary: sums, counter-exact share, strict parsing of what is signed."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from eth_account import Account

from ecoai_chain.energy.summary import (
    MeasurementSummary,
    check_document,
    document,
    sign_document,
    summarize,
)
from ecoai_chain.errors import ValidationError


@dataclass
class W:
    energy_mj: int
    method: str
    estimated: bool = False
    quality_flags: str = ""
    counter_power_diff_ppm: int | None = None
    counter_update_period_ms: int | None = None


def test_counter_exact_excludes_estimated_counter_windows_and_other_methods():
    s = summarize([W(600, "counter"), W(100, "counter", estimated=True),  # e.g. a reset
                   W(200, "integrated_power", True), W(100, "gap", True),
                   W(0, "unknown"), W(0, "counter", quality_flags="short_window,x",
                                      counter_power_diff_ppm=-20_000,
                                      counter_update_period_ms=100)])
    assert s.energy_mj == 1000 and s.counter_exact_energy_mj == 600
    assert s.counter_exact_ppm == 600_000
    assert s.energy_mj_by_method == {"counter": 700, "integrated_power": 200, "gap": 100,
                                     "unknown": 0}
    assert s.windows_by_method["counter"] == 3 and s.estimated_windows == 3
    assert s.flagged_windows == {"short_window": 1, "x": 1}
    assert s.max_abs_counter_power_diff_ppm == 20_000 and s.max_counter_update_period_ms == 100
    assert MeasurementSummary.from_json(s.to_json()) == s
    assert summarize([]).counter_exact_ppm == 0


@pytest.mark.parametrize("change,field", [
    ({"energy_mj": -1}, "measurement.energy_mj"),
    ({"energy_mj_by_method": {"counter": 5, "magic": 5}}, "measurement.energy_mj_by_method"),
    ({"energy_mj_by_method": {"counter": 1}}, "measurement.energy_mj_by_method"),
    ({"counter_exact_energy_mj": 11}, "measurement.counter_exact_energy_mj"),
    ({"counter_exact_ppm": 1}, "measurement.counter_exact_ppm"),
    ({"windows_by_method": {"counter": True}}, "measurement.windows_by_method.counter"),
    ({"max_counter_update_period_ms": "1"}, "measurement.max_counter_update_period_ms"),
])
def test_parsing_names_the_bad_field(change, field):
    good = summarize([W(10, "counter")]).to_json()
    with pytest.raises(ValidationError) as ei:
        MeasurementSummary.from_json({**good, **change})
    assert ei.value.field == field


def test_document_round_trip_and_tampering():
    acct = Account.create()
    s = summarize([W(10, "counter"), W(5, "gap", True)])
    doc = sign_document(document(1, 3600, 99, s, ["aa", "bb"]), acct)
    got, who = check_document(doc)
    assert got == s and who == acct.address and doc["root"] == "99"
    with pytest.raises(ValidationError, match="hash"):
        check_document({**doc, "epoch_start_s": 7200})
    with pytest.raises(ValidationError) as ei:
        check_document({**doc, "signature": "zz"})
    assert ei.value.field == "signature"
    with pytest.raises(ValidationError) as ei:
        check_document({**doc, "energy_mj": 14})
    assert ei.value.field == "measurement.energy_mj"


@dataclass
class A(W):
    attribution_method: str = "none"
    attributed_share_ppm: int | None = None


def test_attributed_energy_only_when_every_spending_window_has_a_share():
    pu = "process_utilization"
    s = summarize([A(1000, "counter", attribution_method=pu, attributed_share_ppm=250_000),
                   A(0, "counter", attribution_method=pu),  # idle: spent nothing
                   A(3000, "counter", attribution_method=pu, attributed_share_ppm=500_000)])
    assert s.attributed_energy_mj == 250 + 1500 and s.windows_by_attribution == {pu: 3}
    partial = summarize([A(1000, "counter", attribution_method=pu, attributed_share_ppm=1),
                         A(1000, "counter", attribution_method="unavailable")])
    assert partial.attributed_energy_mj is None  # not completed by assuming 100 %
    assert summarize([A(10, "counter")]).attributed_energy_mj is None  # not configured
    assert MeasurementSummary.from_json(s.to_json()) == s
    with pytest.raises(ValidationError) as ei:
        MeasurementSummary.from_json({**s.to_json(), "attributed_energy_mj": 10**9})
    assert ei.value.field == "measurement.attributed_energy_mj"
