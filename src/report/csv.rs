//! Long-format credit CSV.
//!
//! `model,channel,conversions,value,share`, plus `conversions_lo,conversions_hi` when
//! any model has intervals (empty cells for models without), plus
//! `weighted_conversions` when it was asked for (`revenue_weighted`). The key column is named
//! after the dimension (`channel`, `campaign` or `content`). One row per model and
//! channel, sorted by model then channel; floats with fixed
//! [`OUTPUT_DECIMALS`](crate::prec::OUTPUT_DECIMALS) decimals, so output is byte-stable.

use std::io::Write;

use crate::error::{Error, Result};
use crate::prec::fixed;
use crate::report::{CreditReport, Renderer};

/// Renders credit as long-format CSV.
#[derive(Clone, Copy, Debug, Default)]
pub struct CsvRenderer;

impl Renderer for CsvRenderer {
    fn render(&self, report: &CreditReport, out: &mut dyn Write) -> Result<()> {
        let mut w = csv::Writer::from_writer(out);
        let err = |e: csv::Error| Error::Write(std::io::Error::other(e));
        let intervals = report.credits.iter().any(|c| c.has_intervals());
        let mut header = vec![
            "model",
            report.dimension.as_str(),
            "conversions",
            "value",
            "share",
        ];
        if intervals {
            header.extend(["conversions_lo", "conversions_hi"]);
        }
        let weighted = report
            .credits
            .iter()
            .any(|c| c.channels.iter().any(|r| r.weighted_conversions.is_some()));
        if weighted {
            header.push("weighted_conversions");
        }
        w.write_record(&header).map_err(err)?;
        let mut credits: Vec<_> = report.credits.iter().collect();
        credits.sort_by(|a, b| a.model.cmp(&b.model));
        for credit in credits {
            for row in &credit.channels {
                let mut record = vec![
                    credit.model.clone(),
                    row.channel.clone(),
                    fixed(row.conversions),
                    fixed(row.value),
                    fixed(row.share),
                ];
                if intervals {
                    record.push(row.conversions_lo.map(fixed).unwrap_or_default());
                    record.push(row.conversions_hi.map(fixed).unwrap_or_default());
                }
                if weighted {
                    record.push(row.weighted_conversions.map(fixed).unwrap_or_default());
                }
                w.write_record(&record).map_err(err)?;
            }
        }
        w.flush().map_err(Error::Write)
    }
}
