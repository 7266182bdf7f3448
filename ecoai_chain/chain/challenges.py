"""`ChallengeClient`: the ChallengeManager (contracts/ChallengeManager.sol) from Python.

Built on a `GreenProofClient` (its account, its typed node errors, its decoder, which knows the
ChallengeManager's and the hashers' errors), so every revert arrives as
``ContractRevert(name, args)`` (``ChallengeOpeningMismatch``, ``ChallengeAlreadyAnswered`` ...).

    cm = ChallengeClient(GreenProofClient(w3, deployment, account))
    cid = cm.challenge(certificate_id)            # pays the deposit in force
    cm.slots(cid)                                 # once the randomness block is past
    cm.answer(cid, openings)                      # ecoai_chain.challenge.openings.build_answer
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from web3.logs import DISCARD

from ecoai_chain.chain.artifacts import load_artifact
from ecoai_chain.chain.fees import Fees
from ecoai_chain.chain.node_errors import node_call
from ecoai_chain.chain.submission import SignedTx
from ecoai_chain.errors import ChainError

# IChallengeManager.ChallengeStatus
STATUS_NAMES = ("none", "open", "answered", "defaulted", "void")


@dataclass(frozen=True)
class ChallengeParams:
    deposit_wei: int
    open_count: int
    answer_window_s: int
    challenger_share_bps: int


def _hex(b: Any) -> str:
    return "0x" + bytes(b).hex().removeprefix("0x")


def challenge_view(raw: dict[str, Any]) -> dict[str, Any]:
    """A `getChallenge` struct in our names (status as a word, seed as hex or None)."""
    seed = bytes(raw["seed"])
    return {
        "certificate_id": int(raw["certificateId"]), "challenger": raw["challenger"],
        "node_id": int(raw["nodeId"]), "randomness_block": int(raw["randomnessBlock"]),
        "deadline_s": int(raw["deadline"]), "open_count": int(raw["openCount"]),
        "status": STATUS_NAMES[int(raw["status"])],
        "challenger_share_bps": int(raw["challengerShareBps"]),
        "deposit_wei": int(raw["depositWei"]),
        "seed": None if seed == b"\x00" * 32 else _hex(seed),
    }


class ChallengeClient:
    def __init__(self, client: Any) -> None:
        self.client = client
        self.w3 = client.w3
        abi = load_artifact("ChallengeManager").abi
        self.contract = self.w3.eth.contract(
            address=client.deployment.address("ChallengeManager"), abi=abi)

    @staticmethod
    def available(deployment: Any) -> bool:
        return "ChallengeManager" in deployment.contracts

    @property
    def address(self) -> str:
        return self.contract.address

    # ------------------------------------------------------------------ views
    def params(self) -> ChallengeParams:
        return ChallengeParams(*(int(v) for v in self.client.call(
            self.contract.functions.challengeParams())))

    def get(self, challenge_id: int) -> dict[str, Any]:
        fn = self.contract.functions.getChallenge(challenge_id)
        comps = fn.abi["outputs"][0]["components"]
        raw = dict(zip((c["name"] for c in comps), self.client.call(fn), strict=True))
        return challenge_view(raw)

    def challenged_record(self, challenge_id: int) -> dict[str, Any]:
        """The certificate record the challenge was opened with (kept by the ChallengeManager;
        GreenProof's names: root, nodeId, epochStart, slotCount, releaseAt, ...)."""
        fn = self.contract.functions.challengedRecord(challenge_id)
        comps = fn.abi["outputs"][0]["components"]
        return dict(zip((c["name"] for c in comps), self.client.call(fn), strict=True))

    def slots(self, challenge_id: int) -> list[int]:
        """The slots to open (raises ContractRevert ChallengeRandomnessNotReady / Expired)."""
        fn = self.contract.functions.challengeSlots(challenge_id)
        return [int(s) for s in self.client.call(fn)]

    def count(self) -> int:
        return int(self.client.call(self.contract.functions.challengeCount()))

    def open_challenge_of(self, certificate_id: int) -> int:
        return int(self.client.call(self.contract.functions.openChallengeOf(certificate_id)))

    def draw_slots_from(self, seed: bytes, slot_count: int, open_count: int) -> list[int]:
        fn = self.contract.functions.drawSlotsFrom(bytes(seed), slot_count, open_count)
        return [int(s) for s in self.client.call(fn)]

    def block_hash(self, block_number: int) -> bytes:
        with node_call("eth_getBlockByNumber"):
            return bytes(self.w3.eth.get_block(block_number)["hash"])

    def opened(self, from_block: int, to_block: int | str = "latest",
               node_id: int | None = None) -> list[dict[str, Any]]:
        """``ChallengeOpened`` events, oldest first (optionally of one node)."""
        return self._logs("ChallengeOpened", from_block, to_block,
                          {"nodeId": node_id} if node_id is not None else None)

    def events(self, name: str, from_block: int, to_block: int | str = "latest",
               **filters: Any) -> list[dict[str, Any]]:
        return self._logs(name, from_block, to_block, filters or None)

    def _logs(self, name: str, from_block: int, to_block: int | str,
              filters: dict[str, Any] | None) -> list[dict[str, Any]]:
        event = getattr(self.contract.events, name)()
        with node_call("eth_getLogs"):
            logs = event.get_logs(from_block=from_block, to_block=to_block,
                                  argument_filters=filters)
        out = [{**dict(lg.args), "tx_hash": _hex(lg.transactionHash),
                "block_number": int(lg.blockNumber), "log_index": int(lg.logIndex)}
               for lg in logs]
        return sorted(out, key=lambda e: (e["block_number"], e["log_index"]))

    # ------------------------------------------------------------------ transactions
    def challenge(self, certificate_id: int, deposit_wei: int | None = None,
                  record: Any = None) -> int:
        """Challenge; pays ``deposit_wei`` (default: the deposit in force) and sends the
        certificate's ``record`` (default: `GreenProofClient.certificate_record`), which the
        ChallengeManager keeps for the challenge. Returns the id."""
        value = self.params().deposit_wei if deposit_wei is None else deposit_wei
        rec = self.client.record_for(certificate_id, record)
        fn = self.contract.functions.challenge(certificate_id, rec)
        receipt = self._send(fn, value)
        (ev,) = self.contract.events.ChallengeOpened().process_receipt(receipt, errors=DISCARD)
        return int(ev.args["challengeId"])

    def draw_slots(self, challenge_id: int) -> Any:
        return self._send(self.contract.functions.drawSlots(challenge_id))

    def answer(self, challenge_id: int, openings: list[tuple]) -> Any:
        return self._send(self.contract.functions.answerChallenge(challenge_id, openings))

    def finalize(self, challenge_id: int) -> dict[str, Any]:
        receipt = self._send(self.contract.functions.finalizeChallenge(challenge_id))
        for name in ("ChallengeDefaulted", "ChallengeVoided"):
            evs = getattr(self.contract.events, name)().process_receipt(receipt, errors=DISCARD)
            if evs:
                return {"outcome": name, **dict(evs[0].args)}
        raise ChainError("finalizeChallenge emitted no outcome event")

    def set_params(self, p: ChallengeParams) -> Any:
        return self._send(self.contract.functions.setChallengeParams(
            p.deposit_wei, p.open_count, p.answer_window_s, p.challenger_share_bps))

    def build_answer_tx(self, challenge_id: int, openings: list[tuple], *, nonce: int,
                        fees: Fees) -> SignedTx:
        """Estimate (a revert surfaces here as ContractRevert) and sign; sends nothing."""
        fn = self.contract.functions.answerChallenge(challenge_id, openings)
        return self.client.sign_call(fn, nonce=nonce, fees=fees)

    def _send(self, fn: Any, value: int = 0) -> Any:
        if value:
            fn = _WithValue(fn, value)
        return self.client.send(fn)


class _WithValue:
    """A bound contract function that carries ``value`` into build_transaction."""

    def __init__(self, fn: Any, value: int) -> None:
        self._fn, self._value = fn, value
        self.fn_name = fn.fn_name

    def build_transaction(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._fn.build_transaction({**params, "value": self._value})
