//! Fitting the logistic model with linfa-logistic.
//!
//! **Rows and counts.** linfa-logistic 0.8.1 ignores row weights, and its loss is a
//! *sum* over rows, `Σ_i −ln σ(y_i z_i) + α/2 ‖w‖²` (intercept unpenalised). A design
//! unit (a journey, or a distinct path with its conversion and non-conversion counts)
//! is therefore fed as whole rows:
//!
//! * **Expansion** (up to [`MAX_EXPANDED_ROWS`] rows): one row per journey, exactly the
//!   weighted fit (the loss is a sum). Fractional counts are rounded to whole journeys.
//! * **Case-control** (beyond): non-conversions are sampled at rate `r₀` (seeded) to
//!   [`CONTROLS_PER_CASE`] per conversion, and conversions at rate `r₁` too when they
//!   alone exceed the budget; the intercept is corrected by `+ ln(r₀ / r₁)` (prior
//!   correction; King & Zeng 2001, "Logistic regression in rare events data"), which
//!   keeps the slopes consistent. Dense rows cost 8 bytes per feature: the budget keeps
//!   a 241-feature design under 200 MB.
//!
//! **Orientation.** linfa-logistic's coefficients describe the *more frequent* class;
//! they are negated whenever that is "not converted", so our coefficients always give
//! `P(conversion)`.
//!
//! **Convergence.** linfa does not report it; the mean gradient of the penalised loss at
//! the solution is computed here and the fit is reported as converged when its largest
//! component is below [`CONVERGED_MEAN_GRADIENT`].

use linfa::prelude::*;
use linfa_logistic::LogisticRegression;
use ndarray::{Array1, Array2};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::Serialize;

use crate::choice::{Choice, choice_str};
use crate::error::{Error, Result};
use crate::holdout::split::held_out_count;
use crate::models::logistic::design::{CONVERGED_MEAN_GRADIENT, Coefficients, Design, probability};
use crate::models::logistic::newton;
use crate::param::Param;

/// Which optimiser fits the model. Both minimise the same penalised loss; measured on
/// designs of 241 features they agree to 2e-7 in every coefficient, and the Newton
/// solver took 0.5–0.6 s where linfa-logistic took 41–65 s (19,000 and 56,000
/// journeys, cross-validation included), so Newton is the default.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SolverChoice {
    /// The exact weighted Newton solver on aggregated rows (default).
    #[default]
    Newton,
    /// linfa-logistic on one row per journey (a case-control sample beyond
    /// [`MAX_EXPANDED_ROWS`]).
    Linfa,
}

impl Choice for SolverChoice {
    const PARAM: Param = Param::LogisticSolver;
    const ALL: &'static [Self] = &[SolverChoice::Linfa, SolverChoice::Newton];
    fn name(self) -> &'static str {
        match self {
            SolverChoice::Linfa => "linfa",
            SolverChoice::Newton => "newton",
        }
    }
}

choice_str!(SolverChoice);

/// The optimiser a fit runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Engine {
    /// linfa-logistic on one row per journey (or a case-control sample).
    Linfa,
    /// The exact weighted Newton solver on aggregated rows.
    Newton,
}

impl SolverChoice {
    /// The engine that runs the fit.
    pub fn engine(self) -> Engine {
        match self {
            SolverChoice::Linfa => Engine::Linfa,
            SolverChoice::Newton => Engine::Newton,
        }
    }
}

/// Fits outcome counts per unit with `engine`; features outside `mask` get weight 0.
/// Returns the coefficients (with any case-control correction applied) and the rates at
/// which conversions and non-conversions were kept.
pub(crate) fn fit_counts(
    engine: Engine,
    design: &Design,
    (pos, neg): (&[f64], &[f64]),
    alpha: f64,
    init: Option<&Coefficients>,
    seed: u64,
    mask: Option<&[bool]>,
) -> Result<(Coefficients, f64, f64)> {
    match engine {
        Engine::Newton => {
            let rows: Vec<newton::WeightedRow> = (0..pos.len())
                .filter(|&u| pos[u] + neg[u] > 0.0)
                .map(|u| (u as u32, pos[u], neg[u]))
                .collect();
            Ok((newton::fit(design, &rows, alpha, init, mask)?, 1.0, 1.0))
        }
        Engine::Linfa => {
            let rows = expand(pos, neg, seed);
            let x = dense(design, &rows.units);
            let mut c = match mask {
                None => fit(&x, &rows.y, alpha, init)?,
                Some(keep) => {
                    let kept: Vec<usize> = (0..keep.len()).filter(|&j| keep[j]).collect();
                    let xs = x.select(ndarray::Axis(1), &kept);
                    let mut c = fit(&xs, &rows.y, alpha, None)?;
                    let mut weights = vec![0.0; keep.len()];
                    for (w, &j) in c.weights.iter().zip(&kept) {
                        weights[j] = *w;
                    }
                    c.weights = weights;
                    c
                }
            };
            c.intercept += rows.intercept_correction;
            Ok((c, rows.case_sampling_rate, rows.sampling_rate))
        }
    }
}

/// Above this many rows, the fit uses a case-control sample of this size.
pub const MAX_EXPANDED_ROWS: usize = 100_000;
/// Non-conversions kept per conversion in case-control sampling.
pub const CONTROLS_PER_CASE: f64 = 4.0;
/// L-BFGS iterations allowed.
const MAX_ITERATIONS: u64 = 500;
/// Norm of the mean gradient at which linfa's L-BFGS stops.
const GRADIENT_TOLERANCE: f64 = 1e-9;

/// Expanded rows: (unit, converted) pairs, and the intercept correction `ln r`.
#[derive(Clone, Debug, Default)]
pub(crate) struct Rows {
    pub units: Vec<u32>,
    pub y: Vec<bool>,
    pub intercept_correction: f64,
    /// Rate at which non-conversions were kept.
    pub sampling_rate: f64,
    /// Rate at which conversions were kept.
    pub case_sampling_rate: f64,
}

/// One row per journey of the given counts, or a case-control sample of at most
/// [`MAX_EXPANDED_ROWS`] rows when there would be more.
pub(crate) fn expand(pos: &[f64], neg: &[f64], seed: u64) -> Rows {
    // Counts as whole numbers of journeys, summed in f64: counts of any size (even
    // beyond u64) neither wrap nor loop once per journey.
    let whole = |x: f64| x.round().max(0.0);
    let cases: f64 = pos.iter().map(|&p| whole(p)).sum();
    let controls: f64 = neg.iter().map(|&n| whole(n)).sum();
    let budget = MAX_EXPANDED_ROWS as f64;
    let (case_rate, control_rate) = if cases + controls <= budget {
        (1.0, 1.0)
    } else if cases == 0.0 || controls == 0.0 {
        // One class only (no fit will come of it): a uniform sample, never more rows.
        let rate = budget / (cases + controls);
        (rate, rate)
    } else {
        let kept_cases = cases.min(budget / (1.0 + CONTROLS_PER_CASE));
        let kept_controls = controls.min((budget - kept_cases).max(CONTROLS_PER_CASE * kept_cases));
        (kept_cases / cases, (kept_controls / controls).min(1.0))
    };
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut rows = Rows {
        intercept_correction: control_rate.ln() - case_rate.ln(),
        sampling_rate: control_rate,
        case_sampling_rate: case_rate,
        ..Rows::default()
    };
    // How many of `n` journeys are kept at `rate`: all, or a binomial draw (one
    // Bernoulli draw per journey up to 1,000 journeys, as a loop over them would).
    let mut kept = |n: f64, rate: f64| -> u64 {
        if rate >= 1.0 {
            n as u64
        } else {
            held_out_count(n, rate, &mut rng) as u64
        }
    };
    for (u, (&p, &n)) in pos.iter().zip(neg).enumerate() {
        let k = kept(whole(p), case_rate);
        rows.units.extend(std::iter::repeat_n(u as u32, k as usize));
        rows.y.extend(std::iter::repeat_n(true, k as usize));
        let k = kept(whole(n), control_rate);
        rows.units.extend(std::iter::repeat_n(u as u32, k as usize));
        rows.y.extend(std::iter::repeat_n(false, k as usize));
    }
    rows
}

/// The dense matrix of some rows.
pub(crate) fn dense(design: &Design, units: &[u32]) -> Array2<f64> {
    let mut x = Array2::zeros((units.len(), design.spec.len()));
    for (r, &u) in units.iter().enumerate() {
        for (i, v) in design.row(u as usize) {
            x[[r, i]] = v;
        }
    }
    x
}

/// Fits `x`, `y` with linfa-logistic at L2 strength `alpha` (intercept on), oriented to
/// `P(y = true)`; `init` warm-starts from earlier coefficients.
pub fn fit(
    x: &Array2<f64>,
    y: &[bool],
    alpha: f64,
    init: Option<&Coefficients>,
) -> Result<Coefficients> {
    fit_linfa(x, y, alpha, GRADIENT_TOLERANCE, init)
}

/// [`fit`] with L-BFGS stopping when the norm of the *mean* gradient is below
/// `tolerance` (linfa's own criterion is on the summed gradient; it is scaled here).
pub fn fit_linfa(
    x: &Array2<f64>,
    y: &[bool],
    alpha: f64,
    tolerance: f64,
    init: Option<&Coefficients>,
) -> Result<Coefficients> {
    let positives = y.iter().filter(|&&v| v).count();
    if positives == 0 || positives == y.len() {
        return Err(Error::model(
            "logistic",
            "the data have only one outcome (all converted or none did); a conversion model needs both",
        ));
    }
    // linfa models the more frequent class; say which it will be to orient a warm start.
    let conversion_is_majority = 2 * positives > y.len();
    let targets: Array1<bool> = y.iter().copied().collect();
    let p = x.ncols();
    let sign = if conversion_is_majority { 1.0 } else { -1.0 };
    let start = init.map(|c| {
        let mut start = Array1::zeros(p + 1);
        for j in 0..p {
            start[j] = sign * c.weights[j];
        }
        start[p] = sign * c.intercept;
        start
    });
    let (weights, intercept) = {
        let dataset = DatasetBase::new(x.view(), targets);
        let mut params = LogisticRegression::default()
            .alpha(alpha)
            .with_intercept(true)
            .max_iterations(MAX_ITERATIONS)
            // linfa stops on the norm of the *summed* gradient; `tolerance` is per row.
            .gradient_tolerance(tolerance * x.nrows().max(1) as f64);
        if let Some(s) = start {
            params = params.initial_params(s);
        }
        let model = params
            .fit(&dataset)
            .map_err(|e| Error::model("logistic", format!("linfa-logistic failed: {e}")))?;
        let sign = if model.labels().pos.class { 1.0 } else { -1.0 };
        (
            model
                .params()
                .iter()
                .map(|w| sign * w)
                .collect::<Vec<f64>>(),
            sign * model.intercept(),
        )
    };
    // Mean gradient of the penalised loss, computed here (linfa does not report it).
    let mut grad = vec![0.0; p + 1];
    for (r, &target) in y.iter().enumerate() {
        let row = x.row(r);
        let z = intercept + row.iter().zip(&weights).map(|(a, b)| a * b).sum::<f64>();
        let residual = probability(z) - f64::from(u8::from(target));
        for j in 0..p {
            grad[j] += residual * row[j];
        }
        grad[p] += residual;
    }
    for j in 0..p {
        grad[j] += alpha * weights[j];
    }
    let n = y.len() as f64;
    let mean_gradient = grad.iter().map(|g| (g / n).abs()).fold(0.0, f64::max);
    Ok(Coefficients {
        intercept,
        weights,
        alpha,
        rows: y.len(),
        mean_gradient,
        converged: mean_gradient < CONVERGED_MEAN_GRADIENT,
    })
}

/// One candidate of the regularisation search.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AlphaScore {
    /// The L2 strength α (a N(0, 1/α) prior on each coefficient).
    pub alpha: f64,
    /// Mean held-out log-loss over the folds.
    pub log_loss: f64,
}

/// Rows used at most by cross-validation (a seeded subsample beyond).
pub const CV_MAX_ROWS: usize = 6_000;
/// The α grid searched, from strong to weak.
pub const ALPHA_GRID: [f64; 6] = [1000.0, 100.0, 10.0, 1.0, 0.1, 0.01];

/// Chooses α by seeded k-fold cross-validation on log-loss (folds in parallel, each
/// walking the grid from strong to weak with warm starts).
pub(crate) fn cross_validate(
    design: &Design,
    rows: &Rows,
    folds: usize,
    seed: u64,
    engine: Engine,
) -> Result<Vec<AlphaScore>> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0xc0ffee);
    let mut pick: Vec<usize> = (0..rows.units.len()).collect();
    if pick.len() > CV_MAX_ROWS {
        for i in 0..CV_MAX_ROWS {
            let j = rng.gen_range(i..pick.len());
            pick.swap(i, j);
        }
        pick.truncate(CV_MAX_ROWS);
        pick.sort_unstable();
    }
    let fold_of: Vec<usize> = (0..pick.len()).map(|_| rng.gen_range(0..folds)).collect();
    let x = dense(
        design,
        &pick.iter().map(|&r| rows.units[r]).collect::<Vec<_>>(),
    );
    let y: Vec<bool> = pick.iter().map(|&r| rows.y[r]).collect();
    // Per fold: (summed loss, count) per alpha.
    let progress = crate::progress::Counter::new("logistic cross-validation folds", folds as u64);
    let per_fold: Vec<Vec<(f64, f64)>> = (0..folds)
        .into_par_iter()
        .map(|fold| {
            let train: Vec<usize> = (0..y.len()).filter(|&r| fold_of[r] != fold).collect();
            let test: Vec<usize> = (0..y.len()).filter(|&r| fold_of[r] == fold).collect();
            let x_train = x.select(ndarray::Axis(0), &train);
            let y_train: Vec<bool> = train.iter().map(|&r| y[r]).collect();
            let weighted: Vec<newton::WeightedRow> = train
                .iter()
                .map(|&r| {
                    let unit = rows.units[pick[r]];
                    if y[r] {
                        (unit, 1.0, 0.0)
                    } else {
                        (unit, 0.0, 1.0)
                    }
                })
                .collect();
            let mut warm: Option<Coefficients> = None;
            ALPHA_GRID
                .iter()
                .map(|&alpha| {
                    let fitted = match engine {
                        Engine::Linfa => fit(&x_train, &y_train, alpha, warm.as_ref()),
                        Engine::Newton => {
                            newton::fit(design, &weighted, alpha, warm.as_ref(), None)
                        }
                    };
                    let Ok(c) = fitted else {
                        return (0.0, 0.0);
                    };
                    let mut loss = 0.0;
                    for &r in &test {
                        let z = c.intercept
                            + x.row(r)
                                .iter()
                                .zip(&c.weights)
                                .map(|(a, b)| a * b)
                                .sum::<f64>();
                        let p = probability(z).clamp(1e-15, 1.0 - 1e-15);
                        loss -= if y[r] { p.ln() } else { (1.0 - p).ln() };
                    }
                    warm = Some(c);
                    (loss, test.len() as f64)
                })
                .collect::<Vec<(f64, f64)>>()
        })
        .inspect(|_| progress.inc())
        .collect();
    let scores: Vec<AlphaScore> = ALPHA_GRID
        .iter()
        .enumerate()
        .filter_map(|(k, &alpha)| {
            let (loss, count) = per_fold
                .iter()
                .fold((0.0, 0.0), |acc, f| (acc.0 + f[k].0, acc.1 + f[k].1));
            (count > 0.0).then(|| AlphaScore {
                alpha,
                log_loss: loss / count,
            })
        })
        .collect();
    if scores.is_empty() {
        return Err(Error::model(
            "logistic",
            "cross-validation could not fit any fold (each held too few journeys of one \
             kind); set `logistic_alpha` to fit without cross-validation",
        ));
    }
    Ok(scores)
}
