"""`SubPath`: a file layout declared as data instead of one ``@property`` per file.

    class Layout:
        root: Path
        manifest = SubPath("root", "deployment.json")        # layout.manifest == root / ...
        chain_state = SubPath("root", "chain", "anvil-state.json")

The attribute is computed on each access from the instance's ``base`` attribute (itself a
`Path` or another `SubPath`), so it follows the instance and is read-only. Pure: no I/O.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, overload


class SubPath:
    def __init__(self, base: str, *parts: str) -> None:
        if not parts:
            raise TypeError("SubPath needs at least one path part")
        self.base, self.parts = base, parts

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, obj: None, owner: type) -> SubPath: ...
    @overload
    def __get__(self, obj: object, owner: type) -> Path: ...

    def __get__(self, obj: Any, owner: type) -> SubPath | Path:
        if obj is None:
            return self
        return Path(getattr(obj, self.base)).joinpath(*self.parts)

    def __set__(self, obj: Any, value: Any) -> None:
        raise AttributeError(f"{self.name} is derived from {self.base}; it cannot be set")
