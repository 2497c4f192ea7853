"""pathcredit: data-driven marketing attribution, exact and fast.

DataFrames in, DataFrames out. The work is done by the same Rust library as the
``pathcredit`` command line, with the interpreter released; results equal the command
line's, byte for byte once written as CSV.

>>> import pathcredit as pc
>>> journeys = pc.build_journeys(events, identities=ids, lookback_days=30, censor_days=0)
>>> credit = pc.attribute(journeys, models=["last_touch", "markov", "shapley"])

Inputs are pandas or polars DataFrames, pyarrow Tables, DuckDB relations (read through
the Arrow C stream interface, without copying), CSV file paths or CSV bytes.

Progress of long work goes to the ``pathcredit.progress`` logger at INFO (silent until
logging is configured), or to a callback set with :func:`on_progress`.
"""

from ._api import (
    Journeys,
    Paths,
    attribute,
    build_journeys,
    build_paths,
    evaluate,
    models,
    report,
    simulate,
    validate,
)
from ._budget import budget
from ._sql import SqlScript, sql, statements
from ._pathcredit import __version__
from ._progress import on_progress
from .errors import InputError, InputTypeError, ModelError, ParameterError, PathcreditError
from . import _signatures

# Every keyword each function passes on, in its signature and help() (from the native
# module's keyword table; the stubs in __init__.pyi come from the same table).
_signatures.apply(globals())

__all__ = [
    "Journeys",
    "Paths",
    "SqlScript",
    "attribute",
    "budget",
    "build_journeys",
    "build_paths",
    "evaluate",
    "models",
    "on_progress",
    "report",
    "simulate",
    "sql",
    "statements",
    "validate",
    "InputError",
    "InputTypeError",
    "ModelError",
    "ParameterError",
    "PathcreditError",
    "__version__",
]
