"""`ecoai verify CERT_ID --rpc URL` (or `--all`): a DAO member's independent re-verification.

Reads only the chain (no indexer, no API) and the locally committed verification key; prints a
table of checks. Exit code 0: every certificate checked is valid; 1: at least one is invalid
or could not be checked.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from ecoai_chain.core.units import eco_text
from ecoai_chain.errors import ConfigError, ValidationError


def _client(rpc: str, manifest: Path | None, green_proof: str | None, from_block: int):
    from ecoai_chain.chain.client import GreenProofClient
    from ecoai_chain.chain.deployment import deployment_from_address, load_manifest
    from ecoai_chain.chain.rpc import http_web3

    w3 = http_web3(rpc, timeout_s=60)  # transport failures: RpcUnavailable, URL redacted
    if manifest is not None:
        dep = load_manifest(manifest)
        client = GreenProofClient(w3, dep)
        if client.chain_id() != dep.chain_id:
            raise ConfigError(f"--rpc serves chain {client.chain_id()} but {manifest} is for "
                              f"chain {dep.chain_id}")
        return client
    if green_proof:
        return GreenProofClient(w3, deployment_from_address(w3, green_proof, from_block))
    raise ConfigError("give --manifest PATH (from `ecoai chain deploy` / `ecoai up`) or "
                      "--green-proof ADDRESS")


def register(app: typer.Typer) -> None:
    @app.command("verify")
    def verify(
        certificate_id: int = typer.Argument(None, help="certificate id (omit with --all)"),
        all_: bool = typer.Option(False, "--all", help="verify every certificate (batch proofs)"),
        rpc: str = typer.Option(..., "--rpc", help="Ethereum JSON-RPC URL"),
        manifest: Path = typer.Option(None, "--manifest", exists=True, dir_okay=False,
                                      help="deployment manifest JSON"),
        green_proof: str = typer.Option(None, "--green-proof", help="GreenProof address "
                                        "(instead of --manifest)"),
        from_block: int = typer.Option(0, "--from-block", help="with --green-proof: first block "
                                       "to search for events"),
        vkey: Path = typer.Option(None, "--vkey", exists=True, dir_okay=False,
                                  help="verification key JSON (default: the committed one)"),
        opening: list[Path] = typer.Option(None, "--opening", exists=True, dir_okay=False,
                                           help="slot opening JSON from `ecoai attestor "
                                           "open-slot` (repeatable)"),
        bundle: list[Path] = typer.Option(None, "--bundle", exists=True, dir_okay=False,
                                          help="certificate bundle JSON not on chain "
                                          "({certificate, proof, signature}; repeatable)"),
        engine: str = typer.Option("fast", "--engine", help="pairing engine for the Groth16 "
                                   "check: fast (this project's BN254 code) or py-ecc (the "
                                   "reference library, about ten times slower)"),
        as_json: bool = typer.Option(False, "--json", help="print JSON instead of a table"),
    ) -> None:
        """Re-verify certificates: Groth16 proof (engine named in the report; --engine py-ecc
        re-checks with the reference library), EIP-712 signature, intensity vs the on-chain
        table, scoring, revocation, the verifier's code, and optional slot openings."""
        from ecoai_chain.verify.onchain import verify_bundles, verify_certificates
        from ecoai_chain.zk.verifier import engine_of

        engine = engine_of(engine)  # a bad name is a usage error before any RPC call

        modes = sum([all_, certificate_id is not None, bool(bundle)])
        if modes != 1:
            raise ValidationError("certificate_id",
                                  "give exactly one of CERT_ID, --all or --bundle")
        if opening and certificate_id is None:
            raise ValidationError("opening", "slot openings belong to one CERT_ID")
        client = _client(rpc, manifest, green_proof, from_block)
        if bundle:
            bundles = []
            for p in bundle:
                try:
                    bundles.append(json.loads(p.read_text()))
                except ValueError as e:
                    raise ValidationError("bundle", f"{p} is not JSON: {e}") from e
            report = verify_bundles(client, bundles, vkey, engine=engine)
        else:
            report = verify_certificates(client, None if all_ else [certificate_id], vkey,
                                         openings=opening or [], engine=engine)
        if as_json:
            typer.echo(json.dumps(report, indent=2))
        else:
            _print(report)
        raise typer.Exit(0 if report["valid"] else 1)


def _credits_line(c: dict) -> str:
    """The reward's state and the bound that applied, e.g. "reward 0.09 ECO escrowed until
    1767300000; ceiling 50000000 work/kWh, per-epoch bound 2.1 ECO"."""
    def eco(units: str | None) -> str:
        return "unknown" if units is None else f"{eco_text(int(units))} ECO"

    state = c["state"] + (f" until {c['release_at_s']} (unix s)" if c["state"] == "escrowed"
                          else "")
    ceiling = c["ceiling_work_per_kwh"]
    return (f"reward {eco(c['reward_units'])} {state}; at its epoch start: baseline "
            f"{c['baseline_ng_per_work']} ng/work, ceiling "
            f"{'none' if ceiling is None else ceiling} work/kWh, per-epoch bound "
            f"{eco(c['bound_units'])}")


def _print(report: dict) -> None:
    from ecoai_chain.zk.verifier import ENGINE_LABELS

    console = Console()
    console.print(f"Groth16 engine: {ENGINE_LABELS[report['engine']]}")
    g = Table(title="Deployment checks", show_lines=False)
    for col in ("check", "ok", "detail"):
        g.add_column(col)
    for c in report["global_checks"]:
        g.add_row(c["name"], "[green]PASS[/]" if c["ok"] else "[red]FAIL[/]", c["detail"])
    console.print(g)
    for cert in report["certificates"]:
        t = Table(title=f"Certificate {cert['certificate_id']} — "
                  + ("[green]VALID[/]" if cert["valid"] else "[red]INVALID[/]"))
        for col in ("check", "ok", "detail"):
            t.add_column(col)
        for c in cert["checks"]:
            t.add_row(c["name"], "[green]PASS[/]" if c["ok"] else "[red]FAIL[/]", c["detail"])
        for c in cert.get("not_run", []):
            t.add_row(c["name"], "[yellow]NOT RUN[/]", c["detail"])
        console.print(t)
        if cert.get("credits"):
            console.print(_credits_line(cert["credits"]))
    n = len(report["certificates"])
    bad = sum(1 for c in report["certificates"] if not c["valid"])
    console.print(f"{n - bad} of {n} certificates valid" + ("" if report["valid"] else
                  " — [red]INVALID[/]"))
