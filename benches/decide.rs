//! Stage: decisions from credit. The budget planner (concave response, bisection and
//! cent settlement) over 200 channels, and the whole report (comparison, path facts,
//! ROI, plan, Markdown and HTML with SVG charts) from 3 models' credit on 100k paths.

use criterion::{Criterion, criterion_group, criterion_main};
use pathcredit::bench_data::PathSynth;
use pathcredit::decide::{BudgetParams, PathFacts, Plan, Spend, roi::roi};
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
    group.finish();
}

criterion_group!(benches, decide);
criterion_main!(benches);
