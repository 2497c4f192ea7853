//! Reading and writing the journeys file.
//!
//! One row per touch:
//! `journey_id,user_id,converted,conversion_value,conversion_time,touch_time,channel,campaign,content,milestone`.
//!
//! * Required columns: `journey_id`, `converted` (`1`/`0`/`true`/`false`), `touch_time`,
//!   `channel`. The others are optional.
//! * The journey-level fields (`user_id`, `converted`, `conversion_value`,
//!   `conversion_time`) repeat on every row of a journey and must agree.
//! * A converting journey carries its conversion time (when the column exists); a
//!   non-converting one leaves it and the value empty (or zero). No touch of a journey
//!   is after its conversion.
//! * `milestone` is empty or one of `lead_created`, `opportunity_created`,
//!   `closed_won`: the touch is the last one at or before that stage milestone.
//! * Rows may come in any order; a journey exists only through its touch rows, so a
//!   journey with no touches cannot be written in this format.

use std::io::{Read, Write};
use std::path::Path;

use rustc_hash::FxHashMap;

use crate::csv_input::{CsvSource, ReadOptions, ReadReport, Records, Row, open_file};
use crate::error::{Error, Result};
use crate::journeys::journey::{JourneyInfo, Journeys, Touch};
use crate::journeys::labels::Milestone;
use crate::journeys::path_csv::format_exact;
use crate::time::{TIMESTAMP_EXPECTED, format_timestamp};

/// Column names of the journeys file, in the order they are written.
pub const JOURNEY_COLUMNS: [&str; 10] = [
    "journey_id",
    "user_id",
    "converted",
    "conversion_value",
    "conversion_time",
    "touch_time",
    "channel",
    "campaign",
    "content",
    "milestone",
];

struct Columns {
    journey_id: usize,
    user_id: Option<usize>,
    converted: usize,
    value: Option<usize>,
    conversion_time: Option<usize>,
    touch_time: usize,
    channel: usize,
    campaign: Option<usize>,
    content: Option<usize>,
    milestone: Option<usize>,
}

/// A journey being assembled from its rows, with the line that introduced it.
struct Pending {
    info: JourneyInfo,
    /// Where its first row is (`line 5`, or `row 4` of a table).
    first_at: String,
    touches: Vec<Touch>,
}

impl Journeys {
    /// Reads a journeys file.
    pub fn read_csv_path(path: &Path, options: &ReadOptions) -> Result<(Journeys, ReadReport)> {
        let file = open_file(path)?;
        Self::read_csv(file, &path.display().to_string(), options)
    }

    /// Reads a journeys file from any reader; `name` names it in errors.
    pub fn read_csv<R: Read>(
        input: R,
        name: &str,
        options: &ReadOptions,
    ) -> Result<(Journeys, ReadReport)> {
        Self::read_records(Records::csv(input), name, options)
    }

    /// Reads journeys from records of either kind (a CSV stream or a table).
    pub fn read_records(
        input: Records<'_>,
        name: &str,
        options: &ReadOptions,
    ) -> Result<(Journeys, ReadReport)> {
        options.columns.check_known("journeys", &JOURNEY_COLUMNS)?;
        let map = &options.columns;
        let mut src = CsvSource::open(input, name, &JOURNEY_COLUMNS)?;
        let cols = Columns {
            journey_id: src.required("journey_id", map)?,
            user_id: src.optional("user_id", map)?,
            converted: src.required("converted", map)?,
            value: src.optional("conversion_value", map)?,
            conversion_time: src.optional("conversion_time", map)?,
            touch_time: src.required("touch_time", map)?,
            channel: src.required("channel", map)?,
            campaign: src.optional("campaign", map)?,
            content: src.optional("content", map)?,
            milestone: src.optional("milestone", map)?,
        };
        let mut report = ReadReport::new(name);
        let mut builder = Journeys::builder();
        if cols.campaign.is_some() {
            builder.campaigns_mut();
        }
        if cols.content.is_some() {
            builder.contents_mut();
        }
        let mut index: FxHashMap<String, usize> = FxHashMap::default();
        let mut pending: Vec<Pending> = Vec::new();
        // The total conversion value (each journey once), checked to stay finite.
        let mut value_total = 0.0;

        while let Some(row) = src.next_row()? {
            report.rows_read += 1;
            let result = read_row(&row, &cols, &mut builder).and_then(|(info, touch)| {
                add_touch(
                    &row,
                    &cols,
                    &mut index,
                    &mut pending,
                    &mut value_total,
                    info,
                    touch,
                )
            });
            report.keep_or_skip(result, options.skip_bad_rows)?;
        }
        report.check_usable()?;
        for p in pending {
            builder.push(p.info, &p.touches);
        }
        Ok((builder.finish(), report))
    }

    /// Writes the journeys in the journeys file format, one row per touch. The
    /// `campaign` and `content` columns are written only when the journeys have those
    /// dimensions, so reading the file back gives equal journeys.
    pub fn write_csv<W: Write>(&self, out: W) -> Result<()> {
        let mut w = csv::Writer::from_writer(out);
        let write_err = |e: csv::Error| Error::Write(std::io::Error::other(e));
        let header: Vec<&str> = JOURNEY_COLUMNS
            .into_iter()
            .filter(|&c| {
                (c != "campaign" || self.has_campaign()) && (c != "content" || self.has_content())
            })
            .collect();
        w.write_record(&header).map_err(write_err)?;
        let mut record: Vec<String> = Vec::with_capacity(JOURNEY_COLUMNS.len());
        for j in self.iter() {
            let info = j.info;
            let converted = if info.converted { "1" } else { "0" };
            let value = if info.converted {
                format_exact(info.value)
            } else {
                String::new()
            };
            let conversion_time = info
                .conversion_time
                .map(format_timestamp)
                .unwrap_or_default();
            for t in j.touches {
                record.clear();
                record.extend([
                    info.id.clone(),
                    info.user_id.clone(),
                    converted.to_string(),
                    value.clone(),
                    conversion_time.clone(),
                    format_timestamp(t.time),
                    self.channels().name(t.channel).to_string(),
                ]);
                if self.has_campaign() {
                    record.push(self.campaigns().name(t.campaign).to_string());
                }
                if self.has_content() {
                    record.push(self.contents().name(t.content).to_string());
                }
                record.push(t.milestone.map_or("", Milestone::as_str).to_string());
                w.write_record(&record).map_err(write_err)?;
            }
        }
        w.flush().map_err(Error::Write)
    }
}

fn read_row(
    row: &Row<'_>,
    cols: &Columns,
    builder: &mut crate::journeys::journey::JourneysBuilder,
) -> Result<(JourneyInfo, Touch)> {
    let id = row.non_empty(cols.journey_id, "a journey id")?;
    let user_id = match cols.user_id {
        Some(c) => row.str(c)?,
        None => "",
    };
    let converted = parse_bool(row, cols.converted)?;
    let value = match cols.value {
        Some(c) => row.non_negative(c, Some(0.0))?,
        None => 0.0,
    };
    if !converted && value != 0.0 {
        return Err(row.error(
            cols.value.unwrap_or(cols.converted),
            "a non-converting journey has a conversion value; expected empty or 0",
        ));
    }
    let conversion_time = match cols.conversion_time {
        Some(c) => {
            let text = row.str(c)?;
            match (converted, text.is_empty()) {
                (true, true) => {
                    return Err(row.error(
                        c,
                        format!("empty on a converting journey; expected {TIMESTAMP_EXPECTED}"),
                    ));
                }
                (false, false) => {
                    return Err(row.error(
                        c,
                        "a non-converting journey has a conversion time; expected empty",
                    ));
                }
                (false, true) => None,
                (true, false) => Some(row.timestamp(c)?),
            }
        }
        None => None,
    };
    let time = row.timestamp(cols.touch_time)?;
    if let Some(ct) = conversion_time
        && time > ct
    {
        return Err(row.error(
            cols.touch_time,
            format!(
                "touch at {} is after the journey's conversion at {}; a journey holds only touches before its conversion",
                format_timestamp(time),
                format_timestamp(ct)
            ),
        ));
    }
    let channel_name = row.non_empty(cols.channel, "a channel name")?;
    let milestone = match cols.milestone {
        Some(c) => {
            let text = row.str(c)?;
            if text.is_empty() {
                None
            } else {
                Some(text.parse::<Milestone>().map_err(|m| row.error(c, m))?)
            }
        }
        None => None,
    };
    let campaign = match cols.campaign {
        Some(c) => row.str(c)?,
        None => "",
    };
    let content = match cols.content {
        Some(c) => row.str(c)?,
        None => "",
    };
    let touch = Touch {
        time,
        channel: builder.channels_mut().intern(channel_name),
        campaign: if cols.campaign.is_some() {
            builder.campaigns_mut().intern(campaign)
        } else {
            0
        },
        content: if cols.content.is_some() {
            builder.contents_mut().intern(content)
        } else {
            0
        },
        milestone,
    };
    let info = JourneyInfo {
        id: id.to_string(),
        user_id: user_id.to_string(),
        converted,
        value,
        conversion_time,
    };
    Ok((info, touch))
}

fn add_touch(
    row: &Row<'_>,
    cols: &Columns,
    index: &mut FxHashMap<String, usize>,
    pending: &mut Vec<Pending>,
    value_total: &mut f64,
    info: JourneyInfo,
    touch: Touch,
) -> Result<()> {
    if let Some(&k) = index.get(&info.id) {
        let existing = &pending[k];
        let first = &existing.first_at;
        let mismatch = |col: Option<usize>, what: &str| {
            row.error(
                col.unwrap_or(cols.journey_id),
                format!("journey `{}` has a different {what} here than on {first}; every row of a journey must agree", info.id),
            )
        };
        let e = &existing.info;
        if e.user_id != info.user_id {
            return Err(mismatch(cols.user_id, "user_id"));
        }
        if e.converted != info.converted {
            return Err(mismatch(Some(cols.converted), "converted"));
        }
        if e.value != info.value {
            return Err(mismatch(cols.value, "conversion_value"));
        }
        if e.conversion_time != info.conversion_time {
            return Err(mismatch(cols.conversion_time, "conversion_time"));
        }
        pending[k].touches.push(touch);
    } else {
        if let Some(c) = cols.value {
            row.add_to_total(c, info.value, value_total)?;
        }
        index.insert(info.id.clone(), pending.len());
        pending.push(Pending {
            info,
            first_at: row.position(),
            touches: vec![touch],
        });
    }
    Ok(())
}

fn parse_bool(row: &Row<'_>, col: usize) -> Result<bool> {
    let text = row.str(col)?;
    match text.to_ascii_lowercase().as_str() {
        "1" | "true" => Ok(true),
        "0" | "false" => Ok(false),
        _ => Err(row.error(col, format!("`{text}`: expected 1, 0, true or false"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "journey_id,user_id,converted,conversion_value,conversion_time,touch_time,channel,campaign,content,milestone
j1,u1,1,120,2026-01-10T00:00:00Z,2026-01-02T00:00:00Z,search,brand,,lead_created
j1,u1,1,120,2026-01-10T00:00:00Z,2026-01-01T00:00:00Z,display,spring,banner,
j2,u2,0,,,2026-01-05T12:00:00Z,email,,,
";

    #[test]
    fn reads_groups_and_orders_touches() {
        let (j, report) =
            Journeys::read_csv(SAMPLE.as_bytes(), "j.csv", &ReadOptions::default()).unwrap();
        assert_eq!(report.rows_read, 3);
        assert_eq!(j.len(), 2);
        let j1 = j.get(0);
        assert_eq!(j1.info.id, "j1");
        assert!(j1.info.converted);
        assert_eq!(j1.info.value, 120.0);
        let channels: Vec<&str> = j1
            .touches
            .iter()
            .map(|t| j.channels().name(t.channel))
            .collect();
        assert_eq!(channels, ["display", "search"]);
        assert_eq!(j1.touches[1].milestone, Some(Milestone::LeadCreated));
        assert!(!j.get(1).info.converted);
        assert_eq!(j.get(1).info.conversion_time, None);
    }

    #[test]
    fn round_trip_is_identity() {
        let (j, _) =
            Journeys::read_csv(SAMPLE.as_bytes(), "j.csv", &ReadOptions::default()).unwrap();
        let mut out = Vec::new();
        j.write_csv(&mut out).unwrap();
        let (back, _) =
            Journeys::read_csv(out.as_slice(), "back.csv", &ReadOptions::default()).unwrap();
        assert_eq!(back, j);
    }

    #[test]
    fn disagreeing_rows_of_one_journey_are_an_error_at_the_later_row() {
        let text = "journey_id,converted,conversion_value,conversion_time,touch_time,channel\n\
                    j,1,10,2026-01-10,2026-01-01,a\nj,1,12,2026-01-10,2026-01-02,b\n";
        let err =
            Journeys::read_csv(text.as_bytes(), "j.csv", &ReadOptions::default()).unwrap_err();
        let loc = err.location().unwrap();
        assert_eq!((loc.line, loc.column), (3, Some(3)));
        assert!(err.to_string().contains("line 2"), "{err}");
    }

    #[test]
    fn touch_after_conversion_is_an_error() {
        let text = "journey_id,converted,conversion_time,touch_time,channel\nj,1,2026-01-10,2026-01-11,a\n";
        let err =
            Journeys::read_csv(text.as_bytes(), "j.csv", &ReadOptions::default()).unwrap_err();
        assert_eq!(err.location().unwrap().column, Some(4));
        assert!(
            err.to_string().contains("after the journey's conversion"),
            "{err}"
        );
    }
}
