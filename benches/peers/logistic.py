#!/usr/bin/env python3
"""Side-by-side: pathcredit's logistic model versus scikit-learn's LogisticRegression.

Run through ./run.sh logistic. pathcredit fits the journeys file (cross-validated α,
diagnostic fit, final fit, per-journey Shapley credit) and exports its feature matrix
with `--logistic-features-out`; scikit-learn then fits the same matrix with the same
penalty (C = 1/α, lbfgs, intercept unpenalised). Reported: pathcredit's whole process,
scikit-learn's fit alone (the CSV load is excluded in its favour), and the AUC of both
models' predictions on the same rows.
"""
import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--journeys", required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    features = os.path.join(args.out, "features.csv")
    details = os.path.join(args.out, "model.json")
    start = time.perf_counter()
    subprocess.run([args.bin, "attribute", "--journeys", args.journeys, "--model", "logistic", "--quiet",
                    "--out", os.path.join(args.out, "credit.csv"), "--logistic-details", details], check=True)
    ours = time.perf_counter() - start
    # The export is a separate run so the timing above is the plain attribute job.
    subprocess.run([args.bin, "attribute", "--journeys", args.journeys, "--model", "logistic", "--quiet",
                    "--out", os.devnull, "--logistic-features-out", features], check=True)
    alpha = json.load(open(details))["alpha"]
    df = pd.read_csv(features)
    y = (df["conversions"] > 0).to_numpy()
    x = df.drop(columns=["conversions", "non_conversions", "p_pathcredit"]).to_numpy(dtype=np.float64)
    start = time.perf_counter()
    model = LogisticRegression(C=1.0 / alpha, solver="lbfgs", max_iter=2000, tol=1e-8).fit(x, y)
    sk = time.perf_counter() - start
    auc_sk = roc_auc_score(y, model.predict_proba(x)[:, 1])
    auc_ours = roc_auc_score(y, df["p_pathcredit"].to_numpy())
    print(f"journeys: {len(df):,}; features: {x.shape[1]}; alpha = {alpha}")
    print(f"pathcredit attribute --model logistic (whole process): {ours:.2f} s")
    print(f"scikit-learn LogisticRegression.fit (fit only):         {sk:.2f} s  (ratio {sk / ours:.1f}x)")
    print(f"AUC on the same rows: pathcredit {auc_ours:.5f}, scikit-learn {auc_sk:.5f}, "
          f"difference {abs(auc_ours - auc_sk):.5f}")


if __name__ == "__main__":
    main()
