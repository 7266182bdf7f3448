"""Typed DAO actions: one row per action, mapping command-line arguments to one ABI function.

``set-intensity KR 300000 --from 2027-01-01`` becomes ``GreenProof.setRegionIntensity(region,
intensityMgPerKwh, effectiveFrom)``; the calldata is encoded from the contract's ABI, and the
same table decodes a proposal's calldata back into the action (for the CLI, the indexer, the
API and the explorer). Pure: ABIs and addresses are passed in; no I/O, no clock.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from eth_abi import decode as abi_decode
from eth_abi import encode as abi_encode
from eth_utils import (
    abi_to_signature,
    collapse_if_tuple,
    function_signature_to_4byte_selector,
    is_address,
    keccak,
    to_checksum_address,
)

from ecoai_chain.core.bytes32 import decode_bytes32, to_bytes32
from ecoai_chain.core.times import parse_time_s
from ecoai_chain.errors import ChainError, ValidationError


@dataclass(frozen=True)
class Param:
    """A command-line argument: positional (``option`` None) or ``--option VALUE``."""

    name: str
    # uint | time | code | address | text | role | contract | record: no word, the record of
    # the ``cert`` just before it, read from the chain by the codec's ``records``
    kind: str
    help: str
    option: str | None = None


@dataclass(frozen=True)
class ActionSpec:
    """One action: the contract (or "*": the one named by its ``contract`` param) and the ABI
    function it calls, with the CLI params in the function's argument order."""

    name: str
    contract: str
    function: str
    params: tuple[Param, ...]
    help: str


def _p(name: str, kind: str, help: str, option: str | None = None) -> Param:
    return Param(name, kind, help, option)


_NODE = _p("node", "uint", "node id")
_CLASS = _p("class", "code", "workload class, e.g. llm-inference")
_FROM = _p("time", "time", "effective from (not in the past): unix s or ISO 8601 (UTC)", "--from")
_REASON = _p("reason", "text", "why (recorded on-chain)", "--reason")
_ROLE_ARGS = (_p("role", "role", "role name, e.g. PAUSER_ROLE"),
              _p("account", "address", "the account"),
              _p("contract", "contract", "GreenProof | EcoCredit | EcoTimelock", "--on"))

ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec("set-intensity", "GreenProof", "setRegionIntensity",
               (_p("region", "code", "grid region code, e.g. KR"),
                _p("mg_per_kwh", "uint", "mg CO2e per kWh"),
                _p("time", "time", "effective from: unix s or ISO 8601 (UTC)", "--from")),
               "the region's grid intensity from a time on"),
    ActionSpec("set-baseline", "GreenProof", "setBaseline",
               (_CLASS, _p("ng_per_work", "uint", "ng CO2e per work unit"), _FROM),
               "a workload class's baseline from a time on"),
    ActionSpec("set-ceiling", "GreenProof", "setEfficiencyCeiling",
               (_CLASS, _p("work_per_kwh", "uint", "work units per kWh, e.g. tokens/kWh"), _FROM),
               "a workload class's efficiency ceiling from a time on (none: accepts nothing)"),
    ActionSpec("set-deadline", "GreenProof", "setSubmissionDeadline",
               (_p("seconds", "uint", "seconds after an epoch's end"), _FROM),
               "how late a certificate may be submitted, for epochs from a time on"),
    ActionSpec("set-challenge-window", "GreenProof", "setChallengeWindow",
               (_p("seconds", "uint", "seconds a reward stays in escrow"), _FROM),
               "how long rewards vest, for epochs from a time on"),
    ActionSpec("set-bond", "GreenProof", "setBondPerMw",
               (_p("wei_per_mw", "uint", "wei per MW of registered max power"), _FROM),
               "the bond a node registration locks, from a time on"),
    ActionSpec("set-slash-share", "GreenProof", "setSlashShare",
               (_p("bps", "uint", "basis points of the bond (10000 = all)"), _FROM),
               "the share of a bond a revocation slashes, for epochs from a time on"),
    ActionSpec("set-treasury", "GreenProof", "setTreasury",
               (_p("treasury", "address", "where slashed bonds go"),),
               "the treasury that receives slashed bonds"),
    ActionSpec("set-epoch-length", "GreenProof", "setEpochLength",
               (_p("seconds", "uint", "epoch length (s)"),), "the global epoch length"),
    ActionSpec("activate", "GreenProof", "activateNode", (_NODE,),
               "activate a Pending or Suspended node"),
    ActionSpec("suspend", "GreenProof", "suspendNode", (_NODE, _REASON), "suspend a node"),
    ActionSpec("set-attestor", "GreenProof", "setAttestor",
               (_NODE, _p("attestor", "address", "the new attestor key")),
               "replace a node's attestor key (lost key)"),
    ActionSpec("revoke", "GreenProof", "revokeCertificate",
               (_p("cert", "uint", "certificate id"),
                _p("record", "record", "the certificate's record (read from its event)"),
                _REASON),
               "revoke a certificate (cancels or claws back its reward, slashes the bond)"),
    ActionSpec("pause", "GreenProof", "pause", (), "stop registrations and submissions"),
    ActionSpec("unpause", "GreenProof", "unpause", (), "resume registrations and submissions"),
    ActionSpec("grant-role", "*", "grantRole", _ROLE_ARGS, "grant a role"),
    ActionSpec("revoke-role", "*", "revokeRole", _ROLE_ARGS,
               "revoke a role (e.g. remove the guardian)"),
    ActionSpec("set-voting-delay", "EcoGovernor", "setVotingDelay",
               (_p("seconds", "uint", "voting delay (s)"),), "seconds before a vote opens"),
    ActionSpec("set-voting-period", "EcoGovernor", "setVotingPeriod",
               (_p("seconds", "uint", "voting period (s)"),), "seconds a vote stays open"),
    ActionSpec("set-quorum", "EcoGovernor", "updateQuorumNumerator",
               (_p("percent", "uint", "percent of the supply"),), "the quorum"),
    ActionSpec("set-proposal-threshold", "EcoGovernor", "setProposalThreshold",
               (_p("units", "uint", "EcoCredit units (1 ECO = 1e18)"),),
               "votes needed to propose"),
    ActionSpec("set-timelock-delay", "EcoTimelock", "updateDelay",
               (_p("seconds", "uint", "timelock delay (s)"),), "the timelock's minimum delay"),
)
BY_NAME: dict[str, ActionSpec] = {a.name: a for a in ACTIONS}


@dataclass(frozen=True)
class Arg:
    name: str  # the ABI argument name
    type: str
    value: Any  # as the ABI takes it (int, bytes, str)
    shown: str  # human rendering: 'KR', 2027-01-01T00:00:00Z, ...


@dataclass(frozen=True)
class Call:
    """One contract call: what a proposal action or a direct transaction does."""

    contract: str
    target: str
    function: str
    signature: str
    args: tuple[Arg, ...]
    calldata: bytes
    action: str | None  # the action row this call matches (None: not one of the table)

    def describe(self) -> str:
        inner = ", ".join(f"{a.name}={a.shown}" for a in self.args)
        return f"{self.contract}({self.target}).{self.function}({inner})"

    def to_json(self) -> dict[str, Any]:
        return {"contract": self.contract, "target": self.target, "function": self.function,
                "signature": self.signature, "action": self.action,
                "args": [{"name": a.name, "type": a.type, "value": _jsonable(a.value),
                          "shown": a.shown} for a in self.args],
                "calldata": "0x" + self.calldata.hex(), "text": self.describe()}


def _jsonable(v: Any) -> Any:
    """A decoded ABI value as JSON: bytes as hex and integers as decimal text, at any depth
    (arrays and tuples -- a timelock batch's bytes[], a certificate struct -- hold them too)."""
    if isinstance(v, bytes | bytearray):
        return "0x" + bytes(v).hex()
    if isinstance(v, int) and not isinstance(v, bool):
        return str(v)
    if isinstance(v, list | tuple):
        return [_jsonable(x) for x in v]
    return v


def _fn_abi(abi: Sequence[Mapping[str, Any]], name: str, contract: str) -> Mapping[str, Any]:
    found = [e for e in abi if e.get("type") == "function" and e.get("name") == name]
    if len(found) != 1:
        raise ValidationError("action", f"{contract} has {len(found)} functions named {name}")
    return found[0]


def _iso(ts: int) -> str:
    """UTC ISO time of unix seconds; a time past any calendar (a uint64 a stranger proposed)
    says so instead of raising."""
    try:
        return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    except (OverflowError, OSError, ValueError):
        return "after the year 9999"


def role_id(name: str) -> bytes:
    """A role's bytes32: DEFAULT_ADMIN_ROLE is zero, every other is keccak256(name)."""
    return b"\0" * 32 if name == "DEFAULT_ADMIN_ROLE" else keccak(text=name)


def _parse(p: Param, text: str, abi_type: str, role_names: Callable[[], Sequence[str]]) -> Any:
    field = p.option or p.name
    if p.kind in ("uint", "time"):
        v = (parse_time_s(text.replace("_", ""), field, assume_utc=True) if p.kind == "time"
             else _uint(text, field))
        bits = int(abi_type[4:] or 256)
        if v >= 1 << bits:
            raise ValidationError(field, f"must be below 2^{bits} ({abi_type}), got {v}")
        return v
    if p.kind == "code":
        return to_bytes32(text, field)
    if p.kind == "address":
        if not is_address(text):
            raise ValidationError(field, f"not an address: {text!r}")
        return to_checksum_address(text)
    if p.kind == "role":
        names = role_names()
        if text not in names:
            raise ValidationError(field, f"unknown role {text!r}; known: {', '.join(names)}")
        return role_id(text)
    return text


def _uint(text: str, field: str) -> int:
    t = text.strip().replace("_", "")
    if not t.isdigit():
        raise ValidationError(field, f"expected a non-negative integer, got {text!r}")
    return int(t)


def _show(kind: str, value: Any, roles: Mapping[bytes, str], inp: Mapping | None = None) -> str:
    if kind == "record" and inp is not None:
        return _show_record(inp, value)
    if kind == "time":
        return f"{value} ({_iso(value)})"
    if kind == "code":
        return repr(decode_bytes32(value, errors="replace"))
    if kind == "role":
        return roles.get(bytes(value), "0x" + bytes(value).hex())
    if kind == "text":
        return repr(value)
    return str(value)


def _show_record(inp: Mapping[str, Any], value: Any) -> str:
    """A certificate record as `describe_record` shows it; anything else (a stranger's
    proposal) raw."""
    from ecoai_chain.chain.client_certificates import describe_record
    try:
        return describe_record(dict(inp), value)
    except (KeyError, TypeError, ValueError, ChainError):
        return str(_jsonable(value))


def _role_names(abi: Sequence[Mapping[str, Any]]) -> list[str]:
    return sorted(e["name"] for e in abi if e.get("type") == "function"
                  and e["name"].endswith("_ROLE") and not e["inputs"])


class ActionCodec:
    """Encode actions from CLI words and decode calls back, for one deployment.

    ``contracts``: name -> (address, ABI) for every contract an action may target."""

    def __init__(self, contracts: Mapping[str, tuple[str, Sequence[Mapping[str, Any]]]],
                 records: Callable[[int], Any] | None = None) -> None:
        # certificate id -> its record (GreenProofClient.certificate_record): what an action
        # with a ``record`` param sends; None: such actions cannot be encoded (decoding can)
        self.records = records
        self.contracts = {k: (to_checksum_address(a), list(abi)) for k, (a, abi) in
                          contracts.items()}
        self._by_address = {a.lower(): k for k, (a, _) in self.contracts.items()}
        self._roles: dict[bytes, str] = {}
        for _, abi in self.contracts.values():
            self._roles.update({role_id(n): n for n in _role_names(abi)})

    def encode(self, action: str, words: Sequence[str]) -> Call:
        """Parse one action's words (positional args, then ``--option value`` pairs)."""
        spec = BY_NAME.get(action)
        if spec is None:
            raise ValidationError("action", f"unknown action {action!r}; one of: "
                                  + ", ".join(BY_NAME))
        values = _split_words(spec, words)
        contract = values.pop("contract", None) if spec.contract == "*" else spec.contract
        if contract not in self.contracts:
            raise ValidationError(
                "--on" if spec.contract == "*" else "action",
                f"{contract!r} is not a contract of this deployment (one of: "
                f"{', '.join(self.contracts)})")
        address, abi = self.contracts[contract]
        fn = _fn_abi(abi, spec.function, contract)
        params = [p for p in spec.params if p.kind != "contract"]
        if len(fn["inputs"]) != len(params):
            raise ValidationError("action", f"{spec.name}: {contract}.{spec.function} takes "
                                  f"{len(fn['inputs'])} arguments, the table has {len(params)}")
        args = []
        for p, inp in zip(params, fn["inputs"], strict=True):
            if p.kind == "record":
                v = self._record(spec, args)
            else:
                v = _parse(p, values[p.name], inp["type"], lambda abi=abi: _role_names(abi))
            args.append(Arg(inp["name"], inp["type"], v, _show(p.kind, v, self._roles, inp)))
        types = [collapse_if_tuple(i) for i in fn["inputs"]]
        sig = abi_to_signature(fn)
        data = function_signature_to_4byte_selector(sig) + abi_encode(types, [a.value for a in
                                                                              args])
        return Call(contract, address, spec.function, sig, tuple(args), data, spec.name)

    def _record(self, spec: ActionSpec, args: list[Arg]) -> tuple:
        """The record of the certificate named by the action's uint argument before it."""
        if self.records is None:
            raise ValidationError("cert", f"{spec.name} sends the certificate's record, read "
                                  "from the chain: this codec has none to read it with")
        return tuple(self.records(int(args[-1].value)))

    def decode(self, target: str, calldata: bytes | str) -> Call:
        """The call a proposal action makes, decoded by the target's ABI (and matched to its
        action row when there is one). Unknown targets or selectors are shown raw."""
        raw = bytes.fromhex(calldata[2:]) if isinstance(calldata, str) else bytes(calldata)
        target = to_checksum_address(target)
        contract = self._by_address.get(target.lower())
        if contract is None or len(raw) < 4:
            return Call(contract or "?", target, "?", "?", (), raw, None)
        abi = self.contracts[contract][1]
        for fn in abi:
            if fn.get("type") != "function":
                continue
            sig = abi_to_signature(fn)
            if function_signature_to_4byte_selector(sig) != raw[:4]:
                continue
            try:
                values = abi_decode([collapse_if_tuple(i) for i in fn["inputs"]], raw[4:])
            except Exception:  # noqa: BLE001 - malformed payload: show it raw
                return Call(contract, target, fn["name"], sig, (), raw, None)
            spec = next((a for a in ACTIONS if a.function == fn["name"]
                         and a.contract in (contract, "*")), None)
            kinds = ([p.kind for p in spec.params if p.kind != "contract"] if spec
                     else [_kind_of(i["type"]) for i in fn["inputs"]])
            args = tuple(Arg(i["name"], i["type"], _norm(i["type"], v),
                             _show(k, _norm(i["type"], v), self._roles, i))
                         for i, v, k in zip(fn["inputs"], values, kinds, strict=False))
            return Call(contract, target, fn["name"], sig, args, raw,
                        spec.name if spec else None)
        return Call(contract, target, "?", "?", (), raw, None)


def _kind_of(abi_type: str) -> str:
    if abi_type.startswith("uint"):
        return "uint"
    if abi_type == "address":
        return "address"
    if abi_type == "string":
        return "text"
    return "raw"


def _norm(abi_type: str, v: Any) -> Any:
    return to_checksum_address(v) if abi_type == "address" else v


def _split_words(spec: ActionSpec, words: Sequence[str]) -> dict[str, str]:
    options = {p.option: p for p in spec.params if p.option}
    positional = [p for p in spec.params if not p.option and p.kind != "record"]
    values: dict[str, str] = {}
    rest: list[str] = []
    it = iter(words)
    for w in it:
        if w in options:
            try:
                values[options[w].name] = next(it)
            except StopIteration as e:
                raise ValidationError(w, f"{spec.name}: {w} needs a value") from e
        elif w.startswith("--") and not w[2:].isdigit():
            raise ValidationError(w, f"{spec.name} has no option {w} "
                                  f"(options: {', '.join(options) or 'none'})")
        else:
            rest.append(w)
    if len(rest) != len(positional):
        usage = " ".join([p.name.upper() for p in positional]
                         + [f"{p.option} {p.name.upper()}" for p in options.values()])
        raise ValidationError("action", f"{spec.name} takes {usage or 'no arguments'}; "
                              f"got {' '.join(words) or 'nothing'}")
    values.update({p.name: w for p, w in zip(positional, rest, strict=True)})
    missing = [p.option for p in options.values() if p.name not in values]
    if missing:
        raise ValidationError(missing[0], f"{spec.name} needs {missing[0]}")
    return values


def split_actions(words: Sequence[str], sep: str = "+") -> list[tuple[str, list[str]]]:
    """``["activate", "3", "+", "set-baseline", "x", "1"]`` -> [(action, words), ...]."""
    groups: list[list[str]] = [[]]
    for w in words:
        if w == sep:
            groups.append([])
        else:
            groups[-1].append(w)
    if any(not g for g in groups):
        raise ValidationError("action", "an empty action (two '+' in a row, or at an end)")
    return [(g[0], g[1:]) for g in groups]


def usage_lines() -> list[str]:
    """One line per action: name, arguments, what it calls."""
    out = []
    for a in ACTIONS:
        args = " ".join([p.name.upper() for p in a.params if not p.option
                         and p.kind != "record"]
                        + [f"{p.option} {p.name.upper()}" for p in a.params if p.option])
        target = "CONTRACT" if a.contract == "*" else a.contract
        out.append(f"{a.name} {args}".strip().ljust(44) + f"  {target}.{a.function}: {a.help}")
    return out
