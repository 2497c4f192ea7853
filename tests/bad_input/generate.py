#!/usr/bin/env python3
"""Writes the bad-input corpus: one small file per class of bad input and per reader
where the class applies, and `expected.tsv`, the text each file's error must contain.

Run from the repository root: python3 tests/bad_input/generate.py
The integration test `bad_input_corpus` runs every file through the binary (the command
depends on the reader: the part of the name before `.csv`)."""

import os

HERE = os.path.dirname(os.path.abspath(__file__))

# reader: (header, good rows, numeric column (1-based) or None, its good row to break,
#          timestamp column or None)
READERS = {
    "paths": ("path,total_conversions,total_conversion_value,total_null",
              ["a > b,1,10,2"], 2, "b,1,10,2", None),
    "events": ("timestamp,user_id,event,channel,value",
               ["2026-01-01T00:00:00Z,u1,touch,email,"],
               5, "2026-01-02T00:00:00Z,u1,conversion,,10", 1),
    "identities": ("anonymous_id,user_id", ["a1,U1"], None, "a2,U1", None),
    "journeys": ("journey_id,user_id,converted,conversion_value,conversion_time,touch_time,channel",
                 ["j1,u1,1,10,2026-01-02T00:00:00Z,2026-01-01T00:00:00Z,email"],
                 4, "j2,u2,1,10,2026-01-02T00:00:00Z,2026-01-01T00:00:00Z,search", 6),
    "spend": ("channel,spend", ["a,10"], 2, "b,10", None),
    "credit": ("model,channel,conversions,value,share", ["linear,a,1,10,0.5"], 3,
               "linear,b,1,10,0.5", None),
    "report": ("channel,conversions,value", ["a,1,10"], 2, "b,1,10", None),
    "truth": ("channel,role,shapley_share,incremental_share", ["a,direct,0.5,0.5"], 3,
              "b,direct,0.5,0.5", None),
    "lift": ("channel,incremental_conversions,se", ["email,1,0.5"], 2, "paid_search,1,0.5", None),
    "transitions": ("from_state,to_state,count,value", ["(start),a,1,0"], 3, "a,(null),1,0", None),
    "coalitions": ("channels,total_conversions,total_conversion_value,total_null",
                   ["a + b,1,10,2"], 2, "b,1,10,2", None),
}

# Issue 31, items 1 and 2: transition counts that journeys cannot have made, each refused
# at the line (and column) of the earliest move that shows it.
TRANSITIONS = [
    ("closed_cycle", "(start),a,1,0\na,b,1,0\nb,a,1,0\n",
     ["line 3, column 1 (from_state)", "the states `a`, `b` lead only to each other (a closed cycle)"]),
    ("never_left", "(start),a,2,0\na,b,1,0\na,(null),1,0\n",
     ["line 3, column 2 (to_state)", "state `b` is entered but never left"]),
    ("unbalanced", "(start),a,10,0\na,(null),5,0\n",
     ["line 2, column 3 (count)", "journeys into `a` (10) and out of it (5) differ"]),
    ("not_a_chain", "(start),a > b,1,0\na > b,c > d,1,0\nc > d,(null),1,0\n",
     ["line 3, column 2 (to_state)", "the move from `a > b` to `c > d` is not a step of one journey"]),
    ("value_into_null", "(start),a,1,0\na,(null),1,7\n",
     ["line 3, column 4 (value)", "a value of `7` on a move into (null)"]),
    ("start_to_conversion", "(start),a,1,0\na,(null),1,0\n(start),(conversion),3,30\n",
     ["line 4, column 2 (to_state)", "`(start)` moves straight into `(conversion)`: a journey without a touch"]),
]


def replace_field(row, col, value):
    fields = row.split(",")
    fields[col - 1] = value
    return ",".join(fields)


def cases():
    for reader, (header, good, num, breakable, ts) in READERS.items():
        cols = header.split(",")
        n = len(cols)
        g = "\n".join(good)

        def file(text):
            return (header + "\n" + g + "\n" + text).encode()

        # Item 1: a row wider than its header (an unquoted thousands separator).
        wide = breakable + ",000"
        yield reader, "wide_row", file(wide + "\n"), [f"line 3, column {n + 1}", f"the row has {n + 1} fields"]
        # Item 2: a header naming a column twice.
        dup = (header + "," + cols[0] + "\n" + g + "\n").encode()
        yield reader, "duplicate_header", dup, [f"line 1, column {n + 1}", f"names `{cols[0]}` twice"]
        # Item 9: a NUL byte inside a field.
        nul = breakable.replace(",", "\0,", 1)
        yield reader, "nul_byte", file(nul + "\n"), ["line 3, column 1", "contains a NUL byte"]
        # Item 15: an unterminated quote.
        yield reader, "unterminated_quote", file('"' + breakable + "\n" + breakable + "\n"), [
            "line 3", "an unterminated quote: the quoted value in column 1 opens on line 3"]
        # Invalid UTF-8.
        bad = breakable.encode().replace(b",", b"\xff,", 1)
        yield reader, "non_utf8", (header + "\n" + g + "\n").encode() + bad + b"\n", [
            "line 3, column 1", "not valid UTF-8"]
        # A short row.
        short = breakable.split(",")[0]
        yield reader, "short_row", file(short + "\n"), ["line 3, column 2", "the row has 1 field;"]
        # An empty file, a header without rows, a missing column.
        yield reader, "empty_file", b"", ["the file is empty"]
        yield reader, "header_only", (header + "\n").encode(), ["has a header row but no data rows"]
        missing = ",".join(["x" + c if i == 0 else c for i, c in enumerate(cols)])
        yield reader, "missing_column", (missing + "\n" + g + "\n").encode(), [
            f"missing required column `{cols[0]}`"]
        if num is not None:
            col = cols[num - 1]
            yield reader, "bad_number", file(replace_field(breakable, num, "1.2.3") + "\n"), [
                f"line 3, column {num} ({col})", "`1.2.3` is not a number"]
            # Item 13: physical lines in a CRLF file with a blank line.
            crlf = (header + "\r\n" + g + "\r\n\r\n" + replace_field(breakable, num, "x") + "\r\n").encode()
            yield reader, "crlf_blank_line", crlf, [f"line 4, column {num} ({col})"]
            # Item 14: a huge value is cut in the message.
            yield reader, "huge_value", file(replace_field(breakable, num, "9" * 5000 + "x") + "\n"), [
                f"line 3, column {num}", "(cut: the value is 5001 bytes long)"]
            # Item 7: sums that overflow.
            if reader == "spend":
                # Plans settle whole cents: a total beyond 1e13 is refused at once.
                big = replace_field(breakable, num, "1e17")
                yield reader, "overflow", file(big + "\n"), [
                    f"line 3, column {num} ({col})", "passes 1e13"]
            elif reader not in ("truth", "credit", "lift"):
                big = replace_field(breakable, num, "1e308")
                # Two rows of different journeys (a journey's value counts once).
                other = big.replace("j2,u2", "j3,u3", 1)
                # Two channels of a report (a channel's second row is its own error).
                if reader == "report":
                    other = "c" + other[1:]
                yield reader, "overflow", (header + "\n" + big + "\n" + other + "\n").encode(), [
                    f"line 3, column {num} ({col})", "total overflows"]
        # Item 16: a report names a channel twice (it used to be summed silently).
        if reader == "report":
            yield reader, "duplicate_row", file(good[0] + "\n"), [
                "line 3, column 1 (channel)", "`a` appears again (first on line 2)"]
        if ts is not None:
            col = cols[ts - 1]
            # Item 6: epoch microseconds are not milliseconds.
            yield reader, "epoch_microseconds", file(replace_field(breakable, ts, "1767348000000000") + "\n"), [
                f"line 3, column {ts} ({col})", "microseconds"]
            yield reader, "bad_timestamp", file(replace_field(breakable, ts, "yesterday") + "\n"), [
                f"line 3, column {ts} ({col})", "`yesterday` is not a timestamp"]
    header = READERS["transitions"][0]
    for klass, rows, expected in TRANSITIONS:
        yield "transitions", klass, (header + "\n" + rows).encode(), expected


def value_cases():
    """Issue 31, hardening item 3: a conversion value with no conversion behind it would
    be credited to channels; every reader that takes a value refuses it, located. The
    expected text is the whole message after the file name."""
    no_conversions = ("a conversion value of `{}` on a row with no conversions; expected 0 or empty "
                      "(value comes with conversions)")
    paths = READERS["paths"][0]
    yield "paths", "value_without_conversions", (paths + "\na > b,1,10,2\na > b,0,120.5,3\n").encode(), [
        "line 3, column 3 (total_conversion_value): " + no_conversions.format("120.5")]
    coalitions = "channels,total_conversions,total_conversion_value,total_null"
    yield "coalitions", "value_without_conversions", (coalitions + "\na + b,1,10,2\na,0,5,1\n").encode(), [
        "line 3, column 3 (total_conversion_value): " + no_conversions.format("5")]
    journeys, good = READERS["journeys"][0], READERS["journeys"][1][0]
    yield "journeys", "value_without_conversions", (
        journeys + "\n" + good + "\nj2,u2,0,50,,2026-01-01T00:00:00Z,search\n").encode(), [
        "line 3, column 4 (conversion_value): a non-converting journey has a conversion value; "
        "expected empty or 0"]
    transitions = "from_state,to_state,count,value\n(start),a,3,0\na,(conversion),1,10\n"
    yield "transitions", "value_without_conversions", (transitions + "a,(conversion),0,5\n").encode(), [
        "line 4, column 4 (value): " + no_conversions.format("5")]
    yield "transitions", "value_on_null", (transitions + "a,(null),2,5\n").encode(), [
        "line 4, column 4 (value): a value of `5` on a move into (null); value goes on moves into "
        "(conversion), expected 0 or empty"]


def message_cases():
    """Issue 31, item 18: a message names the real cause and quotes a bounded excerpt.
    A report whose conversions sum to 0 is refused (a difference cannot be a share of
    it), and a missing column's message cuts a long header name."""
    yield "report", "zero_total", b"channel,conversions,value\na,0,0\nb,0,0\n", [
        "column 2 (conversions): every row has 0 conversions, so the report's total is 0 and a "
        "difference cannot be a share of it; expected a report with conversions (is this the "
        "right column?)"]
    yield "paths", "huge_header", ("h" * 5000 + ",total_conversions\na,1\n").encode(), [
        "missing required column `path`; the header has: " + "h" * 60
        + "… (cut: the name is 5000 bytes long), total_conversions (remap a differently named "
        "column with --col path=HEADER)"]


def main():
    lines = ["# file\texpected text (every part must appear in the error)"]
    for name in os.listdir(HERE):
        if name.endswith(".csv"):
            os.remove(os.path.join(HERE, name))
    for reader, klass, content, expected in list(cases()) + list(value_cases()) + list(message_cases()):
        name = f"{klass}.{reader}.csv"
        with open(os.path.join(HERE, name), "wb") as f:
            f.write(content)
        lines.append(name + "\t" + "\t".join(expected))
    with open(os.path.join(HERE, "expected.tsv"), "w") as f:
        f.write("\n".join(lines) + "\n")


main()
