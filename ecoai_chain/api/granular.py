"""The granular-certificate exports behind the API, the explorer and ``ecoai report``: the
indexed certificate, its node and claims, the bundled dataset row of its zone and the issuer
(chain id and contracts from the deployment manifest, else the chain id the index is bound to)."""

from __future__ import annotations

from functools import cached_property

from ecoai_chain.api.claims_queries import ClaimQueries
from ecoai_chain.api.queries import Queries
from ecoai_chain.errors import SourceError
from ecoai_chain.reports.granular import (
    GranularCertificate,
    GranularClaim,
    granular_certificate,
    granular_claim,
)


class GranularExports:
    def __init__(self, queries: Queries, claims: ClaimQueries, manifest: str | None = None
                 ) -> None:
        self.queries, self.claims, self.manifest = queries, claims, manifest

    @cached_property
    def issuer(self) -> tuple[int | None, str | None, str | None, int | None]:
        """(chain id, GreenProof, CertificateClaims, epoch length s)."""
        if self.manifest:
            from ecoai_chain.chain.deployment import load_manifest

            dep = load_manifest(self.manifest)
            claims = dep.contracts.get("CertificateClaims")
            return dep.chain_id, dep.green_proof, claims.address if claims else None, \
                dep.epoch_length_s
        return self.claims.bound_chain_id(), None, None, None

    @cached_property
    def eco_credit(self) -> str | None:
        """EcoCredit's address, from the manifest (None without one)."""
        if not self.manifest:
            return None
        from ecoai_chain.chain.deployment import load_manifest

        return load_manifest(self.manifest).eco_credit

    @cached_property
    def _dataset(self):
        from ecoai_chain.carbon.intensity import StaticIntensityProvider

        return StaticIntensityProvider()

    def _row(self, region: str):
        try:
            return self._dataset.row(region)
        except SourceError:
            return None

    def certificate(self, cert_id: int) -> GranularCertificate | None:
        cert = self.queries.certificate(cert_id)
        if cert is None:
            return None
        chain_id, gp, claims_addr, epoch_s = self.issuer
        return granular_certificate(
            cert, self.queries.node(cert["node_id"]), self.claims.claims_of_certificate(cert_id),
            self._row(cert["region"]), chain_id, gp, claims_addr, epoch_s)

    def claim(self, claim_id: int) -> GranularClaim | None:
        claim = self.claims.claim(claim_id)
        if claim is None:
            return None
        cert = self.certificate(claim["certificate_id"])
        if cert is None:  # a claim event without its certificate indexed: not exportable yet
            return None
        return granular_claim(claim, cert)
