"""Exact non-negative integers beyond 64 bits in SQL, on PostgreSQL and SQLite alike.

Any uint256 an event carries can land in the index (a reward, a sum of rewards, a DAO's
effective-from time), so such columns are `UInt`: 0 .. 10^96-1, which holds any uint256 and
any sum of fewer than 10^18 of them (node and daily totals).

- PostgreSQL: NUMERIC(96, 0) -- exact, sums, compares and sorts natively.
- SQLite has no integer wider than 64 bits (and NUMERIC affinity turns wider ones into lossy
  REALs), so a value below 2^63 is stored as an INTEGER and a larger one as its 96-digit
  zero-padded decimal text, in a column of BLOB affinity that keeps both as given. SQLite
  orders every number before every text and fixed-width digits order like the numbers, so
  comparisons and ORDER BY stay exact; `usum` is an exact SUM registered on each connection.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Numeric
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import GenericFunction
from sqlalchemy.types import TypeDecorator, UserDefinedType

DIGITS = 96
UINT_MAX = 10**DIGITS - 1
_SQLITE_INT_MAX = 2**63 - 1


class _SqliteAny(UserDefinedType):
    """Declared ``BLOB``: SQLite applies no affinity, so INTEGER and TEXT values stay as bound."""

    cache_ok = True

    def get_col_spec(self, **kw: Any) -> str:
        return "BLOB"


def to_sqlite(value: int) -> int | str:
    return value if value <= _SQLITE_INT_MAX else f"{value:0{DIGITS}d}"


def _check(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"UInt column given {type(value).__name__} {value!r}, not an int")
    if not 0 <= value <= UINT_MAX:
        raise ValueError(f"UInt column given {value}, outside 0 .. 10^{DIGITS}-1")
    return value


class UInt(TypeDecorator):
    """An exact integer in 0 .. 10^96-1 (see the module docstring for the storage)."""

    impl = Numeric(DIGITS, 0)
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "sqlite":
            return dialect.type_descriptor(_SqliteAny())
        return dialect.type_descriptor(Numeric(DIGITS, 0, asdecimal=True))

    def process_bind_param(self, value: Any, dialect) -> Any:
        if value is None:
            return None
        value = _check(value)
        return to_sqlite(value) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect) -> int | None:
        # SQLite gives int or digit text; PostgreSQL a Decimal with no fractional part.
        return None if value is None else int(value)

    @property
    def python_type(self) -> type:
        return int


class usum(GenericFunction):  # noqa: N801 - SQL function names are lower case
    """Exact SUM of a `UInt` column (NULL over no rows, like SUM)."""

    type = UInt()
    inherit_cache = True
    name = "usum"


@compiles(usum)
def _usum_default(element, compiler, **kw) -> str:
    return f"sum({compiler.process(element.clauses, **kw)})"


@compiles(usum, "sqlite")
def _usum_sqlite(element, compiler, **kw) -> str:
    return f"ecoai_usum({compiler.process(element.clauses, **kw)})"


class SqliteUSum:
    """The ``ecoai_usum`` aggregate: Python ints, so nothing overflows or rounds."""

    def __init__(self) -> None:
        self.total: int | None = None

    def step(self, value: int | str | None) -> None:
        if value is not None:
            self.total = (self.total or 0) + int(value)

    def finalize(self) -> int | str | None:
        return None if self.total is None else to_sqlite(self.total)
