"""Every kind of input gives the same credit; errors name where the problem is; every
keyword argument reaches the library."""

import io

import pandas as pd
import pytest

import pathcredit as pc
from pathcredit import _pathcredit as native


def credit_of(events, identities=None):
    return pc.attribute(
        events, identities=identities, models=["last_touch", "markov", "shapley"], censor_days=0
    )


@pytest.fixture(scope="module")
def reference(sample):
    return credit_of(sample / "events.csv", sample / "identities.csv")


def test_dataframe_pyarrow_file_and_bytes_give_the_same_credit(sample, reference):
    pa = pytest.importorskip("pyarrow")
    events = pd.read_csv(sample / "events.csv")
    ids = pd.read_csv(sample / "identities.csv")
    inputs = {
        "pandas": (events, ids),
        "pyarrow": (pa.Table.from_pandas(events), pa.Table.from_pandas(ids)),
        "bytes": ((sample / "events.csv").read_bytes(), (sample / "identities.csv").read_bytes()),
        # Typed columns: Arrow timestamps, a categorical channel, nullable floats.
        "typed": (
            events.assign(
                timestamp=pd.to_datetime(events.timestamp, utc=True, format="ISO8601"),
                channel=events.channel.astype("category"),
            ),
            ids,
        ),
        # Many small batches.
        "batches": (pa.Table.from_pandas(events).to_batches(max_chunksize=100), ids),
    }
    for label, (ev, idn) in inputs.items():
        if label == "batches":
            ev = pa.Table.from_batches(ev)
        pd.testing.assert_frame_equal(credit_of(ev, idn), reference, obj=label)


def test_pandas_without_pyarrow_is_read_as_csv(sample, reference, monkeypatch):
    events = pd.read_csv(sample / "events.csv")

    def no_arrow(self, requested_schema=None):
        raise ImportError("pyarrow is not installed")

    monkeypatch.setattr(pd.DataFrame, "__arrow_c_stream__", no_arrow, raising=False)
    got = credit_of(events, pd.read_csv(sample / "identities.csv"))
    pd.testing.assert_frame_equal(got, reference)


def test_polars_and_duckdb_are_read_through_arrow(sample, reference):
    for module in ("polars", "duckdb"):
        try:
            lib = __import__(module)
        except ImportError:
            continue
        if module == "polars":
            ev = lib.read_csv(sample / "events.csv", infer_schema_length=0)
            ids = lib.read_csv(sample / "identities.csv")
        else:
            ev = lib.sql(f"select * from read_csv('{sample / 'events.csv'}', all_varchar=true)")
            ids = lib.sql(f"select * from read_csv('{sample / 'identities.csv'}')")
        pd.testing.assert_frame_equal(credit_of(ev, ids), reference, obj=module)


def test_remapped_columns_as_a_keyword(sample, reference):
    events = pd.read_csv(sample / "events.csv").rename(columns={"timestamp": "event_time"})
    got = credit_of_columns = pc.attribute(
        events,
        identities=sample / "identities.csv",
        models=["last_touch", "markov", "shapley"],
        censor_days=0,
        columns={"timestamp": "event_time"},
    )
    pd.testing.assert_frame_equal(got, reference)
    assert credit_of_columns is got


def test_a_bad_value_names_the_row_of_a_dataframe_and_the_line_of_a_file(tmp_path):
    paths = pd.DataFrame({"path": ["a > b", "b"], "total_conversions": [1.0, -2.0]})
    with pytest.raises(pc.InputError) as err:
        pc.attribute(paths, models=["linear"])
    assert "paths (DataFrame): row 1, column 2 (total_conversions)" in str(err.value)
    assert err.value.location["row"] == 1
    assert err.value.location["column_name"] == "total_conversions"
    assert isinstance(err.value, ValueError)

    file = tmp_path / "paths.csv"
    file.write_text("path,total_conversions\na,1\nb,three\n")
    with pytest.raises(pc.InputError) as err:
        pc.attribute(file, models=["linear"])
    assert f"{file}: line 3, column 2 (total_conversions): `three` is not a number" in str(err.value)
    assert err.value.location["line"] == 3


def test_parameters_and_models_are_checked_with_their_names(sample):
    with pytest.raises(pc.ParameterError, match="invalid lookback_days"):
        pc.build_journeys(sample / "events.csv", lookback_days=-1)
    with pytest.raises(pc.ParameterError, match="markov_order"):
        pc.attribute(sample / "paths.csv", models=["markov"], markov_order=9)
    with pytest.raises(TypeError, match="unexpected keyword argument 'markov_ordr'"):
        pc.attribute(sample / "paths.csv", markov_ordr=2)
    with pytest.raises(pc.ParameterError, match="models"):
        pc.attribute(sample / "paths.csv", models=["no_such_model"])
    none = pd.DataFrame({"path": ["a", "b"], "total_conversions": [0, 0], "total_null": [3, 4]})
    with pytest.raises(pc.ModelError, match="logistic"):
        pc.attribute(none, models=["logistic"])


# One non-default value per keyword argument: each must change the resolved settings.
KEYWORDS = {
    "level": "campaign",
    "direct_channels": ["direct", "brand"],
    "position_weights": "0.3,0.4,0.3",
    "custom_weights": "0.5,0,0.5",
    "half_life": "3d",
    "transform": "unique",
    "max_steps": 5,
    "drop_channel": ["email"],
    "drop_direct_unless_only": True,
    "seed": 7,
    "memory_limit": "2G",
    "markov_order": 3,
    "markov_states": "padded",
    "markov_holdout": 0.3,
    "markov_max_states": 1000,
    "markov_max_work": 1e9,
    "logistic_max_work": 1e13,
    "logistic_alpha": 2.0,
    "logistic_folds": 3,
    "logistic_interactions": True,
    "logistic_credit": "removal",
    "logistic_bags": 5,
    "logistic_bag_rows": 0.7,
    "logistic_bag_features": 0.9,
    "logistic_holdout": 0.3,
    "logistic_solver": "linfa",
    "shapley_game": "simplified",
    "shapley_samples": 1000,
    "shapley_exact_max": 10,
    "shapley_negative": "keep",
    "hazard_step": "12h",
    "hazard_lags": "0,1-3",
    "hazard_controls": ["organic_search"],
    "hazard_ignore": ["direct"],
    "hazard_weekday": True,
    "hazard_calendar": 7,
    "hazard_time_of_day": "conversions",
    "hazard_pre": "none",
    "hazard_smoothing": 10,
    "hazard_adjust": "adjusted",
    "study_start": "2026-01-01T00:00:00Z",
    "study_end": "2026-02-01T00:00:00Z",
    "journey_level": "account",
    "lookback_days": 60,
    "lookback_steps": 4,
    "censor_days": 0,
    "data_end": "2026-03-01T00:00:00Z",
    "session_gap": "1h",
    "touch_level": "event",
    "unattributed_channel": "(none)",
    "conversion_event": ["purchase"],
    "touch_event": ["visit"],
    "lead_event": "mql",
    "opportunity_event": "sql",
    "closed_won_event": "won",
    "shared_devices": "merge",
    "skip_bad_rows": True,
    "columns": {"timestamp": "ts"},
    "path_separator": "|",
    "max_shift": 0.1,
    "response": "linear",
    "elasticity": 0.3,
    "floor": {"email": 10},
    "cap": {"email": 1000},
    "period": "2026-01",
}


@pytest.mark.parametrize("name", sorted(KEYWORDS))
def test_every_keyword_argument_reaches_the_settings(name):
    from pathcredit._api import _kwargs

    default = native.resolve_settings({})
    changed = native.resolve_settings(_kwargs({name: KEYWORDS[name]}))
    assert changed != default, f"{name} changed nothing"


def test_none_means_the_command_lines_none_or_is_refused(sample):
    """`lookback_days=None` is the CLI's `--lookback-days none` (no window), never a
    silent default; `None` for a setting without a `none` is refused by name."""
    windowed = pc.build_paths(sample / "events.csv", identities=sample / "identities.csv", censor_days=0)
    unbounded = pc.build_paths(sample / "events.csv", identities=sample / "identities.csv",
                               censor_days=0, lookback_days=None)
    assert unbounded.summary["settings"]["lookback"] == "unlimited"
    assert windowed.summary["settings"]["lookback"] != "unlimited"
    assert unbounded.summary["windows"]["touch_events_outside_window"] == 0
    with pytest.raises(pc.ParameterError, match="half_life=None"):
        pc.attribute(sample / "paths.csv", models=["time_decay"], half_life=None)


def test_arrow_export_errors_are_pathcredit_errors():
    """A producer whose Arrow export fails (pyarrow raising ArrowInvalid) gives a
    PathcreditError naming the input, not the producer's raw exception."""

    class Broken:
        def __arrow_c_stream__(self, requested_schema=None):
            raise ValueError("ArrowInvalid: could not convert 'x' with type str")

    with pytest.raises(pc.InputError, match=r"\(Broken\).*Arrow export failed"):
        pc.attribute(Broken(), kind="paths", models=["last_touch"])
    assert issubclass(pc.InputError, pc.PathcreditError)


def test_model_spelt_as_the_command_line_spells_it(sample):
    paths = sample / "paths.csv"
    one = pc.attribute(paths, model="markov")
    assert set(one.model) == {"markov"}
    pd.testing.assert_frame_equal(one, pc.attribute(paths, models="markov"))
    with pytest.raises(TypeError, match="both models= and model="):
        pc.attribute(paths, models="markov", model="linear")


def test_a_misspelt_keyword_names_the_parameter_meant(sample):
    with pytest.raises(TypeError, match=r"unexpected keyword argument 'markov_ordr'; did you mean 'markov_order'\?"):
        pc.attribute(sample / "paths.csv", models="markov", markov_ordr=2)
    with pytest.raises(TypeError, match="unexpected keyword argument 'zzz'$"):
        pc.attribute(sample / "paths.csv", models="markov", zzz=2)


def test_budget_needs_its_model_as_the_command_line_does(sample):
    credit = pc.attribute(sample / "paths.csv", models=["markov", "linear"])
    spend = sample / "spend.csv"
    with pytest.raises(TypeError, match=r"needs model=.*--model"):
        pc.budget(credit, spend)
    with pytest.raises(TypeError, match="takes model=.*not models="):
        pc.budget(credit, spend, models="markov")
    plan = pc.budget(credit, spend, model="markov")
    assert plan.attrs["plan"]["model"] == "markov"
