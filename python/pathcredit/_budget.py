"""Budget plans: from one model's credit and today's spend, or from response curves
fitted to the logs or to a credit-by-period table."""

from __future__ import annotations

import json
from typing import Any, Mapping, Optional

from . import _pathcredit as _native
from ._api import TableLike, _call, _frame, _kwargs, _TEXT
from ._inputs import native_input


def budget(
    credit: Optional[TableLike] = None,
    spend: Optional[TableLike] = None,
    model: Optional[str] = None,
    *,
    events: Optional[TableLike] = None,
    credit_series: Optional[TableLike] = None,
    details: Optional[Mapping[str, Any]] = None,
    **params: Any,
):
    """A spend plan from one model's credit, keeping total spend to the cent, as
    ``pathcredit budget``: ``max_shift`` (0.25), ``response`` ("diminishing" or
    "linear"), ``elasticity`` (0.5), ``floor`` and ``cap`` (``{"email": 100}``),
    ``period``. ``model`` (required, as ``--model``): the model in ``credit`` whose credit
    drives the plan.

    ``response="fitted"`` measures each channel's response instead (as ``pathcredit
    budget --response fitted``): ``spend`` is a series (``channel,period,spend``),
    ``events`` the touches spend buys, ``model`` (required) the model valuing an
    exposure; ``draws`` (200), ``current_periods``, ``stay_in_range``, ``adstock``,
    ``seed``, and ``total`` (a new total per period, ``--budget``) or ``target_mroas``.
    ``.attrs["curves"]`` then holds each channel's fitted curve with its 80% band as a
    DataFrame.

    Without logs, ``response="fitted", credit_series=...`` (and no ``credit``,
    ``model`` or ``events``) takes the weaker aggregate route (``--credit-series``):
    ``credit_series`` holds attributed conversions per channel and period
    (``channel,period,conversions[,value]``, the periods of ``spend``), and each
    channel's curve is its credited value per period regressed on its spend per period.
    Its plan says so: ``route`` is "aggregate" and the first note its caveat.

    ``details`` (default: ``credit.attrs["details"]``, as ``attribute`` leaves it; as
    ``--details``): where ``model``'s own warnings say its credit of a channel may be too
    low, the plan does not cut it, too high, does not raise it, unless the warning's
    alternative reading of the credit makes the same move; ``move_at_risk=True`` moves
    them on the credit as it is.

    Returns the plan's rows as a DataFrame; ``.attrs["plan"]`` holds the whole plan
    (totals, notes).
    """
    if spend is None:
        raise TypeError("budget() needs spend= (the spend per channel, or a spend series)")
    if "models" in params:
        raise TypeError(
            "budget() takes model= (the one model whose credit drives the plan, as "
            "`--model`), not models="
        )
    fitted = params.get("response") == "fitted"
    if credit_series is not None:
        if not fitted:
            raise TypeError('credit_series= belongs to budget(response="fitted")')
        if events is not None or credit is not None or model is not None:
            raise TypeError(
                "credit_series= is the aggregate route (attributed conversions per channel "
                "and period, whatever model made them): give it without credit=, model= and "
                "events=, which belong to the log route"
            )
        params = {k: v for k, v in params.items() if k != "response"}
        sp, sp_name = native_input(spend, "spend")
        cs, cs_name = native_input(credit_series, "credit_series")
        return _fitted_frame(
            _call(_native.budget_aggregate, sp, sp_name, cs, cs_name, _kwargs(params))
        )
    if credit is None:
        raise TypeError(
            "budget() needs credit= (a model's credit), or, for "
            'response="fitted" without logs, credit_series='
        )
    if model is None:
        raise TypeError(
            "budget() needs model= (the model in the credit whose credit drives the plan), "
            "as `pathcredit budget --model`"
        )
    if details is None:
        details = getattr(credit, "attrs", {}).get("details")
    risks = ((details or {}).get(model) or {}).get("credit_risks")
    if risks and "credit_risks" not in params:
        params = {**params, "credit_risks": risks}
    cr, cr_name = native_input(credit, "credit")
    sp, sp_name = native_input(spend, "spend")
    if fitted:
        if events is None or model is None:
            raise TypeError(
                'budget(response="fitted") needs events= (the touches spend buys) and model= '
                "(the model valuing an exposure), as `pathcredit budget --response fitted`; "
                "without logs, credit_series= alone"
            )
        params = {k: v for k, v in params.items() if k != "response"}
        ev, ev_name = native_input(events, "events")
        return _fitted_frame(
            _call(
                _native.budget_fitted,
                cr,
                cr_name,
                model,
                sp,
                sp_name,
                ev,
                ev_name,
                _kwargs(params),
            )
        )
    if events is not None:
        raise TypeError('events= belongs to budget(response="fitted")')
    out = _call(_native.budget, cr, cr_name, model, sp, sp_name, _kwargs(params))
    plan = _frame(out["plan_csv"], _TEXT)
    plan.attrs["plan"] = json.loads(out["plan_json"])
    return plan


def _fitted_frame(out):
    """A fitted plan's rows as a DataFrame, with the plan and its curves in ``.attrs``."""
    plan = _frame(out["plan_csv"], _TEXT)
    plan.attrs["plan"] = json.loads(out["plan_json"])
    plan.attrs["curves"] = _frame(out["curves_csv"], _TEXT)
    return plan
