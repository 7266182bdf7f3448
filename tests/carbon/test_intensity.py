"""The bundled dataset, the one rounding rule, profiles and the layered override order."""

from __future__ import annotations

import csv
from decimal import Decimal
from importlib import resources

import pytest

from ecoai_chain.carbon.intensity import (
    ChainIntensityProvider,
    HourlyProfile,
    Intensity,
    LayeredProvider,
    StaticIntensityProvider,
    bundled_dataset,
    g_per_kwh_to_mg,
    parse_dataset,
)
from ecoai_chain.errors import SourceError, ValidationError

G20_ALPHA2 = ["AR", "AU", "BR", "CA", "CN", "FR", "DE", "IN", "ID", "IT", "JP", "KR", "MX", "RU",
              "SA", "ZA", "TR", "GB", "US"]


def _raw_rows():
    text = resources.files("ecoai_chain.carbon").joinpath("data/grid_intensity.csv").read_text()
    return list(csv.DictReader(text.splitlines()))


def test_bundled_dataset_covers_g20_and_three_clouds_with_sources():
    rows = bundled_dataset()
    codes = {r.code for r in rows}
    assert set(G20_ALPHA2) <= codes
    for prefix in ("aws:", "gcp:", "azure:"):
        assert sum(c.lower().startswith(prefix) for c in codes) >= 20, prefix
    assert all(r.source and r.source_url for r in rows)
    assert all(r.kind in ("country", "cloud_region") for r in rows)
    # every cloud region names a hosting country that is itself in the table
    assert {r.country for r in rows if r.kind == "cloud_region"} <= codes


def test_every_row_is_the_published_decimal_times_1000_floored():
    for raw, row in zip(_raw_rows(), bundled_dataset(), strict=True):
        expected = int(Decimal(raw["intensity_g_per_kwh"]) * 1000)  # <= 3 decimals: exact
        assert row.mg_per_kwh == expected
        assert row.mg_per_kwh <= Decimal(raw["intensity_g_per_kwh"]) * 1000 < row.mg_per_kwh + 1


def test_aws_and_azure_regions_take_their_country_value():
    p = StaticIntensityProvider()
    assert p.intensity_at("aws:ap-northeast-2", 0).mg_per_kwh == p.intensity_at("KR", 0).mg_per_kwh
    assert p.intensity_at("azure:westeurope", 0).mg_per_kwh == p.intensity_at("nl", 0).mg_per_kwh


@pytest.mark.parametrize("text,expected", [("430.567", 430567), ("0", 0), ("12.0004", 12000),
                                           ("999.9999", 999999), ("7", 7000)])
def test_rounding_rule_floors(text, expected):
    assert g_per_kwh_to_mg(text) == expected


@pytest.mark.parametrize("bad", ["-1", "abc", "nan", "inf"])
def test_rounding_rule_rejects_bad_values(bad):
    with pytest.raises(ValidationError, match="intensity_g_per_kwh"):
        g_per_kwh_to_mg(bad)


def test_unknown_region_is_a_clear_error():
    with pytest.raises(SourceError, match="no bundled grid intensity for region 'XX'"):
        StaticIntensityProvider().intensity_at("XX", 0)


def test_parse_dataset_names_line_and_column():
    head = "code,name,kind,country,year,intensity_g_per_kwh,source,source_url\n"
    with pytest.raises(ValidationError, match="line 2: kind"):
        parse_dataset(head + "KR,Korea,planet,KR,2023,1,src,url\n")
    with pytest.raises(ValidationError, match="line 3: code: duplicate"):
        parse_dataset(head + "KR,K,country,KR,2023,1,s,u\nkr,K,country,KR,2023,1,s,u\n")
    with pytest.raises(ValidationError, match="line 2: source"):
        parse_dataset(head + "KR,K,country,KR,2023,1,,u\n")


def test_hourly_profile_shapes_but_preserves_the_mean():
    flat = [1_000_000] * 24
    shaped = [500_000] * 12 + [1_500_000] * 12
    prof = HourlyProfile({"KR": shaped, "FR": flat})
    p = StaticIntensityProvider(profile=prof)
    annual = StaticIntensityProvider().intensity_at("KR", 0).mg_per_kwh
    values = [p.intensity_at("KR", h * 3600).mg_per_kwh for h in range(24)]
    assert values[0] == annual // 2 and values[23] == annual * 3 // 2
    assert abs(sum(values) / 24 - annual) <= 1
    assert p.intensity_at("US", 5 * 3600) == StaticIntensityProvider().intensity_at("US", 0)


def test_hourly_profile_csv_checks():
    rows = "\n".join(f"KR,{h},1000000" for h in range(23))
    with pytest.raises(ValidationError, match="every hour"):
        HourlyProfile.from_csv("code,hour_utc,factor_ppm\n" + rows)
    with pytest.raises(ValidationError, match="average"):
        HourlyProfile({"KR": [2_000_000] * 24})
    ok = "\n".join(f"KR,{h},1000000" for h in range(24))
    assert HourlyProfile.from_csv("code,hour_utc,factor_ppm\n" + ok).factor_ppm("kr", 7) == 10**6


class _Chain:
    """A GreenProof-shaped table: (region, effective_from, value) rows, zero where unset."""

    def __init__(self, table):
        self.table = table
        self.calls = []

    def region_intensity_at(self, region, ts):
        self.calls.append((region, ts))
        rows = [v for r, frm, v in self.table if r == region and frm <= ts]
        return rows[-1] if rows else 0


class _Down:
    def intensity_at(self, region, ts_s):
        raise SourceError("live provider down")


def test_layered_order_chain_then_live_then_bundled():
    chain = ChainIntensityProvider(_Chain([("KR", 100, 415_000)]))
    live_kr = type("Live", (), {"intensity_at": lambda self, r, t: Intensity(r, 999, "live",
                                                                             live=True)})()
    static = StaticIntensityProvider()
    p = LayeredProvider([chain, live_kr, static])
    assert p.intensity_at("KR", 200).mg_per_kwh == 415_000          # on-chain wins
    assert p.intensity_at("KR", 50).mg_per_kwh == 999               # not yet effective -> live
    p2 = LayeredProvider([chain, _Down(), static])
    assert p2.intensity_at("FR", 200) == static.intensity_at("FR", 200)  # falls to bundled
    with pytest.raises(SourceError, match="live provider down.*no bundled"):
        p2.intensity_at("XX", 200)
