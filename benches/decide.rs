//! Stage: decisions from credit. The budget planner (concave response, bisection and
//! cent settlement) over 200 channels, the whole report (comparison, path facts,
//! ROI, plan, Markdown and HTML with SVG charts) from 3 models' credit on 100k paths, and
//! the HTML report of two models over 10,000 channels (92,000 with
//! `PATHCREDIT_BENCH_LARGE`), which must stay linear in channels (issue 31, item 11: it
//! took 95 s at 92,000 channels when its chart looked each channel up in a list).

use criterion::{Criterion, criterion_group, criterion_main};
use pathcredit::bench_data::PathSynth;
use pathcredit::credit::{ChannelCredit, Credit};
use pathcredit::decide::{BudgetParams, PathFacts, Plan, Spend, roi::roi};
use pathcredit::journeys::PathTable;
use pathcredit::models::{self, Input, ModelName, ModelSettings};
use pathcredit::report::{Document, render_html, render_markdown};

mod common;

fn decide(c: &mut Criterion) {
    let mut group = c.benchmark_group("decide");
    common::configure(&mut group);
    let paths = PathSynth {
        paths: common::size(100_000, 100_000, 2_000),
        channels: common::size(200, 200, 40),
        ..PathSynth::default()
    }
    .generate()
    .unwrap();
    let names = [ModelName::LastTouch, ModelName::Linear, ModelName::Markov];
    let runs = models::run(
        &names,
        &ModelSettings::default(),
        &Input::Paths(&paths),
        true,
    )
    .unwrap();
    let credits: Vec<_> = runs.iter().map(|r| r.credit.clone()).collect();
    let markov = &credits[2];
    let spend = Spend {
        period: None,
        dimension: "channel".into(),
        by_key: markov
            .channels
            .iter()
            .enumerate()
            .map(|(i, c)| (c.channel.clone(), 100.0 + (i * 37 % 101) as f64))
            .collect(),
        report: Default::default(),
    };
    let params = BudgetParams::default();
    group.bench_function(
        format!("budget_plan/{}_channels", spend.by_key.len()),
        |b| b.iter(|| Plan::new(markov, &spend, &params).unwrap()),
    );
    group.bench_function(format!("report/{}_paths", paths.len()), |b| {
        b.iter(|| {
            let doc = Document::new(
                "channel",
                Vec::new(),
                None,
                credits.clone(),
                PathFacts::new(&paths, None),
                Some(roi(&credits, &spend)),
                Some(Plan::new(markov, &spend, &params).unwrap()),
                None,
            );
            let (mut md, mut html) = (Vec::new(), Vec::new());
            render_markdown(&doc, &mut md).unwrap();
            render_html(&doc, &mut html).unwrap();
            (md.len(), html.len())
        })
    });
    let channels = common::size(92_000, 10_000, 200);
    let wide = many_channels(channels);
    group.bench_function(format!("report_html/{channels}_channels"), |b| {
        b.iter(|| {
            let mut html = Vec::new();
            render_html(&wide, &mut html).unwrap();
            html.len()
        })
    });
    group.finish();
}

/// A report of last touch and linear over `n` channels, each on a path of its own.
fn many_channels(n: usize) -> Document {
    let name = |i: usize| format!("ch{i:06}");
    let credit = |model: &str, skew: usize| {
        let channels: Vec<ChannelCredit> = (0..n)
            .map(|i| ChannelCredit {
                channel: name(i),
                conversions: (1 + (i * skew) % 7) as f64,
                value: 10.0,
                share: 0.0,
                conversions_lo: None,
                conversions_hi: None,
                weighted_conversions: None,
            })
            .collect();
        Credit {
            model: model.into(),
            dimension: "channel".into(),
            additive: true,
            total_conversions: channels.iter().map(|c| c.conversions).sum(),
            total_value: 10.0 * n as f64,
            channels,
            notes: vec![],
        }
    };
    let mut paths = PathTable::builder();
    for i in 0..n {
        paths.push(&[name(i).as_str()], 1.0, 10.0, 1.0);
    }
    Document::new(
        "channel",
        Vec::new(),
        None,
        vec![credit("last_touch", 3), credit("linear", 5)],
        PathFacts::new(&paths.finish(), None),
        None,
        None,
        None,
    )
}

criterion_group!(benches, decide);
criterion_main!(benches);
