"""Every keyword discoverable (issue 33): the public functions' signatures, ``help()`` and
the package's stubs come from the native module's keyword table, and these tests hold the
table to what the native functions accept, so neither can drift: each keyword of a
function is taken by it, keywords of other functions are refused, every keyword the Rust
code takes is in the table, and the defaults the table states are the ones the library
uses."""

import ast
import importlib.util
import inspect
import math
import pathlib
import re

import pandas as pd
import pytest

import pathcredit as pc
from pathcredit import _pathcredit as native
from pathcredit import _signatures

ROOT = pathlib.Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample"
PUBLIC = list(_signatures.NATIVE_OF)


def _generator():
    spec = importlib.util.spec_from_file_location(
        "generate_stubs", ROOT / "python" / "tools" / "generate_stubs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _all_keywords():
    return {row[0] for rows in native.keywords().values() for row in rows}


def _keywords(function):
    """The keywords the table gives `function` (besides its own named parameters)."""
    return _signatures.keywords(function, _signatures.named(getattr(pc, function)))


# ---- (a) the committed stubs are what the generator writes now -------------------------

def test_the_committed_stubs_are_generated_from_the_table():
    generator = _generator()
    committed = generator.STUBS.read_text(encoding="utf-8")
    assert committed == generator.render(), (
        "python/pathcredit/__init__.pyi is out of date: run python/tools/generate_stubs.py")
    compile(committed, "__init__.pyi", "exec")
    for name in pc.__all__:
        assert re.search(rf"\b{re.escape(name)}\b", committed), name


def test_the_package_ships_its_stubs():
    pyproject = (ROOT / "python" / "pyproject.toml").read_text()
    assert '"pathcredit/*.pyi"' in pyproject and '"pathcredit/py.typed"' in pyproject
    assert (pathlib.Path(pc.__file__).parent / "py.typed").exists()


# ---- the table itself, and what help() shows -------------------------------------------

def test_every_keyword_has_a_type_a_literal_default_and_a_one_line_doc():
    for function, rows in native.keywords().items():
        names = [r[0] for r in rows]
        assert len(names) == len(set(names)), function
        for name, type_, default, doc, group, when in rows:
            ast.parse(type_, mode="eval")
            if default is not None:
                ast.literal_eval(default)
            assert doc and "\n" not in doc and doc.endswith("."), (function, name, doc)
            assert group, name


def test_help_shows_every_keyword_with_its_type_and_default():
    sig = inspect.signature(pc.attribute)
    for name in ("lookback_days", "markov_order", "hazard_lags", "shapley_game", "model"):
        assert sig.parameters[name].kind is inspect.Parameter.KEYWORD_ONLY, name
    assert sig.parameters["lookback_days"].default == 30
    assert sig.parameters["lookback_days"].annotation == "int | None"
    assert repr(sig.parameters["censor_days"].default) == "<library default>"
    # The shown default, passed back, is the same as leaving the keyword out.
    paths = SAMPLE / "paths.csv"
    assert pc.attribute(paths, "markov", censor_days=sig.parameters["censor_days"].default,
                        path_type=_signatures.LIBRARY_DEFAULT).equals(pc.attribute(paths, "markov"))
    assert "params" not in sig.parameters
    assert list(sig.parameters)[:2] == ["data", "models"]
    text = pc.attribute.__doc__
    assert "Keyword arguments" in text
    assert "    markov_order: int | str = 1\n        Order of the Markov chain." in text
    assert "hazard_lags: str = 'auto'" in text
    doc = pc.report.__doc__
    assert "draws: int = 200 (with response=\"fitted\")" in doc
    assert "period: str = <library default> (with response != \"fitted\")" in pc.budget.__doc__
    for function in PUBLIC:
        for k in _keywords(function):
            assert f"    {k.name}: {k.type} = " in getattr(pc, function).__doc__, (function, k)


def test_simulate_names_every_keyword_the_native_function_takes():
    named = set(inspect.signature(pc.simulate).parameters)
    table = {row[0] for row in native.keywords()["simulate"]}
    assert table <= named
    assert _signatures.keywords("simulate", named) == []


# ---- (b) every keyword of a function is taken by it ------------------------------------

#: Values tried for keywords without a default, by type (a bad value is fine: an error
#: about its value proves the keyword was taken).
SAMPLE_VALUE = {
    "int": 3, "int | None": 1, "float": 0.5, "str": "x", "bool": True,
    "str | Sequence[str]": ["x"], "str | datetime": "2026-01-01",
    "Mapping[str, str] | str": {"path": "path"}, "Mapping[str, float] | str": {"x": 1},
    "str | PathLike[str]": "missing_rules.csv", "str | int": "30",
    "str | Sequence[float]": "0.3,0.4,0.3",
    "str | Sequence[Mapping[str, Any]]": "x",
}
#: Values that keep a call fast (the report's matched worlds are simulations).
FAST = {"matched": "off", "draws": 5}


def _value(k):
    if k.name in FAST:
        return FAST[k.name]
    return k.value if k.default is not None else SAMPLE_VALUE[k.type]


def _aggregate_world():
    weeks = pd.date_range("2026-01-05", periods=16, freq="7D")
    spend, credit = [], []
    for name, base, top, scale in (("a", 100.0, 300.0, 150.0), ("b", 80.0, 100.0, 50.0)):
        for i, week in enumerate(weeks):
            x = base * (0.4 + 0.08 * i)
            v = top * (1.0 - math.exp(-x / scale))
            spend.append((name, week, x))
            credit.append((name, week, v / 10.0, v))
    return (pd.DataFrame(spend, columns=["channel", "period", "spend"]),
            pd.DataFrame(credit, columns=["channel", "period", "conversions", "value"]))


@pytest.fixture(scope="module")
def calls():
    """A fast call of every public function, by route (`response="fitted"` routes
    take the fitted plan's keywords)."""
    paths = SAMPLE / "paths.csv"
    credit = pc.attribute(SAMPLE / "journeys.csv", models=["last_touch", "markov"])
    world = pc.simulate(users=2000, channels=3, scenario="spend_response", seed=5)
    series, credit_series = _aggregate_world()
    crm = {"channel": "Source", "conversions": "Conversions", "value": "Revenue"}
    plain = {
        "build_journeys": lambda **kw: pc.build_journeys(SAMPLE / "events.csv", **kw),
        "build_paths": lambda **kw: pc.build_paths(SAMPLE / "events.csv", **kw),
        "attribute": lambda **kw: pc.attribute(paths, kind="paths", models="last_touch", **kw),
        "validate": lambda **kw: pc.validate(paths, SAMPLE / "crm_last_touch.csv", "last_touch",
                                             kind="paths", report_columns=crm, **kw),
        "report": lambda **kw: pc.report(paths, kind="paths", **{
            "models": "last_touch", "matched": "off", **kw}),
        "evaluate": lambda **kw: pc.evaluate(SAMPLE / "truth.csv", credit, **kw),
        "budget": lambda **kw: pc.budget(credit, SAMPLE / "spend.csv", "markov", **kw),
        "sql": lambda **kw: pc.sql("duckdb", **kw),
        "simulate": lambda **kw: pc.simulate(users=200, channels=2, **kw),
    }
    fitted = {
        "report": lambda **kw: pc.report(world["events"], **{
            "spend": world["spend"], "response": "fitted", "budget_model": "markov",
            "models": "markov", "matched": "off", "draws": 5, "censor_days": 0, **kw}),
        "budget": lambda **kw: pc.budget(spend=series, credit_series=credit_series, **{
            "response": "fitted", "draws": 5, **kw}),
    }
    return plain, fitted


def test_each_base_call_runs(calls):
    plain, fitted = calls
    for function, call in [*plain.items(), *(("fitted " + f, c) for f, c in fitted.items())]:
        call()


def _taken(call, function, k):
    try:
        call(**{k.name: _value(k)})
    except Exception as error:  # an error about the value: the keyword was taken
        assert "unexpected keyword argument" not in str(error), (function, k.name, str(error))


@pytest.mark.parametrize("function", PUBLIC)
def test_every_keyword_in_the_table_is_taken(function, calls):
    plain, fitted = calls
    keywords = _keywords(function)
    assert keywords or function == "simulate"
    for k in keywords:
        route = fitted if k.when and "fitted" in k.when and "!=" not in k.when else plain
        _taken(route[function], function, k)


# ---- (c) keywords of other functions are refused ---------------------------------------

@pytest.mark.parametrize("function", PUBLIC)
def test_keywords_of_other_functions_are_refused(function, calls):
    plain, _ = calls
    own = {k.name for k in _signatures.keywords(function)} | set(
        inspect.signature(getattr(pc, function)).parameters)
    foreign = sorted(_all_keywords() - own)
    assert foreign
    for name in foreign[:: max(1, len(foreign) // 5)][:6]:
        with pytest.raises(TypeError, match="unexpected keyword argument"):
            plain[function](**{name: "1"})


# ---- (d) the Rust code takes no keyword the table does not declare ---------------------

def test_every_keyword_the_native_code_takes_is_in_the_table():
    taken = set()
    for source in (ROOT / "python" / "src").glob("*.rs"):
        text = source.read_text(encoding="utf-8")
        taken |= set(re.findall(r'\b(?:take|peek)\("([a-z_]+)"\)', text))
        taken |= set(re.findall(r'kw\.0\.get\("([a-z_]+)"\)', text))
    assert len(taken) > 80
    table = _all_keywords()
    assert taken - table == set(), "taken by the native code but not in the table"
    assert table - taken == set(), "in the table but taken nowhere"


# ---- (e) the defaults the table states are the library's -------------------------------

MODELS = ["last_touch", "linear", "position_based", "time_decay", "time_decay_steps",
          "position_decay", "custom", "markov", "shapley", "logistic", "self_controlled"]


def test_the_stated_defaults_give_the_same_credit_as_leaving_them_out():
    events = SAMPLE / "events.csv"
    run = lambda **kw: pc.attribute(events, models=MODELS, custom_weights="0.3,0.4,0.3",  # noqa: E731
                                    censor_days=0, **kw).to_csv(index=False)
    base = run()
    stated = {k.name: k.value for k in _signatures.keywords("attribute") if k.default is not None}
    assert len(stated) > 40
    few = ("lookback_days", "markov_order", "half_life", "shapley_game", "hazard_lags",
           "logistic_folds", "session_gap", "position_weights")
    for name in few:
        assert run(**{name: stated[name]}) == base, f"{name}={stated[name]!r} is not the default"
    if run(**stated) != base:  # every one at once; on a difference, name the culprits
        wrong = [n for n, v in stated.items() if run(**{n: v}) != base]
        pytest.fail(f"not the library's defaults: {wrong}")
