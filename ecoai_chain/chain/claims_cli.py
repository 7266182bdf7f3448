"""``ecoai claim`` and ``ecoai retire`` (top-level commands): claim a certificate's energy and
carbon for a beneficiary, retire Eco Credits for one. The key comes from a keystore
(``--key-file``, as everywhere) or an anvil dev account on a local chain; each command prints
the call it will send (contract, function, arguments, sender) before sending it, and its last
line is the result as JSON (for scripts and `ecoai up`)."""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from typing import Annotated

import typer

from ecoai_chain.chain.cli import DryRunOpt, Signer, signing_command
from ecoai_chain.errors import ValidationError


def parse_eco(text: str) -> int:
    """'1.5' ECO -> 1.5e18 units, exactly (at most 18 decimals), else ValidationError."""
    try:
        value = Decimal(text.strip())
    except InvalidOperation as e:
        raise ValidationError("amount", f"expected a decimal number of ECO, got {text!r}") from e
    units = value * 10**18
    if not value.is_finite() or units != units.to_integral_value() or units <= 0:
        raise ValidationError("amount", f"must be a positive amount with at most 18 decimals, "
                              f"got {text!r}")
    return int(units)


def _client(signer: Signer):
    from ecoai_chain.chain.client import GreenProofClient

    dep, w3 = signer.connect()
    return GreenProofClient(w3, dep, signer.account(w3))


def _show(contract: str, address: str, call: str, sender: str, chain_id: int) -> None:
    typer.echo(f"sending  {contract}.{call}")
    typer.echo(f"  to     {address} (chain {chain_id})")
    typer.echo(f"  from   {sender}")


@signing_command
def claim(
    certificate_id: Annotated[int, typer.Argument(min=1, help="certificate id")],
    beneficiary: Annotated[str, typer.Option(help="address that may count the claim")],
    purpose: Annotated[str, typer.Option(help="what the claim is for (public)")],
    energy_mj: Annotated[int | None, typer.Option(
        min=1, help="claim only this energy (mJ); default: what is left of the certificate")]
    = None,
    dry_run: Annotated[bool, DryRunOpt] = False,
    *,
    signer: Signer,
) -> None:
    """Claim a released certificate's energy and carbon (all, or --energy-mj of it) for a
    beneficiary, as its node's operator or an address the operator authorised."""
    from ecoai_chain.api.params import address

    ben = address("beneficiary", beneficiary)
    client = _client(signer)
    cert = client.get_certificate(certificate_id)  # its record, checked against its slot
    done = client.claimed_of(certificate_id)
    left = cert["energyMj"] - done["energy_mj"]
    rec = client.describe_record(cert)
    what = (f"claimCertificate({certificate_id}, {rec}, {ben}, {purpose!r})" if energy_mj is None
            else f"claimCertificatePart({certificate_id}, {rec}, {energy_mj}, {ben}, "
                 f"{purpose!r})")
    _show("CertificateClaims", client.certificate_claims.address, what,
          client.account.address, client.w3.eth.chain_id)
    typer.echo(f"  claims {left if energy_mj is None else energy_mj} of {cert['energyMj']} mJ "
               f"({left} mJ not claimed yet, {done['parts']} earlier part(s))")
    if dry_run:
        return
    claim_id = client.claim_certificate(certificate_id, ben, purpose, energy_mj, record=cert)
    got = client.get_claim(claim_id)
    typer.echo(f"claim {claim_id}: {got['energy_mj']} mJ, {got['carbon_mg']} mg CO2e for "
               f"{got['beneficiary']}{' (final part)' if got['is_final'] else ''}")
    typer.echo(json.dumps({"claim_id": claim_id, **got}))


@signing_command
def retire(
    amount: Annotated[str, typer.Argument(help="ECO to retire, e.g. 1.5 (18 decimals at most)")],
    beneficiary: Annotated[str, typer.Option(help="address that may count the retirement")],
    purpose: Annotated[str, typer.Option(help="what the retirement is for (public)")],
    dry_run: Annotated[bool, DryRunOpt] = False,
    *,
    signer: Signer,
) -> None:
    """Burn your Eco Credits for a beneficiary and record the retirement."""
    from ecoai_chain.api.params import address

    units = parse_eco(amount)
    ben = address("beneficiary", beneficiary)
    client = _client(signer)
    balance = client.eco_balance(client.account.address)
    _show("EcoCredit", client.eco_credit.address, f"retire({units}, {ben}, {purpose!r})",
          client.account.address, client.w3.eth.chain_id)
    typer.echo(f"  burns  {amount} ECO of the {balance / 10**18:.6f} ECO held")
    if dry_run:
        return
    rid = client.retire(units, ben, purpose)
    typer.echo(f"retirement {rid}: {amount} ECO retired for {ben}")
    typer.echo(json.dumps({"retirement_id": rid, **client.get_retirement(rid)}))


def register(root: typer.Typer) -> None:
    root.command("claim")(claim)
    root.command("retire")(retire)
