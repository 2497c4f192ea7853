//! Unit tests of the generated SQL: quoting, settings, the events step.

use super::*;

#[test]
fn names_are_quoted_and_settings_checked() {
    let mut spec = SqlSpec::new(Dialect::Spark, "raw.my events");
    spec.params.read.columns = ColumnMap::new().set("timestamp", "event`time");
    let sql = journeys_sql(&spec).unwrap();
    assert!(sql.contains("FROM `raw`.`my events`"), "{sql}");
    assert!(sql.contains("trim(CAST(`event``time` AS STRING))"), "{sql}");
    spec.timestamps = TimestampKind::Timestamp;
    let typed = journeys_sql(&spec).unwrap();
    assert!(typed.contains("AS `pc:ts_in`"), "{typed}");
    spec.params.read.columns = ColumnMap::new().set("value", "pc:value");
    assert!(
        journeys_sql(&spec)
            .unwrap_err()
            .to_string()
            .contains("are the SQL's own")
    );
    spec.params.read.columns = ColumnMap::new().set("timestamp", "event`time");
    assert!(sql.ends_with("SELECT * FROM pc_path_summary ORDER BY path;\n"));
    let duck = SqlSpec::new(Dialect::Duckdb, "events");
    assert!(
        journeys_sql(&duck)
            .unwrap()
            .contains("CREATE OR REPLACE TEMP TABLE pc_items AS")
    );

    let mut bad = SqlSpec::new(Dialect::Duckdb, "events");
    bad.prefix = "x; DROP".to_string();
    assert!(
        journeys_sql(&bad)
            .unwrap_err()
            .to_string()
            .contains("output_prefix")
    );
    bad.prefix = "pc_".to_string();
    bad.stitch_rounds = 0;
    assert!(
        journeys_sql(&bad)
            .unwrap_err()
            .to_string()
            .contains("stitch_rounds")
    );
    bad.stitch_rounds = 4;
    bad.params.lookback = Some(-1);
    assert!(
        journeys_sql(&bad)
            .unwrap_err()
            .to_string()
            .contains("lookback_days")
    );
}

#[test]
fn literals_cannot_break_out_of_their_quotes() {
    let mut spec = SqlSpec::new(Dialect::Spark, "events");
    spec.params.unattributed_channel = Some("it's \\ odd".to_string());
    let sql = journeys_sql(&spec).unwrap();
    assert!(sql.contains("'it\\'s \\\\ odd'"), "{sql}");
    spec.dialect = Dialect::Duckdb;
    let sql = journeys_sql(&spec).unwrap();
    assert!(sql.contains("'it''s \\ odd'"), "{sql}");
}

#[test]
fn rule_channels_and_patterns_are_literals_in_each_dialect() {
    let rules = "field,match,pattern,channel\nutm_source,regex,^a'b\\\\d$,It's \\ odd\n";
    let grouping = crate::grouping::ChannelGrouping::new(
        crate::grouping::GroupingKind::Rules,
        Some((&mut rules.as_bytes(), "rules.csv")),
    )
    .unwrap();
    let mut spec = SqlSpec::new(Dialect::Spark, "events");
    spec.params.channel_grouping = Some(grouping);
    let sql = journeys_sql(&spec).unwrap();
    assert!(sql.contains("RLIKE '^a\\'b\\\\\\\\d$'"), "{sql}");
    assert!(sql.contains("'It\\'s \\\\ odd'"), "{sql}");
    assert!(sql.contains("pc_channel_sources"), "{sql}");
    spec.dialect = Dialect::Duckdb;
    let sql = journeys_sql(&spec).unwrap();
    assert!(
        sql.contains("regexp_matches(f_utm_source, '^a''b\\\\d$')"),
        "{sql}"
    );
    assert!(sql.contains("'It''s \\ odd'"), "{sql}");
}
