"""Chain reads beyond GreenProof's views, as `GreenProofClient` methods (mixed in from here):
GreenProof's events over a block range, block headers, a transaction's calldata, code.

What the verifier and the live summary need to look at, in plain Python values, with vendor
errors translated once (`ecoai_chain.chain.node_errors`) -- so no caller outside the chain
package touches web3 for GreenProof.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ecoai_chain.chain.node_errors import node_call
from ecoai_chain.chain.record_words import submitted_args


@dataclass(frozen=True)
class BlockHeader:
    number: int
    timestamp_s: int


def _hex(b: Any) -> str:
    return "0x" + bytes(b).hex().removeprefix("0x")


class ChainReads:
    """Mixed into `GreenProofClient` (needs ``w3``, ``green_proof`` and ``deployment``)."""

    w3: Any
    green_proof: Any
    deployment: Any

    def chain_id(self) -> int:
        with node_call("eth_chainId"):
            return int(self.w3.eth.chain_id)

    def block_header(self, block: int | str = "latest") -> BlockHeader:
        with node_call("eth_getBlockByNumber"):
            b = self.w3.eth.get_block(block)
        return BlockHeader(int(b["number"]), int(b["timestamp"]))

    def transaction_input(self, tx_hash: str) -> bytes:
        """The calldata of a mined or pending transaction."""
        with node_call("eth_getTransactionByHash", tx_hash):
            return bytes(self.w3.eth.get_transaction(tx_hash)["input"])

    def code_at(self, address: str) -> bytes:
        with node_call("eth_getCode"):
            return bytes(self.w3.eth.get_code(address))

    def events(self, name: str, from_block: int | None = None, to_block: int | str = "latest",
               **filters: Any) -> list[dict[str, Any]]:
        """GreenProof's ``name`` events in [from_block (default: its deployment), to_block],
        oldest first, each its decoded arguments plus ``tx_hash``, ``block_number`` and
        ``log_index``; ``filters`` on indexed arguments (``nodeId=3``). A CertificateSubmitted
        has its four data words as ``record`` (`record_words.submitted_args`)."""
        if from_block is None:
            from_block = self.deployment.contracts["GreenProof"].block
        event = getattr(self.green_proof.events, name)()
        with node_call("eth_getLogs"):
            logs = event.get_logs(from_block=from_block, to_block=to_block,
                                  argument_filters=filters or None)
        args = submitted_args if name == "CertificateSubmitted" else dict
        out = [{**args(lg.args), "tx_hash": _hex(lg.transactionHash),
                "block_number": int(lg.blockNumber), "log_index": int(lg.logIndex)}
               for lg in logs]
        return sorted(out, key=lambda e: (e["block_number"], e["log_index"]))

    def verifier_address(self) -> str:
        with node_call("eth_call verifier"):
            return self.green_proof.functions.verifier().call()
