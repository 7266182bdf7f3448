"""``ecoai optimize``: run a workload across settings and recommend the greenest acceptable one."""

from __future__ import annotations

from typing import Annotated

import typer

from ecoai_chain.errors import ConfigError

WORKLOAD_HELP = "shell command printing a JSON line {work, quality}; setting in $ECOAI_OPT_SETTING"


def _list(text: str | None, conv, flag: str) -> list:
    if not text:
        return []
    try:
        return [conv(x.strip()) for x in text.split(",") if x.strip()]
    except ValueError as e:
        raise ConfigError(f"{flag}: cannot parse {text!r}: {e}") from e


def optimize(
    workload: Annotated[str | None, typer.Option(help=WORKLOAD_HELP)] = None,
    callable_: Annotated[str | None, typer.Option(
        "--callable", help="module:function taking a setting dict")] = None,
    power_limits: Annotated[str | None, typer.Option(help="GPU power limits in W, e.g. 200,250")]
    = None,
    batch_sizes: Annotated[str | None, typer.Option(help="e.g. 1,8,32")] = None,
    precisions: Annotated[str | None, typer.Option(help="subset of fp32,fp16,bf16,int8")] = None,
    search: Annotated[str, typer.Option(help="grid|adaptive")] = "grid",
    weights: Annotated[str, typer.Option(help="l1,l2,l3 for cost,energy,latency")] = "1,1,1",
    quality_floor: Annotated[float, typer.Option(help="minimum quality to be picked")] = 0.0,
    region: Annotated[str, typer.Option(help="grid region for carbon (bundled table)")] = "KR",
    price_kwh: Annotated[float, typer.Option(help="electricity price per kWh")] = 0.15,
    price_hour: Annotated[float, typer.Option(help="hardware price per hour")] = 0.0,
    price_kg_co2: Annotated[float, typer.Option(help="carbon price per kg CO2e")] = 0.0,
    meter: Annotated[str, typer.Option(help="auto|rapl|nvml|cpu-model")] = "auto",
    watts_per_core: Annotated[float, typer.Option(help="cpu-time model: W per busy core")] = 10.0,
    min_duration_s: Annotated[float, typer.Option(help="measure each setting at least this "
                                                  "long")] = 0.3,
    budget: Annotated[int, typer.Option(help="adaptive search: most settings to measure")] = 50,
    out: Annotated[str, typer.Option(help="output directory")] = "optimize-out",
) -> None:
    """Measure energy, latency and quality across settings; write a recommendation + Pareto plot."""
    from ecoai_chain.carbon.intensity import StaticIntensityProvider
    from ecoai_chain.optimizer import output, runner
    from ecoai_chain.optimizer.meters import pick_meter
    from ecoai_chain.optimizer.pareto import Prices
    from ecoai_chain.optimizer.workload import CallableWorkload, CommandWorkload

    if (workload is None) == (callable_ is None):
        raise ConfigError("give exactly one of --workload or --callable")
    wl = CommandWorkload(workload) if workload else CallableWorkload.from_spec(callable_ or "")
    dims = []
    limits = _list(power_limits, float, "--power-limits")
    limiter = None
    if limits:
        from ecoai_chain.optimizer.power import NvmlPowerLimiter
        limiter = NvmlPowerLimiter()
        dims.append(("power_limit_w", limits))
    if batch_sizes:
        dims.append(("batch_size", _list(batch_sizes, int, "--batch-sizes")))
    if precisions:
        precs = _list(precisions, str, "--precisions")
        bad = [p for p in precs if p not in ("fp32", "fp16", "bf16", "int8")]
        if bad:
            raise ConfigError(f"--precisions: unknown {bad} (fp32,fp16,bf16,int8)")
        dims.append(("precision", precs))
    if not dims:
        raise ConfigError("nothing to search: give --batch-sizes, --precisions or --power-limits")
    w = tuple(_list(weights, float, "--weights"))
    if len(w) != 3:
        raise ConfigError("--weights needs exactly three numbers l1,l2,l3")
    en_meter = pick_meter(meter, watts_per_core=watts_per_core)
    for reason in getattr(en_meter, "fallback_reasons", []):
        typer.echo(f"note: {reason}", err=True)
    typer.echo(f"energy meter: {en_meter.label}", err=True)
    alpha = StaticIntensityProvider().intensity_at(region, 0).mg_per_kwh
    try:
        result = runner.optimize(wl, dims, en_meter,  # type: ignore[arg-type]
                                 mode=search, weights=w,
                                 quality_floor=quality_floor,
                                 prices=Prices(price_kwh, price_hour, price_kg_co2),
                                 intensity_mg_per_kwh=alpha, limiter=limiter, budget=budget,
                                 min_duration_s=min_duration_s,
                                 log=lambda s: typer.echo(s, err=True))
    finally:
        en_meter.close()
    paths = output.write(result, out)
    rec = output.recommendation(result)
    typer.echo(rec["summary"])
    if search == "adaptive":
        typer.echo(f"adaptive search measured {len(result.measurements)} settings (may be a "
                   "local optimum)")
    typer.echo(f"wrote {', '.join(str(p) for p in paths.values())}")


def register(app: typer.Typer) -> None:
    app.command("optimize")(optimize)
