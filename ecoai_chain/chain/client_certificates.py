"""GreenProofClient's certificate side: each landed certificate's record, its two flags, and
the calls that take the record as calldata.

GreenProof keeps one storage word per certificate, at its (nodeId, epochStart) -- the same
word is the duplicate index, ``certificateOf`` -- holding, low bits first: the flags revoked
(bit 0), released (bit 1) and on hold (bit 2, an open challenge), the certificate id (bits
3..66) and the top 189 bits of ``keccak256(abi.encode(record))``. The record itself -- the
certificate's fields, its reward and release time, fixed at submission -- is carried by its
``CertificateSubmitted`` event, in four words (`record_words` unpacks them). So the record
comes from that log (eth_getLogs on the GreenProof address, topic 1 = the id, from the
deployment block) and is checked here against the word at the record's node and epoch
(`recordOf(nodeId, epochStart)`: the id must be the log's, the hash the record's) before use:
`certificate_record(id)` is the tuple every call that needs it sends (releaseRewards,
revokeCertificate, setReleaseHold, ChallengeManager.challenge, claimCertificate(Part), the
DAO's revoke action), and `get_certificate(id)` is the record plus the flags, keyed by the
ABI's names, in the shape the removed ``getCertificate`` had.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from eth_abi import encode as abi_encode
from eth_utils import collapse_if_tuple, keccak

from ecoai_chain.chain.record_words import RECORD_MEMBERS
from ecoai_chain.errors import CertificateRecordMismatch, ChainError, UnknownCertificate

# The word's low 67 bits: revoked (bit 0), released (bit 1), on hold (bit 2), the id (bits
# 3..66); the record's hash is above them, so `recordOf` returns the hash with these bits
# cleared (IGreenProof's header has the layout).
LOW_BITS = (1 << 67) - 1
# Topic filters with thousands of alternatives are refused by some nodes: ask in chunks.
LOG_IDS_PER_QUERY = 200


@dataclass(frozen=True)
class RecordState:
    """``recordOf(nodeId, epochStart)``: the certificate of that epoch (0: none, and then every
    field is zero), its record's hash (the low 67 bits cleared) and the revoked and released
    flags."""

    certificate_id: int
    record_hash: bytes
    revoked: bool
    released: bool


def record_abi(green_proof_abi: list[dict[str, Any]]) -> dict[str, Any]:
    """The ``record`` input of GreenProof's ``checkRecord`` (its components name the
    CertificateRecord members in struct order: what ``abi.encode(record)`` hashes). The event
    carries the record in four words instead (`record_words`)."""
    for entry in green_proof_abi:
        if entry.get("type") == "function" and entry.get("name") == "checkRecord":
            for i in entry["inputs"]:
                if i["name"] == "record":
                    if tuple(c["name"] for c in i["components"]) != RECORD_MEMBERS:
                        raise ChainError("GreenProof's CertificateRecord is not the one "
                                         "record_words unpacks: rebuild (`make build`)")
                    return i
    raise ChainError("GreenProof's ABI has no checkRecord(id, record): compiled from "
                     "contracts before one storage slot per certificate? run `make build`")


def record_tuple(record_input: dict[str, Any], record: Any) -> tuple:
    """A record (mapping by member name, as the event decodes, or a sequence in struct
    order) as the ABI tuple, in struct order."""
    names = [c["name"] for c in record_input["components"]]
    if isinstance(record, dict) or hasattr(record, "keys"):
        try:
            return tuple(record[n] for n in names)
        except KeyError as e:
            raise ChainError(f"certificate record without member {e}") from e
    values = tuple(record)
    if len(values) != len(names):
        raise ChainError(f"certificate record has {len(values)} members, CertificateRecord "
                         f"{len(names)}")
    return values


def record_hash(record_input: dict[str, Any], record: Any) -> bytes:
    """``keccak256(abi.encode(record))`` with the low 67 bits (id and flags) cleared: what
    ``recordOf`` returns for the certificate whose record this is."""
    word = keccak(abi_encode([collapse_if_tuple(record_input)],
                             [record_tuple(record_input, record)]))
    return (int.from_bytes(word, "big") & ~LOW_BITS).to_bytes(32, "big")


def certificate_view(log: dict[str, Any]) -> dict[str, Any]:
    """A `CertificatesMixin.submission_log` as `get_certificate` gives it: the record's members
    and the two flags, by ABI name."""
    return {**dict(log["record"]), "revoked": log["revoked"], "released": log["released"]}


class CertificatesMixin:
    """Mixed into GreenProofClient (which provides _transact, _call, _events, events,
    green_proof, deployment)."""

    green_proof: Any
    deployment: Any

    @property
    def _record_input(self) -> dict[str, Any]:
        cached = self.__dict__.get("_record_abi")
        if cached is None:
            cached = self.__dict__["_record_abi"] = record_abi(self.green_proof.abi)
        return cached

    # ------------------------------------------------------------------ reads
    def record_of(self, node_id: int, epoch_start_s: int) -> RecordState:
        """The word of the node's certificate for the epoch starting at ``epoch_start_s``: its
        id (0 when the epoch is not certified: no revert, it is the index), record hash and
        flags."""
        cid, h, revoked, released = self._call(
            self.green_proof.functions.recordOf(node_id, epoch_start_s))
        return RecordState(int(cid), bytes(h), bool(revoked), bool(released))

    def record_state(self, certificate_id: int, record: Any) -> RecordState:
        """The word at ``record``'s node and epoch, if it is certificate ``certificate_id``'s
        and holds ``record``'s hash; else `CertificateRecordMismatch` naming what differs (the
        record is then not this certificate's: say a chain reorganised since the log)."""
        r = dict(zip((c["name"] for c in self._record_input["components"]),
                     record_tuple(self._record_input, record), strict=True))
        state = self.record_of(r["nodeId"], r["epochStart"])
        if state.certificate_id != int(certificate_id):
            holder = (f"certificate {state.certificate_id}'s" if state.certificate_id
                      else "empty (the epoch is not certified)")
            raise CertificateRecordMismatch(
                certificate_id, f"the word at its record's node {r['nodeId']}, epoch "
                                f"{r['epochStart']} (recordOf) is {holder}")
        if record_hash(self._record_input, record) != state.record_hash:
            raise CertificateRecordMismatch(
                certificate_id, "its record does not hash to the contract's word "
                                f"0x{state.record_hash.hex()} (recordOf)")
        return state

    def submission_logs(self, certificate_ids: list[int]) -> dict[int, dict[str, Any]]:
        """Each id's CertificateSubmitted event (`ChainReads.events` shape; ``record`` keyed by
        member name), checked against its word (`record_state`): one eth_getLogs per
        `LOG_IDS_PER_QUERY` ids, one `recordOf` per log. An id without a log raises
        `UnknownCertificate`; one none of whose logs is its word's raises
        `CertificateRecordMismatch`."""
        wanted = list(dict.fromkeys(int(i) for i in certificate_ids))
        found: dict[int, list[dict[str, Any]]] = {}
        for k in range(0, len(wanted), LOG_IDS_PER_QUERY):
            chunk = wanted[k:k + LOG_IDS_PER_QUERY]
            for ev in self.events("CertificateSubmitted", certificateId=chunk):
                found.setdefault(int(ev["certificateId"]), []).append(ev)
        out = {}
        for cid in wanted:
            logs = found.get(cid)
            if not logs:
                raise UnknownCertificate(cid, "no CertificateSubmitted log of it from block "
                                         f"{self.deployment.contracts['GreenProof'].block}")
            refused: list[CertificateRecordMismatch] = []
            for ev in reversed(logs):  # the latest first
                try:
                    state = self.record_state(cid, ev["record"])
                except CertificateRecordMismatch as e:
                    refused.append(e)
                    continue
                out[cid] = {**ev, "revoked": state.revoked, "released": state.released}
                break
            else:
                raise refused[0]
        return out

    def submission_log(self, certificate_id: int) -> dict[str, Any]:
        """`submission_logs` of one id (with its flags under ``revoked`` / ``released``)."""
        return self.submission_logs([certificate_id])[int(certificate_id)]

    def certificate_records(self, certificate_ids: list[int]) -> list[tuple]:
        """The record tuples of ``certificate_ids``, in order, as calls take them."""
        logs = self.submission_logs(certificate_ids)
        return [record_tuple(self._record_input, logs[int(i)]["record"])
                for i in certificate_ids]

    def certificate_record(self, certificate_id: int) -> tuple:
        """The record tuple of one certificate, as calls take it (checked against its word)."""
        return self.certificate_records([certificate_id])[0]

    def get_certificate(self, certificate_id: int) -> dict[str, Any]:
        """The certificate's record and flags by ABI name (root, nodeId, epochStart, ...,
        rewardUnits, releaseAt, revoked, released)."""
        return certificate_view(self.submission_log(certificate_id))

    def check_record(self, certificate_id: int, record: Any) -> tuple[bool, bool]:
        """``checkRecord``: (revoked, released) if ``record`` is the certificate's; reverts
        GreenProofRecordMismatch / GreenProofUnknownCertificate otherwise."""
        revoked, released = self._call(self.green_proof.functions.checkRecord(
            certificate_id, record_tuple(self._record_input, record)))
        return bool(revoked), bool(released)

    def record_for(self, certificate_id: int, record: Any = None) -> tuple:
        """``record`` (a mapping by member name, or a sequence) as the ABI tuple; None: the
        certificate's own, `certificate_record`."""
        if record is None:
            return self.certificate_record(certificate_id)
        return record_tuple(self._record_input, record)

    def describe_record(self, record: Any) -> str:
        """`describe_record` of a record of this deployment's GreenProof."""
        return describe_record(self._record_input, record)

    # ------------------------------------------------------------------ transactions
    def revoke(self, certificate_id: int, reason: str, record: Any = None) -> dict[str, int]:
        """Revoke; returns {"clawed_back_units", "debt_units"} from CertificateRevoked,
        "cancelled_units" (an escrowed reward, RewardCancelled) and "slashed_wei" (BondSlashed).
        ``record``: the certificate's (default: `certificate_record`)."""
        receipt = self._transact(self.green_proof.functions.revokeCertificate(
            certificate_id, self.record_for(certificate_id, record), reason))
        (event,) = self._events(receipt, self.green_proof, "CertificateRevoked")
        cancelled = self._events(receipt, self.green_proof, "RewardCancelled")
        slashed = self._events(receipt, self.green_proof, "BondSlashed")
        return {
            "clawed_back_units": int(event.args["clawedBackUnits"]),
            "debt_units": int(event.args["debtUnits"]),
            "cancelled_units": sum(int(e.args["rewardUnits"]) for e in cancelled),
            "slashed_wei": sum(int(e.args["slashedWei"]) for e in slashed),
        }

    def release_rewards(self, certificate_ids: list[int],
                        records: list[Any] | None = None) -> dict[str, int]:
        """Release escrowed rewards (anyone may); returns {"minted_units", "withheld_units"}.
        ``records``: theirs, in order (default: `certificate_records`)."""
        ids = [int(i) for i in certificate_ids]
        recs = (self.certificate_records(ids) if records is None
                else [record_tuple(self._record_input, r) for r in records])
        receipt = self._transact(self.green_proof.functions.releaseRewards(ids, recs))
        events = self._events(receipt, self.green_proof, "RewardReleased")
        return {"minted_units": sum(int(e.args["mintedUnits"]) for e in events),
                "withheld_units": sum(int(e.args["withheldUnits"]) for e in events)}

    def set_release_hold(self, certificate_id: int, held: bool, record: Any = None) -> Any:
        """``setReleaseHold`` (the hold role: ChallengeManager on a live deployment)."""
        return self._transact(self.green_proof.functions.setReleaseHold(
            certificate_id, self.record_for(certificate_id, record), held))


def describe_record(record_input: dict[str, Any], record: Any) -> str:
    """A record as a call's argument is shown before it is sent: whose it is and the hash
    ``recordOf`` holds for it (the rest is the certificate's event, public)."""
    r = dict(zip((c["name"] for c in record_input["components"]),
                 record_tuple(record_input, record), strict=True))
    return (f"record(node {r['nodeId']}, epoch {r['epochStart']}, "
            f"hash 0x{record_hash(record_input, record).hex()})")
