//! Tests of the path summary reader and writer.
use super::*;
use crate::journeys::fractribution_columns;

fn read(text: &str) -> Result<(PathTable, ReadReport)> {
    PathTable::read_csv(text.as_bytes(), "paths.csv", &PathReadOptions::default())
}

/// Paths are written field by field with reused buffers: a channel with a comma and
/// a quote is quoted, counts keep their shortest exact text, and the file reads back
/// as the table it was written from.
#[test]
fn writes_quoted_paths_and_exact_counts() {
    let mut b = PathTable::builder();
    b.push(&["x,\"y", "z"], 1.0, 2.5, 3.0);
    b.push(&["z"], 0.0, 0.0, 1.0);
    b.push(&["z"], 0.1, 0.2, 0.0);
    let table = b.finish();
    let mut out = Vec::new();
    table.write_csv_separated(&mut out, ">").unwrap();
    let text = String::from_utf8(out).unwrap();
    assert_eq!(
        text,
        "path,total_conversions,total_conversion_value,total_null\n\
         \"x,\"\"y > z\",1,2.5,3\n\
         z,0.1,0.2,1\n"
    );
    assert_eq!(read(&text).unwrap().0, table);
}

#[test]
fn reads_trims_and_keeps_fractions() {
    let (t, report) = read(
        "path,total_conversions,total_conversion_value,total_null\n\
         \" search >email \",1.5,30,2\nemail,0.25,,\nsearch > email,1,10,0\n",
    )
    .unwrap();
    assert_eq!(report.rows_read, 3);
    assert_eq!(t.len(), 2);
    assert_eq!(t.path_string(1), "search > email");
    assert_eq!(t.row(1).conversions, 2.5);
    assert_eq!(t.row(0).conversions, 0.25);
    assert_eq!(t.row(0).nulls, 0.0);
}

#[test]
fn reads_fractribution_by_remapping() {
    let opts = PathReadOptions {
        read: ReadOptions::default().columns(fractribution_columns()),
        ..PathReadOptions::default()
    };
    let (t, _) = PathTable::read_csv(
        "transformed_path,conversions,non_conversions,revenue\na > b,2,5,40\n".as_bytes(),
        "f.csv",
        &opts,
    )
    .unwrap();
    assert_eq!(t.total_conversions(), 2.0);
    assert_eq!(t.total_nulls(), 5.0);
    assert_eq!(t.total_value(), 40.0);
}

#[test]
fn write_then_read_is_identity() {
    let (t, _) = read(
        "path,total_conversions,total_conversion_value,total_null\nb > a,0.1,3.3,7\na,2,0,1\n",
    )
    .unwrap();
    let mut buf = Vec::new();
    t.write_csv(&mut buf).unwrap();
    let (back, _) = read(std::str::from_utf8(&buf).unwrap()).unwrap();
    assert_eq!(back, t);
}

/// Issue 14, item 5: a channel holding the separator is refused, not written as a
/// path that reads back with other channels; another separator writes it faithfully.
#[test]
fn a_channel_holding_the_separator_is_refused_or_written_with_another() {
    let opts = PathReadOptions {
        separator: "|".to_string(),
        ..PathReadOptions::default()
    };
    let (t, _) = PathTable::read_csv(
        "path,total_conversions\nsearch>brand | email,1\n".as_bytes(),
        "paths.csv",
        &opts,
    )
    .unwrap();
    let err = t.write_csv(Vec::new()).unwrap_err().to_string();
    assert!(
        err.contains("`search>brand`") && err.contains("path_separator"),
        "{err}"
    );
    let mut buf = Vec::new();
    t.write_csv_separated(&mut buf, "|").unwrap();
    let text = String::from_utf8(buf).unwrap();
    assert!(text.contains("search>brand | email,1,"), "{text}");
    let (back, _) = PathTable::read_csv(text.as_bytes(), "paths.csv", &opts).unwrap();
    assert_eq!(back, t);
}

/// Issue 32: a Snowplow path summary holds `channel` and `campaign` rows for the same
/// conversions (here 6 each); read as one table it would count 12. It is refused at the
/// first row of the second type, and `path_type` reads one type (6 conversions).
#[test]
fn a_mixed_path_type_file_is_refused_unless_one_type_is_chosen() {
    let text = "path_type,transformed_path,conversions,non_conversions,revenue\n\
                campaign,Spring > Promo,4,10,40\n\
                campaign,Promo,2,3,20\n\
                channel,Email > Search,4,10,40\n\
                channel,Search,2,3,20\n";
    let mut opts = PathReadOptions {
        read: ReadOptions::default().columns(crate::journeys::PathsPreset::Snowplow.columns()),
        ..PathReadOptions::default()
    };
    let err = PathTable::read_csv(text.as_bytes(), "s.csv", &opts)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("s.csv")
            && err.contains("line 4")
            && err.contains("`channel`")
            && err.contains("`campaign`")
            && err.contains("path_type"),
        "{err}"
    );
    for (kind, channels) in [
        ("channel", ["Email", "Search"]),
        ("campaign", ["Promo", "Spring"]),
    ] {
        opts.path_type = Some(kind.to_string());
        let (t, report) = PathTable::read_csv(text.as_bytes(), "s.csv", &opts).unwrap();
        assert_eq!(t.total_conversions(), 6.0, "{kind}");
        assert_eq!(t.total_nulls(), 13.0);
        assert_eq!(t.total_value(), 60.0);
        assert_eq!(report.rows_read, 4);
        let mut names: Vec<&str> = t.channels().names().collect();
        names.sort();
        assert_eq!(names, channels);
    }
    opts.path_type = Some("content".to_string());
    let err = PathTable::read_csv(text.as_bytes(), "s.csv", &opts)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("`content`") && err.contains("`campaign`"),
        "{err}"
    );
    let plain = "path,total_conversions\na,1\n";
    let opts = PathReadOptions {
        path_type: Some("channel".to_string()),
        ..PathReadOptions::default()
    };
    let err = PathTable::read_csv(plain.as_bytes(), "p.csv", &opts)
        .unwrap_err()
        .to_string();
    assert!(err.contains("no path_type column"), "{err}");
}

/// Issue 32: DP6's per-journey rows: a `True`/`False` flag per journey (any case, or
/// 1/0); a 0 flag is one non-conversion; without the flag column every row converts.
#[test]
fn per_journey_rows_read_flags_as_conversions() {
    let opts = PathReadOptions {
        read: ReadOptions::default().columns(crate::journeys::PathsPreset::Dp6.columns()),
        per_journey: true,
        ..PathReadOptions::default()
    };
    let text = "channels,has_transaction,conversion_value\n\
                a > b,True,10\na > b,FALSE,\nb,1,5\nb,0,0\nb,false,\n";
    let (t, _) = PathTable::read_csv(text.as_bytes(), "d.csv", &opts).unwrap();
    assert_eq!(t.total_conversions(), 2.0);
    assert_eq!(t.total_nulls(), 3.0);
    assert_eq!(t.total_value(), 15.0);
    let err = PathTable::read_csv(
        "channels,has_transaction\na,yes\n".as_bytes(),
        "d.csv",
        &opts,
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("line 2") && err.contains("has_transaction") && err.contains("`yes`"),
        "{err}"
    );
    let (t, _) = PathTable::read_csv("channels\na > b\nb\n".as_bytes(), "c.csv", &opts).unwrap();
    assert_eq!((t.total_conversions(), t.total_nulls()), (2.0, 0.0));
}

/// Issue 32: an empty path is refused at its line, or read as one touch of
/// `Unmatched_Channel` (Fractribution's handling) when asked.
#[test]
fn empty_paths_are_refused_or_unmatched() {
    let text = "path,total_conversions,total_conversion_value\na,1,2\n,3,4\n";
    let err = read(text).unwrap_err().to_string();
    assert!(
        err.contains("line 3") && err.contains("Unmatched_Channel"),
        "{err}"
    );
    let opts = PathReadOptions {
        unmatched_channel: true,
        ..PathReadOptions::default()
    };
    let (t, _) = PathTable::read_csv(text.as_bytes(), "p.csv", &opts).unwrap();
    let id = t.channels().id(UNMATCHED_CHANNEL).unwrap();
    let row = t.rows().find(|r| r.path == [id]).unwrap();
    assert_eq!((row.conversions, row.value), (3.0, 4.0));
}

mod reader_tests {
    use super::super::*;

    /// 5,000 rows (three batches for the table-building thread) with bad rows far past
    /// the first batch: skipped, they leave neither counts nor channel names behind;
    /// not skipped, the first one is the error, at its line.
    fn file() -> String {
        let mut csv = String::from("path,total_conversions,total_null\n");
        for i in 0..5000 {
            match i {
                3000 => csv.push_str("only_in_bad_row > a,x,1\n"),
                4000 => csv.push_str("a > ,1,1\n"),
                _ => csv.push_str(&format!("c{} > c{},1,2\n", i % 7, (i + 1) % 5)),
            }
        }
        csv
    }

    #[test]
    fn bad_rows_past_the_first_batch_are_skipped_or_reported_at_their_line() {
        let mut options = PathReadOptions::default();
        options.read.skip_bad_rows = true;
        let (table, report) = PathTable::read_csv(file().as_bytes(), "p.csv", &options).unwrap();
        assert_eq!(report.rows_read, 5000);
        assert_eq!(report.rows_skipped, 2);
        assert_eq!(table.total_conversions(), 4998.0);
        assert_eq!(table.total_nulls(), 2.0 * 4998.0);
        assert!(table.channels().id("only_in_bad_row").is_none());
        let err = PathTable::read_csv(file().as_bytes(), "p.csv", &PathReadOptions::default())
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("line 3002") && err.contains("total_conversions"),
            "{err}"
        );
    }

    /// Reading in blocks on every core equals one thread (a quoted header sends the whole
    /// file to one thread): the table, the report, the first error; also with a total
    /// that overflows far into the file, and a quote halfway that hands the rest over.
    #[test]
    fn blocks_read_in_parallel_equal_one_thread() {
        let body = file();
        let body = body.split_once('\n').unwrap().1;
        let mut overflowing = String::new();
        for i in 0..60 {
            let nulls = if i % 20 == 19 { "1e308" } else { "1" };
            overflowing.push_str(&format!("c{} > c{},1,0,{nulls}\n", i % 3, i % 4));
        }
        let half = body.len() / 2;
        let later_quote = format!(
            "{}{}",
            &body[..half],
            body[half..].replace("c3 >", "\"c3\" >")
        );
        let outcome = |text: String, skip: bool| {
            let mut options = PathReadOptions::default();
            options.read.skip_bad_rows = skip;
            match PathTable::read_csv(text.as_bytes(), "p.csv", &options) {
                Ok((table, report)) => format!("{table:?} {report:?}"),
                Err(e) => format!("error: {e}"),
            }
        };
        let header = "path,total_conversions,total_conversion_value,total_null\n";
        let quoted = "\"path\",total_conversions,total_conversion_value,total_null\n";
        for rows in [body, &overflowing, &later_quote] {
            for skip in [false, true] {
                let parallel = outcome(format!("{header}{rows}"), skip);
                assert_eq!(parallel, outcome(format!("{quoted}{rows}"), skip));
            }
        }
        let err = outcome(format!("{header}{overflowing}"), false);
        assert!(
            err.contains("line 41") && err.contains("overflows"),
            "{err}"
        );
    }
}
