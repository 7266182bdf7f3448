"""The batch verifier on a real anvil against its Python mirror (ecoai_chain/zk/batch.py): for
batches drawn by Hypothesis from the committed real proofs (some re-randomised, some with one
bad proof), the contract's seed and coefficients equal Python's and so do the verdicts."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ecoai_chain.chain.artifacts import load_artifact
from ecoai_chain.chain.client import proof_struct
from ecoai_chain.chain.deployment import deploy_contract
from ecoai_chain.zk import batch
from tests.zk.test_zk_batch import ITEMS, ROOT, _negate_a

pytestmark = pytest.mark.chain


@pytest.fixture(scope="module")
def vk():
    from ecoai_chain.zk.verifier import load_vkey

    return load_vkey(ROOT / "circuits" / "setup" / "verification_key.json")


@pytest.fixture(scope="module")
def verifier(anvil_session):
    from eth_account import Account
    from web3 import HTTPProvider, Web3

    from ecoai_chain.chain.devnet import dev_private_key

    w3 = Web3(HTTPProvider(anvil_session.rpc_url, request_kwargs={"timeout": 60}))
    contract, _ = deploy_contract(w3, Account.from_key(dev_private_key(0)),
                                  load_artifact("Groth16BatchVerifier"))
    return contract


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(picks=st.lists(st.tuples(st.integers(0, len(ITEMS) - 1), st.integers(0, 2**64)),
                      min_size=1, max_size=6),
       bad=st.none() | st.integers(0, 5))
@example(picks=[(0, 0)], bad=None)  # N = 1: exactly the single check
@example(picks=[(1, 0), (1, 0)], bad=None)  # the same proof twice
@example(picks=[(0, 0), (1, 0), (2, 0)], bad=2)  # the last one bad
def test_contract_and_python_agree_on_coefficients_and_verdict(vk, verifier, picks, bad):
    items = [(batch.rerandomize(ITEMS[i][0], s) if s else ITEMS[i][0], ITEMS[i][1])
             for i, s in picks]
    if bad is not None and bad < len(items):
        items[bad] = _negate_a(items[bad])
    proofs = [proof_struct(p) for p, _ in items]
    inputs = [s for _, s in items]
    seed, coefficients = verifier.functions.batchCoefficients(proofs, inputs).call()
    py_seed = batch.batch_seed(vk, items)
    assert seed == py_seed
    assert coefficients == batch.batch_coefficients(py_seed, len(items))
    expected = batch.verify_batch_fiat_shamir(vk, items)
    assert expected == (bad is None or bad >= len(items))
    assert verifier.functions.verifyBatch(proofs, inputs).call() is expected
