"""One DAO history on a governed chain (tests/dao_chain.py), indexed into SQLite: shared by
the API test and the explorer's Chromium test.

- "executed": revoke certificate 1 and lower KR's intensity from 2030; the larger holder votes
  for, the smaller against (with a reason); queued, executed after the timelock delay.
- "cancelled": passes and is queued, then the guardian cancels it in the timelock.
- "pending": proposed last, not yet open for votes.
"""

from __future__ import annotations

from dataclasses import dataclass

from ecoai_chain.chain.client import GreenProofClient
from ecoai_chain.dao.client import DaoClient
from ecoai_chain.indexer.db import make_engine
from ecoai_chain.indexer.follower import Indexer
from ecoai_chain.indexer.manifest import config_from_deployment
from ecoai_chain.indexer.rpc import JsonRpc
from ecoai_chain.indexer.store import IndexStore
from tests.dao_chain import DAO_SETTINGS, advance

FUTURE_S = 1_900_000_000


@dataclass
class History:
    executed: int
    cancelled: int
    pending: int
    big: object
    small: object
    db_url: str
    revoked_record: str  # certificate 1's record as the revoke action shows it


def _pass(w3, dep, pid, big, small, against_reason="") -> None:
    advance(w3, DAO_SETTINGS["voting_delay_s"] + 1)
    DaoClient(w3, dep, big).vote(pid, "for", "cleaner grid data")
    DaoClient(w3, dep, small).vote(pid, "against", against_reason)
    advance(w3, DAO_SETTINGS["voting_period_s"] + 1)
    DaoClient(w3, dep, big).queue(pid)


def build(dao: dict, db_path) -> History:
    w3, dep = dao["w3"], dao["deployment"]
    gp = GreenProofClient(w3, dep)
    big, small = sorted(dao["voters"], key=lambda a: -gp.eco_balance(a.address))
    client = DaoClient(w3, dep, big)
    revoked_record = gp.describe_record(gp.get_certificate(1))
    executed = client.propose(client.plan([
        "revoke", "1", "--reason", "meter tampering found in audit", "+",
        "set-intensity", "KR", "300000", "--from", str(FUTURE_S)]),
        "Revoke certificate 1; KR grid is cleaner from 2030")
    _pass(w3, dep, executed, big, small, "I run a KR node")
    advance(w3, DAO_SETTINGS["timelock_delay_s"])
    client.execute(executed)

    cancelled = client.propose(client.plan(["suspend", "2", "--reason", "test"]),
                               "Suspend node 2")
    _pass(w3, dep, cancelled, big, small)
    DaoClient(w3, dep, dao["guardian"]).cancel(cancelled)

    pending = client.propose(client.plan(["set-baseline", "llm-inference", "60000", "--from",
                                          str(FUTURE_S)]),
                             "Lower the llm-inference baseline")
    db_url = f"sqlite:///{db_path}"
    cfg = config_from_deployment(dep, confirmations=0)
    Indexer(JsonRpc(dep.rpc_url or w3.provider.endpoint_uri), IndexStore(make_engine(db_url)),
            cfg).sync()
    return History(executed, cancelled, pending, big, small, db_url, revoked_record)
