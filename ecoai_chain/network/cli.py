"""`ecoai up`: the whole local network in one command (see ecoai_chain/network/up.py)."""

from __future__ import annotations

import shutil
import signal
import sys
import time
from pathlib import Path

import typer
from rich.console import Console
from rich.live import Live

from ecoai_chain.errors import EcoAIError


def register(app: typer.Typer) -> None:
    @app.command("up")
    def up(
        data_dir: Path = typer.Option(Path(".ecoai"), envvar="ECOAI_UP_DIR",
                                      help="where the network's state lives (resumed next time)"),
        rpc: str = typer.Option(None, "--rpc", help="use this chain instead of a local anvil"),
        deployer_keystore: Path = typer.Option(None, exists=True, dir_okay=False,
                                               help="DAO/deployer keystore (needed with --rpc)"),
        deployer_password_file: Path = typer.Option(None, exists=True, dir_okay=False),
        guardian: str = typer.Option(None, help="may pause and cancel queued proposals "
                                     "(default on a local chain: dev account 1)"),
        nodes: int = typer.Option(3, min=1, max=12, help="demo nodes"),
        window_s: int = typer.Option(5, min=1, max=3600, help="window (slot) length"),
        slots: int = typer.Option(6, min=1, max=64, help="windows per epoch"),
        api_port: int = typer.Option(8000, min=1, max=65535),
        epochs: int = typer.Option(0, min=0, help="stop once every node has this many "
                                   "certificates (0: run until Ctrl-C)"),
        timeout_s: float = typer.Option(900.0, help="with --epochs: fail after this long"),
        headless: bool = typer.Option(False, help="plain log lines instead of a live table"),
        relay: bool = typer.Option(True, help="attestors post to a relayer (`ecoai relay "
                                   "serve`, batching) before submitting alone"),
        fresh: bool = typer.Option(False, help="delete the data dir first (new chain, keys)"),
    ) -> None:
        """Start a local chain, deploy, register nodes, run their attestors, the indexer, the
        API and explorer; show a live summary. Ctrl-C stops; the next run resumes."""
        from ecoai_chain.network.demo_claims import DemoClaims
        from ecoai_chain.network.summary import NodeView, Summary
        from ecoai_chain.network.up import Network, UpConfig
        from ecoai_chain.network.up import _run_cli as run_cli

        if fresh and data_dir.exists():
            shutil.rmtree(data_dir)
        console = Console()
        live_mode = not headless and sys.stdout.isatty()

        def say(msg: str) -> None:
            console.print(f"[bold green]up[/] {msg}", highlight=False)

        cfg = UpConfig(data_dir=data_dir, rpc_url=rpc, deployer_key_file=deployer_keystore,
                       deployer_password_file=deployer_password_file, guardian=guardian,
                       nodes=nodes,
                       window_s=window_s, slot_count=slots, api_port=api_port, epochs=epochs,
                       timeout_s=timeout_s, relay=relay)
        net = Network(cfg, say)
        stopping = False

        def on_term(*_: object) -> None:
            raise KeyboardInterrupt

        signal.signal(signal.SIGTERM, on_term)
        # Ctrl-C even when started from a shell that ignores SIGINT for background jobs.
        signal.signal(signal.SIGINT, signal.default_int_handler)
        t0 = time.monotonic()
        try:
            net.start_chain()
            dao = net.deployer()
            net.ensure_deployment(dao)
            net.ensure_parameters([region for region, _scale in _plan(nodes)])
            net.ensure_nodes(dao)
            net.ensure_governance(dao)
            net.ensure_relayer(dao)
            url = net.start_services()
            say(f"API {url}/api/v1  explorer {url}/  (ready in {time.monotonic() - t0:.1f} s; "
                f"Ctrl-C to stop)")
            views = [NodeView(n["name"], n["node_id"], n["region"], n.get("source", "?"),
                              n["address"]) for n in net.state.nodes]
            summary = Summary(net.client, views, relay=net.relay)
            from ecoai_chain.network.dao_demo import DemoProposal

            demo = DemoProposal(net.w3, net.deployment, dao, net.state.nodes[-1]["region"], say,
                                net.state.dao_demo)
            buyer = DemoClaims(net.client, net.state.nodes[0], net.layout.manifest,
                              net.layout.root / "demo_claims.json", run_cli, say)
            from ecoai_chain.network.demo_challenge import DemoChallenge

            challenge_demo = DemoChallenge(net.client, net.state.nodes[0], net.layout.manifest,
                                           net.layout.root / "demo_challenge.json", run_cli, say)
            deadline = time.monotonic() + timeout_s
            last_line = ""
            with Live(console=console, auto_refresh=False, transient=False) if live_mode \
                    else _NoLive() as live:
                while True:
                    for restarted in net.sup.check():  # the relayer may be restarted
                        say(restarted)
                    summary.poll()
                    step = net.state.dao_demo.get("step")
                    demo.poll(summary.min_certificates())
                    challenge_demo.step()  # one node challenged, its attestor answering
                    if net.state.dao_demo.get("step") != step:
                        net.state.save(net.layout.state)
                    buyer.step()
                    title = (f"EcoAI Chain — {summary.total_certificates} certificates, "
                             f"{time.monotonic() - summary.started_s:.0f} s")
                    if live_mode:
                        live.update(summary.table(title), refresh=True)
                    else:
                        line = summary.line()
                        if line != last_line:
                            say(line)
                            last_line = line
                    if epochs and summary.min_certificates() >= epochs and buyer.finished:
                        break
                    if epochs and time.monotonic() > deadline:
                        raise EcoAIError(f"not every node had {epochs} certificates (or the "
                                         f"demo claim and retirement were not made) after "
                                         f"{timeout_s:.0f} s; logs in {net.layout.logs}")
                    time.sleep(1.0)
            if summary.first_certificate_after_s is not None:
                say(f"first certificate {summary.first_certificate_after_s:.1f} s after the "
                    f"services started")
            say(f"done: {summary.total_certificates} certificates")
        except KeyboardInterrupt:
            stopping = True
            say("stopping (Ctrl-C) ...")
        finally:
            net.stop()
            if stopping:
                say(f"stopped; `ecoai up --data-dir {data_dir}` resumes this network")


def _plan(n: int) -> list[tuple[str, str]]:
    from ecoai_chain.network.plan import NODE_PLAN

    return [NODE_PLAN[i % len(NODE_PLAN)] for i in range(n)]


class _NoLive:
    def __enter__(self) -> _NoLive:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def update(self, *a: object, **k: object) -> None:
        return None
