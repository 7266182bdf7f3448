"""``ecoai attestor ...``: init, register, run, status, export, open-slot, measurement."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import typer

from attestor.config import DEFAULT_HOME, load_settings, update_config, write_config
from ecoai_chain.errors import ConfigError, EcoAIError, StoreError

app = typer.Typer(help="The node attestor: meter, sign, prove and submit.", no_args_is_help=True)

ConfigOpt = typer.Option(None, "--config", "-c", envvar="ECOAI_CONFIG",
                         help="config.toml (default: <data_dir>/config.toml)")
# The one way every command that opens the keystore (init, register, run, status, open-slot)
# reads its password: this option, else ECOAI_KEYSTORE_PASSWORD, else a prompt (not status).
PasswordFileOpt = typer.Option(None, "--password-file",
                               help="file holding the keystore password (else "
                                    "ECOAI_KEYSTORE_PASSWORD, else a prompt)")


def _config_path(config: Path | None) -> Path:
    if config is not None:
        return config
    data_dir = Path(os.environ.get("ECOAI_DATA_DIR", str(DEFAULT_HOME))).expanduser()
    return data_dir / "config.toml"


def _key(settings, password_file: Path | None, confirm: bool = False):
    from attestor.keystore import load_key, resolve_password

    return load_key(settings.keystore_dir, resolve_password(password_file, confirm=confirm))


@app.command()
def init(
    data_dir: Path = typer.Option(DEFAULT_HOME, envvar="ECOAI_DATA_DIR"),
    region: str = typer.Option("KR", help="grid region code (bytes32 ASCII)"),
    rpc_url: str = typer.Option("http://127.0.0.1:8545"),
    deployment: Path | None = typer.Option(None, help="deployment manifest JSON"),
    energy_source: str = typer.Option("nvml", help="nvml | rapl | replay"),
    replay_path: Path | None = typer.Option(None),
    replay_energy_scale: str = typer.Option("1"),
    work_source: str = typer.Option("none", help="none | prometheus | push | replay"),
    work_url: str = typer.Option("http://127.0.0.1:8000/metrics"),
    window_s: int = typer.Option(60),
    slot_count: int = typer.Option(60),
    sample_interval_s: float = typer.Option(1.0),
    max_power_mw: int = typer.Option(1_000_000, help="registered max power (mW)"),
    workload_class: str = typer.Option("llm-inference"),
    metrics_port: int = typer.Option(9464),
    import_key_file: Path | None = typer.Option(None, help="import a hex private key instead "
                                                           "of generating one"),
    scrypt_n: int | None = typer.Option(None, hidden=True, help="tests only"),
    password_file: Path | None = PasswordFileOpt,
) -> None:
    """Create the encrypted keystore and the config file."""
    from attestor.keystore import create_keystore, resolve_password

    settings = load_settings(None, data_dir=data_dir.expanduser(), region=region,
                             rpc_url=rpc_url, deployment=deployment, energy_source=energy_source,
                             replay_path=replay_path, replay_energy_scale=replay_energy_scale,
                             work_source=work_source, work_url=work_url, window_s=window_s,
                             slot_count=slot_count, sample_interval_s=sample_interval_s,
                             max_power_mw=max_power_mw, workload_class=workload_class,
                             metrics_port=metrics_port)
    if deployment is not None:
        from ecoai_chain.chain.deployment import load_manifest

        dep = load_manifest(deployment)
        if dep.epoch_length_s != settings.epoch_length_s:
            raise ConfigError(f"window_s * slot_count = {settings.epoch_length_s} but the "
                              f"deployment's epoch_length_s is {dep.epoch_length_s}")
    key = None
    if import_key_file is not None:
        key = import_key_file.read_text().strip()
    password = resolve_password(password_file, confirm=True)
    address = create_keystore(settings.keystore_dir, password, key, scrypt_n=scrypt_n)
    path = write_config(settings)
    typer.echo(json.dumps({"attestor": address, "config": str(path),
                           "keystore": str(settings.keystore_dir)}))


@app.command("register")
def register_node(config: Path | None = ConfigOpt, password_file: Path | None = PasswordFileOpt,
             metadata_uri: str = typer.Option("", help="node metadata URI")) -> None:
    """Register this node on-chain (the attestor account is the operator); prints the node id."""
    from attestor.runtime import chain_client
    from attestor.store import Store

    cfg = _config_path(config)
    s = load_settings(cfg)
    key = _key(s, password_file)
    client = chain_client(s, key.account)
    nid = client.register_node(key.address, s.region, s.max_power_mw,
                               metadata_uri or s.metadata_uri)
    store = Store(s.db_path)
    store.set_meta("node_id", str(nid))
    now = int(time.time())
    store.set_meta("seal_from_s", str(now - now % s.epoch_length_s))
    update_config(cfg, node_id=nid)
    typer.echo(json.dumps({"node_id": nid, "attestor": key.address,
                           "status": "pending activation by the DAO (NODE_MANAGER_ROLE)"}))


@app.command()
def run(config: Path | None = ConfigOpt, password_file: Path | None = PasswordFileOpt,
        rpc_url: str | None = typer.Option(None), metrics_port: int | None = typer.Option(None),
        log_level: str | None = typer.Option(None),
        offline: bool = typer.Option(False, help="record windows only; no sealing or chain"),
        ) -> None:
    """Run the daemon until SIGTERM/SIGINT."""
    from attestor import runtime
    from attestor.health import JobHealth
    from attestor.logs import setup_logging
    from attestor.metrics import Metrics
    from attestor.pipeline import Agent
    from attestor.scheduler import Daemon
    from attestor.store import Store

    s = load_settings(_config_path(config), rpc_url=rpc_url, metrics_port=metrics_port,
                      log_level=log_level)
    setup_logging(s.log_level)
    key = _key(s, password_file)
    store = Store(s.db_path)
    runtime.check_key_matches_log(store, key)
    metrics = Metrics()
    if s.metrics_port:
        metrics.serve(s.metrics_host, s.metrics_port)
    agent = Agent(store, key.account, runtime.energy_source(s), runtime.work_source(s),
                  s.window_s, metrics, max_power_mw=s.max_power_mw)
    sealer = submitter = prover = answerer = None
    if not offline:
        client = runtime.chain_client(s, key.account)
        prover = runtime.prover(s)
        sealer = runtime.build_sealer(s, store, key, client, prover)
        submitter = runtime.build_submitter(s, store, key, client, metrics)
        answerer = runtime.build_answerer(store, key, client, metrics)
    daemon = Daemon(agent, sealer, submitter, lambda: runtime.node_id(s, store),
                    s.sample_interval_s, chain_interval_s=max(0.5, min(5.0, s.window_s / 2)),
                    health=JobHealth(store, metrics), answerer=answerer)
    try:
        daemon.run()
    finally:
        if prover is not None:
            prover.close()
        store.close()


def _keystore_status(settings, store, password_file: Path | None) -> dict:
    """The keystore's address (no password needed) and, when a password is given by the
    same options as every other command (never prompted), whether it unlocks it."""
    from attestor.keystore import keystore_address, load_key, resolve_password
    from ecoai_chain.errors import KeystoreError

    try:
        out: dict = {"address": keystore_address(settings.keystore_dir), "unlocked": False}
        if password_file is not None or os.environ.get("ECOAI_KEYSTORE_PASSWORD"):
            key = load_key(settings.keystore_dir, resolve_password(password_file, prompt=False))
            out.update(address=key.address, unlocked=True)
    except KeystoreError as e:
        return {"error": str(e)}
    who = store.get_meta("attestor")
    out["matches_log"] = None if who is None else who.lower() == out["address"].lower()
    return out


@app.command()
def status(config: Path | None = ConfigOpt, password_file: Path | None = PasswordFileOpt,
           windows: int = typer.Option(5), as_json: bool = typer.Option(False, "--json")) -> None:
    """Recent windows, the outbox, the keystore and the chain's view of this node."""
    from attestor import runtime
    from attestor.answerer import challenge_status
    from attestor.deadline import deadline_report, status_line
    from attestor.health import job_errors
    from attestor.states import EpochState
    from attestor.store import Store

    s = load_settings(_config_path(config))
    store = Store(s.db_path)
    nid = runtime.node_id(s, store)
    out: dict = {"node_id": nid, "attestor": store.get_meta("attestor"),
                 "windows": [{k: getattr(w, k) for k in ("seq", "start_s", "end_s", "energy_mj",
                                                         "work", "mean_power_mw", "estimated",
                                                         "gap", "method", "quality_flags")}
                             for w in store.recent_windows(windows)]}
    by_state: dict[str, int] = {}
    for e in store.epochs():
        by_state[e.state] = by_state.get(e.state, 0) + 1
    out["epochs"] = by_state
    out["jobs"] = job_errors(store)  # daemon jobs whose last run failed (see attestor.health)
    out["keystore"] = _keystore_status(s, store, password_file)

    def outbox_row(e) -> dict:
        return {"epoch_start_s": e.epoch_start_s, "state": str(e.state), "tx_hash": e.tx_hash,
                "tx_hashes": [t.tx_hash for t in store.submissions(e.epoch_start_s)],
                "certificate_id": e.certificate_id, "flags": e.flags,
                "submit_failures": e.submit_failures, "last_error": e.last_error}

    out["recent_epochs"] = [outbox_row(e) for e in store.epochs()[-5:]]
    out["failed_epochs"] = [outbox_row(e) for e in store.epochs((EpochState.FAILED,))]
    out["challenges"] = challenge_status(store)  # challenges against the node (answerer.py)
    if nid is not None and s.deployment is not None:
        from web3.exceptions import Web3Exception

        try:
            client = runtime.chain_client(s, None)
            node = client.get_node(nid)
            out["chain"] = {"status": int(node.get("status", -1)),
                            "next_epoch_start_s": int(client.next_epoch_start(nid)),
                            "attestor": node.get("attestor")}
            out["deadline"] = deadline_report(store, client)
        except (EcoAIError, Web3Exception) as e:  # status must work with the chain down
            from ecoai_chain.redact import redact

            out["chain"] = {"error": redact(f"{type(e).__name__}: {e}", [s.rpc_url])[:300]}
    out.setdefault("deadline", deadline_report(store, None))  # the chain away: lost ones only
    if as_json:
        typer.echo(json.dumps(out, default=str))
        return
    typer.echo(f"node {nid}  attestor {out['attestor']}")
    ks = out["keystore"]
    typer.echo(f"keystore: {ks['error']}" if "error" in ks else
               f"keystore: {ks['address']} ({'unlocked' if ks['unlocked'] else 'locked'}"
               + ("" if ks["matches_log"] is None else
                  ", matches the log" if ks["matches_log"] else ", DOES NOT match the log")
               + ")")
    for w in out["windows"]:
        flag = " gap" if w["gap"] else (" est" if w["estimated"] else "")
        flag += f" {w['method']}" + (f" [{w['quality_flags']}]" if w["quality_flags"] else "")
        typer.echo(f"  window {w['seq']:>7} [{w['start_s']}, {w['end_s']}) "
                   f"{w['energy_mj']:>14} mJ  work {w['work']:>10}{flag}")
    for job, err in out["jobs"].items():
        typer.echo(f"{job} job failing: {err['count']} times in a row since "
                   f"{time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(err['since_s']))}: "
                   f"{err['error']}")
    typer.echo(f"epochs: {by_state or 'none'}")
    for e in out["recent_epochs"]:
        typer.echo(f"  epoch {e['epoch_start_s']} {e['state']} {e['tx_hash']} {e['last_error']}")
    for e in out["failed_epochs"]:
        tries = f" ({e['submit_failures']} failed attempts)" if e["submit_failures"] else ""
        typer.echo(f"  FAILED epoch {e['epoch_start_s']}{tries}: {e['last_error']}")
    ch = out["challenges"]
    for c in ch["open"]:
        typer.echo(f"  CHALLENGE {c['challenge_id']} (certificate {c['certificate_id']}) "
                   f"{c['state']}, deadline in {c['seconds_left']} s"
                   + (f": {c['last_error']}" if c["last_error"] else ""))
    for a in ch["alerts"]:
        typer.echo(f"  ALERT challenge {a['challenge_id']} cannot be answered: {a['reason']}")
    if any(ch["settled"].values()):
        typer.echo(f"challenges settled: {ch['settled']}")
    typer.echo(status_line(out["deadline"]))
    if "chain" in out:
        typer.echo(f"chain: {out['chain']}")


@app.command()
def export(config: Path | None = ConfigOpt,
           out: Path | None = typer.Option(None, "--out", "-o", help="JSONL file (default stdout)"),
           verify: bool = typer.Option(True, help="check hashes, links and signatures")) -> None:
    """Export the signed window log as JSONL (for audits) and verify the chain."""
    from attestor.store import Store

    s = load_settings(_config_path(config))
    store = Store(s.db_path)
    fh = out.open("w") if out else sys.stdout
    n = 0
    try:
        last = -1
        while True:
            rows = store.windows(after_seq=last, limit=5000)
            if not rows:
                break
            for r in rows:
                fh.write(json.dumps(r.as_record(), sort_keys=True) + "\n")
                n += 1
            last = rows[-1].seq
    finally:
        if out:
            fh.close()
    if verify:
        ok, why, checked = store.verify(store.get_meta("attestor"))
        typer.echo(f"exported {n} windows; verify: {'ok' if ok else 'FAILED'} ({why}, "
                   f"{checked} checked)", err=True)
        if not ok:
            raise StoreError(f"window log failed verification: {why}")


@app.command("open-slot")
def open_slot_cmd(epoch: int = typer.Argument(..., help="epoch start (unix s)"),
                  slot: int = typer.Argument(..., help="slot index"),
                  config: Path | None = ConfigOpt,
                  password_file: Path | None = PasswordFileOpt) -> None:
    """Reveal one slot (energy, work, salt, Merkle path) to answer a challenge."""
    from attestor.sealer import open_slot
    from attestor.store import Store

    s = load_settings(_config_path(config))
    key = _key(s, password_file)
    typer.echo(json.dumps(open_slot(Store(s.db_path), key.seed, epoch, slot)))


@app.command("measurement")
def measurement_cmd(epoch: int = typer.Argument(..., help="epoch start (unix s)"),
                    config: Path | None = ConfigOpt,
                    publish: str | None = typer.Option(
                        None, "--publish", metavar="API_URL",
                        help="PUT it to API_URL/api/v1/certificates/<id>/measurement")) -> None:
    """How an epoch's energy was measured: its signed summary (energy by method, counter-exact
    share, flagged windows), printed or published to an EcoAI API for the explorer."""
    from attestor.store import Store
    from ecoai_chain.errors import ValidationError

    s = load_settings(_config_path(config))
    rec = Store(s.db_path).get_epoch(epoch)
    if rec is None:
        raise ValidationError("epoch", f"{epoch} is not in this agent's outbox")
    doc = json.loads(rec.measurement_json or "{}")
    if "signature" not in doc:
        raise ValidationError("epoch", f"{epoch} has no signed measurement summary yet (state "
                                       f"{rec.state}; it is signed once the epoch is proved)")
    if publish is None:
        typer.echo(json.dumps(doc, sort_keys=True))
        return
    if rec.certificate_id is None:
        raise ValidationError("epoch", f"{epoch} has no certificate id yet (state {rec.state})")
    import httpx

    url = f"{publish.rstrip('/')}/api/v1/certificates/{rec.certificate_id}/measurement"
    try:
        r = httpx.put(url, content=json.dumps(doc), timeout=15)
    except httpx.HTTPError as e:
        raise ConfigError(f"--publish: {url} could not be reached: {type(e).__name__}: {e}") from e
    if r.status_code not in (200, 201):
        raise ConfigError(f"{url} refused the summary: {r.status_code} {r.text[:300]}")
    typer.echo(f"published: certificate {rec.certificate_id}, counter-exact "
               f"{r.json()['counter_exact_share']} ({url})")
