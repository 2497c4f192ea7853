//! Credit as JSON, for notebooks and other programs.
//!
//! ```text
//! { "schema_version": 1, "dimension": "channel",
//!   "inputs": [ { "file", "rows_read", "rows_skipped", "skipped_by_reason", "skipped_examples" } ],
//!   "credits": [ { "model", "dimension", "additive", "total_conversions", "total_value",
//!                  "channels": [ { "channel", "conversions", "value", "share",
//!                                  "conversions_lo", "conversions_hi" } ],
//!                  "notes": [ ... ] } ] }
//! ```
//!
//! Numbers are written at full precision (shortest round-trip form), which is
//! deterministic for deterministic inputs. `additive` is false for non-additive models
//! such as `influenced`.

use std::io::Write;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::report::{CreditReport, Renderer};

/// Version of the JSON layout; bumped on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

/// Renders credit as pretty-printed JSON.
#[derive(Clone, Copy, Debug, Default)]
pub struct JsonRenderer;

#[derive(Serialize)]
struct Document<'a> {
    schema_version: u32,
    #[serde(flatten)]
    report: &'a CreditReport,
}

impl Renderer for JsonRenderer {
    fn render(&self, report: &CreditReport, out: &mut dyn Write) -> Result<()> {
        let doc = Document {
            schema_version: SCHEMA_VERSION,
            report,
        };
        serde_json::to_writer_pretty(&mut *out, &doc).map_err(|e| Error::Write(e.into()))?;
        out.write_all(b"\n").map_err(Error::Write)
    }
}
