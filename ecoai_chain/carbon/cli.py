"""``ecoai report`` and ``ecoai schedule`` (top-level commands)."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from ecoai_chain.core.times import parse_time_s
from ecoai_chain.errors import ConfigError, ValidationError

_SPAN = re.compile(r"^(\d+)([smhd])$")
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_when(text: str, now_s: int, flag: str) -> int:
    """'24h' / '90m' (ago), unix seconds, or ISO 8601 with a zone."""
    text = text.strip()
    m = _SPAN.match(text)
    if m:
        return now_s - int(m.group(1)) * _SECONDS[m.group(2)]
    try:
        return parse_time_s(text, flag)
    except ValidationError as e:
        raise ConfigError(f"{e} (or a span ago: 24h / 90m / 7d)") from e


def _chain_layer(deployment: str):
    from ecoai_chain.carbon.intensity import ChainIntensityProvider
    from ecoai_chain.chain.client import GreenProofClient
    from ecoai_chain.chain.deployment import load_manifest
    from ecoai_chain.chain.rpc import http_web3

    dep = load_manifest(deployment)
    return ChainIntensityProvider(GreenProofClient(http_web3(dep.rpc_url), dep))


def _live_layer(name: str, environ: Mapping[str, str] | None = None) -> list:
    import os

    env: Mapping[str, str] = os.environ if environ is None else environ
    if name == "none":
        return []
    if name == "electricitymaps":
        from ecoai_chain.carbon.live import ElectricityMapsProvider

        return [ElectricityMapsProvider(env.get("ECOAI_ELECTRICITYMAPS_TOKEN", ""))]
    if name == "watttime":
        from ecoai_chain.carbon.live import WattTimeProvider

        return [WattTimeProvider(env.get("ECOAI_WATTTIME_USER", ""),
                                 env.get("ECOAI_WATTTIME_PASSWORD", ""))]
    raise ConfigError(f"--live must be none|electricitymaps|watttime, got {name!r}")


def report(
    since: Annotated[str, typer.Option(help="start: 24h, 90m, 7d ago, unix s or ISO")] = "24h",
    until: Annotated[str | None, typer.Option(help="end (default now)")] = None,
    fmt: Annotated[str, typer.Option("--format", help="html|json|csv, or granular-csv: the "
                                     "granular certificates of an index (--index-db)")] = "html",
    db: Annotated[str | None, typer.Option(help="attestor SQLite store")] = None,
    trace: Annotated[str | None, typer.Option(help="ecoai-trace CSV/JSONL instead of --db")]
    = None,
    region: Annotated[str, typer.Option(help="grid region, e.g. KR or gcp:asia-northeast3")]
    = "KR",
    out: Annotated[str | None, typer.Option(help="output file (default stdout)")] = None,
    baseline_ng_per_work: Annotated[int | None, typer.Option(
        help="DAO baseline for the workload class (ng CO2e per work unit) for the Eco Score")]
    = None,
    recommendation: Annotated[str | None, typer.Option(
        help="optimizer recommendation.json (default optimize-out/recommendation.json)")] = None,
    deployment: Annotated[str | None, typer.Option(
        help="deployment manifest: use GreenProof's on-chain intensity table first")] = None,
    live: Annotated[str, typer.Option(help="live layer: none|electricitymaps|watttime (token "
                                      "from ECOAI_ELECTRICITYMAPS_TOKEN or "
                                      "ECOAI_WATTTIME_USER/_PASSWORD)")] = "none",
    window_s: Annotated[int, typer.Option(help="window length when reading --trace")] = 60,
    epoch_s: Annotated[int, typer.Option(help="epoch length for the per-epoch plot")] = 3600,
    index_db: Annotated[str | None, typer.Option(
        help="with --format granular-csv: the indexer's database URL (sqlite:///PATH, ...)")]
    = None,
    certificate: Annotated[list[int] | None, typer.Option(
        help="with --format granular-csv: only these certificate ids (repeatable)")] = None,
) -> None:
    """Energy, carbon, efficiency, Eco Score, top recommendation and plots for a time span;
    or (--format granular-csv) the indexed certificates and their claims as granular
    certificates, one CSV row per claim and per unclaimed rest."""
    from ecoai_chain.carbon.intensity import LayeredProvider, StaticIntensityProvider
    from ecoai_chain.reports import recommend, render, sources
    from ecoai_chain.reports.model import build_report

    if fmt == "granular-csv":
        from ecoai_chain.reports.granular_cli import granular_csv

        text = granular_csv(index_db, certificate or [], deployment)
        if out:
            Path(out).write_text(text, encoding="utf-8")
            typer.echo(f"wrote {out}: {text.count(chr(10)) - 1} rows", err=True)
        else:
            typer.echo(text, nl=False)
        return
    if fmt not in ("html", "json", "csv"):
        raise ConfigError(f"--format must be html|json|csv|granular-csv, got {fmt!r}")
    if (db is None) == (trace is None):
        raise ConfigError("give exactly one of --db (attestor store) or --trace")
    now = int(time.time())
    until_s = parse_when(until, now, "--until") if until else now
    since_s = parse_when(since, until_s if _SPAN.match(since.strip()) else now, "--since")
    if db:
        windows = sources.windows_from_store(db, since_s, until_s)
    else:
        assert trace is not None
        windows = [w for w in sources.windows_from_trace(trace, window_s, until_s)
                   if w.start_s >= since_s and w.end_s <= until_s]
    layers = ([_chain_layer(deployment)] if deployment else []) + _live_layer(live) + [
        StaticIntensityProvider()]
    provider = LayeredProvider(layers)
    seen: dict[str, None] = {}

    def alpha(ts: int) -> int:
        got = provider.intensity_at(region, ts)
        seen.setdefault(got.source, None)
        return got.mg_per_kwh

    rpt = build_report(windows, region.upper(), since_s, until_s, alpha,
                       baseline_ng_per_work=baseline_ng_per_work, epoch_s=epoch_s)
    if not windows:  # still validate the region so a typo is not a silent empty report
        alpha(since_s)
    rec_path = Path(recommendation or "optimize-out/recommendation.json")
    if recommendation or rec_path.exists():
        rec = recommend.from_optimizer(rec_path)
    else:
        rec = recommend.rule_based(rpt)
    from dataclasses import replace

    rpt = replace(rpt, recommendation=rec, intensity_source="; ".join(seen) or "bundled")
    text = {"html": lambda: render.to_html(rpt), "csv": lambda: render.to_csv(rpt),
            "json": lambda: json.dumps(render.to_json(rpt), indent=1) + "\n"}[fmt]()
    if out:
        Path(out).write_text(text, encoding="utf-8")
        typer.echo(f"wrote {out}: {rpt.energy_kwh:.3f} kWh, {rpt.carbon_kg:.3f} kg CO2e in "
                   f"{region.upper()}, {len(rpt.windows)} windows", err=True)
    else:
        typer.echo(text, nl=False)


def schedule(
    jobs: Annotated[str, typer.Option(help="jobs JSON: [{name, duration_s, deadline_s, "
                                      "power_mw|power_w, earliest_s?}]")],
    forecast: Annotated[str, typer.Option(help="forecast CSV: time, intensity_g_per_kwh|"
                                          "intensity_mg_per_kwh")],
    capacity_mw: Annotated[int | None, typer.Option(help="most total power at any time")]
    = None,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """Place deferrable jobs at the lowest-carbon times; report the saving against now."""
    from ecoai_chain.scheduler.core import schedule as plan
    from ecoai_chain.scheduler.files import parse_forecast, parse_jobs

    try:
        job_list = parse_jobs(Path(jobs).read_text())
        fc = parse_forecast(Path(forecast).read_text())
    except OSError as e:
        raise ConfigError(f"cannot read input: {e}") from e
    result = plan(job_list, fc, capacity_mw)
    rows: list[dict[str, Any]] = [
        {"name": p.job.name, "start_s": p.start_s, "carbon_mg": p.carbon_mg,
         "now_start_s": p.now_start_s, "now_carbon_mg": p.now_carbon_mg,
         "saving_mg": p.saving_mg} for p in result.placements]
    if as_json:
        typer.echo(json.dumps({"placements": rows, "carbon_mg": result.carbon_mg,
                               "now_carbon_mg": result.now_carbon_mg,
                               "saving_mg": result.saving_mg}, indent=1))
        return
    for r in rows:
        start = datetime.fromtimestamp(r["start_s"]).astimezone().isoformat(timespec="minutes")
        typer.echo(f"{r['name']}: start {start} ({r['carbon_mg'] / 1000:.1f} g CO2e, "
                   f"saves {r['saving_mg'] / 1000:.1f} g vs now)")
    pct = 100 * result.saving_mg / result.now_carbon_mg if result.now_carbon_mg else 0.0
    typer.echo(f"total {result.carbon_mg / 1000:.1f} g vs {result.now_carbon_mg / 1000:.1f} g "
               f"now: saves {result.saving_mg / 1000:.1f} g ({pct:.1f}%)")


def register(app: typer.Typer) -> None:
    app.command("report")(report)
    app.command("schedule")(schedule)
