"""The generated SQL from Python: statements come whole from the generator (issue 31,
item 2), so no name can split one in two or smuggle a statement in."""

import pytest

import pathcredit as pc

HOSTILE = "x'; DROP TABLE victim; --"


def test_statements_come_whole_from_the_generator():
    plain = pc.sql("duckdb", unattributed_channel="x", drop_channel="a")
    script = pc.sql("duckdb", unattributed_channel=HOSTILE, drop_channel=f"a,{HOSTILE};y")
    assert isinstance(script, str) and isinstance(script, pc.SqlScript)
    assert len(script.statements) == len(plain.statements)
    assert pc.statements(script) == script.statements
    # Text (as the command line writes it) is split by a lexer of quotes and comments:
    # the same statements, comments removed.
    lexed = pc.statements(str(script))
    assert len(lexed) == len(script.statements)
    def without_comments(statement):
        return "\n".join(
            l for l in statement.splitlines() if l.strip() and not l.lstrip().startswith("--")
        )

    for mine, whole in zip(lexed, script.statements):
        assert without_comments(mine) == without_comments(whole)


def test_hostile_names_change_nothing_else_in_duckdb(sample):
    duckdb = pytest.importorskip("duckdb")
    con = duckdb.connect()
    con.execute("CREATE TABLE victim AS SELECT 1 AS x")
    con.execute(f"CREATE TABLE events AS SELECT * FROM read_csv('{sample / 'events.csv'}', all_varchar=true)")
    script = pc.sql("duckdb", unattributed_channel=HOSTILE, drop_channel=HOSTILE, censor_days=0)
    for statement in pc.statements(script):
        result = con.execute(statement)
    assert result.fetchall()
    assert con.execute("SELECT * FROM victim").fetchall() == [(1,)]
    for statement in pc.statements(str(script)):
        result = con.execute(statement)
    assert con.execute("SELECT * FROM victim").fetchall() == [(1,)]


def test_names_with_control_characters_are_refused():
    with pytest.raises(pc.ParameterError, match="unattributed"):
        pc.sql("duckdb", unattributed_channel="x;\nDROP TABLE victim;\n--")
    with pytest.raises(pc.ParameterError):
        pc.sql("spark", events_table="events\nDROP TABLE victim")


def test_text_without_a_dialect_needs_one():
    with pytest.raises(pc.ParameterError, match="dialect"):
        pc.statements("SELECT 1; SELECT 2")
    assert pc.statements("SELECT 'a;b'; SELECT \"c;\"\"d\" -- e;f\n", dialect="duckdb") == [
        "SELECT 'a;b'", 'SELECT "c;""d"']
    assert pc.statements("SELECT 'it\\'s;'; SELECT 2", dialect="spark") == [
        "SELECT 'it\\'s;'", "SELECT 2"]
