"""ChainIntensityProvider against GreenProof's DAO table on a real anvil chain."""

from __future__ import annotations

import pytest

from ecoai_chain.carbon.intensity import (
    ChainIntensityProvider,
    LayeredProvider,
    StaticIntensityProvider,
)
from ecoai_chain.chain.client import GreenProofClient
from ecoai_chain.chain.deployment import deploy_all
from ecoai_chain.errors import SourceError


@pytest.mark.chain
def test_on_chain_table_overrides_bundled(w3, dev_accounts):
    # The intensity table never calls the verifier, so any address stands in for it here (this
    # test does not depend on the ZK setup having generated Groth16Verifier.sol).
    dep = deploy_all(w3, dev_accounts[0], 3600, verifier=dev_accounts[4].address)
    admin = GreenProofClient(w3, dep, dev_accounts[0])
    admin.set_region_intensity("KR", 415_000, 1_000)
    admin.set_region_intensity("KR", 390_000, 5_000)
    chain = ChainIntensityProvider(GreenProofClient(w3, dep))  # read-only client
    assert chain.intensity_at("KR", 1_000).mg_per_kwh == 415_000
    assert chain.intensity_at("KR", 4_999).mg_per_kwh == 415_000
    got = chain.intensity_at("KR", 10_000)
    assert got.mg_per_kwh == 390_000 and "on-chain" in got.source
    with pytest.raises(SourceError, match="no intensity set"):
        chain.intensity_at("KR", 999)
    layered = LayeredProvider([chain, StaticIntensityProvider()])
    assert layered.intensity_at("KR", 999) == StaticIntensityProvider().intensity_at("KR", 999)
    assert layered.intensity_at("KR", 6_000).mg_per_kwh == 390_000
    assert layered.intensity_at("FR", 6_000).source.startswith("bundled")
