//! The colour of each model in the report's charts: fixed per model name, so a model
//! has the same colour in every report, whichever models are drawn beside it and in
//! whatever order. Colours come from Paul Tol's "muted", "vibrant" and "light" schemes, which
//! stay distinct for colour-blind readers (Tol, "Colour schemes",
//! SRON/EPS/TN/09-002, 2021); the models most often drawn together (the data-driven
//! ones and the last-touch baseline) get the most distinct ones.

/// The colour of a series that is no model (a conversion rate, conversions by
/// time): a neutral dark grey that no model has, so it is never read as a model.
pub const OTHER_SERIES: &str = "#4d4d4d";

/// The colour of the model named `model`, or `None` for a name that is no model.
pub fn model_colour(model: &str) -> Option<&'static str> {
    Some(match model {
        "markov" => "#332288",
        "shapley" => "#44aa99",
        "logistic" => "#117733",
        "self_controlled" => "#882255",
        "last_touch" => "#cc6677",
        "first_touch" => "#88ccee",
        "linear" => "#ddcc77",
        "linear_unique" => "#999933",
        "time_decay" => "#aa4499",
        "last_non_direct" => "#ee7733",
        "shapley_ordered" => "#cc3311",
        "w_shaped" => "#0077bb",
        "full_path" => "#33bbee",
        "influenced" => "#ee3377",
        "position_based" => "#bbbbbb",
        "custom" => "#777777",
        "fractribution" => "#009988",
        "position_decay" => "#aaaa00",
        "time_decay_steps" => "#ffaabb",
        _ => return None,
    })
}

/// The colour of the series `name`: its model's colour, or [`OTHER_SERIES`].
pub fn series_colour(name: &str) -> &'static str {
    model_colour(name).unwrap_or(OTHER_SERIES)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::ModelName;

    /// Every model has a colour of its own, and none is the other series' colour.
    #[test]
    fn every_model_has_a_distinct_colour() {
        let colours: std::collections::BTreeSet<&str> = ModelName::ALL
            .iter()
            .map(|m| model_colour(m.as_str()).unwrap_or_else(|| panic!("{m} has no colour")))
            .collect();
        assert_eq!(colours.len(), ModelName::ALL.len());
        assert!(!colours.contains(OTHER_SERIES));
        assert_eq!(series_colour("conversion rate"), OTHER_SERIES);
    }
}
