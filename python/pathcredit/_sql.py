"""Generated SQL for the warehouse route, and splitting it into statements."""

from __future__ import annotations

from typing import Any, List, Optional, Sequence

from . import _pathcredit as _native
from ._api import _call, _kwargs
from .errors import ParameterError


class SqlScript(str):
    """Generated SQL: the script's text (a ``str``), with ``.statements``, each statement
    whole and without its final ``;``, as the generator ended them. Run those one at a
    time (``spark.sql``, ``duckdb.execute``); never split the text at ``;``, since a
    channel or table name may hold one."""

    statements: List[str]

    def __new__(cls, text: str, statements: Sequence[str]) -> "SqlScript":
        script = super().__new__(cls, text)
        script.statements = list(statements)
        return script


def sql(
    dialect: str,
    events_table: str = "events",
    identities_table: Optional[str] = None,
    *,
    transitions: Optional[int] = None,
    coalitions: bool = False,
    **params: Any,
) -> SqlScript:
    """The journey build as SQL for ``dialect`` ("duckdb" or "spark"), as ``pathcredit
    sql`` writes it: run it in the engine and its last statement returns the path
    summary ``pathcredit journeys`` would build from the same parameters (journey
    parameters and path transforms as in :func:`build_journeys` and :func:`attribute`;
    ``timestamps`` ("auto", the default: every form :func:`build_journeys` reads, row
    by row; "timestamp" or "epoch"), ``session_id`` (False ignores the column; it is
    read when the table has one), ``has_value`` (False ignores the column; a table
    without one reads as 0), ``prefix``, ``stitch_rounds``). The result is the script's text
    with ``.statements``, the statements one by one."""
    text, parts = _call(
        _native.sql, dialect, events_table, identities_table, transitions, coalitions,
        _kwargs(params),
    )
    return SqlScript(text, parts)


def statements(sql_text: str, dialect: Optional[str] = None) -> List[str]:
    """The statements of generated SQL, for engines that run one statement at a time
    (``spark.sql``, ``duckdb.execute``).

    Given what :func:`sql` returned, its statements as the generator ended them. Given
    other text (a file ``pathcredit sql`` wrote), the text is split at the ``;`` that end
    statements, read as ``dialect`` reads it (by default the dialect the script's first
    line names): never inside a string literal, a quoted name or a comment. Comments
    are removed."""
    if isinstance(sql_text, SqlScript):
        return list(sql_text.statements)
    if dialect is None:
        first = sql_text.lstrip().split("\n", 1)[0]
        for name in ("duckdb", "spark"):
            if f" as {name} SQL" in first:
                dialect = name
        if dialect is None:
            raise ParameterError(
                "statements: the text does not say its dialect (its first line is not "
                "pathcredit's); pass dialect='duckdb' or dialect='spark'"
            )
    if dialect not in ("duckdb", "spark"):
        raise ParameterError(f"statements: dialect {dialect!r}: expected duckdb or spark")
    return _split_statements(sql_text, backslash_escapes=dialect == "spark")


def _split_statements(text: str, backslash_escapes: bool) -> List[str]:
    """Statements of SQL text, comments removed: a lexer of quotes and comments (`'…'`
    with `''`, and `\\x` where backslashes escape; `"…"` and `` `…` `` with doubled
    quotes; ``-- …`` to the line end; ``/* … */``)."""
    out: List[str] = []
    current: List[str] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in "'\"`":
            j = i + 1
            while j < n:
                if backslash_escapes and c == "'" and text[j] == "\\":
                    j += 2
                    continue
                if text[j] == c:
                    if j + 1 < n and text[j + 1] == c:
                        j += 2
                        continue
                    break
                j += 1
            if j >= n:
                raise ParameterError(f"statements: an unterminated {c}…{c} in the SQL")
            current.append(text[i : j + 1])
            i = j + 1
        elif text.startswith("--", i):
            end = text.find("\n", i)
            i = n if end < 0 else end
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            if end < 0:
                raise ParameterError("statements: an unterminated /* comment in the SQL")
            i = end + 2
        elif c == ";":
            body = "".join(current).strip()
            if body:
                out.append(body)
            current = []
            i += 1
        else:
            current.append(c)
            i += 1
    body = "".join(current).strip()
    if body:
        out.append(body)
    return out
