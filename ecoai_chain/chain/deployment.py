"""Deploy the verifiers, EcoCredit and GreenProof from compiled artifacts, and the manifest.

Manifest JSON (pinned; read by the attestor, indexer, API and verifier)::

    {"chain_id", "rpc_url", "deployer", "block_number",
     "contracts": {"GreenProof": {"address", "block"}, "EcoCredit": {...},
                   "CertificateClaims": {...},  # since issue 17; older manifests lack it
                   "Groth16Verifier": {...}, "EcoTimelock": {...}, "EcoGovernor": {...},
                   "Groth16BatchVerifier": {...},  # since issue 16 (submitCertificates)
                   "PoseidonLeaf": {...}, "PoseidonNode": {...},    # see chain/hashers.py
                   "ChallengeManager": {...}},                      # the challenge game
     "epoch_length_s", "vkey_sha256", "zkey_sha256",
     "admin",        # who was given the roles by deploy_all (--admin, default the deployer)
     "governance"}   # null (plain roles: --no-governor) or the DAO's settings, see
                     # GovernanceConfig; then the roles are the timelock's (contracts/roles.json)
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from eth_account.signers.local import LocalAccount
from eth_utils import is_address, to_checksum_address
from web3 import Web3

from ecoai_chain.chain.artifacts import Artifact, load_artifact
from ecoai_chain.chain.challenges import ChallengeParams
from ecoai_chain.chain.hashers import deploy_challenge_manager, deploy_hashers
from ecoai_chain.chain.tx import send_tx
from ecoai_chain.errors import ChainError, ConfigError, ToolchainError
from ecoai_chain.toolchain import project_root

CONTRACT_NAMES = ("Groth16Verifier", "EcoCredit", "GreenProof")
# The challenge game's defaults: 0.01 native coin deposit, 4 slots, a day to answer (inside the
# default 7-day vesting window), half of a slash to the challenger.
DEFAULT_CHALLENGE_PARAMS = ChallengeParams(deposit_wei=10**16, open_count=4,
                                           answer_window_s=86_400, challenger_share_bps=5_000)
GOVERNANCE_CONTRACTS = ("EcoTimelock", "EcoGovernor")


@dataclass(frozen=True)
class GovernanceConfig:
    """The DAO's settings (recorded in the manifest). Seconds everywhere: EcoCredit votes on a
    timestamp clock. Defaults are for a public deployment (a day before a vote opens, a week
    of voting, a two-day timelock, 4% quorum); ``ecoai up`` uses seconds on its local chain."""

    guardian: str
    voting_delay_s: int = 86_400
    voting_period_s: int = 7 * 86_400
    timelock_delay_s: int = 2 * 86_400
    quorum_percent: int = 4
    proposal_threshold_units: int = 0

    def __post_init__(self) -> None:
        if not isinstance(self.guardian, str) or not is_address(self.guardian):
            raise ConfigError(f"guardian must be an address, got {self.guardian!r}")
        object.__setattr__(self, "guardian", to_checksum_address(self.guardian))
        for name, lo, hi in (("voting_delay_s", 0, 2**48 - 1), ("voting_period_s", 1, 2**32 - 1),
                             ("timelock_delay_s", 0, 2**64), ("quorum_percent", 1, 100),
                             ("proposal_threshold_units", 0, 2**256 - 1)):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int) or not lo <= v <= hi:
                raise ConfigError(f"{name} must be an integer in [{lo}, {hi}], got {v!r}")

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> GovernanceConfig:
        try:
            return cls(**data)
        except TypeError as e:
            raise ConfigError(f"manifest governance is malformed: {e}") from e


@dataclass(frozen=True)
class ContractRef:
    address: str
    block: int


@dataclass(frozen=True)
class Deployment:
    chain_id: int
    rpc_url: str
    deployer: str
    block_number: int
    contracts: dict[str, ContractRef]
    epoch_length_s: int
    vkey_sha256: str | None = None
    zkey_sha256: str | None = None
    admin: str | None = None
    governance: GovernanceConfig | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def governed(self) -> bool:
        """True when the EcoGovernor + EcoTimelock hold the roles (else the admin does)."""
        return self.governance is not None

    @property
    def role_admin(self) -> str:
        """The account that holds the plain roles of an ungoverned deployment."""
        return self.admin or self.deployer

    def address(self, name: str) -> str:
        try:
            return self.contracts[name].address
        except KeyError as e:
            raise ConfigError(f"deployment manifest has no contract {name!r}") from e

    @property
    def green_proof(self) -> str:
        return self.address("GreenProof")

    @property
    def eco_credit(self) -> str:
        return self.address("EcoCredit")

    @property
    def verifier(self) -> str:
        return self.address("Groth16Verifier")

    @property
    def batch_verifier(self) -> str:
        return self.address("Groth16BatchVerifier")

    def is_live(self, w3: Web3) -> bool:
        """True if ``w3`` serves this manifest's chain and GreenProof's code is deployed there."""
        from ecoai_chain.chain.node_errors import node_call

        with node_call("eth_getCode"):
            return w3.eth.chain_id == self.chain_id and bool(w3.eth.get_code(self.green_proof))

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("extra")
        data["contracts"] = {k: asdict(v) for k, v in self.contracts.items()}
        data["governance"] = None if self.governance is None else self.governance.to_json()
        return data

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.to_json(), indent=2) + "\n")
        return path

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Deployment:
        try:
            contracts = {}
            for name, ref in data["contracts"].items():
                if not is_address(ref["address"]):
                    raise ConfigError(f"manifest contracts.{name}.address is not an address")
                contracts[name] = ContractRef(
                    to_checksum_address(ref["address"]), int(ref["block"])
                )
            required = CONTRACT_NAMES + (GOVERNANCE_CONTRACTS if data.get("governance") else ())
            for name in required:
                if name not in contracts:
                    raise ConfigError(f"manifest contracts.{name} is missing")
            return cls(
                chain_id=int(data["chain_id"]),
                rpc_url=str(data.get("rpc_url") or ""),
                deployer=str(data["deployer"]),
                block_number=int(data["block_number"]),
                contracts=contracts,
                epoch_length_s=int(data["epoch_length_s"]),
                vkey_sha256=data.get("vkey_sha256"),
                zkey_sha256=data.get("zkey_sha256"),
                admin=data.get("admin"),
                governance=(None if data.get("governance") is None
                            else GovernanceConfig.from_json(data["governance"])),
            )
        except (KeyError, TypeError, ValueError) as e:
            raise ConfigError(f"deployment manifest is malformed: {e!r}") from e


def deployment_from_address(w3: Web3, green_proof: str, from_block: int = 0) -> Deployment:
    """A read-only Deployment built from the GreenProof address alone (no manifest): the
    EcoCredit and verifier addresses and the epoch length are read from GreenProof."""
    from eth_utils import to_checksum_address

    from ecoai_chain.chain.artifacts import load_artifact
    from ecoai_chain.chain.node_errors import node_call

    addr = to_checksum_address(green_proof)
    with node_call("eth_getCode"):
        chain_id = w3.eth.chain_id
        if not w3.eth.get_code(addr):
            raise ChainError(f"no contract at {addr} on chain {chain_id}")
        gp = w3.eth.contract(address=addr, abi=load_artifact("GreenProof").abi)
        eco = gp.functions.ecoCredit().call()
        ver = gp.functions.verifier().call()
        batch = gp.functions.batchVerifier().call()
        epoch_length_s = int(gp.functions.epochLengthS().call())
    refs = {"GreenProof": ContractRef(addr, from_block), "EcoCredit": ContractRef(eco, from_block),
            "Groth16Verifier": ContractRef(ver, from_block),
            "Groth16BatchVerifier": ContractRef(batch, from_block)}
    return Deployment(chain_id=chain_id, rpc_url="", deployer="", block_number=from_block,
                      contracts=refs, epoch_length_s=epoch_length_s)


def load_manifest(path: str | Path) -> Deployment:
    """Read a manifest written by `Deployment.save` / ``ecoai chain deploy``."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"deployment manifest {path} does not exist (run `ecoai chain deploy`)")
    try:
        data = json.loads(path.read_text())
    except json.JSONDecodeError as e:
        raise ConfigError(f"deployment manifest {path} is not JSON: {e}") from e
    return Deployment.from_json(data)


def sha256_file(path: Path | None) -> str | None:
    if path is None or not Path(path).is_file():
        return None
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def default_key_paths() -> tuple[Path | None, Path | None]:
    """(vkey, zkey) of the final trusted setup (circuits/setup, made by `ecoai zk setup`)."""
    setup = project_root() / "circuits" / "setup"
    vkey, zkey = setup / "verification_key.json", setup / "green_proof.zkey"
    return (vkey if vkey.is_file() else None), (zkey if zkey.is_file() else None)


def deploy_all(
    w3: Web3,
    account: LocalAccount,
    epoch_length_s: int,
    verifier: str | None = None,
    *,
    admin: str | None = None,
    rpc_url: str | None = None,
    vkey_path: Path | None = None,
    zkey_path: Path | None = None,
    challenge: ChallengeParams | None = None,
    batch_verifier: str | None = None,
) -> Deployment:
    """Deploy (or reuse ``verifier``) the verifier, the batch verifier (or reuse
    ``batch_verifier``), EcoCredit and GreenProof; wire the roles;
    deploy the on-chain Poseidon hashers and the ChallengeManager (``challenge``: its
    parameters, default `DEFAULT_CHALLENGE_PARAMS`), which gets GreenProof's CHALLENGE_ROLE.

    ``admin`` (default: the deployer) receives every GreenProof role and EcoCredit's admin role;
    GreenProof receives EcoCredit's MINTER_ROLE and CLAWBACK_ROLE.
    """
    if (
        isinstance(epoch_length_s, bool)
        or not isinstance(epoch_length_s, int)
        or epoch_length_s <= 0
    ):
        raise ConfigError(f"epoch_length_s must be a positive integer, got {epoch_length_s!r}")
    admin = to_checksum_address(admin or account.address)
    refs: dict[str, ContractRef] = {}

    if verifier is None:
        try:
            artifact = load_artifact("Groth16Verifier")
        except ToolchainError as e:
            raise ToolchainError(
                "Groth16Verifier artifact missing: generate "
                "contracts/generated/Groth16Verifier.sol "
                "(ZK setup) and run `make build`"
            ) from e
        _, refs["Groth16Verifier"] = deploy_contract(w3, account, artifact)
    else:
        if not is_address(verifier):
            raise ConfigError(f"verifier must be an address, got {verifier!r}")
        refs["Groth16Verifier"] = ContractRef(to_checksum_address(verifier), 0)
    if batch_verifier is None:
        _, refs["Groth16BatchVerifier"] = deploy_contract(
            w3, account, load_artifact("Groth16BatchVerifier"))
    elif not is_address(batch_verifier):
        raise ConfigError(f"batch_verifier must be an address, got {batch_verifier!r}")
    else:
        refs["Groth16BatchVerifier"] = ContractRef(to_checksum_address(batch_verifier), 0)

    eco, refs["EcoCredit"] = deploy_contract(
        w3, account, load_artifact("EcoCredit"), account.address
    )
    gp, refs["GreenProof"] = deploy_contract(
        w3,
        account,
        load_artifact("GreenProof"),
        admin,
        eco.address,
        refs["Groth16Verifier"].address,
        refs["Groth16BatchVerifier"].address,
        epoch_length_s,
    )

    # Claims read GreenProof's views only: no role to wire (issue 17).
    _, refs["CertificateClaims"] = deploy_contract(
        w3, account, load_artifact("CertificateClaims"), gp.address
    )
    for role in ("MINTER_ROLE", "CLAWBACK_ROLE"):
        role_id = getattr(eco.functions, role)().call()
        send_tx(
            w3,
            account,
            eco.functions.grantRole(role_id, gp.address).build_transaction(
                {"from": account.address}
            ),
        )
    if admin != account.address:
        admin_role = eco.functions.DEFAULT_ADMIN_ROLE().call()
        send_tx(
            w3,
            account,
            eco.functions.grantRole(admin_role, admin).build_transaction({"from": account.address}),
        )
        send_tx(
            w3,
            account,
            eco.functions.renounceRole(admin_role, account.address).build_transaction(
                {"from": account.address}
            ),
        )

    for name, (address, block) in deploy_hashers(w3, account).items():
        refs[name] = ContractRef(to_checksum_address(address), block)
    address, block = deploy_challenge_manager(
        w3, account, gp.address, admin, refs["PoseidonLeaf"].address,
        refs["PoseidonNode"].address, challenge or DEFAULT_CHALLENGE_PARAMS)
    refs["ChallengeManager"] = ContractRef(to_checksum_address(address), block)

    found_vkey, found_zkey = default_key_paths()
    return Deployment(
        chain_id=w3.eth.chain_id,
        rpc_url=rpc_url or _provider_url(w3),
        deployer=account.address,
        block_number=w3.eth.block_number,
        contracts=refs,
        epoch_length_s=epoch_length_s,
        vkey_sha256=sha256_file(vkey_path or found_vkey),
        zkey_sha256=sha256_file(zkey_path or found_zkey),
        admin=admin,
    )


def deploy_contract(w3: Web3, account: LocalAccount, artifact: Artifact, *args: Any):
    """Like `tx.deploy`, but also returns where (address, block) the contract was created."""
    factory = w3.eth.contract(abi=artifact.abi, bytecode=artifact.bytecode)
    receipt = send_tx(
        w3, account, factory.constructor(*args).build_transaction({"from": account.address})
    )
    address = receipt["contractAddress"]
    return w3.eth.contract(address=address, abi=artifact.abi), ContractRef(
        address, receipt["blockNumber"]
    )


def _provider_url(w3: Web3) -> str:
    return str(getattr(w3.provider, "endpoint_uri", "") or "")
