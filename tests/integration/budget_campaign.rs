//! `budget --response fitted` per campaign, end to end on the shipped sample: credit per
//! campaign, a weekly spend series per campaign and the events' campaigns make a plan
//! whose rows are the campaigns, the total kept; with credit per channel the same file's
//! campaigns add up per channel, and the plan is per channel.

use crate::common::pathcredit;

/// The sample's campaigns (channel, campaign), as its events name them.
const CAMPAIGNS: [(&str, &str); 12] = [
    ("affiliate", "affiliate_prospecting"),
    ("affiliate", "affiliate_retargeting"),
    ("display", "display_prospecting"),
    ("display", "display_retargeting"),
    ("email", "email_prospecting"),
    ("email", "email_retargeting"),
    ("paid_search", "paid_search_prospecting"),
    ("paid_search", "paid_search_retargeting"),
    ("paid_social", "paid_social_prospecting"),
    ("paid_social", "paid_social_retargeting"),
    ("video", "video_prospecting"),
    ("video", "video_retargeting"),
];

/// Eight weeks from Monday 2026-01-05 (inside the sample's events), spend varying by
/// campaign and week.
fn spend_series() -> String {
    let mut out = String::from("channel,campaign,period,spend\n");
    for week in 0..8u32 {
        let day = 5 + 7 * week;
        let date = if day <= 31 {
            format!("2026-01-{day:02}")
        } else {
            format!("2026-02-{:02}", day - 31)
        };
        for (i, (channel, campaign)) in CAMPAIGNS.iter().enumerate() {
            let spend = 50 + 10 * ((i as u32 * 7 + week * 3) % 11);
            out.push_str(&format!("{channel},{campaign},{date},{spend}\n"));
        }
    }
    out
}

#[test]
fn a_fitted_plan_per_campaign_keeps_the_total_and_names_its_campaigns() {
    let dir = tempfile::tempdir().unwrap();
    let sample = crate::common::repo_root().join("data/sample");
    let spend = dir.path().join("spend.csv");
    std::fs::write(&spend, spend_series()).unwrap();
    let credit = |level: &str| {
        let path = dir.path().join(format!("credit_{level}.csv"));
        pathcredit()
            .args([
                "attribute",
                "--quiet",
                "--model",
                "last_touch",
                "--level",
                level,
            ])
            .arg("--events")
            .arg(sample.join("events.csv"))
            .arg("--out")
            .arg(&path)
            .assert()
            .success();
        path
    };
    let budget = |credit: &std::path::Path| {
        let mut cmd = pathcredit();
        cmd.args([
            "budget",
            "--quiet",
            "--response",
            "fitted",
            "--model",
            "last_touch",
        ])
        .arg("--credit")
        .arg(credit)
        .arg("--events")
        .arg(sample.join("events.csv"))
        .arg("--spend")
        .arg(&spend)
        .args(["--max-shift", "0.3", "--draws", "20", "--out"])
        .arg(dir.path().join("plan.csv"));
        cmd
    };
    budget(&credit("campaign")).assert().success();
    let plan = std::fs::read_to_string(dir.path().join("plan.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(plan.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let names: Vec<&str> = rows.iter().map(|r| &r[col("channel")]).collect();
    let expected: Vec<&str> = CAMPAIGNS.iter().map(|(_, c)| *c).collect();
    assert_eq!(names, expected);
    let sum = |name: &str| -> f64 {
        rows.iter()
            .map(|r| r[col(name)].parse::<f64>().unwrap())
            .sum()
    };
    assert!(
        (sum("current_spend") - sum("recommended_spend")).abs() < 1e-3,
        "{plan}"
    );
    for r in &rows {
        assert_eq!(&r[col("route")], "logs");
        let change = r[col("change_pct")].parse::<f64>().unwrap();
        assert!(change.abs() <= 0.3 + 1e-9, "{plan}");
    }
    // With credit per channel, the campaigns add up per channel.
    budget(&credit("channel")).assert().success();
    let plan = std::fs::read_to_string(dir.path().join("plan.csv")).unwrap();
    let channels: Vec<&str> = plan
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(
        channels,
        [
            "affiliate",
            "display",
            "email",
            "paid_search",
            "paid_social",
            "video"
        ]
    );
}
