"""Measure pathcredit against ChannelAttribution on data/peers/mta_data.csv.

Usage: PYTHONPATH=/tmp/peers2 python examples/peers/measure_channelattribution.py REPO [NSIM]
(needs target/debug/pathcredit built in REPO)."""
import io, subprocess, sys
import pandas as pd
from ChannelAttribution import heuristic_models, markov_model

repo = sys.argv[1]
nsim = float(sys.argv[2]) if len(sys.argv) > 2 else 1e6
path = f"{repo}/data/peers/mta_data.csv"
data = pd.read_csv(path)
ours = pd.read_csv(io.StringIO(subprocess.run(
    [f"{repo}/target/debug/pathcredit", "attribute", "--paths", path, "--paths-preset",
     "channelattribution", "--model", "first_touch,last_touch,linear,markov", "-q"],
    check=True, capture_output=True, text=True).stdout))

def ours_of(model):
    return ours[ours.model == model].set_index("channel")

h = heuristic_models(data, "path", "total_conversions", var_value="total_conversion_value", sep=">", flg_pro=False)
h = h.set_index("channel_name")
worst = 0.0
for peer, mine in [("first_touch", "first_touch"), ("last_touch", "last_touch"), ("linear_touch", "linear")]:
    o = ours_of(mine)
    dc = max(abs(o.loc[c, "conversions"] - h.loc[c, peer + "_conversions"]) for c in h.index)
    dv = max(abs(o.loc[c, "value"] - h.loc[c, peer + "_value"]) for c in h.index)
    print(f"{mine}: max |Δconversions| = {dc:.3g}, max |Δvalue| = {dv:.3g}")
# ChannelAttribution cuts every simulated walk at `max_step` steps (by default taken from the
# data: the longest path), so walks that cycle between channels are cut short; the second pass
# lifts the cap, and what is left of the gap is the walks' noise.
for seed, max_step in ((0, None), (1, None), (2, None), (0, 1000), (1, 1000), (2, 1000)):
    m = markov_model(data, "path", "total_conversions", var_value="total_conversion_value",
                     var_null="total_null", order=1, nsim_start=nsim, max_step=max_step, sep=">",
                     seed=seed, flg_pro=False, verbose=False)
    m = m.set_index("channel_name")
    o = ours_of("markov")
    dc = max(abs(o.loc[c, "conversions"] - m.loc[c, "total_conversions"]) for c in m.index)
    dv = max(abs(o.loc[c, "value"] - m.loc[c, "total_conversion_value"]) for c in m.index)
    ds = max(abs(o.loc[c, "conversions"] / o.conversions.sum() - m.loc[c, "total_conversions"] / m.total_conversions.sum()) for c in m.index)
    print(f"markov nsim_start={nsim:g} max_step={max_step} seed={seed}: max |Δconversions| = {dc:.3g}, "
          f"max |Δvalue| = {dv:.3g}, max |Δshare| = {ds:.3g}")
