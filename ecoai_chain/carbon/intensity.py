"""Grid carbon intensity α(region, time) behind one interface.

Every provider answers ``intensity_at(region, ts_s) -> Intensity`` with an integer
``mg_per_kwh``. Published figures are decimal grams per kWh; they become integer milligrams by
one rule, `g_per_kwh_to_mg` (floor of g × 1000, computed in `Decimal` so "430.567" is exactly
430567). Region codes: ISO 3166-1 alpha-2 for countries ("KR"), ``provider:region`` for cloud
regions ("gcp:asia-northeast3", "aws:us-east-1", "azure:koreacentral"); lookups are
case-insensitive.

Optional hourly profiles (`HourlyProfile`) reshape an annual mean by hour of day. Shape: a CSV
with columns ``code,hour_utc,factor_ppm`` (24 rows per code, integer parts-per-million whose mean
over the 24 hours is 1_000_000), so the annual mean is preserved; α(hour) = floor(annual ×
factor_ppm / 1e6). No profile ships in the bundle because no cited hourly source was available;
the loader and its checks are here for operators who have one.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal, InvalidOperation
from importlib import resources
from typing import Protocol, runtime_checkable

from ecoai_chain.errors import ChainError, ConfigError, SourceError, ValidationError

PPM = 1_000_000
CSV_COLUMNS = ("code", "name", "kind", "country", "year", "intensity_g_per_kwh", "source",
               "source_url")


def g_per_kwh_to_mg(value: str | int | Decimal) -> int:
    """The one rounding rule for published figures: floor(g/kWh × 1000) mg/kWh."""
    try:
        dec = Decimal(str(value).strip())
    except InvalidOperation as e:
        raise ValidationError("intensity_g_per_kwh", f"not a decimal number: {value!r}") from e
    if not dec.is_finite() or dec < 0:
        raise ValidationError("intensity_g_per_kwh", f"must be a finite value >= 0, got {value!r}")
    return int((dec * 1000).to_integral_value(rounding=ROUND_FLOOR))


@dataclass(frozen=True)
class Intensity:
    """One answer: integer mg CO2e per kWh, where it came from, and whether it is live."""

    region: str
    mg_per_kwh: int
    source: str
    year: int | None = None
    live: bool = False


@runtime_checkable
class IntensityProvider(Protocol):
    """α(region, time). Raises `SourceError` (unknown region, backend down), never returns None."""

    def intensity_at(self, region: str, ts_s: int) -> Intensity: ...


@dataclass(frozen=True)
class IntensityRow:
    code: str
    name: str
    kind: str
    country: str
    year: int | None
    mg_per_kwh: int
    source: str
    source_url: str


def parse_dataset(text: str) -> list[IntensityRow]:
    """Parse the bundled CSV format; errors name the line and column."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in CSV_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise ConfigError(f"intensity dataset: missing columns {missing}")
    rows: list[IntensityRow] = []
    seen: set[str] = set()
    for lineno, rec in enumerate(reader, start=2):
        code = rec["code"].strip().upper()
        if not code:
            raise ValidationError(f"line {lineno}: code", "empty")
        if code in seen:
            raise ValidationError(f"line {lineno}: code", f"duplicate {code!r}")
        if rec["kind"] not in ("country", "cloud_region"):
            raise ValidationError(f"line {lineno}: kind", f"must be country|cloud_region, got "
                                  f"{rec['kind']!r}")
        if not rec["source"].strip():
            raise ValidationError(f"line {lineno}: source", "every row must cite its source")
        try:
            mg = g_per_kwh_to_mg(rec["intensity_g_per_kwh"])
        except ValidationError as e:
            raise ValidationError(f"line {lineno}: intensity_g_per_kwh", e.reason) from e
        year = int(rec["year"]) if rec["year"].strip() else None
        seen.add(code)
        rows.append(IntensityRow(code, rec["name"], rec["kind"], rec["country"].upper(), year, mg,
                                 rec["source"], rec["source_url"]))
    return rows


def bundled_dataset() -> list[IntensityRow]:
    """The cited table shipped in ``ecoai_chain/carbon/data/grid_intensity.csv``."""
    text = resources.files("ecoai_chain.carbon").joinpath("data/grid_intensity.csv").read_text(
        encoding="utf-8")
    return parse_dataset(text)


class HourlyProfile:
    """Hour-of-day multipliers (ppm, mean 1e6) per region code; see the module docstring."""

    def __init__(self, factors: dict[str, Sequence[int]]) -> None:
        for code, ppm in factors.items():
            if len(ppm) != 24:
                raise ValidationError(f"profile {code}", f"needs 24 hourly factors, got {len(ppm)}")
            if any(isinstance(p, bool) or not isinstance(p, int) or p < 0 for p in ppm):
                raise ValidationError(f"profile {code}", "factors must be integers >= 0 (ppm)")
            if abs(sum(ppm) - 24 * PPM) > 24:
                raise ValidationError(f"profile {code}", "factors must average 1_000_000 ppm")
        self._factors = {k.upper(): tuple(v) for k, v in factors.items()}

    @classmethod
    def from_csv(cls, text: str) -> HourlyProfile:
        table: dict[str, list[int | None]] = {}
        for lineno, rec in enumerate(csv.DictReader(io.StringIO(text)), start=2):
            try:
                hour, ppm = int(rec["hour_utc"]), int(rec["factor_ppm"])
            except (KeyError, TypeError, ValueError) as e:
                raise ValidationError(f"profile line {lineno}", "needs integer hour_utc and "
                                      "factor_ppm columns") from e
            if not 0 <= hour < 24:
                raise ValidationError(f"profile line {lineno}: hour_utc", f"{hour} not in 0..23")
            table.setdefault(rec["code"].upper(), [None] * 24)[hour] = ppm
        for code, hours in table.items():
            if None in hours:
                raise ValidationError(f"profile {code}", "every hour 0..23 needs a row")
        return cls({k: [int(p or 0) for p in v] for k, v in table.items()})

    def factor_ppm(self, region: str, ts_s: int) -> int | None:
        ppm = self._factors.get(region.upper())
        return None if ppm is None else ppm[(ts_s // 3600) % 24]


class StaticIntensityProvider:
    """The bundled (or a given) annual table, optionally shaped by an `HourlyProfile`."""

    def __init__(self, rows: Iterable[IntensityRow] | None = None,
                 profile: HourlyProfile | None = None) -> None:
        self._rows = {r.code: r for r in (bundled_dataset() if rows is None else rows)}
        self._profile = profile

    def row(self, region: str) -> IntensityRow:
        try:
            return self._rows[region.strip().upper()]
        except KeyError:
            raise SourceError(f"no bundled grid intensity for region {region!r} (codes are ISO "
                              "3166-1 alpha-2 like 'KR' or 'gcp:asia-northeast3')") from None

    def regions(self) -> list[str]:
        return sorted(self._rows)

    def intensity_at(self, region: str, ts_s: int) -> Intensity:
        row = self.row(region)
        mg = row.mg_per_kwh
        source = f"bundled: {row.source}"
        if self._profile is not None:
            ppm = self._profile.factor_ppm(row.code, ts_s)
            if ppm is not None:
                mg = mg * ppm // PPM
                source += " × hourly profile"
        return Intensity(row.code, mg, source, row.year)


class LayeredProvider:
    """Ask providers in order (on-chain DAO table > live > bundled); first answer wins.

    A layer that raises `SourceError` (unknown region, no value set, backend down) passes to the
    next; the final error lists every layer's reason.
    """

    def __init__(self, layers: Sequence[IntensityProvider]) -> None:
        if not layers:
            raise ConfigError("LayeredProvider needs at least one provider")
        self._layers = list(layers)

    def intensity_at(self, region: str, ts_s: int) -> Intensity:
        reasons = []
        for layer in self._layers:
            try:
                return layer.intensity_at(region, ts_s)
            except SourceError as e:
                reasons.append(f"{type(layer).__name__}: {e}")
        raise SourceError(f"no intensity for {region!r} at {ts_s}: " + "; ".join(reasons))


class ChainIntensityProvider:
    """GreenProof's DAO table (``regionIntensityAt``) through the contracts helper's client.

    ``client`` is anything with ``region_intensity_at(region, ts) -> int`` (for example
    ``ecoai_chain.chain.client.GreenProofClient``). A zero answer means "not set" on-chain and
    falls through a `LayeredProvider`.
    """

    def __init__(self, client: object) -> None:
        if not hasattr(client, "region_intensity_at"):
            raise ConfigError("ChainIntensityProvider needs a client with region_intensity_at()")
        self._client = client

    def intensity_at(self, region: str, ts_s: int) -> Intensity:
        from web3.exceptions import Web3Exception  # only this layer talks to a chain

        try:
            value = self._client.region_intensity_at(region, ts_s)  # type: ignore[attr-defined]
        except (ChainError, Web3Exception, OSError) as e:  # revert, RPC error, transport
            raise SourceError(f"on-chain intensity for {region!r} unavailable: {e}") from e
        if not isinstance(value, int) or value <= 0:
            raise SourceError(f"GreenProof has no intensity set for {region!r} at {ts_s}")
        return Intensity(region.upper(), value, "on-chain: GreenProof.regionIntensityAt")
