//! The held-out fit of each model, read back from a details JSON
//! (the `details` output of a run): where it sits is the model registry's to say.

use std::collections::BTreeMap;
use std::io::Read;

use crate::error::Result;
use crate::holdout::HoldoutFit;
use crate::models::ModelName;

/// The held-out fit of every model in `details` (a JSON object keyed by model) that
/// predicts conversion; `name` names the input in errors.
pub fn read_holdout(input: impl Read, name: &str) -> Result<BTreeMap<String, HoldoutFit>> {
    Ok(holdout_fits(&crate::models::details::read_details_json(
        input, name,
    )?))
}

/// The held-out fit of every model in a parsed details object.
pub fn holdout_fits(details: &serde_json::Value) -> BTreeMap<String, HoldoutFit> {
    let Some(object) = details.as_object() else {
        return BTreeMap::new();
    };
    object
        .iter()
        .filter_map(|(model, value)| {
            let pointer = ModelName::lookup(model)?.info().holdout_pointer?;
            let fit = value.pointer(pointer)?;
            Some((
                model.clone(),
                HoldoutFit {
                    auc: fit["auc"].as_f64(),
                    log_loss: fit["log_loss"].as_f64(),
                },
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fits_are_found_where_the_registry_says() {
        let json = r#"{"markov": {"holdout_fit": {"auc": 0.7, "log_loss": 0.3}},
                       "logistic": {"diagnostics": {"auc": 0.8, "log_loss": null}},
                       "shapley": {"values": []}}"#;
        let fits = read_holdout(json.as_bytes(), "d.json").unwrap();
        assert_eq!(fits.len(), 2);
        assert_eq!(fits["markov"].auc, Some(0.7));
        assert_eq!(fits["logistic"].log_loss, None);
        assert!(read_holdout("[1,".as_bytes(), "d.json").is_err());
    }
}
