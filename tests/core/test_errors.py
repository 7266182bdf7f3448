"""The error tree: every error the product raises on purpose lives in `ecoai_chain.errors`."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

from ecoai_chain import errors

ROOT = Path(__file__).resolve().parents[2]


def _error_classes() -> list[type]:
    return [c for _, c in inspect.getmembers(errors, inspect.isclass)
            if issubclass(c, BaseException) and c.__module__ == errors.__name__]


def test_every_error_is_under_the_root():
    classes = _error_classes()
    moved = {"StoreError", "RpcError", "ReorgTooDeep", "ChildExited", "InvalidPoint"}
    assert moved <= {c.__name__ for c in classes}
    for c in classes:
        assert issubclass(c, errors.EcoAIError), c


def test_no_error_class_is_defined_outside_errors_py():
    """A class named *Error / deriving from an error, defined anywhere else, is a second tree."""
    names = {c.__name__ for c in _error_classes()} | {"Exception", "ValueError", "RuntimeError"}
    offenders = []
    for pkg in ("ecoai_chain", "attestor"):
        for path in (ROOT / pkg).rglob("*.py"):
            if path.name == "errors.py" and path.parent.name == "ecoai_chain":
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.ClassDef):
                    bases = {b.id if isinstance(b, ast.Name) else getattr(b, "attr", "")
                             for b in node.bases}
                    if bases & names:
                        offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}")
    assert offenders == []


def test_rpc_error_keeps_its_context():
    e = errors.RpcError("eth_getLogs", -32005, "limit exceeded")
    assert (e.method, e.code, e.message) == ("eth_getLogs", -32005, "limit exceeded")
    assert str(e) == "eth_getLogs failed: -32005 limit exceeded"
    assert isinstance(e, errors.ChainError)
