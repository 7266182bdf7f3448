"""A real anvil with GreenProof deployed, an active node, and epochs proved into a store with
real Groth16 proofs: the world the submitter tests run against (no mocks)."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

from eth_account import Account

from attestor.keystore import derive_seed
from attestor.sealer import Sealer
from attestor.store import Store
from attestor.window import ClosedWindow
from ecoai_chain.chain.devnet import Anvil, dev_private_key, set_chain_time

W, N = 1, 4
E = W * N
WC = b"llm-inference".ljust(32, b"\0")


@contextmanager
def proved_world(tmp_path: Path, epochs: int = 3, schedule=None):
    """Yields a dict: w3, client (the attestor's), admin, store, base (first epoch start),
    attestor, node_id, rpc(method, *params) for anvil's test methods. ``schedule(admin,
    t, base)``: more DAO parameters, scheduled from ``t`` on (before the epochs) or later."""
    from web3 import HTTPProvider, Web3

    from ecoai_chain.chain.client import GreenProofClient
    from ecoai_chain.chain.deployment import deploy_all
    from ecoai_chain.chain.eip712 import sign_certificate
    from ecoai_chain.zk.artifacts import zk_artifacts
    from ecoai_chain.zk.prover import Prover

    zk_artifacts()  # committed: missing artifacts are a failure, not a skip
    with Anvil(block_time_s=1) as node:
        w3 = Web3(HTTPProvider(node.rpc_url))
        dao = Account.from_key(dev_private_key(0))
        attestor = Account.create()
        dep = deploy_all(w3, dao, epoch_length_s=E, rpc_url=node.rpc_url)
        admin = GreenProofClient(w3, dep, dao)
        now = w3.eth.get_block("latest")["timestamp"]
        t = admin.effective_soon_s()  # parameters apply from now on: the epochs come after
        admin.set_region_intensity("KR", 415_000, t)
        admin.set_baseline("llm-inference", 400, t)
        admin.set_efficiency_ceiling("llm-inference", 50_000_000, t)
        base = -(-t // E) * E
        if schedule is not None:
            schedule(admin, t, base)
        w3.eth.wait_for_transaction_receipt(w3.eth.send_transaction(
            {"from": dao.address, "to": attestor.address, "value": 10**20}))
        client = admin.with_account(attestor)
        node_id = client.register_node(attestor.address, "KR", 1_000_000)
        admin.activate_node(node_id)
        store = Store(tmp_path / "a.db")
        store.append_windows([ClosedWindow(t, t + W, 300_000 + t % 7, 1000 + t % 5, 4, 300_000,
                                           310_000, False, False, {"d": t})
                              for t in range(base, base + epochs * E, W)], attestor, "replay")
        with Prover() as prover:
            sealer = Sealer(store, derive_seed(bytes(attestor.key)), W, N, 1_000_000, WC,
                            prover, intensity_at=lambda t: client.region_intensity_at("KR", t),
                            sign=lambda c: sign_certificate(attestor, dep.chain_id,
                                                            dep.green_proof, c),
                            clock=lambda: now + 10**6)
            for _ in range(epochs):
                sealer.run_once(node_id)
        set_chain_time(w3, base + epochs * E + 1, at_least=True)  # every epoch has ended

        def rpc(method: str, *params: object) -> object:
            r = w3.provider.make_request(method, list(params))
            assert "error" not in r, r
            return r["result"]

        yield {"w3": w3, "client": client, "admin": admin, "store": store, "base": base,
               "attestor": attestor, "node_id": node_id, "rpc": rpc}
