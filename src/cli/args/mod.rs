//! Flag groups shared by subcommands, one group per file.

mod budget;
mod build;
mod fitted;
mod input;
mod models;
mod output;
mod transform;
pub mod values;

use std::ffi::OsString;

pub use budget::BudgetArgs;
pub use build::{BuildArgs, ChannelArgs};
pub use fitted::FittedPlanArgs;
pub use input::{InputArgs, ReadArgs, open_fixed, open_input};
pub use models::{BootstrapArgs, DetailsArgs, ModelArgs};
pub use output::OutputArgs;
pub use transform::TransformArgs;

/// Rewrites `--col-NAME=HEADER` (and `--col-NAME HEADER`) into `--col NAME=HEADER`, so
/// both spellings of a column remapping work.
pub fn expand_column_flags(args: impl IntoIterator<Item = OsString>) -> Vec<OsString> {
    let mut out = Vec::new();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let Some(rest) = arg.to_str().and_then(|s| s.strip_prefix("--col-")) else {
            out.push(arg);
            continue;
        };
        out.push("--col".into());
        if rest.contains('=') {
            out.push(rest.into());
        } else {
            let header = args.next().unwrap_or_default();
            let mut pair = OsString::from(format!("{rest}="));
            pair.push(header);
            out.push(pair);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_flags_are_expanded() {
        let args = [
            "pathcredit",
            "--col-path=transformed_path",
            "--col-total_null",
            "non_conversions",
            "--x",
        ];
        let out = expand_column_flags(args.iter().map(OsString::from));
        let out: Vec<&str> = out.iter().map(|s| s.to_str().unwrap()).collect();
        assert_eq!(
            out,
            [
                "pathcredit",
                "--col",
                "path=transformed_path",
                "--col",
                "total_null=non_conversions",
                "--x"
            ]
        );
    }
}
