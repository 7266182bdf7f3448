"""`ecoai up`: chain -> contracts -> genesis parameters -> nodes -> hand-over to the DAO ->
relayer, attestors (posting to the relayer first), indexer, API (and one DAO proposal carried
end to end: network/dao_demo.py).

Every step is idempotent and its results live in the data dir, so a second run resumes the
same network (anvil reloads its dumped state; the deployment, node keys and databases are
reused). Ctrl-C stops every child cleanly and dumps the chain.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ecoai_chain.chain.devnet import Anvil, dev_private_key, free_port
from ecoai_chain.errors import ChainError, ChildExited, ConfigError, EcoAIError
from ecoai_chain.network.plan import (
    BASELINE_NG_PER_TOKEN,
    BOND_WEI_PER_MW,
    CHALLENGE_WINDOW_S,
    EFFICIENCY_CEILING_TOKENS_PER_KWH,
    MAX_POWER_MW,
    NODE_PLAN,
    SLASH_SHARE_BPS,
    SUBMISSION_DEADLINE_S,
    WORKLOAD_CLASS,
    Layout,
    UpState,
    node_password_file,
)
from ecoai_chain.network.relay_service import RELAY_RESTART_LIMIT, RelayService
from ecoai_chain.network.supervisor import Supervisor
from ecoai_chain.toolchain import project_root

LOCAL_CHAIN_IDS = (31337, 1337)


@dataclass
class UpConfig:
    data_dir: Path = Path(".ecoai")
    rpc_url: str | None = None          # None: start anvil
    deployer_key_file: Path | None = None      # keystore of the deployer / DAO admin
    deployer_password_file: Path | None = None
    guardian: str | None = None         # pause + cancel queued proposals (local: dev account 1)
    nodes: int = 3
    window_s: int = 5
    slot_count: int = 6
    api_host: str = "127.0.0.1"
    api_port: int = 8000
    epochs: int = 0                     # stop once every node has this many certificates
    timeout_s: float = 900.0            # with epochs > 0: give up after this long
    trace: Path | None = None           # replay trace (default: the shipped synthetic one)
    relay: bool = True                  # attestors post to a relayer (`ecoai relay serve`)


def ecoai(*args: str) -> list[str]:
    return [sys.executable, "-m", "ecoai_chain.cli", *args]


def _run_cli(*args: str, log: Any) -> dict:
    """Run an `ecoai` command like an operator would; its last stdout line is JSON."""
    proc = subprocess.run(ecoai(*args), capture_output=True, text=True, stdin=subprocess.DEVNULL)
    if proc.returncode != 0:
        raise EcoAIError(f"`ecoai {' '.join(args[:2])}` failed: "
                         f"{(proc.stderr or proc.stdout).strip().splitlines()[-1:]}")
    lines = [ln for ln in proc.stdout.strip().splitlines() if ln.startswith("{")]
    return json.loads(lines[-1]) if lines else {}


def _gpu_count() -> int:
    """NVIDIA GPUs visible through NVML (0 when there is no driver)."""
    try:
        import pynvml
    except ImportError:
        return 0
    try:
        pynvml.nvmlInit()
    except pynvml.NVMLError:  # no driver, no library
        return 0
    try:
        return int(pynvml.nvmlDeviceGetCount())
    except pynvml.NVMLError:
        return 0
    finally:
        pynvml.nvmlShutdown()


class Network:
    def __init__(self, cfg: UpConfig, say: Any) -> None:
        self.cfg = cfg
        self.say = say
        self.layout = Layout(cfg.data_dir.resolve())
        self.layout.make()
        self.state = UpState.load(self.layout.state)
        self.sup = Supervisor(self.layout.logs)
        self.anvil: Anvil | None = None
        self.w3: Any = None
        self.client: Any = None
        self.deployment: Any = None
        self.relay: RelayService | None = None

    # ------------------------------------------------------------------ chain
    def start_chain(self) -> None:
        from web3 import HTTPProvider, Web3

        if self.cfg.rpc_url:
            rpc = self.cfg.rpc_url
        else:
            port = self.state.anvil_port or (8545 if _port_free(8545) else free_port())
            if not _port_free(port):
                raise ConfigError(f"port {port} of the resumed chain is busy: stop whatever "
                                  f"uses it, or start afresh with --fresh")
            # A block every second, like a real chain: contracts judge "epoch finished" by
            # block.timestamp, which on an idle mine-on-demand chain would stand still.
            self.anvil = Anvil(port=port, state_path=self.layout.chain_state, block_time_s=1,
                               extra_args=["--state-interval", "5"]).start()
            self.state.anvil_port = port
            rpc = self.anvil.rpc_url
            resumed = self.layout.chain_state.exists()
            self.say(f"chain: anvil on {rpc}" + (" (state reloaded)" if resumed else ""))
        self.state.rpc_url = rpc
        self.w3 = Web3(HTTPProvider(rpc, request_kwargs={"timeout": 60}))
        if not self.w3.is_connected():
            raise ChainError(f"cannot reach {rpc}")

    def deployer(self) -> Any:
        from eth_account import Account

        if self.cfg.deployer_key_file:
            from ecoai_chain.chain.keys import keystore_account, read_password

            return keystore_account(self.cfg.deployer_key_file,
                                    read_password(self.cfg.deployer_password_file))
        if self.w3.eth.chain_id not in LOCAL_CHAIN_IDS:
            raise ConfigError(f"chain {self.w3.eth.chain_id} is not a local dev chain: give "
                              "--deployer-keystore (the dev key is public)")
        return Account.from_key(dev_private_key(0))

    def guardian(self) -> str:
        if self.cfg.guardian:
            return self.cfg.guardian
        if self.w3.eth.chain_id not in LOCAL_CHAIN_IDS:
            raise ConfigError("give --guardian ADDRESS (e.g. a multisig) on a non-local chain")
        from eth_account import Account

        return Account.from_key(dev_private_key(1)).address

    def ensure_governance(self, dao: Any) -> None:
        """Genesis is set: hand every role to the EcoTimelock / EcoGovernor (once)."""
        from ecoai_chain.network.dao_demo import hand_over

        hand_over(self, dao, self.guardian())

    def _governed(self, what: str) -> None:
        """A governed network cannot be changed with plain roles: say what to propose."""
        if self.deployment.governed:
            raise ConfigError(f"{what}, but the network is governed by the DAO: propose it "
                              f"(`ecoai dao propose --manifest {self.layout.manifest} ...`) or "
                              "start afresh with --fresh")

    # ------------------------------------------------------------------ contracts
    def ensure_deployment(self, dao: Any) -> None:
        from ecoai_chain.chain.client import GreenProofClient
        from ecoai_chain.chain.deployment import deploy_all, load_manifest

        epoch_len = self.cfg.window_s * self.cfg.slot_count
        m = self.layout.manifest
        if m.exists():
            dep = load_manifest(m)
            if dep.is_live(self.w3):
                if dep.epoch_length_s != epoch_len:
                    raise ConfigError(f"{m} uses {dep.epoch_length_s} s epochs but "
                                      f"--window-s x --slots = {epoch_len}: use --fresh")
                self.deployment = dep
                self.say(f"contracts: reusing GreenProof {dep.green_proof}")
        if self.deployment is None:
            from ecoai_chain.chain.challenges import ChallengeParams
            from ecoai_chain.network.demo_challenge import LOCAL_CHALLENGE

            self.deployment = deploy_all(self.w3, dao, epoch_len, rpc_url=self.state.rpc_url,
                                         challenge=ChallengeParams(**LOCAL_CHALLENGE))
            self.deployment.save(m)
            self.say(f"contracts: deployed GreenProof {self.deployment.green_proof} "
                     f"(epochs of {epoch_len} s)")
        self.client = GreenProofClient(self.w3, self.deployment, dao)

    def ensure_parameters(self, regions: list[str]) -> None:
        """Schedule the DAO parameters the demo needs, from a few seconds from now on (they
        can never apply to the past), and wait until they are in effect."""
        import time

        from ecoai_chain.carbon.intensity import StaticIntensityProvider
        from ecoai_chain.chain.client import Param

        c = self.client
        provider = StaticIntensityProvider()
        # Each schedule starts a few blocks after its own call (a block a second here), and the
        # nodes register once the last one is in effect.
        last = 0

        def soon() -> int:
            nonlocal last
            last = c.effective_soon_s(margin_s=5)
            return last

        for region in sorted(set(regions)):
            t = soon()
            if c.region_intensity_at(region, t) == 0:
                self._governed(f"region {region} has no intensity")
                it = provider.intensity_at(region, t)
                c.set_region_intensity(region, it.mg_per_kwh, t)
                self.say(f"dao: {region} intensity {it.mg_per_kwh} mg/kWh ({it.source}, "
                         f"{it.year})")
        if c.baseline_at(WORKLOAD_CLASS, soon()) is None:
            self._governed(f"workload class {WORKLOAD_CLASS} has no baseline")
            c.set_baseline(WORKLOAD_CLASS, BASELINE_NG_PER_TOKEN, soon())
            self.say(f"dao: baseline {WORKLOAD_CLASS} = {BASELINE_NG_PER_TOKEN} ng/token")
        if c.efficiency_ceiling_at(WORKLOAD_CLASS, soon()) is None:
            self._governed(f"workload class {WORKLOAD_CLASS} has no efficiency ceiling")
            c.set_efficiency_ceiling(WORKLOAD_CLASS, EFFICIENCY_CEILING_TOKENS_PER_KWH, soon())
            self.say(f"dao: efficiency ceiling {WORKLOAD_CLASS} = "
                     f"{EFFICIENCY_CEILING_TOKENS_PER_KWH:.3g} tokens/kWh")
        for param, value, setter, what in (
            (Param.CHALLENGE_WINDOW, CHALLENGE_WINDOW_S, c.set_challenge_window,
             f"rewards vest for {CHALLENGE_WINDOW_S} s"),
            (Param.SUBMISSION_DEADLINE, SUBMISSION_DEADLINE_S, c.set_submission_deadline,
             f"certificates due {SUBMISSION_DEADLINE_S} s after their epoch"),
            (Param.BOND_PER_MW, BOND_WEI_PER_MW, c.set_bond_per_mw,
             f"bond {BOND_WEI_PER_MW / 1e18:g} coins per MW of max power"),
            (Param.SLASH_SHARE, SLASH_SHARE_BPS, c.set_slash_share,
             f"a revocation slashes {SLASH_SHARE_BPS / 100:g} % of the bond"),
        ):
            if c.parameter_at(param, None, soon()) != (True, value):
                self._governed(f"the demo's {param.name.lower()} is not set")
                setter(value, soon())
                self.say(f"dao: {what}")
        deadline = time.monotonic() + 60
        while c.chain_time_s() < last:  # nodes register (and bond) once the rates apply
            if time.monotonic() > deadline:
                raise ChainError(f"the chain's clock did not reach {last} within 60 s")
            time.sleep(0.5)

    # ------------------------------------------------------------------ nodes
    def ensure_nodes(self, dao: Any) -> None:
        gpus = _gpu_count()
        trace = self.cfg.trace or project_root() / "traces" / "synthetic_llm_gpu.csv"
        known = {n["name"]: n for n in self.state.nodes}
        for i in range(self.cfg.nodes):
            name = f"node{i + 1}"
            region, scale = NODE_PLAN[i % len(NODE_PLAN)]
            node = known.get(name) or {"name": name, "region": region, "scale": scale}
            d = self.layout.node_dir(name)
            pw = node_password_file(d)
            cfg_path = d / "config.toml"  # written by `ecoai attestor init`
            if not cfg_path.exists():
                source = ["--energy-source", "nvml"] if (i == 0 and gpus) else [
                    "--energy-source", "replay", "--replay-path", str(trace),
                    "--replay-energy-scale", scale]
                out = _run_cli(
                    "attestor", "init", "--data-dir", str(d), "--region", region,
                    "--rpc-url", self.state.rpc_url, "--deployment", str(self.layout.manifest),
                    *source, "--work-source", "replay" if "replay" in source else "none",
                    "--window-s", str(self.cfg.window_s), "--slot-count", str(self.cfg.slot_count),
                    "--sample-interval-s", "1", "--max-power-mw", str(MAX_POWER_MW),
                    "--workload-class", WORKLOAD_CLASS, "--metrics-port", str(free_port()),
                    "--password-file", str(pw), log=self.say)
                node["address"] = out["attestor"]
                node["source"] = "nvml" if "nvml" in source else f"replay x{scale}"
            node["dir"], node["config"] = str(d), str(cfg_path)
            self._fund(dao, node["address"])
            if not node.get("node_id"):
                out = _run_cli("attestor", "register", "--config", str(cfg_path),
                               "--password-file", str(pw), log=self.say)
                node["node_id"] = int(out["node_id"])
            if int(self.client.get_node(node["node_id"])["status"]) == 0:
                self._governed(f"node {node['node_id']} is pending (activate it)")
                self.client.activate_node(node["node_id"])
            self._delegate(d, pw, dao.address)
            self.say(f"{name}: node {node['node_id']} in {region}, attestor {node['address']}, "
                     f"energy {node.get('source', '?')}")
            known[name] = node
        self.state.nodes = [known[f"node{i + 1}"] for i in range(self.cfg.nodes)]
        self.state.save(self.layout.state)

    def _delegate(self, node_dir: Path, password_file: Path, member: str) -> None:
        """The node operator (its attestor key: `attestor register` sends from it) delegates
        its credits' votes to the DAO member, before its attestor starts sending."""
        from ecoai_chain.chain.keys import keystore_account, read_password
        from ecoai_chain.network.dao_demo import delegate_votes

        keys = sorted((node_dir / "keystore").glob("*.json"))  # `ecoai attestor init` made it
        if len(keys) != 1:
            raise ConfigError(f"{node_dir / 'keystore'} should hold one keystore, has {len(keys)}")
        operator = keystore_account(keys[0], read_password(password_file), private_dir=True)
        if delegate_votes(self.w3, self.deployment, operator, member):
            self.say(f"dao: {operator.address} delegates its votes to {member}")

    def _fund(self, dao: Any, address: str, who: str = "attestor") -> None:
        """Attestors (and the relayer) pay their own gas; on a local chain the DAO account tops
        them up."""
        from ecoai_chain.chain.tx import send_tx

        if self.w3.eth.get_balance(address) >= 10**18:
            return
        if self.w3.eth.chain_id not in LOCAL_CHAIN_IDS:
            raise ConfigError(f"{who} {address} has no gas money: fund it on this chain")
        send_tx(self.w3, dao, {"to": address, "value": 100 * 10**18}, gas=21_000)

    # ------------------------------------------------------------------ services
    def ensure_relayer(self, dao: Any) -> None:
        """The relayer's account (created once, kept in the data dir) with gas money."""
        if not self.cfg.relay:
            return
        self.relay = RelayService(self.layout.root / "relay")
        address = self.relay.ensure_key()
        self._fund(dao, address, who="relayer")
        self.say(f"relayer: account {address}")

    def _start_relayer(self) -> dict[str, str]:
        """Start `ecoai relay serve` (started again if it dies) and wait until it answers;
        the environment that points an attestor at it ({} without a relayer)."""
        if self.relay is None:
            return {}
        port = self.state.relay_port
        if port is None or not _port_free(port):
            port = free_port()
        self.relay.port = self.state.relay_port = port
        child = self.sup.start("relayer", self.relay.argv(
            ecoai, self.state.rpc_url, self.layout.manifest, max_batch_size=self.cfg.nodes),
            restart_limit=RELAY_RESTART_LIMIT)

        def alive() -> None:  # dying before it ever answered is a set-up fault: no restart
            if child.proc.poll() is not None:
                raise ChildExited(f"the relayer exited with code {child.proc.returncode} at "
                                  f"start-up; last log lines ({child.log_path}):\n"
                                  f"{child.tail()}")

        self.relay.wait_ready(alive)
        self.say(f"relayer: {self.relay.url}/relay/v1 (batches of up to {self.cfg.nodes})")
        return self.relay.attestor_env()

    def start_services(self) -> str:
        relay_env = self._start_relayer()
        for node in self.state.nodes:
            self.sup.start(node["name"], ecoai("attestor", "run", "--config", node["config"],
                                               "--password-file", str(Path(node["dir"]) /
                                                                      "password")),
                           env=relay_env)
        db = f"sqlite:///{self.layout.indexer_db}"
        index = ("indexer", "run", "--manifest", str(self.layout.manifest),
                 "--rpc", self.state.rpc_url, "--db", db, "--confirmations", "0")
        # Catch up once (creates the schema, backfills after a restart) before the follower and
        # the API open the same database.
        subprocess.run(ecoai(*index, "--once"), check=True, stdout=subprocess.DEVNULL,
                       stdin=subprocess.DEVNULL)
        self.sup.start("indexer", ecoai(*index, "--poll-s", "1"))
        port = self.cfg.api_port if _port_free(self.cfg.api_port) else free_port()
        self.sup.start("api", ecoai("api", "serve", "--db", db, "--host", self.cfg.api_host,
                                    "--port", str(port), "--manifest", str(self.layout.manifest)))
        url = f"http://{self.cfg.api_host}:{port}"
        self.state.api_port = port
        self.state.save(self.layout.state)
        self.layout.ready.write_text(json.dumps({
            "rpc_url": self.state.rpc_url, "api_url": url, "explorer_url": url + "/",
            "manifest": str(self.layout.manifest),
            "relayer": None if self.relay is None else {"url": self.relay.url,
                                                        "address": self.relay.address},
            "nodes": [{k: n[k] for k in ("name", "node_id", "region", "address")}
                      for n in self.state.nodes]}, indent=2))
        return url

    def stop(self) -> None:
        self.sup.stop_all()
        if self.anvil is not None:
            self.anvil.stop()  # SIGTERM: anvil dumps its state for the next start


def _port_free(port: int, host: str = "127.0.0.1") -> bool:
    import socket

    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True
