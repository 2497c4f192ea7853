"""The native half of pathcredit (Rust, pyo3). Use the functions of ``pathcredit``;
these are their building blocks. Every input is a CSV file path (``str``), CSV
``bytes``, or an :class:`ArrowTable`; every keyword dict maps the library's parameter
names to their values as text."""

from typing import Callable, Dict, List, Optional, Sequence, Tuple, Union

__version__: str

class NativeError(Exception):
    """An error of the Rust library: ``args == (kind, message, location)``, with kind
    ``input``, ``parameter``, ``model``, ``io`` or ``other`` and location ``(file, line,
    row, column, column_name)`` or ``None``."""

class ArrowTable:
    """An Arrow stream read whole (its buffers borrowed, never copied)."""

def import_arrow(capsule: object, name: str) -> ArrowTable:
    """Reads the ``arrow_array_stream`` capsule of ``__arrow_c_stream__()`` now."""

Input = Union[str, bytes, ArrowTable]

class NativeJourneys:
    """Journeys built from events, held in Rust."""

    def summary_json(self) -> str:
        """The build summary as JSON."""
    def journeys_csv(self) -> bytes:
        """The journeys file, one row per touch."""
    def paths_csv(self, separator: str) -> bytes:
        """The path summary."""
    def identities_csv(self) -> bytes:
        """The resolved identities."""
    def has_logs(self) -> bool:
        """True when the whole logs of converting units were kept."""
    def __len__(self) -> int: ...

class NativePaths:
    """A path summary built from events, held in Rust."""

    def summary_json(self) -> str:
        """The build summary as JSON."""
    def paths_csv(self, separator: str) -> bytes:
        """The path summary."""
    def identities_csv(self) -> bytes:
        """The resolved identities."""
    def __len__(self) -> int:
        """The number of distinct paths."""

def build_journeys(
    events: Input,
    events_name: str,
    identities: Optional[Input],
    identities_name: str,
    kwargs: Dict[str, str],
    keep_logs: bool,
) -> NativeJourneys:
    """Builds journeys from events (and identity edges). ``kwargs`` holds the journey
    settings in text form, e.g. ``channel_grouping`` ("ga4" or "rules") and
    ``channel_rules`` (a rules file's path) for channels from UTM fields, click ids and
    referrers, ``events_preset`` ("ga4" or "snowplow") for a raw event export as it is."""

def build_paths(
    events: Input,
    events_name: str,
    identities: Optional[Input],
    identities_name: str,
    kwargs: Dict[str, str],
) -> NativePaths:
    """Builds the path summary of the journeys of events (and identity edges)."""

def attribute(
    data: Union[Input, NativeJourneys],
    kind: str,
    name: str,
    identities: Optional[Input],
    identities_name: str,
    models: Optional[Sequence[str]],
    bootstrap: int,
    details: bool,
    lift_tests: Optional[Input],
    lift_tests_name: str,
    kwargs: Dict[str, str],
) -> Dict[str, object]:
    """Runs the models: ``credit_csv`` (bytes), ``details_json``, ``notes``
    (``[(model, note)]``), ``inputs_json``."""

def report(
    data: Union[Input, NativeJourneys],
    kind: str,
    name: str,
    identities: Optional[Input],
    identities_name: str,
    models: Optional[Sequence[str]],
    bootstrap: int,
    spend: Optional[Input],
    spend_name: str,
    budget_model: Optional[str],
    accuracy: Optional[Input],
    accuracy_name: str,
    kwargs: Dict[str, str],
) -> Dict[str, object]:
    """The report: ``markdown`` and ``html`` (bytes), ``tables`` (file name → bytes,
    ``report.json`` included), ``notes``."""

def budget(
    credit: Input,
    credit_name: str,
    model: Optional[str],
    spend: Input,
    spend_name: str,
    kwargs: Dict[str, str],
) -> Dict[str, object]:
    """A budget plan: ``plan_csv`` (bytes) and ``plan_json``."""

def budget_fitted(
    credit: Input,
    credit_name: str,
    model: str,
    spend: Input,
    spend_name: str,
    events: Input,
    events_name: str,
    kwargs: Dict[str, str],
) -> Dict[str, object]:
    """A plan from fitted response curves: ``plan_csv``, ``curves_csv`` (bytes) and
    ``plan_json``."""

def budget_aggregate(
    spend: Input,
    spend_name: str,
    credit_series: Input,
    credit_series_name: str,
    kwargs: Dict[str, str],
) -> Dict[str, object]:
    """A plan from response curves fitted to a credit series and a spend series alone
    (the weaker aggregate route): ``plan_csv``, ``curves_csv`` (bytes) and ``plan_json``."""

def evaluate(
    truth: Input,
    truth_name: str,
    credit: Input,
    credit_name: str,
    details_json: Optional[str],
    spend: Optional[Input],
    spend_name: str,
    truth_column: str,
    true_curves: Optional[Input],
    true_curves_name: str,
    events: Optional[Input],
    events_name: str,
    kwargs: Dict[str, str],
) -> Tuple[bytes, List[str]]:
    """Scores against the truth, as CSV, and the warnings."""

def validate(
    data: Union[Input, NativeJourneys],
    kind: str,
    name: str,
    identities: Optional[Input],
    identities_name: str,
    models: Optional[Sequence[str]],
    report: Input,
    report_name: str,
    report_columns: List[str],
    kwargs: Dict[str, str],
) -> Dict[str, object]:
    """The cross-check: ``rows_csv`` (bytes) and ``json``."""

def simulate(kwargs: Dict[str, str]) -> Dict[str, bytes]:
    """The simulated files by name (``events.csv``, ``identities.csv``, ``spend.csv``,
    ``truth.csv``, and ``experiments.csv`` with experiments)."""

def sql(
    dialect: str,
    events_table: str,
    identities_table: Optional[str],
    transitions: Optional[int],
    coalitions: bool,
    kwargs: Dict[str, str],
) -> Tuple[str, List[str]]:
    """The journey build as SQL for DuckDB or Spark: its text and its statements.
    ``kwargs`` as for :func:`build_journeys` (``channel_grouping``, ``channel_rules``
    included: the SQL groups channels as the builder does), plus ``timestamps``
    ("auto", "timestamp", "epoch"), ``session_id``, ``has_value``, ``prefix``,
    ``stitch_rounds``."""

def resolve_settings(kwargs: Dict[str, str]) -> str:
    """The settings the keywords resolve to (for tests)."""

def model_names() -> List[Tuple[str, str]]:
    """Every model's name and summary."""

def keywords() -> Dict[
    str, List[Tuple[str, str, Optional[str], str, str, Optional[str]]]
]:
    """The keyword arguments of every native function that takes them: ``(name, type,
    default, doc, group, when)`` with the Python annotation as text, the default as a
    Python literal (``None``: no default value, the library decides), a one-line doc, the
    group's heading and the condition under which the function takes it (``None``:
    always). The package's signatures, ``help()`` and ``__init__.pyi`` come from it."""

def set_progress_sink(sink: Optional[Callable[[str, int, int, float], None]]) -> None:
    """Sends progress of long work to ``sink(task, done, total, seconds)`` (a few calls a
    second at most per task, always its start and finish); ``None`` stops it."""
