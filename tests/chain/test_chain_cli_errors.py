"""`ecoai chain` reaches its RPC through the redacting transport: an unreachable node is one
ChainError that never quotes the URL's secret."""

from __future__ import annotations

import pytest

from ecoai_chain.chain.cli import _web3
from ecoai_chain.chain.devnet import free_port
from ecoai_chain.errors import ChainError


def test_unreachable_rpc_is_a_chain_error_without_the_secret():
    url = f"http://operator:hunter2@127.0.0.1:{free_port()}/v3/9aa3d95b3bc440fa88ea12eaa4456161"
    with pytest.raises(ChainError) as err:
        _web3(url)
    assert "hunter2" not in str(err.value) and "9aa3d95b3bc440fa88ea12eaa4456161" not in str(err.value)
    assert "127.0.0.1" in str(err.value)
