"""The library does not depend on the agent: no module of ecoai_chain imports attestor.

Scans every file of ecoai_chain/ with ast (so lazy imports inside functions count too). The one
place that names the agent is the CLI's table of optional sub-commands (ecoai_chain/cli.py),
which loads ``attestor.cli`` by name only when that package is installed: a plug-in, not a
dependency; the test pins that it stays the only one.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LIBRARY = ROOT / "ecoai_chain"


def _imported_modules(tree: ast.AST) -> list[tuple[int, str]]:
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            out.append((node.lineno, node.module))
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr in ("import_module", "__import__") and node.args
              and isinstance(node.args[0], ast.Constant)):
            out.append((node.lineno, str(node.args[0].value)))
    return out


def _names_agent(module: str) -> bool:
    return module == "attestor" or module.startswith("attestor.")


def test_no_module_of_the_library_imports_the_agent():
    files = sorted(LIBRARY.rglob("*.py"))
    assert len(files) > 50  # the scan really covers the library
    offenders = [f"{f.relative_to(ROOT)}:{line}: {mod}" for f in files
                 for line, mod in _imported_modules(ast.parse(f.read_text(), str(f)))
                 if _names_agent(mod)]
    assert offenders == []


def test_the_cli_plugin_table_is_the_only_place_that_names_the_agent():
    named = []
    for f in sorted(LIBRARY.rglob("*.py")):
        for node in ast.walk(ast.parse(f.read_text(), str(f))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                    and re.fullmatch(r"attestor(\.\w+)+", node.value):  # a dotted module name
                named.append((f.relative_to(ROOT).as_posix(), node.value))
    assert named == [("ecoai_chain/cli.py", "attestor.cli")]


def test_the_scan_finds_lazy_imports():
    tree = ast.parse("def f():\n    from attestor.store import Store\n    import attestor\n")
    assert [m for _l, m in _imported_modules(tree)] == ["attestor.store", "attestor"]
