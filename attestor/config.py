"""Agent settings: pydantic-settings, ``ECOAI_`` prefix, precedence flag > env > TOML > default.

``load_settings(config_path, **flags)``: flags are the CLI's explicit options (None = not
given). The TOML file is flat (``key = value``), written by ``ecoai attestor init``.
Secrets are never stored here: the key lives in the keystore, the push token in a file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import tomlkit
import tomlkit.exceptions
from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from ecoai_chain.core.bytes32 import encode_bytes32
from ecoai_chain.core.paths import SubPath
from ecoai_chain.errors import ConfigError

DEFAULT_HOME = Path("~/.ecoai/attestor").expanduser()
MAX_SLOTS = 64


class AttestorSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ECOAI_", extra="ignore",
                                      ignored_types=(SubPath,))

    data_dir: Path = DEFAULT_HOME
    region: str = "KR"
    rpc_url: str = "http://127.0.0.1:8545"
    deployment: Path | None = None            # manifest JSON written by `ecoai chain deploy`
    workload_class: str = "llm-inference"
    max_power_mw: int = Field(default=1_000_000, gt=0, lt=2**32)
    metadata_uri: str = ""
    node_id: int | None = None

    window_s: int = Field(default=60, gt=0, lt=2**16)
    slot_count: int = Field(default=60, gt=0, le=MAX_SLOTS)
    sample_interval_s: float = Field(default=1.0, gt=0)
    seal_delay_s: int = Field(default=0, ge=0)  # wait after an epoch ends before sealing

    energy_source: Literal["nvml", "rapl", "replay"] = "nvml"
    nvml_uuids: list[str] = []                # older name of nvml_devices (UUIDs only)
    nvml_devices: list[str] = []              # GPU UUIDs / unique prefixes, indices, MIG UUIDs
    nvml_devices_from_env: bool = False       # the workload's CUDA_/NVIDIA_VISIBLE_DEVICES
    nvml_attribution_pids: list[int] = []     # the workload's PIDs (host namespace): its share
    nvml_attribution: Literal["auto", "process_utilization", "accounting"] = "auto"
    rapl_root: Path = Path("/sys/class/powercap")
    replay_path: Path | None = None
    replay_energy_scale: str = "1"
    replay_work_scale: str = "1"
    replay_anchor_s: int = 0

    work_source: Literal["none", "prometheus", "push", "replay"] = "none"
    work_url: str = "http://127.0.0.1:8000/metrics"
    work_metric: str = "vllm:generation_tokens_total"
    work_labels: dict[str, str] = {}
    push_port: int = Field(default=9465, ge=0, lt=65536)
    push_token_file: Path | None = None

    metrics_host: str = "127.0.0.1"
    metrics_port: int = Field(default=9464, ge=0, lt=65536)  # 0 = no metrics endpoint
    prover: Literal["snarkjs", "groth16py", "default"] = "default"
    # Failed submission attempts of one epoch (mined reverts, node refusals, internal errors)
    # before it is marked failed; waiting conditions (RPC down, node not yet active, paused,
    # fee cap, unfunded account) are retried with backoff and do not count.
    submit_max_attempts: int = Field(default=8, gt=0)
    submit_backoff_s: float = Field(default=2.0, ge=0)
    submit_backoff_max_s: float = Field(default=300.0, ge=0)
    # A stuck transaction is replaced at its nonce with fees raised by this much (pools need
    # >= 10-12.5 %), never above submit_max_fee_gwei per gas.
    submit_fee_bump_percent: int = Field(default=25, ge=13, le=1000)
    submit_max_fee_gwei: int = Field(default=500, gt=0)
    # Blocks on top of the certificate's block before the epoch counts as confirmed (as the
    # indexer's --confirmations): 0 = as soon as the receipt exists.
    confirmations: int = Field(default=1, ge=0)
    # Relayers (`ecoai relay serve`) tried in order before submitting alone; none = alone.
    # One is given up when unreachable at posting, when it refuses or loses the epoch, or
    # when the epoch is not certified on chain within relay_timeout_s of posting it.
    relay_urls: list[str] = []
    relay_timeout_s: float = Field(default=600.0, gt=0)
    relay_request_timeout_s: float = Field(default=10.0, gt=0)
    log_level: str = "INFO"

    @field_validator("region", "workload_class")
    @classmethod
    def _ascii32(cls, v: str) -> str:
        if not v:
            raise ValueError("must not be empty")
        encode_bytes32(v)  # its ValueError says what is wrong (ASCII, NUL, 32 characters)
        return v

    @field_validator("relay_urls")
    @classmethod
    def _http_urls(cls, v: list[str]) -> list[str]:
        for url in v:
            if not url.startswith(("http://", "https://")):
                raise ValueError(f"{url!r} is not an http(s) URL")
        return v

    @model_validator(mode="after")
    def _checks(self) -> AttestorSettings:
        if self.energy_source == "replay" and self.replay_path is None:
            raise ValueError("replay_path is required when energy_source = 'replay'")
        if self.work_source == "replay" and self.replay_path is None:
            raise ValueError("replay_path is required when work_source = 'replay'")
        if self.work_source == "push" and self.push_token_file is None:
            raise ValueError("push_token_file is required when work_source = 'push'")
        if sum(map(bool, (self.nvml_uuids, self.nvml_devices, self.nvml_devices_from_env))) > 1:
            raise ValueError("choose the GPUs one way: nvml_devices, nvml_uuids or "
                             "nvml_devices_from_env")
        if self.sample_interval_s > self.window_s:
            raise ValueError("sample_interval_s must not exceed window_s")
        return self

    # -- derived paths ------------------------------------------------------------------
    @property
    def epoch_length_s(self) -> int:
        return self.window_s * self.slot_count

    keystore_dir = SubPath("data_dir", "keystore")
    db_path = SubPath("data_dir", "attestor.db")
    config_path = SubPath("data_dir", "config.toml")


def load_settings(config_path: Path | None = None, **flags: Any) -> AttestorSettings:
    """Settings from flags (non-None), ``ECOAI_*`` env, the TOML file, then defaults."""
    toml = Path(config_path) if config_path else None

    class _Settings(AttestorSettings):
        @classmethod
        def settings_customise_sources(cls, settings_cls: type[BaseSettings],
                                       init_settings: PydanticBaseSettingsSource,
                                       env_settings: PydanticBaseSettingsSource,
                                       dotenv_settings: PydanticBaseSettingsSource,
                                       file_secret_settings: PydanticBaseSettingsSource,
                                       ) -> tuple[PydanticBaseSettingsSource, ...]:
            srcs: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
            if toml is not None:
                srcs.append(TomlConfigSettingsSource(settings_cls, toml_file=toml))
            return tuple(srcs)

    if toml is not None and not toml.is_file():
        raise ConfigError(f"config file {toml} does not exist (run `ecoai attestor init`)")
    try:
        return _Settings(**{k: v for k, v in flags.items() if v is not None})
    except ValidationError as e:
        first = e.errors()[0]
        field = ".".join(str(x) for x in first["loc"]) or "settings"
        raise ConfigError(f"{field}: {first['msg']}") from e
    except ValueError as e:  # TOML syntax errors
        raise ConfigError(f"config file {toml}: {e}") from e


def _toml_item(v: Any) -> Any:
    """Dicts stay inline (``work_labels = {...}``) so the file remains flat ``key = value``."""
    if isinstance(v, dict):
        table = tomlkit.inline_table()
        table.update(v)
        return table
    return v


def write_config(settings: AttestorSettings, path: Path | None = None) -> Path:
    path = Path(path or settings.config_path)
    doc = tomlkit.document()
    doc.add(tomlkit.comment("EcoAI attestor configuration (written by `ecoai attestor init`)."))
    doc.add(tomlkit.comment(
        "Precedence: command-line flag > ECOAI_* environment > this file > default."))
    doc.add(tomlkit.nl())
    for k, v in settings.model_dump(mode="json", exclude_none=True).items():
        doc[k] = _toml_item(v)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(tomlkit.dumps(doc))
    return path


def update_config(path: Path, **values: Any) -> None:
    """Set top-level keys in an existing TOML file (used to record the node id); the operator's
    comments and layout are kept."""
    try:
        doc = tomlkit.parse(path.read_text())
    except tomlkit.exceptions.ParseError as e:
        raise ConfigError(f"config file {path}: {e}") from e
    for k, v in values.items():
        doc[k] = _toml_item(v)
    path.write_text(tomlkit.dumps(doc))
