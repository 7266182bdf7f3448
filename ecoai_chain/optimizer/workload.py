"""The workload protocol: what the optimizer runs at each setting.

A setting is a dict such as ``{"batch_size": 32, "precision": "int8", "power_limit_w": 250}``.
A workload returns ``{"work": int > 0, "quality": float, ...}`` (extra keys such as
``latency_ms`` or ``accuracy`` are kept). Two kinds:

* `CallableWorkload` (``--callable module:fn``): ``fn(setting) -> dict`` in this process. If the
  module also defines ``prepare(setting)``, it is called once, unmeasured, before the runs.
* `CommandWorkload` (``--workload 'python -m ...'``): the command runs once per measurement with
  the setting as JSON in the ``ECOAI_OPT_SETTING`` environment variable and must print a JSON
  object with ``work`` and ``quality`` as its last non-empty stdout line.
"""

from __future__ import annotations

import importlib
import json
import os
import shlex
import subprocess
from collections.abc import Callable
from typing import Any

from ecoai_chain.errors import ConfigError, SourceError, ValidationError

ENV_VAR = "ECOAI_OPT_SETTING"


def check_result(result: Any, where: str) -> dict:
    if not isinstance(result, dict):
        raise ValidationError(where, f"must return a dict with work and quality, got "
                              f"{type(result).__name__}")
    work, quality = result.get("work"), result.get("quality")
    if isinstance(work, bool) or not isinstance(work, int) or work <= 0:
        raise ValidationError(f"{where}.work", f"must be a positive integer, got {work!r}")
    if isinstance(quality, bool) or not isinstance(quality, int | float):
        raise ValidationError(f"{where}.quality", f"must be a number, got {quality!r}")
    return result


class CallableWorkload:
    def __init__(self, fn: Callable[[dict], dict], prepare: Callable[[dict], None] | None = None,
                 name: str = "callable") -> None:
        self.fn, self._prepare, self.name = fn, prepare, name

    @classmethod
    def from_spec(cls, spec: str) -> CallableWorkload:
        mod_name, sep, fn_name = spec.partition(":")
        if not sep or not mod_name or not fn_name:
            raise ConfigError(f"--callable must look like module:function, got {spec!r}")
        try:
            mod = importlib.import_module(mod_name)
        except ImportError as e:
            raise ConfigError(f"--callable: cannot import {mod_name!r}: {e}") from e
        fn = getattr(mod, fn_name, None)
        if not callable(fn):
            raise ConfigError(f"--callable: {mod_name} has no function {fn_name!r}")
        return cls(fn, getattr(mod, "prepare", None), spec)

    def prepare(self, setting: dict) -> None:
        if self._prepare is not None:
            self._prepare(setting)

    def run(self, setting: dict) -> dict:
        return check_result(self.fn(dict(setting)), self.name)


class CommandWorkload:
    def __init__(self, command: str, timeout_s: float = 600.0) -> None:
        self.argv = shlex.split(command)
        if not self.argv:
            raise ConfigError("--workload is empty")
        self.name, self.timeout_s = command, timeout_s

    def prepare(self, setting: dict) -> None:
        """Nothing: each run is a fresh process (its start-up cost is part of the measurement)."""

    def run(self, setting: dict) -> dict:
        env = dict(os.environ, **{ENV_VAR: json.dumps(setting)})
        try:
            proc = subprocess.run(self.argv, env=env, capture_output=True, text=True,
                                  timeout=self.timeout_s, check=False)
        except FileNotFoundError as e:
            raise ConfigError(f"--workload: {self.argv[0]!r} not found") from e
        except subprocess.TimeoutExpired as e:
            raise SourceError(f"workload timed out after {self.timeout_s} s") from e
        if proc.returncode != 0:
            raise SourceError(f"workload exited {proc.returncode}: {proc.stderr.strip()[-300:]}")
        lines = [ln for ln in proc.stdout.splitlines() if ln.strip()]
        try:
            result = json.loads(lines[-1]) if lines else None
        except json.JSONDecodeError as e:
            raise ValidationError("workload output", f"last line is not JSON: {lines[-1]!r}") from e
        return check_result(result, "workload output")
