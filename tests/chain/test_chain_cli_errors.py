"""`ecoai chain` reaches its RPC through the redacting transport: an unreachable node is one
ChainError that never quotes the URL's secret."""

from __future__ import annotations

import pytest

from ecoai_chain.chain.cli import _web3
from ecoai_chain.chain.devnet import free_port
from ecoai_chain.errors import ChainError


def test_unreachable_rpc_is_a_chain_error_without_the_secret():
    key = "9aa3d95b3bc440fa88ea12eaa4456161"
    url = f"http://operator:hunter2@127.0.0.1:{free_port()}/v3/{key}"
    with pytest.raises(ChainError, match="cannot reach RPC http://") as err:
        _web3(url)
    assert "hunter2" not in str(err.value) and key not in str(err.value)
    assert "127.0.0.1" in str(err.value)
