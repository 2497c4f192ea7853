//! Path transforms applied to path summaries.

use clap::Args;

use pathcredit::journeys::{PathTransform, TransformKind};

use crate::cli::args::values::whole;
use crate::cli::flags::choice;

/// Path transforms (applied in this order: drop channels, drop direct, transform, max steps).
#[derive(Debug, Args)]
#[command(next_help_heading = "Path transforms (for path summaries and path models)")]
pub struct TransformArgs {
    /// Sequence transform: none, exposure (collapse consecutive repeats), first (first
    /// occurrences), unique (the channel set in first-seen order), frequency (first
    /// occurrences named channel(count)).
    #[arg(long, value_name = "KIND", default_value = "none", value_parser = choice::<TransformKind>())]
    pub transform: TransformKind,

    /// Keep only the last N touches of each path.
    #[arg(long, value_name = "N", value_parser = whole::<usize>)]
    pub max_steps: Option<usize>,

    /// Remove a channel from every path (repeatable; comma separated).
    #[arg(long, value_name = "NAME", value_delimiter = ',')]
    pub drop_channel: Vec<String>,

    /// Remove direct touches unless a path has nothing else.
    #[arg(long)]
    pub drop_direct_unless_only: bool,
}

impl TransformArgs {
    /// The transform, with the direct channel names it needs (checked with the model
    /// settings, or by `PathTransform::validate`).
    pub fn transform(&self, direct_channels: &[String]) -> PathTransform {
        PathTransform {
            kind: self.transform,
            max_steps: self.max_steps,
            drop_channels: self
                .drop_channel
                .iter()
                .map(|s| s.trim().to_string())
                .collect(),
            drop_direct_unless_only: self.drop_direct_unless_only,
            direct_channels: direct_channels.to_vec(),
        }
    }
}
