"""ChainIntensityProvider against GreenProof's DAO table on a real anvil chain."""

from __future__ import annotations

import pytest
from web3.exceptions import Web3RPCError

from ecoai_chain.carbon.intensity import (
    ChainIntensityProvider,
    LayeredProvider,
    StaticIntensityProvider,
)
from ecoai_chain.chain.client import GreenProofClient
from ecoai_chain.chain.deployment import deploy_all
from ecoai_chain.errors import ChainError, SourceError


@pytest.mark.chain
def test_on_chain_table_overrides_bundled(w3, dev_accounts):
    # The intensity table never calls the verifier, so any address stands in for it here (this
    # test does not depend on the ZK setup having generated Groth16Verifier.sol).
    dep = deploy_all(w3, dev_accounts[0], 3600, verifier=dev_accounts[4].address)
    admin = GreenProofClient(w3, dep, dev_accounts[0])
    t = admin.effective_soon_s()  # parameters are scheduled from now on only
    admin.set_region_intensity("KR", 415_000, t + 1_000)
    admin.set_region_intensity("KR", 390_000, t + 5_000)
    chain = ChainIntensityProvider(GreenProofClient(w3, dep))  # read-only client
    assert chain.intensity_at("KR", t + 1_000).mg_per_kwh == 415_000
    assert chain.intensity_at("KR", t + 4_999).mg_per_kwh == 415_000
    got = chain.intensity_at("KR", t + 10_000)
    assert got.mg_per_kwh == 390_000 and "on-chain" in got.source
    with pytest.raises(SourceError, match="no intensity set"):
        chain.intensity_at("KR", t + 999)
    layered = LayeredProvider([chain, StaticIntensityProvider()])
    assert layered.intensity_at("KR", t + 999) == StaticIntensityProvider().intensity_at(
        "KR", t + 999)
    assert layered.intensity_at("KR", t + 6_000).mg_per_kwh == 390_000
    assert layered.intensity_at("FR", t + 6_000).source.startswith("bundled")


class _Client:
    """A stand-in backend (the provider takes any client with region_intensity_at)."""

    def __init__(self, exc: BaseException) -> None:
        self.exc = exc

    def region_intensity_at(self, region, ts_s):
        raise self.exc


@pytest.mark.parametrize("exc", [ChainError("RPC down"), ConnectionRefusedError("refused"),
                                 Web3RPCError("header not found")])
def test_chain_failures_become_a_source_error_so_the_next_layer_answers(exc):
    bundled = StaticIntensityProvider()
    layered = LayeredProvider([ChainIntensityProvider(_Client(exc)), bundled])
    assert layered.intensity_at("KR", 0) == bundled.intensity_at("KR", 0)
    with pytest.raises(SourceError, match="on-chain intensity for 'KR' unavailable"):
        ChainIntensityProvider(_Client(exc)).intensity_at("KR", 0)


def test_a_bug_in_the_client_is_not_disguised_as_an_outage():
    with pytest.raises(AttributeError):
        ChainIntensityProvider(_Client(AttributeError("typo"))).intensity_at("KR", 0)
