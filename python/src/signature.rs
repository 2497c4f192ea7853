//! The keyword arguments every native function accepts, declared once: name, Python type,
//! default and one-line doc. The Python layer builds its functions' signatures, `help()`
//! and the package's `.pyi` stubs from this table (`keywords()`), and its tests check the
//! table against what the functions take, so the two cannot drift.
//!
//! The groups mirror the helpers of `params.rs` that consume the keywords (a function
//! calling `journey_params` lists [`JOURNEYS`], and so on). Defaults are Python literals
//! and are the command line's; `None` means the keyword has no default value (left out,
//! the library decides or the setting is off). Docs of library parameters are
//! [`Param::doc`].

use std::collections::BTreeMap;

use pyo3::prelude::*;

use pathcredit::param::Param;

/// One keyword argument.
pub struct Keyword {
    pub name: &'static str,
    /// The Python annotation, as text.
    pub ty: &'static str,
    /// The default as a Python literal, or `None` for no default value.
    pub default: Option<&'static str>,
    pub doc: &'static str,
}

/// A library parameter as a keyword (its name and doc are the library's).
const fn param(p: Param, ty: &'static str, default: Option<&'static str>) -> Keyword {
    Keyword {
        name: p.name(),
        ty,
        default,
        doc: p.doc(),
    }
}

/// A keyword that is not a library parameter (a front end's setting).
const fn own(
    name: &'static str,
    ty: &'static str,
    default: Option<&'static str>,
    doc: &'static str,
) -> Keyword {
    Keyword {
        name,
        ty,
        default,
        doc,
    }
}

/// Keywords consumed together by one helper (or one function's own `take`s).
pub struct Group {
    /// The heading of the group in `help()`.
    pub title: &'static str,
    pub keywords: &'static [Keyword],
}

const STR_LIST: &str = "str | Sequence[str]";
const DURATION: &str = "str | timedelta";
const WEIGHTS: &str = "str | Sequence[float]";
const TIME: &str = "str | datetime";

/// `direct_channels` and `journey_params` (with `columns` and `channel_grouping`).
pub static JOURNEYS: Group = Group {
    title: "Journey building",
    keywords: &[
        param(Param::DirectChannels, STR_LIST, Some("'direct'")),
        param(Param::JourneyLevel, "str", Some("'person'")),
        param(Param::LookbackDays, "int | None", Some("30")),
        param(Param::LookbackSteps, "int", None),
        param(Param::CensorDays, "int | None", None),
        param(Param::DataEnd, TIME, None),
        param(Param::SessionGap, DURATION, Some("'30m'")),
        param(Param::TouchLevel, "str", Some("'session'")),
        param(Param::UnattributedChannel, "str", None),
        param(Param::TouchEvent, STR_LIST, Some("'touch'")),
        param(Param::ConversionEvent, STR_LIST, None),
        own(
            "lead_event",
            "str",
            Some("'lead_created'"),
            "Event name of the lead-creation milestone.",
        ),
        own(
            "opportunity_event",
            "str",
            Some("'opportunity_created'"),
            "Event name of the opportunity-creation milestone.",
        ),
        own(
            "closed_won_event",
            "str",
            Some("'closed_won'"),
            "Event name of the closed-won milestone.",
        ),
        param(Param::SharedDevices, "str", Some("'separate'")),
        own(
            "skip_bad_rows",
            "bool",
            Some("False"),
            "Skip rows with bad values and count them instead of stopping at the first.",
        ),
        param(Param::Columns, "Mapping[str, str] | str", None),
        param(Param::ChannelRules, "str | PathLike[str]", None),
        param(Param::ChannelGrouping, "str", None),
        param(Param::EventsPreset, "str", None),
    ],
};

/// `path_options`: how a path summary is read.
pub static PATHS: Group = Group {
    title: "Path summary input",
    keywords: &[
        param(Param::PathsPreset, "str", None),
        param(Param::PathSeparator, "str", Some("'>'")),
        own(
            "per_journey",
            "bool",
            None,
            "Each row of a path summary is one journey (set by paths_preset='dp6').",
        ),
        param(Param::PathType, "str", None),
        param(Param::UnmatchedChannel, "bool", Some("False")),
    ],
};

/// `path_transform`.
pub static TRANSFORM: Group = Group {
    title: "Path transform",
    keywords: &[
        param(Param::Transform, "str", Some("'none'")),
        param(Param::MaxSteps, "int", None),
        param(Param::DropChannel, STR_LIST, None),
        own(
            "drop_direct_unless_only",
            "bool",
            Some("False"),
            "Remove direct touches unless a path has nothing else.",
        ),
    ],
};

/// `model_settings` (besides its `path_transform`).
pub static MODELS: Group = Group {
    title: "Models",
    keywords: &[
        param(Param::Level, "str", Some("'channel'")),
        param(Param::PositionWeights, WEIGHTS, Some("'0.4,0.2,0.4'")),
        param(Param::CustomWeights, WEIGHTS, None),
        param(Param::TwoTouch, "str", Some("'renormalise'")),
        param(Param::PositionDecay, "str", Some("'touches'")),
        param(Param::HalfLife, DURATION, Some("'7d'")),
        param(Param::ConversionWindow, "str | int", None),
        param(Param::RevenueWeighted, "bool", Some("False")),
        param(Param::StepDecay, "float", Some("0.5")),
        param(Param::StepEvery, DURATION, Some("'168h'")),
        param(Param::Seed, "int", Some("42")),
        param(Param::MemoryLimit, "str | int", None),
        param(Param::MarkovOrder, "int | str", Some("1")),
        param(Param::MarkovStates, "str", Some("'windows'")),
        param(Param::MarkovHoldout, "float", Some("0.2")),
        param(Param::MarkovMaxStates, "int", Some("1000000")),
        param(Param::MarkovMaxWork, "float", Some("2e10")),
        param(Param::LogisticAlpha, "float", None),
        param(Param::LogisticFolds, "int", Some("5")),
        param(Param::LogisticInteractions, "bool", Some("False")),
        param(Param::LogisticCredit, "str", Some("'shapley'")),
        param(Param::LogisticBags, "int", Some("0")),
        param(Param::LogisticBagRows, "float", Some("0.5")),
        param(Param::LogisticBagFeatures, "float", Some("1.0")),
        param(Param::LogisticHoldout, "float", Some("0.2")),
        param(Param::LogisticMaxWork, "float", Some("1e12")),
        param(Param::LogisticSolver, "str", Some("'newton'")),
        param(Param::ShapleyGame, "str", Some("'rate'")),
        param(Param::ShapleySamples, "int", None),
        param(Param::ShapleyExactMax, "int", Some("25")),
        param(Param::ShapleyNegative, "str", Some("'clip'")),
        param(Param::HazardStep, DURATION, Some("'1d'")),
        param(Param::HazardLags, "str", Some("'auto'")),
        param(Param::HazardPre, "str", Some("'auto'")),
        param(Param::HazardSmoothing, "str | float", Some("'auto'")),
        param(Param::HazardAdjust, "str", Some("'auto'")),
        param(Param::HazardControls, STR_LIST, None),
        param(Param::HazardIgnore, STR_LIST, None),
        param(Param::HazardWeekday, "bool", Some("False")),
        param(Param::HazardCalendar, "str | int", Some("'warn'")),
        param(Param::HazardTimeOfDay, "str", Some("'clock'")),
        param(Param::StudyStart, TIME, None),
        param(Param::StudyEnd, TIME, None),
    ],
};

/// `budget_params`: a plan under an assumed response.
pub static BUDGET: Group = Group {
    title: "Budget plan",
    keywords: &[
        param(Param::MaxShift, "float", Some("0.25")),
        param(Param::Response, "str", Some("'diminishing'")),
        param(Param::Elasticity, "float", Some("0.5")),
        param(Param::Floor, "Mapping[str, float] | str", None),
        param(Param::Cap, "Mapping[str, float] | str", None),
        param(Param::MoveAtRisk, "bool", Some("False")),
        own(
            "credit_risks",
            "str | Sequence[Mapping[str, Any]]",
            None,
            "The channels whose credit the plan's model doubts, and which way (the \
             `credit_risks` of its details; `budget()` reads them from the credit's details, \
             `report()` from its own run, `evaluate()` per model from `details`, which come \
             first).",
        ),
    ],
};

/// `fitted_plan_settings`: a plan from fitted response curves.
pub static FITTED_PLAN: Group = Group {
    title: "Fitted response plan",
    keywords: &[
        own(
            "draws",
            "int",
            Some("200"),
            "Bootstrap draws of every fitted curve, for the plan's intervals.",
        ),
        param(Param::Seed, "int", Some("42")),
        own(
            "current_periods",
            "int",
            None,
            "Today's spend is the mean over the last K periods (default: all of them).",
        ),
        own(
            "stay_in_range",
            "bool",
            Some("False"),
            "Keep every channel's spend inside the range its curve was fitted on.",
        ),
        own(
            "adstock",
            "bool",
            Some("True"),
            "Fit to geometrically adstocked spend (carryover between periods, chosen per channel by held-out error; False: none).",
        ),
        own(
            "total",
            "float",
            None,
            "A new total spend per period to plan (default: today's total).",
        ),
        own(
            "target_mroas",
            "float",
            None,
            "Instead of a total, spend on each channel until its marginal return falls to this.",
        ),
        own(
            "frequency",
            "bool",
            Some("True"),
            "Value a person's repeated exposures within a period apart from the first.",
        ),
    ],
};

/// `budget`'s own keyword.
pub static SPEND_PERIOD: Group = Group {
    title: "Spend",
    keywords: &[param(Param::Period, "str", None)],
};

/// `report`'s own keywords.
pub static REPORT: Group = Group {
    title: "Report",
    keywords: &[
        param(Param::Period, "str", None),
        own(
            "matched",
            "str",
            Some("'auto'"),
            "Recommend from simulated worlds matched to the input ('auto') or without them ('off').",
        ),
    ],
};

/// `sql`'s own keywords.
pub static SQL: Group = Group {
    title: "SQL",
    keywords: &[
        own(
            "timestamps",
            "str",
            Some("'auto'"),
            "How the events table holds time (auto, timestamp, epoch, epoch_micros).",
        ),
        own(
            "prefix",
            "str",
            Some("'pc_'"),
            "Prefix of every table the SQL creates.",
        ),
        param(Param::StitchRounds, "int", Some("16")),
        own(
            "has_value",
            "bool",
            Some("True"),
            "Read the value column when the table has one (False: every conversion is worth 0).",
        ),
        own(
            "session_id",
            "bool",
            Some("True"),
            "Read the session_id column when the table has one (False: sessions by the gap).",
        ),
    ],
};

/// `simulate`'s keywords.
pub static SIMULATE: Group = Group {
    title: "Simulation",
    keywords: &[
        param(Param::Users, "int", Some("20000")),
        param(Param::Channels, "int", Some("8")),
        param(Param::Scenario, "str", Some("'targeting'")),
        own("seed", "int", Some("7"), "Seed of every random draw."),
        param(Param::Days, "int", None),
        own(
            "holdout_share",
            "float",
            None,
            "Share of people held out of each experiment's channel.",
        ),
        param(Param::Hazard, "str", None),
        param(Param::Experiments, STR_LIST, None),
    ],
};

/// What a model run takes (`run_args`).
const RUN: &[&Group] = &[&JOURNEYS, &PATHS, &TRANSFORM, &MODELS];

/// A group a function takes only under a condition (`when`, in Python's words).
pub struct Part {
    pub group: &'static Group,
    pub when: Option<&'static str>,
}

const fn always(group: &'static Group) -> Part {
    Part { group, when: None }
}

/// Every native function that takes keyword arguments, with its groups.
pub fn functions() -> Vec<(&'static str, Vec<Part>)> {
    let run = || RUN.iter().map(|g| always(g)).collect::<Vec<_>>();
    let with = |mut parts: Vec<Part>, more: Vec<Part>| {
        parts.extend(more);
        parts
    };
    let fitted = || Part {
        group: &FITTED_PLAN,
        when: Some("response=\"fitted\""),
    };
    vec![
        ("build_journeys", vec![always(&JOURNEYS)]),
        ("build_paths", vec![always(&JOURNEYS)]),
        ("attribute", run()),
        ("validate", run()),
        (
            "report",
            with(run(), vec![always(&REPORT), always(&BUDGET), fitted()]),
        ),
        ("evaluate", vec![always(&BUDGET), always(&FITTED_PLAN)]),
        ("budget", vec![always(&SPEND_PERIOD), always(&BUDGET)]),
        ("budget_fitted", vec![always(&BUDGET), always(&FITTED_PLAN)]),
        (
            "budget_aggregate",
            vec![always(&BUDGET), always(&FITTED_PLAN)],
        ),
        ("simulate", vec![always(&SIMULATE)]),
        (
            "sql",
            vec![always(&SQL), always(&JOURNEYS), always(&TRANSFORM)],
        ),
        (
            "resolve_settings",
            with(vec![always(&SPEND_PERIOD), always(&BUDGET)], run()),
        ),
    ]
}

/// One keyword as Python sees it: `(name, type, default or None, doc, group, when or
/// None)`.
type KeywordRow = (
    &'static str,
    &'static str,
    Option<&'static str>,
    &'static str,
    &'static str,
    Option<&'static str>,
);

/// The keyword arguments of every native function, in order, each once (a keyword two
/// groups share, such as `seed`, is listed where it comes first).
#[pyfunction]
pub fn keywords() -> BTreeMap<&'static str, Vec<KeywordRow>> {
    functions()
        .into_iter()
        .map(|(name, parts)| {
            let mut rows: Vec<KeywordRow> = Vec::new();
            for part in parts {
                for k in part.group.keywords {
                    if rows.iter().all(|r| r.0 != k.name) {
                        rows.push((k.name, k.ty, k.default, k.doc, part.group.title, part.when));
                    }
                }
            }
            (name, rows)
        })
        .collect()
}
