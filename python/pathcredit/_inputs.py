"""Handing inputs to the native module: a file path, CSV bytes, or an Arrow C stream.

Anything that exports the Arrow C stream interface (``__arrow_c_stream__``: pandas with
pyarrow, pyarrow tables, polars and DuckDB results) is read without a per-row Python
object and without copying its buffers. A pandas DataFrame that cannot export Arrow
(no pyarrow installed) is written as CSV in memory and read by the same CSV reader as
the command line.
"""

from __future__ import annotations

import io
import os
from typing import Any, List, Optional, Tuple


def columns_of(obj: Any) -> Optional[List[str]]:
    """The column names of a table-like object or a CSV file, or None."""
    if isinstance(obj, (str, os.PathLike)):
        with open(obj, "rb") as f:
            first = f.readline()
        return _header(first)
    if isinstance(obj, (bytes, bytearray)):
        return _header(bytes(obj).split(b"\n", 1)[0])
    for attr in ("column_names", "columns"):
        names = getattr(obj, attr, None)
        if names is not None and not callable(names):
            return [str(n) for n in names]
    return None


def _header(line: bytes) -> List[str]:
    import csv

    text = line.decode("utf-8", "replace").lstrip("\ufeff").rstrip("\r\n")
    row = next(csv.reader([text]), [])
    return [c.strip() for c in row]


def _arrow_error(name: str, error: Exception):
    """An error of the producer's Arrow export (pyarrow's `ArrowInvalid`,
    `ArrowTypeError`, a column it cannot convert) as an `InputError` naming the input."""
    from .errors import InputError

    return InputError(
        f"{name}: its Arrow export failed ({type(error).__name__}: {error}); convert the "
        "offending column to text, integers, floats or timestamps, or drop it"
    )


def native_input(obj: Any, role: str) -> Tuple[Any, str]:
    """`(input, name)` for the native module: a path (str), CSV bytes, or an Arrow
    table read from the object's stream; the name is what messages call the input."""
    if isinstance(obj, (str, os.PathLike)):
        path = os.fspath(obj)
        if not os.path.exists(path):
            raise FileNotFoundError(f"{path}: no such file ({role})")
        return path, path
    if isinstance(obj, (bytes, bytearray)):
        return bytes(obj), f"{role} (CSV bytes)"
    name = f"{role} ({type(obj).__name__})"
    export = getattr(obj, "__arrow_c_stream__", None)
    if export is not None:
        try:
            capsule = export()
        except ImportError:
            capsule = None  # pandas without pyarrow: write CSV below
        except Exception as error:  # noqa: BLE001 - the producer's own Arrow errors
            raise _arrow_error(name, error) from None
        if capsule is not None:
            # Read at once: a DuckDB connection allows one open result at a time.
            from . import _pathcredit
            from .errors import _from_native

            try:
                return _pathcredit.import_arrow(capsule, name), name
            except _pathcredit.NativeError as error:
                raise _from_native(error) from None
            except Exception as error:  # noqa: BLE001 - the producer's stream failing
                raise _arrow_error(name, error) from None
    to_csv = getattr(obj, "to_csv", None)
    if to_csv is not None:
        buffer = io.StringIO()
        to_csv(buffer, index=False, lineterminator="\n")
        return buffer.getvalue().encode("utf-8"), name
    from .errors import InputTypeError

    raise InputTypeError(
        f"{role}: expected a DataFrame (pandas, polars), a pyarrow Table, a DuckDB "
        f"relation, a CSV file path or CSV bytes; got {type(obj).__name__}"
    )
