"""`SubPath`: declared file layouts follow their instance, chain, and cannot be assigned."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from ecoai_chain.core.paths import SubPath


@dataclass(frozen=True)
class Tree:
    root: Path
    build = SubPath("root", "circuits", "build")
    r1cs = SubPath("build", "main.r1cs")


def test_paths_follow_the_instance_and_chain():
    assert Tree(Path("/a")).r1cs == Path("/a/circuits/build/main.r1cs")
    assert Tree(Path("/b")).build == Path("/b/circuits/build")
    assert isinstance(Tree.r1cs, SubPath)  # on the class: the declaration itself
    assert Tree(Path("/a")) == Tree(Path("/a"))  # not dataclass fields


class Plain:
    def __init__(self, root: Path) -> None:
        self.root = root

    logs = SubPath("root", "logs")


def test_a_derived_path_cannot_be_assigned():
    p = Plain(Path("/a"))
    with pytest.raises(AttributeError, match="logs is derived from root"):
        p.logs = Path("/elsewhere")
    assert p.logs == Path("/a/logs")


def test_a_subpath_needs_parts():
    with pytest.raises(TypeError):
        SubPath("root")
