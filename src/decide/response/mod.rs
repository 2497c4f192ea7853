//! Budget from measured response: response curves fitted per channel, plans that
//! maximise the summed response, and the plans' uncertainty.
//!
//! A channel's response to spend is measured per period (spend → exposures, say) and
//! fitted by a saturating curve; scaled by the value of one unit of response it gives
//! the value a plan earns from the channel. The pieces, one concept per file:
//!
//! * [`curve`]: the Hill and exponential curves, their marginals and concavity, and a
//!   [`FittedCurve`] with its spend range, held-out error and standard errors;
//! * [`fit`](mod@fit): nonlinear least squares (Levenberg–Marquardt), the form and
//!   adstock chosen by held-out error ([`FitParams`]);
//! * [`optimize`]: maximise `Σ_c g_c(x_c)` under a fixed total or a target marginal
//!   return, within bounds: KKT for concave curves, dynamic programming on a grid
//!   otherwise ([`OptimizeParams`]), into a [`plan`] ([`Allocation`]);
//! * [`bootstrap`](mod@bootstrap): curve draws from resampled periods
//!   ([`bootstrap_fit`]);
//! * [`uncertainty`]: the plan re-solved under every draw, with the probability that
//!   each channel's spend should rise, intervals, the chance the plan beats today's
//!   allocation, and flags on spend outside the fitted range ([`UncertaintyParams`]).

pub mod bootstrap;
pub mod curve;
pub mod fit;
mod grid;
mod kkt;
mod lm;
pub mod optimize;
pub mod plan;
pub mod uncertainty;

pub use bootstrap::{CurveDraws, bootstrap_fit};
pub use curve::{Candidate, Curve, CurveForm, FittedCurve, StdErrors};
pub use fit::FitParams;
pub use optimize::OptimizeParams;
pub use plan::{Allocation, Binding, Channel, ChannelPlan, Method, Target, value_of};
pub use uncertainty::{ChannelDraws, ChannelUncertainty, UncertainPlan, UncertaintyParams};
