"""Shared fixtures: a real anvil chain per test session (or per test), dev accounts, web3."""

from __future__ import annotations

import pytest

from ecoai_chain.chain.devnet import Anvil, dev_private_key


@pytest.fixture(scope="session")
def anvil_session():
    """One real anvil for the whole session (fast); tests must not assume a fresh state."""
    with Anvil() as node:
        yield node


@pytest.fixture
def anvil():
    """A fresh real anvil for one test (starts in well under a second)."""
    with Anvil() as node:
        yield node


@pytest.fixture
def w3(anvil):
    from web3 import HTTPProvider, Web3

    return Web3(HTTPProvider(anvil.rpc_url, request_kwargs={"timeout": 30}))


@pytest.fixture
def dev_accounts():
    from eth_account import Account

    return [Account.from_key(dev_private_key(i)) for i in range(5)]
