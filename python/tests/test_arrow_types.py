"""Arrow columns of types pathcredit does not read (issue 31, item 17): a DuckDB DECIMAL
amount, a struct, a list. Unused, they are ignored like extra CSV columns; used by a
role, they are a PathcreditError naming the column, the row and the type."""

from decimal import Decimal

import pandas as pd
import pyarrow as pa
import pytest

import pathcredit as pc

PATHS = {
    "path": ["a > b", "b", "a"],
    "total_conversions": [2, 1, 1],
    "total_conversion_value": [20.5, 10.0, 5.25],
    "total_null": [3, 4, 1],
}
MONEY = pa.array([Decimal("20.50"), Decimal("10.00"), Decimal("5.25")], type=pa.decimal128(10, 2))
META = pa.array([{"source": "crm", "rank": 1}] * 3)


def credit(data):
    return pc.attribute(data, kind="paths", models=["linear", "markov"])


@pytest.fixture(scope="module")
def reference():
    return credit(pd.DataFrame(PATHS))


def test_unused_decimal_and_struct_columns_are_ignored(reference):
    table = pa.table({**PATHS, "amount": MONEY, "meta": META, "tags": [["x"], [], ["y", "z"]]})
    pd.testing.assert_frame_equal(credit(table), reference)
    frame = pd.DataFrame(PATHS).assign(
        amount=pd.Series(MONEY.to_pylist(), dtype=pd.ArrowDtype(pa.decimal128(10, 2))),
        meta=pd.Series(META.to_pylist(), dtype=pd.ArrowDtype(META.type)),
    )
    pd.testing.assert_frame_equal(credit(frame), reference)


def test_a_used_decimal_column_names_the_column_row_and_type():
    table = pa.table({**PATHS, "total_conversion_value": MONEY})
    with pytest.raises(pc.InputError) as err:
        credit(table)
    message = str(err.value)
    assert "row 0, column 3 (total_conversion_value)" in message, message
    assert "the column's type is decimal128(10, 2) (Arrow `d:10,2`)" in message, message
    assert "cast it to text, integers, floats or timestamps" in message, message
    assert err.value.location["column_name"] == "total_conversion_value"
    assert err.value.location["row"] == 0
    assert isinstance(err.value, pc.PathcreditError)


def test_a_used_struct_column_names_the_column_row_and_type():
    table = pa.table({**PATHS, "path": META})
    with pytest.raises(pc.InputError) as err:
        credit(table)
    message = str(err.value)
    assert "row 0, column 1 (path)" in message, message
    assert "the column's type is struct (Arrow `+s`)" in message, message


def test_duckdb_decimal_money_is_ignored_unused_and_named_used(reference):
    duckdb = pytest.importorskip("duckdb")
    rows = " union all ".join(
        f"select '{p}' as path, {c} as total_conversions, {v}::DOUBLE as total_conversion_value, "
        f"{n} as total_null, {v}::DECIMAL(12, 2) as money, {{'k': {i}}} as meta"
        for i, (p, c, v, n) in enumerate(zip(*PATHS.values()))
    )
    con = duckdb.connect()
    unused = con.sql(f"select * from ({rows}) order by path desc")
    got = credit(unused)
    pd.testing.assert_frame_equal(got, reference)
    used = con.sql(
        f"select path, total_conversions, money as total_conversion_value, total_null "
        f"from ({rows}) order by path desc"
    )
    with pytest.raises(pc.InputError) as err:
        credit(used)
    message = str(err.value)
    assert "column 3 (total_conversion_value)" in message, message
    assert "decimal" in message and "(Arrow `d:12,2" in message, message
