"""Issue 32, part 5: the SQL route reads what `pathcredit journeys` reads.

Every timestamp form the events file allows (typed timestamps, epoch seconds and
milliseconds as integers or as text, RFC 3339 / ISO 8601 text in all its spellings) and
every combination of the optional columns (`value`, `session_id`) present or absent:
the path summary the engine builds from the default `pathcredit sql` equals the one
`pathcredit journeys` builds from the same rows written as CSV. DuckDB runs every case;
Spark (slow to start) the typed and integer forms and one column combination."""

import csv
import pathlib
import re
import sys
from datetime import datetime, timedelta, timezone

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from test_sql import assert_same, cli, spark, sql_statements  # noqa: E402,F401

import make_log  # noqa: E402

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def parse_rfc(text):
    """Milliseconds of make_log's `2026-01-01T00:00:00.000Z` stamps."""
    t = datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)
    return (t - EPOCH) // timedelta(milliseconds=1)


def iso_spellings(ms, row):
    """One of the ISO 8601 spellings the CLI reads, chosen by row: offsets in three
    forms, a space or a lower-case `t`, a comma as the decimal mark, no offset (UTC),
    no seconds or no time where the instant allows."""
    t = EPOCH + timedelta(milliseconds=ms)
    frac = f"{t.microsecond // 1000:03d}"
    if t.second == 0 and frac == "000" and row % 3 == 0:
        return t.strftime("%Y-%m-%dT%H:%M") if (t.hour, t.minute) != (0, 0) else t.strftime("%Y-%m-%d")
    k = row % 6
    if k == 0:
        return t.strftime("%Y-%m-%dT%H:%M:%S.") + frac + "Z"
    if k == 1:
        s = t + timedelta(hours=2)
        return s.strftime("%Y-%m-%d %H:%M:%S.") + frac + "+02:00"
    if k == 2:
        s = t - timedelta(hours=2, minutes=30)
        return s.strftime("%Y-%m-%dt%H:%M:%S,") + frac + "-0230"
    if k == 3:
        return t.strftime("%Y-%m-%dT%H:%M:%S.") + frac + "000"  # microseconds, UTC
    if k == 4:
        s = t + timedelta(hours=5)
        return s.strftime("%Y-%m-%dT%H:%M:%S.") + frac + "+05"
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + frac + "z"


# Each form: how the CSV's timestamp text is written (the CLI's input, and the engine's
# text input), and the engine type the column is cast to (None: left as text).
FORMS = {
    "rfc3339_text": (lambda ms, row: iso_spellings(ms, row), None),
    "typed_timestamp": (lambda ms, row: iso_spellings(ms, 0 if row % 2 else 1), "timestamp"),
    "epoch_ms_bigint": (lambda ms, row: str(ms), "bigint"),
    "epoch_s_bigint": (lambda ms, row: str(ms // 1000), "bigint"),
    "epoch_ms_text": (lambda ms, row: str(ms), None),
    "epoch_s_text": (lambda ms, row: str(ms // 1000), None),
}

COLUMN_SETS = {
    "all": ("value", "session_id"),
    "no_value": ("session_id",),
    "no_session_id": ("value",),
    "neither": (),
}


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    out = tmp_path_factory.mktemp("base")
    make_log.main(str(out), persons=150)
    with open(out / "events.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    return rows, out / "identities.csv"


def write_events(rows, form, optional, path):
    """The events with the form's timestamps and only the `optional` columns."""
    spell, _ = FORMS[form]
    columns = ["timestamp", "user_id", "event", "channel", *optional]
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(columns)
        for i, r in enumerate(rows):
            r = dict(r, timestamp=spell(parse_rfc(r["timestamp"]), i))
            w.writerow([r[c] for c in columns])
    return columns


def duckdb_table(con, path, columns, cast):
    select = ", ".join(
        f"CAST({c} AS {'TIMESTAMPTZ' if cast == 'timestamp' else 'BIGINT'}) AS {c}"
        if c == "timestamp" and cast else c
        for c in columns
    )
    con.execute(
        f"CREATE OR REPLACE TABLE events AS SELECT {select} FROM read_csv('{path}', header=true, all_varchar=true)"
    )


def reference(events, ids, tmp_path, flags):
    out = tmp_path / "paths.csv"
    cli("journeys", "--events", events, "--identities", ids, *flags, "--paths-out", out, "-q")
    return out


FLAGS = ["--censor-days", "0"]


@pytest.mark.parametrize("columns", list(COLUMN_SETS))
@pytest.mark.parametrize("form", list(FORMS))
def test_duckdb_reads_every_form_and_column_set(base, tmp_path, form, columns):
    duckdb = pytest.importorskip("duckdb")
    rows, ids = base
    events = tmp_path / "events.csv"
    names = write_events(rows, form, COLUMN_SETS[columns], events)
    con = duckdb.connect()
    duckdb_table(con, events, names, FORMS[form][1])
    con.execute(f"CREATE TABLE identities AS SELECT * FROM read_csv('{ids}', header=true, all_varchar=true)")
    result = None
    for statement in sql_statements("--dialect", "duckdb", "--identities-table", "identities", *FLAGS):
        result = con.execute(statement)
    assert_same(result.fetchall(), reference(events, ids, tmp_path, FLAGS))


# Every form once on Spark (each optional-column set too); DuckDB runs every pair.
@pytest.mark.parametrize("form,columns", [
    ("typed_timestamp", "all"), ("epoch_ms_bigint", "neither"), ("epoch_s_text", "no_value"),
    ("rfc3339_text", "no_session_id"), ("epoch_s_bigint", "all"), ("epoch_ms_text", "neither"),
])
def test_spark_reads_every_form(spark, base, tmp_path, form, columns):
    rows, ids = base
    events = tmp_path / "events.csv"
    names = write_events(rows, form, COLUMN_SETS[columns], events)
    cast = FORMS[form][1]
    df = spark.read.csv(str(events), header=True)
    if cast:
        df = df.withColumn("timestamp", df["timestamp"].cast("timestamp" if cast == "timestamp" else "bigint"))
    df.createOrReplaceTempView("events")
    spark.read.csv(str(ids), header=True).createOrReplaceTempView("identities")
    out = None
    for statement in sql_statements("--dialect", "spark", "--identities-table", "identities", *FLAGS):
        out = spark.sql(statement)
    assert_same([tuple(r) for r in out.collect()], reference(events, ids, tmp_path, FLAGS))


# Known answers, derived by hand from the CLI's rules (src/time.rs): each text and the
# epoch milliseconds it is.
KNOWN = [
    ("2026-01-18T10:00:00Z", 1768730400000),
    ("2026-01-18 10:00:00", 1768730400000),
    ("2026-01-18t10:00:00z", 1768730400000),
    ("2026-01-18T12:00:00.250+02:00", 1768730400250),
    ("2026-01-18T12:00:00,250+0200", 1768730400250),
    ("2026-01-18T12:00:00.2509+02", 1768730400250),
    ("2026-01-18T10:00", 1768730400000),
    ("2026-01-18", 1768694400000),
    ("2016-12-31T23:59:60Z", 1483228800000),  # a leap second, folded into the next
    ("1969-12-31T23:59:59.9999Z", -1),
    ("1768730400", 1768730400000),
    ("1768730400250", 1768730400250),
    ("-86400", -86400000),
    ("  1768730400  ", 1768730400000),
]


@pytest.mark.parametrize("engine", ["duckdb", "spark"])
def test_each_timestamp_text_reads_as_the_cli_reads_it(request, tmp_path, engine):
    events = tmp_path / "events.csv"
    with open(events, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["timestamp", "user_id", "event", "channel"])
        for i, (text, _) in enumerate(KNOWN):
            w.writerow([text, f"u{i:02d}", "touch", "email"])
            w.writerow(["2030-01-01T00:00:00Z", f"u{i:02d}", "conversion", ""])
    journeys = tmp_path / "journeys.csv"
    cli("journeys", "--events", events, "--lookback-days", "none", "--touch-level", "event",
        "--journeys-out", journeys, "-q")
    sql = sql_statements("--dialect", engine, "--lookback-days", "none", "--touch-level", "event")
    if engine == "duckdb":
        duckdb = pytest.importorskip("duckdb")
        con = duckdb.connect()
        con.execute(f"CREATE TABLE events AS SELECT * FROM read_csv('{events}', header=true, all_varchar=true)")
        for statement in sql:
            con.execute(statement)
        got = dict(con.execute("SELECT id, ts FROM pc_events WHERE rnk = 0").fetchall())
    else:
        session = request.getfixturevalue("spark")
        session.read.csv(str(events), header=True).createOrReplaceTempView("events")
        for statement in sql:
            session.sql(statement)
        got = {r[0]: r[1] for r in session.sql("SELECT id, ts FROM pc_events WHERE rnk = 0").collect()}
    assert got == {f"u{i:02d}": ms for i, (_, ms) in enumerate(KNOWN)}
    with open(journeys, newline="") as f:
        assert len(list(csv.DictReader(f))) == len(KNOWN)


@pytest.mark.parametrize("text", ["2026-01-18T10:00:00Q", "18/01/2026", "100000000000000", "2026-02-30"])
def test_a_value_that_is_no_timestamp_fails_the_run_naming_it(tmp_path, text):
    duckdb = pytest.importorskip("duckdb")
    events = tmp_path / "events.csv"
    events.write_text(f"timestamp,user_id,event,channel\n{text},u1,touch,email\n")
    done = __import__("subprocess").run(
        [__import__("test_sql").binary(), "journeys", "--events", events, "-q"], capture_output=True, text=True)
    assert done.returncode != 0
    con = duckdb.connect()
    con.execute(f"CREATE TABLE events AS SELECT * FROM read_csv('{events}', header=true, all_varchar=true)")
    # Named by its value and its row: a table has no line numbers, the row has a user
    # id and an event name.
    located = re.escape(f"timestamp `{text.upper()}` (user `u1`, event `touch`) is not a timestamp")
    with pytest.raises(duckdb.Error, match=located):
        for statement in sql_statements("--dialect", "duckdb"):
            con.execute(statement)
