"""GreenProofClient's claims side: retiring Eco Credits (EcoCredit.retire / retireWithPermit)
and claiming certificates (contracts/CertificateClaims.sol).

A retirement burns the holder's credits for a beneficiary and returns its id; a claim assigns a
released, unrevoked certificate's energy and carbon (or a part by energy) to a beneficiary and
returns the claim id. Reverts come back as `ContractRevert` with the contract's error name
(``CertificateClaimsAlreadyClaimed``, ``CertificateClaimsStillVesting``, ...).
"""

from __future__ import annotations

from typing import Any

from eth_account.signers.local import LocalAccount
from eth_utils import to_checksum_address

from ecoai_chain.chain.artifacts import load_artifact
from ecoai_chain.errors import ConfigError

CLAIMS_CONTRACT = "CertificateClaims"


def permit_typed_data(chain_id: int, token: str, owner: str, spender: str, value: int,
                      nonce: int, deadline_s: int) -> dict[str, Any]:
    """EIP-2612 Permit typed data for EcoCredit (domain name "Eco Credit", version "1")."""
    return {
        "types": {
            "EIP712Domain": [{"name": "name", "type": "string"},
                             {"name": "version", "type": "string"},
                             {"name": "chainId", "type": "uint256"},
                             {"name": "verifyingContract", "type": "address"}],
            "Permit": [{"name": "owner", "type": "address"},
                       {"name": "spender", "type": "address"},
                       {"name": "value", "type": "uint256"},
                       {"name": "nonce", "type": "uint256"},
                       {"name": "deadline", "type": "uint256"}],
        },
        "primaryType": "Permit",
        "domain": {"name": "Eco Credit", "version": "1", "chainId": chain_id,
                   "verifyingContract": to_checksum_address(token)},
        "message": {"owner": to_checksum_address(owner), "spender": to_checksum_address(spender),
                    "value": value, "nonce": nonce, "deadline": deadline_s},
    }


def _claim_json(claim: Any, revoked: bool) -> dict[str, Any]:
    # nodeId and epochStart locate the certificate's slot in GreenProof (where getClaim reads
    # `revoked`); the certificate id names it here, as before.
    (cert_id, _node_id, _epoch_start, claimed_at, is_final, beneficiary, claimant, energy, carbon,
     purpose_hash) = claim
    return {"certificate_id": int(cert_id), "claimed_at_s": int(claimed_at),
            "is_final": bool(is_final), "beneficiary": beneficiary, "claimant": claimant,
            "energy_mj": int(energy), "carbon_mg": int(carbon),
            "purpose_hash": "0x" + bytes(purpose_hash).hex(), "certificate_revoked": bool(revoked)}


class ClaimsMixin:
    """Mixed into GreenProofClient (which provides _transact, _call, _events, w3, eco_credit,
    deployment, account and `CertificatesMixin.certificate_record`)."""

    w3: Any
    eco_credit: Any
    deployment: Any
    account: LocalAccount | None

    @property
    def certificate_claims(self) -> Any:
        if CLAIMS_CONTRACT not in self.deployment.contracts:
            raise ConfigError("this deployment has no CertificateClaims contract "
                              "(deployed by `ecoai chain deploy` since issue 17)")
        cached = self.__dict__.get("_claims_contract")
        if cached is None:
            cached = self.w3.eth.contract(address=self.deployment.address(CLAIMS_CONTRACT),
                                          abi=load_artifact(CLAIMS_CONTRACT).abi)
            self.__dict__["_claims_contract"] = cached
        return cached

    # ------------------------------------------------------------------ retirements
    def retire(self, amount_units: int, beneficiary: str, purpose: str) -> int:
        """Burn ``amount_units`` of this account's credits for ``beneficiary``; the id."""
        receipt = self._transact(self.eco_credit.functions.retire(
            amount_units, to_checksum_address(beneficiary), purpose))
        (event,) = self._events(receipt, self.eco_credit, "CreditsRetired")
        return int(event.args["retirementId"])

    def sign_permit(self, owner: LocalAccount, spender: str, value: int, deadline_s: int) -> tuple:
        """(v, r, s) of ``owner``'s EIP-2612 permit for ``spender``."""
        nonce = self._call(self.eco_credit.functions.nonces(owner.address))
        data = permit_typed_data(self.w3.eth.chain_id, self.eco_credit.address, owner.address,
                                 spender, value, nonce, deadline_s)
        signed = owner.sign_typed_data(full_message=data)
        return signed.v, signed.r.to_bytes(32, "big"), signed.s.to_bytes(32, "big")

    def retire_with_permit(self, owner: LocalAccount, amount_units: int, beneficiary: str,
                           purpose: str, deadline_s: int) -> int:
        """Retire ``owner``'s credits in one transaction sent by this client's account, with
        ``owner``'s permit (signed here) instead of a separate approve."""
        if self.account is None:
            raise ConfigError("retire_with_permit needs the sending account")
        v, r, s = self.sign_permit(owner, self.account.address, amount_units, deadline_s)
        receipt = self._transact(self.eco_credit.functions.retireWithPermit(
            owner.address, amount_units, to_checksum_address(beneficiary), purpose,
            deadline_s, v, r, s))
        (event,) = self._events(receipt, self.eco_credit, "CreditsRetired")
        return int(event.args["retirementId"])

    def get_retirement(self, retirement_id: int) -> dict[str, Any]:
        holder, retired_at, beneficiary, amount, purpose_hash = self._call(
            self.eco_credit.functions.getRetirement(retirement_id))
        return {"holder": holder, "retired_at_s": int(retired_at), "beneficiary": beneficiary,
                "amount_units": int(amount), "purpose_hash": "0x" + bytes(purpose_hash).hex()}

    def retirement_count(self) -> int:
        return self._call(self.eco_credit.functions.retirementCount())

    def retired_for(self, beneficiary: str) -> int:
        return self._call(self.eco_credit.functions.retiredFor(to_checksum_address(beneficiary)))

    def total_supply(self) -> int:
        return self._call(self.eco_credit.functions.totalSupply())

    # ------------------------------------------------------------------ claims
    def claim_certificate(self, certificate_id: int, beneficiary: str, purpose: str,
                          energy_mj: int | None = None, record: Any = None) -> int:
        """Claim what is left of the certificate (or ``energy_mj`` of it); the claim id.
        ``record``: the certificate's (default: `CertificatesMixin.certificate_record`)."""
        c = self.certificate_claims.functions
        rec = self.record_for(certificate_id, record)
        ben = to_checksum_address(beneficiary)
        fn = (c.claimCertificate(certificate_id, rec, ben, purpose) if energy_mj is None
              else c.claimCertificatePart(certificate_id, rec, energy_mj, ben, purpose))
        receipt = self._transact(fn)
        (event,) = self._events(receipt, self.certificate_claims, "CertificateClaimed")
        return int(event.args["claimId"])

    def set_claimant(self, node_id: int, claimant: str, allowed: bool = True) -> Any:
        return self._transact(self.certificate_claims.functions.setClaimant(
            node_id, to_checksum_address(claimant), allowed))

    def get_claim(self, claim_id: int) -> dict[str, Any]:
        claim, revoked = self._call(self.certificate_claims.functions.getClaim(claim_id))
        return _claim_json(claim, revoked)

    def claimed_of(self, certificate_id: int) -> dict[str, Any]:
        energy, carbon, parts, complete = self._call(
            self.certificate_claims.functions.claimedOf(certificate_id))
        return {"energy_mj": int(energy), "carbon_mg": int(carbon), "parts": int(parts),
                "complete": bool(complete)}

    def claimed_for(self, beneficiary: str) -> tuple[int, int]:
        """(energy mJ, carbon mg) claimed for ``beneficiary`` over all claims."""
        return tuple(self._call(self.certificate_claims.functions.claimedFor(
            to_checksum_address(beneficiary))))

    def claim_count(self) -> int:
        return self._call(self.certificate_claims.functions.claimCount())
