"""Measure pathcredit against marketing-attribution-models (mam 2.1.1) on data/peers/dp6_journeys.csv."""
import io, subprocess, sys
import pandas as pd
from mam import MAM

repo = sys.argv[1]
path = f"{repo}/data/peers/dp6_journeys.csv"
df = pd.read_csv(path)
m = MAM(df, "journey", channels_colname="channels", journey_with_conv_colname="has_transaction",
        conversion_value_colname="conversion_value", time_till_conv_colname="time_till_conv")
ours = pd.read_csv(io.StringIO(subprocess.run(
    [f"{repo}/target/debug/pathcredit", "attribute", "--paths", path, "--paths-preset", "dp6",
     "--model", "first_touch,last_touch,linear", "-q"],
    check=True, capture_output=True, text=True).stdout))
for name, run in [("first_touch", m.run_first_click), ("last_touch", m.run_last_click), ("linear", m.run_linear)]:
    agg = run().__dict__
    frame = next(v for v in agg.values() if hasattr(v, "columns") and "attribution" in v.columns)
    theirs = dict(zip(frame["channels"].cast(str).to_list(), frame["attribution"].to_list()))
    o = ours[ours.model == name].set_index("channel")["value"]
    d = max(abs(o.get(c, 0.0) - theirs.get(c, 0.0)) for c in set(o.index) | set(theirs))
    print(f"{name}: value max |Δ| = {d:.3g}")
