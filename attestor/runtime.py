"""Factories: settings -> sources, chain client, sealer, submitter (the only place that
knows which backend each setting selects)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from attestor.config import AttestorSettings
from attestor.keystore import AttestorKey
from attestor.metrics import Metrics
from attestor.store import Store
from attestor.work import WorkSource
from ecoai_chain.core.bytes32 import encode_bytes32
from ecoai_chain.energy import EnergySource
from ecoai_chain.errors import ChainError, ConfigError, KeystoreError
from ecoai_chain.redact import redact


def energy_source(s: AttestorSettings, env: Mapping[str, str] | None = None) -> EnergySource:
    """``env``: the environment whose CUDA_/NVIDIA_VISIBLE_DEVICES select the GPUs when
    ``nvml_devices_from_env`` is set (default: the agent's own, as its container was given)."""
    if s.energy_source == "nvml":
        import os

        import pynvml

        from ecoai_chain.energy.attribution import NvmlAttribution
        from ecoai_chain.energy.gpu_select import from_environment, from_list
        from ecoai_chain.energy.nvml import NvmlSource

        share = (NvmlAttribution(pynvml, s.nvml_attribution_pids, s.nvml_attribution)
                 if s.nvml_attribution_pids else None)
        if s.nvml_devices_from_env:
            return NvmlSource(nvml=pynvml, attribution=share,
                              devices=from_environment(os.environ if env is None else env))
        return NvmlSource(nvml=pynvml, attribution=share,
                          devices=from_list(s.nvml_devices or s.nvml_uuids,
                                            "nvml_devices" if s.nvml_devices else "nvml_uuids"))
    if s.energy_source == "rapl":
        from ecoai_chain.energy.rapl import RaplSource

        return RaplSource(root=s.rapl_root)
    from ecoai_chain.energy.replay import ReplaySource

    return ReplaySource(s.replay_path, energy_scale=s.replay_energy_scale,
                        anchor_s=s.replay_anchor_s)


def work_source(s: AttestorSettings) -> WorkSource | None:
    if s.work_source == "none":
        return None
    if s.work_source == "prometheus":
        from attestor.work.prometheus import PrometheusWorkSource

        return PrometheusWorkSource(s.work_url, metric=s.work_metric, labels=s.work_labels or None)
    if s.work_source == "push":
        from attestor.work.push import PushWorkSource

        try:
            token = s.push_token_file.read_text().strip()  # type: ignore[union-attr]
        except OSError as e:
            raise ConfigError(f"push_token_file: cannot read {s.push_token_file}: {e}") from e
        return PushWorkSource(token=token, port=s.push_port)
    from attestor.work.replay import ReplayWorkSource

    return ReplayWorkSource(s.replay_path, work_scale=s.replay_work_scale,
                            anchor_s=s.replay_anchor_s)


def chain_client(s: AttestorSettings, account: Any) -> Any:
    from ecoai_chain.chain.client import GreenProofClient
    from ecoai_chain.chain.deployment import load_manifest

    if s.deployment is None:
        raise ConfigError("deployment: path to the deployment manifest is not set")
    dep = load_manifest(s.deployment)
    if dep.epoch_length_s != s.epoch_length_s:
        raise ConfigError(f"window_s * slot_count = {s.epoch_length_s} s but the deployment's "
                          f"epoch_length_s is {dep.epoch_length_s} s")
    from ecoai_chain.chain.rpc import http_web3

    return GreenProofClient(http_web3(s.rpc_url, timeout_s=15), dep, account)


def node_id(s: AttestorSettings, store: Store) -> int | None:
    if s.node_id is not None:
        return s.node_id
    v = store.get_meta("node_id")
    return int(v) if v else None


def prover(s: AttestorSettings) -> Any:
    """The epoch prover ``s.prover`` selects: "default" = the Prover's default mode, "snarkjs" =
    the node snarkjs worker, "groth16py" = the opt-in arkworks prover (ToolchainError if the
    groth16py package, extra ``fast-prover``, is not installed)."""
    from ecoai_chain.zk.prover import DEFAULT_MODE, Prover

    mode = {"default": DEFAULT_MODE, "snarkjs": "worker", "groth16py": "groth16py"}[s.prover]
    return Prover(mode=mode)


def build_sealer(s: AttestorSettings, store: Store, key: AttestorKey, client: Any,
                 prover: Any) -> Any:
    from attestor.sealer import Sealer
    from ecoai_chain.chain.eip712 import sign_certificate

    dep = client.deployment

    def sign(cert: dict) -> bytes:
        return sign_certificate(key.account, dep.chain_id, dep.green_proof, cert)

    def intensity_at(t: int) -> int:
        from web3.exceptions import Web3Exception

        try:  # transport failures arrive as ChainError already (ecoai_chain.chain.rpc)
            return int(client.region_intensity_at(s.region, t))
        except Web3Exception as e:  # a bad call or answer: one error type for the sealer
            raise ChainError(f"reading regionIntensityAt({s.region}, {t}) failed: "
                             + redact(f"{type(e).__name__}: {e}", [s.rpc_url])) from e

    def sign_summary(doc: dict) -> dict:
        from ecoai_chain.energy.summary import sign_document

        return sign_document(doc, key.account)

    return Sealer(store, key.seed, s.window_s, s.slot_count, s.max_power_mw,
                  encode_bytes32(s.workload_class, "workload_class"), prover,
                  intensity_at=intensity_at, sign=sign, seal_delay_s=s.seal_delay_s,
                  sign_summary=sign_summary)


def build_submitter(s: AttestorSettings, store: Store, key: AttestorKey, client: Any,
                    metrics: Metrics) -> Any:
    from attestor.submitter import GWEI, Submitter
    from ecoai_chain.chain.fees import FeePolicy

    fees = FeePolicy(max_fee_per_gas_wei=s.submit_max_fee_gwei * GWEI,
                     bump_percent=s.submit_fee_bump_percent)
    relay = None
    if s.relay_urls:
        from attestor.relaying import RelayLink

        relay = RelayLink(store, s.relay_urls, s.relay_timeout_s,
                          request_timeout_s=s.relay_request_timeout_s)
    return Submitter(store, client, key.account, metrics, backoff_s=s.submit_backoff_s,
                     backoff_max_s=s.submit_backoff_max_s, fee_policy=fees,
                     max_attempts=s.submit_max_attempts, confirmations=s.confirmations,
                     relay=relay)


def check_key_matches_log(store: Store, key: AttestorKey) -> None:
    who = store.get_meta("attestor")
    if who and who.lower() != key.address.lower():
        raise KeystoreError(f"this data_dir's log was signed by {who}, the keystore holds "
                            f"{key.address}")


def build_answerer(store: Store, key: AttestorKey, client: Any, metrics: Metrics) -> Any:
    """The challenge answerer, or None when the deployment has no ChallengeManager."""
    from attestor.answerer import Answerer
    from ecoai_chain.chain.challenges import ChallengeClient

    if not ChallengeClient.available(client.deployment):
        return None
    return Answerer(store, ChallengeClient(client), key.seed, metrics)
