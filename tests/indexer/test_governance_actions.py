"""A proposal's actions in the index: whatever the action decoder makes of a stranger's calldata
(or however it fails), the proposal is indexed, its actions kept raw where not decoded."""

from __future__ import annotations

import json

from ecoai_chain.indexer.abi import AbiString, DecodedLog
from ecoai_chain.indexer.governance import rows_for

GOVERNOR = "0x" + "11" * 20
TARGET = "0x" + "22" * 20


class BrokenCodec:
    """Stands for any decoder bug still unknown: decoding raises something unexpected."""

    def decode(self, target, calldata):
        raise RecursionError("deep enough")


def _created(calldatas: list[bytes]) -> DecodedLog:
    args = {"proposalId": 2**256 - 1, "proposer": TARGET, "targets": [TARGET] * len(calldatas),
            "values": [2**256 - 1] * len(calldatas), "signatures": [""] * len(calldatas),
            "calldatas": calldatas, "voteStart": 2**256 - 1, "voteEnd": 2**256 - 1,
            "description": AbiString(b"\xff\x00")}
    return DecodedLog("ProposalCreated", args, GOVERNOR, 7, "0x" + "00" * 32, "0x" + "aa" * 32,
                      0)


def test_an_action_the_decoder_fails_on_is_kept_raw_with_the_reason():
    kind, row = rows_for(_created([b"\x01\x02\x03\x04", b""]), 1_700_000_000, BrokenCodec())
    assert kind == "proposal" and row["proposal_id"] == str(2**256 - 1)
    actions = json.loads(row["actions_json"])
    assert [a["calldata"] for a in actions] == ["0x01020304", "0x"]
    assert all(a["function"] == "?" and a["decode_error"].startswith("RecursionError")
               for a in actions)
    assert actions[0]["value_wei"] == str(2**256 - 1)


def test_without_a_codec_actions_are_raw():
    _kind, row = rows_for(_created([b"\xde\xad"]), 1_700_000_000, None)
    (action,) = json.loads(row["actions_json"])
    assert action == {"target": TARGET, "calldata": "0xdead", "action": None,
                      "value_wei": str(2**256 - 1)}
    assert row["description"] == "\ufffd\u2400"
