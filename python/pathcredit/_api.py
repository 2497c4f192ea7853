"""The functions of the package: thin wrappers over the native module, which runs the
same library entry points as the ``pathcredit`` command line."""

from __future__ import annotations

import datetime as _dt
import io
import json
import os
import tempfile
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Union

from . import _pathcredit as _native
from ._inputs import columns_of, native_input
from ._signatures import LIBRARY_DEFAULT
from .errors import ParameterError, _from_native

#: Anything pathcredit reads a table from.
TableLike = Any


def _call(fn, *args):
    try:
        return fn(*args)
    except _native.NativeError as error:
        raise _from_native(error) from None


def _text(name: str, value: Any) -> str:
    """A keyword argument's value in the library's text form."""
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if name == "credit_risks" and not isinstance(value, str):
        return json.dumps(list(value))
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Mapping):
        return ",".join(f"{k}={v}" for k, v in value.items())
    if isinstance(value, (list, tuple, set, frozenset)):
        return ",".join(str(v) for v in value)
    if isinstance(value, _dt.timedelta):
        return f"{value.total_seconds()}s"
    if hasattr(value, "total_seconds") and callable(value.total_seconds):
        return f"{value.total_seconds()}s"
    if isinstance(value, (_dt.datetime, _dt.date)):
        return value.isoformat()
    if hasattr(value, "isoformat") and callable(value.isoformat):
        return value.isoformat()
    return str(value)


#: Settings whose command-line flag takes `none` (no limit): `None` means that.
_NONE_MEANS_NONE = frozenset({"lookback_days", "censor_days"})


def _kwargs(params: Mapping[str, Any], user: bool = True) -> Dict[str, str]:
    """The keyword arguments in the library's text form. `None` means what the command
    line's `none` means for the settings that take it; for any other keyword a user
    gave, `None` is refused (leaving the keyword out gives its default). `user=False`
    for a front end's own optional arguments, where `None` means "not given"."""
    out = {}
    for k, v in params.items():
        if v is LIBRARY_DEFAULT:
            continue  # the default the signatures show: as if left out
        if v is None:
            if k in _NONE_MEANS_NONE:
                out[k] = "none"
            elif user:
                raise ParameterError(
                    f"{k}=None: `{k}` has no `none`; leave the keyword out for its default"
                )
            continue
        out[k] = _text(k, v)
    return out


def _frame(data: bytes, text_columns: Sequence[str] = ()):
    """A DataFrame from the command line's CSV output: empty cells are missing values,
    and text such as `NA` stays text."""
    import pandas as pd

    header = data.split(b"\n", 1)[0].decode("utf-8")
    names = next(iter(__import__("csv").reader([header])), [])
    dtypes = {c: "str" for c in names if c in text_columns}
    return pd.read_csv(
        io.BytesIO(data), keep_default_na=False, na_values=[""], dtype=dtypes or None
    )


_TEXT = ("model", "channel", "campaign", "content", "path", "journey_id", "user_id",
         "id", "person_id", "resolution", "role", "bound", "from", "to", "milestone",
         "event", "account_id", "anonymous_id", "session_id", "label")


def _write_atomically(files: Mapping[str, bytes]) -> None:
    """Writes every file under a temporary name and renames them all only when all were
    written: all or nothing."""
    staged = []
    try:
        for path, data in files.items():
            directory = os.path.dirname(os.path.abspath(path))
            os.makedirs(directory, exist_ok=True)
            fd, tmp = tempfile.mkstemp(
                prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=directory
            )
            staged.append((tmp, path))
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
        for tmp, path in staged:
            os.replace(tmp, path)
        staged = []
    finally:
        for tmp, _ in staged:
            try:
                os.remove(tmp)
            except OSError:
                pass


class _Built:
    """What a build from raw events holds: its counts, path summary and identities, in
    Rust (not as Python objects); every property renders a view."""

    def __init__(self, native):
        self._native = native
        self._summary = None

    @property
    def summary(self) -> dict:
        """Every count the command line prints: events read and ignored, identities
        stitched, sessions, journeys, touches outside windows, censored journeys."""
        if self._summary is None:
            self._summary = json.loads(self._native.summary_json())
        return self._summary

    @property
    def paths(self):
        """The path summary: ``path, total_conversions, total_conversion_value,
        total_null``."""
        return _frame(self._paths_csv(">"), _TEXT)

    @property
    def identities(self):
        """The resolved identities: ``id, person_id, resolution``."""
        return _frame(_call(self._native.identities_csv), _TEXT)

    def write_paths(self, path: Union[str, os.PathLike], separator: str = ">") -> None:
        """Writes the path summary, byte for byte as ``pathcredit journeys --paths-out``."""
        _write_atomically({os.fspath(path): self._paths_csv(separator)})

    def write_identities(self, path: Union[str, os.PathLike]) -> None:
        """Writes the resolved identities, as ``pathcredit journeys --identities-out``."""
        _write_atomically({os.fspath(path): _call(self._native.identities_csv)})

    def _paths_csv(self, separator: str) -> bytes:
        return _call(self._native.paths_csv, separator)

    def __len__(self) -> int:
        return len(self._native)

    def _journey_counts(self):
        w = self.summary.get("windows", {})
        return w.get("converting_journeys", 0), w.get("non_converting_journeys", 0)


class Journeys(_Built):
    """Journeys built from raw events by :func:`build_journeys`.

    Holds the journeys in Rust (not as Python objects); every property renders a view.
    Pass the object itself to :func:`attribute`, :func:`report` or :func:`validate`.
    """

    @property
    def journeys(self):
        """One row per touch: ``journey_id, user_id, converted, conversion_value,
        conversion_time, touch_time, channel, ...``."""
        return _frame(_call(self._native.journeys_csv), _TEXT)

    def write_journeys(self, path: Union[str, os.PathLike]) -> None:
        """Writes the journeys file, as ``pathcredit journeys --journeys-out``."""
        _write_atomically({os.fspath(path): _call(self._native.journeys_csv)})

    def __repr__(self) -> str:
        converting, non_converting = self._journey_counts()
        return f"<pathcredit.Journeys: {converting} converting, {non_converting} non-converting>"


def build_journeys(
    events: TableLike,
    identities: Optional[TableLike] = None,
    *,
    keep_logs: bool = True,
    **params: Any,
) -> Journeys:
    """Builds journeys from raw events, as ``pathcredit journeys`` does.

    ``events``: a DataFrame (pandas, polars), a pyarrow Table, a DuckDB relation, a CSV
    path or CSV bytes with ``timestamp, user_id, event[, channel, campaign, content,
    value, account_id, session_id]``; timestamps as Arrow timestamps, text, or integer
    epochs (seconds or milliseconds). ``identities``: ``anonymous_id, user_id`` edges.
    ``params``: ``lookback_days`` (30; None-like "none" for unlimited), ``lookback_steps``,
    ``censor_days``, ``data_end``, ``session_gap`` ("30m"), ``touch_level``,
    ``journey_level``, ``unattributed_channel``, ``conversion_event``, ``touch_event``,
    ``lead_event``, ``opportunity_event``, ``closed_won_event``, ``shared_devices``,
    ``direct_channels``, ``columns`` (``{"timestamp": "event_time"}``), ``skip_bad_rows``,
    ``channel_grouping`` ("ga4": channels from ``utm_source``, ``utm_medium``,
    ``utm_campaign``, ``referrer``, ``gclid``, ``msclkid``, ``fbclid`` by the rules of
    ``channel_rules`` then GA4's default channel group; "rules": the rules file alone),
    ``channel_rules`` (a CSV ``field,match,pattern,channel`` rules file; implies "ga4"),
    ``events_preset`` ("ga4": a flattened GA4 BigQuery export; "snowplow": Snowplow atomic
    events — the export read as it is: its columns, ``user_id`` stitched, an event a touch
    when it carries a traffic source, conversions by name, default ``purchase`` /
    ``transaction``; see data/exports/README.md).
    The summary counts each touch's channel source (``channel_sources``).
    ``keep_logs`` keeps every converting person's whole exposure log for the
    ``self_controlled`` model.
    """
    ev, ev_name = native_input(events, "events")
    ids, ids_name = (None, "") if identities is None else native_input(identities, "identities")
    native = _call(
        _native.build_journeys, ev, ev_name, ids, ids_name, _kwargs(params), keep_logs
    )
    return Journeys(native)


class Paths(_Built):
    """A path summary built from raw events by :func:`build_paths`, without the
    journeys themselves (its length is the number of distinct paths).

    Pass the object itself to :func:`attribute`, :func:`report` or :func:`validate` as
    a path summary.
    """

    def __repr__(self) -> str:
        converting, non_converting = self._journey_counts()
        return (
            f"<pathcredit.Paths: {len(self)} paths of {converting} converting and "
            f"{non_converting} non-converting journeys>"
        )


def build_paths(
    events: TableLike,
    identities: Optional[TableLike] = None,
    **params: Any,
) -> Paths:
    """Builds the path summary of the journeys :func:`build_journeys` would build, as
    ``pathcredit journeys --paths-out`` does, without building the journeys (no ids, no
    touches kept): faster and smaller when only paths are needed.

    Takes the events, identities and ``params`` of :func:`build_journeys` (``keep_logs``
    aside). The path summary, the summary's counts and the identities equal those of
    ``build_journeys(...).paths``, ``.summary`` and ``.identities``.
    """
    ev, ev_name = native_input(events, "events")
    ids, ids_name = (None, "") if identities is None else native_input(identities, "identities")
    native = _call(_native.build_paths, ev, ev_name, ids, ids_name, _kwargs(params))
    return Paths(native)


def _data(data: Any, kind: Optional[str], params: Mapping[str, Any]):
    """`(native data, kind, name)` of a run's data."""
    if isinstance(data, Journeys):
        return data._native, "built", "journeys"
    if isinstance(data, Paths):
        if kind not in (None, "paths"):
            raise ParameterError(f"kind={kind!r}: a Paths object is a path summary (kind='paths')")
        text = data._paths_csv(str(params.get("path_separator") or ">"))
        native, name = native_input(text, "paths")
        return native, "paths", name
    if kind is None and params.get("paths_preset"):
        kind = "paths"
    if kind is None:
        names = set(columns_of(data) or [])
        remapped = dict(params.get("columns") or {})
        header = lambda c: remapped.get(c, c)  # noqa: E731
        if header("path") in names:
            kind = "paths"
        elif header("journey_id") in names:
            kind = "journeys"
        elif header("timestamp") in names and header("event") in names:
            kind = "events"
        elif "transformed_path" in names:
            kind = "paths"
        else:
            raise ValueError(
                "cannot tell what the data are from their columns "
                f"({', '.join(sorted(names)) or 'none'}): give kind='paths', "
                "'journeys' or 'events', or remap the columns with columns={...}"
            )
    if kind not in ("paths", "journeys", "events"):
        raise ParameterError(f"kind={kind!r}: expected 'paths', 'journeys' or 'events'")
    native, name = native_input(data, kind)
    return native, kind, name


def _models(
    models: Union[None, str, Iterable[str]], params: Dict[str, Any], what: str
) -> Optional[List[str]]:
    """The models asked for: ``models=`` (a name, a comma-separated string or a list), or
    ``model=`` as the command line's ``--model`` spells it (taken out of ``params``)."""
    if "model" in params:
        if models is not None:
            raise TypeError(
                f"{what}() got both models= and model=; give one (models= takes a name or a list)"
            )
        models = params.pop("model")
    if models is None:
        return None
    if isinstance(models, str):
        return [m.strip() for m in models.split(",") if m.strip()]
    return list(models)


def attribute(
    data: Union[Journeys, Paths, TableLike],
    models: Union[None, str, Sequence[str]] = None,
    *,
    identities: Optional[TableLike] = None,
    kind: Optional[str] = None,
    bootstrap: int = 0,
    details: bool = False,
    lift_tests: Optional[TableLike] = None,
    **params: Any,
):
    """Channel credit under every model asked for (``models``: a name or a list, or
    ``model=`` as the command line's ``--model``; default every model the data
    support), as ``pathcredit attribute`` computes it.

    ``data``: :class:`Journeys`, :class:`Paths`, or a path summary, journeys or raw events (a DataFrame,
    pyarrow Table, DuckDB relation, CSV path or bytes; the kind is told from the columns,
    or give ``kind``). Model parameters are keyword arguments named as the library names
    them (``markov_order=2``, ``shapley_game="rate"``, ``logistic_alpha=1.0``,
    ``half_life="7d"``, ``level="campaign"``, ``two_touch="split_middle"``,
    ``position_decay="first_seen"``, ``step_decay=0.5``, ``step_every="168h"``, ...),
    with the command line's defaults. A peer's
    path summary export reads as it is with ``paths_preset`` (``"channelattribution"``,
    ``"mta"``, ``"fractribution"``, ``"snowplow"`` with ``path_type="channel"``,
    ``"dp6"``), ``unmatched_channel=True`` and ``per_journey=True`` as on the command line;
    ``revenue_weighted=True`` adds Snowplow's ``weighted_conversions`` column and
    ``conversion_window="30"`` (or ``"START..END"``) keeps the journeys ending in a window.

    Returns a DataFrame ``model, channel, conversions, value, share`` (and
    ``conversions_lo, conversions_hi`` with ``bootstrap``); ``.attrs["notes"]`` holds
    every model's notes, ``.attrs["details"]`` every model's details (with
    ``details=True``). ``credit.to_csv(path, index=False, float_format="%.6f")`` writes
    the command line's file byte for byte.
    """
    native, kind, name = _data(data, kind, params)
    ids, ids_name = (None, "") if identities is None else native_input(identities, "identities")
    lift, lift_name = (None, "") if lift_tests is None else native_input(lift_tests, "lift tests")
    out = _call(
        _native.attribute,
        native,
        kind,
        name,
        ids,
        ids_name,
        _models(models, params, "attribute"),
        bootstrap,
        details,
        lift,
        lift_name,
        _kwargs(params),
    )
    credit = _frame(out["credit_csv"], _TEXT)
    credit.attrs["notes"] = [f"{m}: {n}" for m, n in out["notes"]]
    credit.attrs["inputs"] = json.loads(out["inputs_json"])
    if details:
        credit.attrs["details"] = json.loads(out["details_json"])
    return credit


def evaluate(
    truth: TableLike,
    credit: TableLike,
    *,
    details: Optional[Mapping[str, Any]] = None,
    spend: Optional[TableLike] = None,
    truth_column: str = "shapley",
    true_curves: Optional[TableLike] = None,
    events: Optional[TableLike] = None,
    **params: Any,
):
    """Scores credit against a simulation's truth, as ``pathcredit evaluate``: total
    variation, rank correlation, largest share error, placebo share, and with ``spend``
    the decision regret, with ``details`` (default: ``credit.attrs["details"]``) the
    held-out fit. With ``true_curves`` (the simulation's ``curves.csv``) and ``spend``
    (its spend series), ``gain_left_assumed`` is the share of the available gain that
    each model's assumed-response budget plan leaves under the true response, and with
    ``response="fitted"`` and ``events`` the same for its plan from fitted response
    curves (``gain_left_fitted``); the plan settings are those of ``budget``
    (``max_shift``, ``floor``, ``cap``, ``draws``, ``seed``, ``current_periods``,
    ``adstock``, ``stay_in_range``). ``.attrs["notes"]`` holds the warnings (a truth
    channel missing from a model's credit)."""
    if details is None:
        details = getattr(credit, "attrs", {}).get("details")
    if params.get("response") == "fitted":
        if true_curves is None or events is None or spend is None:
            raise TypeError(
                'evaluate(response="fitted") scores plans from fitted response curves under '
                "the true ones: give true_curves= (the simulation's curves.csv), events= and "
                "spend= (its spend series), as `pathcredit evaluate --response fitted`"
            )
        params = {k: v for k, v in params.items() if k != "response"}
    elif events is not None:
        raise TypeError('events= belongs to evaluate(response="fitted", true_curves=...)')
    if true_curves is not None and spend is None:
        raise TypeError("true_curves= values each model's budget plans in the truth: give spend= too")
    tr, tr_name = native_input(truth, "truth")
    cr, cr_name = native_input(credit, "credit")
    sp, sp_name = (None, "") if spend is None else native_input(spend, "spend")
    tc, tc_name = (None, "") if true_curves is None else native_input(true_curves, "true_curves")
    ev, ev_name = (None, "") if events is None else native_input(events, "events")
    data, warnings = _call(
        _native.evaluate,
        tr,
        tr_name,
        cr,
        cr_name,
        None if details is None else json.dumps(details),
        sp,
        sp_name,
        truth_column,
        tc,
        tc_name,
        ev,
        ev_name,
        _kwargs(params),
    )
    scores = _frame(data, _TEXT)
    scores.attrs["notes"] = list(warnings)
    return scores


def validate(
    data: Union[Journeys, Paths, TableLike],
    report: TableLike,
    models: Union[None, str, Sequence[str]] = None,
    *,
    report_columns: Optional[Mapping[str, str]] = None,
    identities: Optional[TableLike] = None,
    kind: Optional[str] = None,
    **params: Any,
):
    """Checks another tool's report (``channel, conversions[, value]``) against
    pathcredit's credit on the same data, as ``pathcredit validate``. Returns the rows
    per channel; ``.attrs["check"]`` holds whether it was reproduced and the likely
    causes when not."""
    native, kind, name = _data(data, kind, params)
    ids, ids_name = (None, "") if identities is None else native_input(identities, "identities")
    rep, rep_name = native_input(report, "report")
    columns = [f"{k}={v}" for k, v in (report_columns or {}).items()]
    out = _call(
        _native.validate,
        native,
        kind,
        name,
        ids,
        ids_name,
        _models(models, params, "validate"),
        rep,
        rep_name,
        columns,
        _kwargs(params),
    )
    rows = _frame(out["rows_csv"], _TEXT)
    rows.attrs["check"] = json.loads(out["json"])
    return rows


def report(
    data: Union[Journeys, Paths, TableLike],
    *,
    spend: Optional[TableLike] = None,
    html: Union[None, str, os.PathLike] = None,
    markdown: Union[None, str, os.PathLike] = None,
    out_dir: Union[None, str, os.PathLike] = None,
    models: Union[None, str, Sequence[str]] = None,
    budget_model: Optional[str] = None,
    bootstrap: int = 0,
    identities: Optional[TableLike] = None,
    kind: Optional[str] = None,
    accuracy: Optional[TableLike] = None,
    **params: Any,
) -> dict:
    """The decision report, as ``pathcredit report``: every model side by side, ROI and
    a budget plan with ``spend``, path facts. Writes ``html``, ``markdown`` and every
    table into ``out_dir`` (all or nothing); returns the report as a dict (what
    ``report.json`` holds; its ``summary`` names the recommended model and why).
    ``accuracy``: the scores :func:`evaluate` returned for a simulation of your
    channel mix; the summary then recommends the data-driven model closest to the
    truth. ``response="fitted"`` (events as ``data``, ``spend`` a series
    ``channel,period,spend``) also plans from measured response, as ``pathcredit report
    --response fitted``: the budget model's plan (``fitted_budget`` in the dict), drawn
    per channel in the HTML page and written as ``fitted_budget.csv`` and
    ``fitted_curves.csv``; ``draws``, ``current_periods``, ``stay_in_range``,
    ``adstock``, ``total`` or ``target_mroas`` as :func:`budget` takes them."""
    native, kind, name = _data(data, kind, params)
    ids, ids_name = (None, "") if identities is None else native_input(identities, "identities")
    sp, sp_name = (None, "") if spend is None else native_input(spend, "spend")
    acc, acc_name = (None, "") if accuracy is None else native_input(accuracy, "accuracy")
    out = _call(
        _native.report,
        native,
        kind,
        name,
        ids,
        ids_name,
        _models(models, params, "report"),
        bootstrap,
        sp,
        sp_name,
        budget_model,
        acc,
        acc_name,
        _kwargs(params),
    )
    files = {}
    if html is not None:
        files[os.fspath(html)] = out["html"]
    if markdown is not None:
        files[os.fspath(markdown)] = out["markdown"]
    if out_dir is not None:
        for file, data_bytes in out["tables"].items():
            files[os.path.join(os.fspath(out_dir), file)] = data_bytes
    _write_atomically(files)
    doc = json.loads(out["tables"]["report.json"])
    doc["notes"] = [f"{m}: {n}" for m, n in out["notes"]]
    return doc


def simulate(
    users: int = 20_000,
    channels: int = 8,
    scenario: str = "targeting",
    seed: int = 7,
    *,
    days: Optional[int] = None,
    experiments: Optional[Sequence[str]] = None,
    hazard: Optional[str] = None,
    holdout_share: Optional[float] = None,
    out_dir: Union[None, str, os.PathLike] = None,
) -> Dict[str, Any]:
    """Simulates people whose journeys are driven by channels with known causal effects,
    as ``pathcredit simulate``. Returns DataFrames ``events``, ``identities``,
    ``spend``, ``truth`` (and ``experiments`` with ``experiments=[...]``, ``curves``, the
    true response curves, with ``scenario="spend_response"``); with
    ``out_dir``, also writes them as the command line does, byte for byte."""
    params = {
        "users": users,
        "channels": channels,
        "scenario": scenario,
        "seed": seed,
        "days": days,
        "experiments": experiments,
        "hazard": hazard,
        "holdout_share": holdout_share,
    }
    files = _call(_native.simulate, _kwargs(params, user=False))
    if out_dir is not None:
        _write_atomically(
            {os.path.join(os.fspath(out_dir), f): data for f, data in files.items()}
        )
    return {f[: -len(".csv")]: _frame(data, _TEXT) for f, data in files.items()}


def models() -> Dict[str, str]:
    """Every model's name and one-line summary."""
    return dict(_native.model_names())
