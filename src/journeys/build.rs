//! Building journeys from raw events: the pipeline.
//!
//! 1. Read identity edges, then stream the events into compact records (ids and
//!    integer times; [`events`](super::events)).
//! 2. Resolve identities into persons ([`identity`](super::identity)).
//! 3. Order each person's records by time (ties broken by kind and names, so the order
//!    of input rows never matters): at person level through an index of each person's
//!    records ([`by_person`](super::by_person)), otherwise by sorting them all.
//! 4. Per person, sessionize the touches between conversions ([`sessions`](super::sessions)).
//! 5. At account level, merge the persons' timelines into their accounts'.
//! 6. Cut each timeline into converting and non-converting journeys
//!    ([`windows`](super::windows)), counting everything left out.
//! 7. Name the journeys and put them in id order ([`build_journeys`]), or, when only
//!    their path summary is wanted, go straight to it ([`build_paths`]).

use std::io::{Read, Write};

use rayon::prelude::*;

use crate::channel::Dictionary;
use crate::csv_input::Records;
use crate::error::Result;
use crate::journeys::by_person::{EventsByPerson, event_order};
use crate::journeys::events::{Event, EventLog, LabelRules, NONE};
use crate::journeys::identity::{IdentityEdges, PersonOrder, Persons};
use crate::journeys::person_cut::{CutRange, PartPaths, PersonJourneys, RangeJourneys, cut_ranges};
use crate::journeys::sessions::Item;
use crate::journeys::summary::{BuildSummary, NoAccount};
use crate::journeys::timelines::{Timelines, whole_logs};
use crate::journeys::windows::{Draft, WindowCounts, WindowRules, cut_journeys};
use crate::journeys::{ExposureSeries, JourneyInfo, Journeys, JourneysBuilder, PathTable};
use crate::time::Millis;

use crate::journeys::journey_params::{JourneyLevel, JourneyParams};
use crate::journeys::person_timeline::{account_of_persons, for_each_person_timeline};

/// The result of a build: journeys, the summary, and the identity resolution.
#[derive(Debug)]
pub struct BuiltJourneys {
    /// The journeys.
    pub journeys: Journeys,
    /// What was read, built and left out.
    pub summary: BuildSummary,
    /// The whole logs of converting units (with `keep_timelines`).
    pub timelines: Option<Timelines>,
    /// Touches per channel and day (with `keep_exposures`).
    pub exposures: Option<ExposureSeries>,
    identities: Resolved,
}

impl BuiltJourneys {
    /// Writes the resolved identity mapping (`id,person_id,resolution`).
    pub fn write_identities<W: Write>(&self, out: W) -> Result<()> {
        self.identities.write_csv(out)
    }
}

/// Every id read and the person it resolved to.
#[derive(Debug)]
struct Resolved {
    ids: Dictionary,
    persons: Persons,
}

impl Resolved {
    fn write_csv<W: Write>(&self, out: W) -> Result<()> {
        self.persons.write_csv(&self.ids, out)
    }
}

/// Builds journeys from an events stream and an optional identities stream.
pub fn build_journeys(
    events: &mut dyn Read,
    events_name: &str,
    identities: Option<(&mut dyn Read, &str)>,
    params: &JourneyParams,
) -> Result<BuiltJourneys> {
    from_csv_streams(events, events_name, identities, params, build_journeys_from)
}

/// Builds journeys from events and optional identity edges of either kind: CSV streams
/// or in-memory tables (read by the same rules).
pub fn build_journeys_from(
    events: Records<'_>,
    events_name: &str,
    identities: Option<(Records<'_>, &str)>,
    params: &JourneyParams,
) -> Result<BuiltJourneys> {
    params.validate()?;
    build_validated(events, events_name, identities, params)
}

/// [`build_journeys_from`] with parameters already checked by [`JourneyParams::validate`]
/// (the whole-run entry point checks them with everything else, before reading).
pub(crate) fn build_validated(
    events: Records<'_>,
    events_name: &str,
    identities: Option<(Records<'_>, &str)>,
    params: &JourneyParams,
) -> Result<BuiltJourneys> {
    let cut = read_and_cut(
        events,
        events_name,
        identities,
        params,
        PersonOrder::ByKeyName,
    )?;
    Ok(cut.into_journeys(params))
}

/// The path summary of the journeys [`build_journeys`] builds, without the journeys.
#[derive(Debug)]
pub struct BuiltPaths {
    /// The path summary: equal to `build_journeys(..)?.journeys.path_table()`.
    pub paths: PathTable,
    /// What was read, built and left out (as [`BuiltJourneys::summary`]).
    pub summary: BuildSummary,
    identities: Resolved,
}

impl BuiltPaths {
    /// Writes the resolved identity mapping (`id,person_id,resolution`).
    pub fn write_identities<W: Write>(&self, out: W) -> Result<()> {
        self.identities.write_csv(out)
    }
}

/// Builds the path summary of the journeys [`build_journeys`] would build from the same
/// input, with the same summary, but never names or keeps the journeys themselves: at
/// person level each journey's channels go straight into the table, which saves the
/// journeys' ids (two strings each) and their canonical sort. `keep_timelines` is
/// ignored.
pub fn build_paths(
    events: &mut dyn Read,
    events_name: &str,
    identities: Option<(&mut dyn Read, &str)>,
    params: &JourneyParams,
) -> Result<BuiltPaths> {
    from_csv_streams(events, events_name, identities, params, build_paths_from)
}

/// A `_from` entry point ([`build_journeys_from`], [`build_paths_from`]): events and
/// identities as records, with their names.
pub type FromRecords<T> =
    fn(Records<'_>, &str, Option<(Records<'_>, &str)>, &JourneyParams) -> Result<T>;

/// Calls `build` (a `_from` entry point) on CSV streams read as records.
fn from_csv_streams<T>(
    events: &mut dyn Read,
    events_name: &str,
    identities: Option<(&mut dyn Read, &str)>,
    params: &JourneyParams,
    build: FromRecords<T>,
) -> Result<T> {
    build(
        Records::csv(events),
        events_name,
        identities.map(|(reader, name)| (Records::csv(reader), name)),
        params,
    )
}

/// [`build_paths`] from records of either kind (CSV streams or in-memory tables).
pub fn build_paths_from(
    events: Records<'_>,
    events_name: &str,
    identities: Option<(Records<'_>, &str)>,
    params: &JourneyParams,
) -> Result<BuiltPaths> {
    params.validate()?;
    // A path summary does not depend on the order of persons: skip sorting their keys.
    let cut = read_and_cut(
        events,
        events_name,
        identities,
        params,
        PersonOrder::ByKeyId,
    )?;
    Ok(cut.into_paths())
}

/// Events read, stitched and cut into journeys that are not yet named, each range of
/// persons' journeys gathered as `J`.
struct CutEvents<J> {
    log: EventLog,
    persons: Persons,
    ids: Dictionary,
    summary: BuildSummary,
    is_direct: Vec<bool>,
    data_end: Millis,
    journeys: CutJourneys<J>,
}

/// The journeys of a [`CutEvents`].
enum CutJourneys<J> {
    /// Person level: the journeys of each core's range of persons, in person order.
    Persons(Vec<CutRange<J>>),
    /// Account level: the journeys, named already.
    Accounts(Box<JourneysBuilder>),
}

/// Steps 1–6 of the pipeline: everything but naming the journeys.
fn read_and_cut<J: RangeJourneys>(
    events: Records<'_>,
    events_name: &str,
    identities: Option<(Records<'_>, &str)>,
    params: &JourneyParams,
    numbering: PersonOrder,
) -> Result<CutEvents<J>> {
    let conversions = params.conversion_events();
    let step = |done| crate::progress::tick("journey building (read, stitch, cut)", done, 3);
    step(0);
    let mut ids = Dictionary::new();
    let edges = match identities {
        Some((records, name)) => Some(IdentityEdges::read(
            records,
            name,
            &params.identities_read(),
            &mut ids,
        )?),
        None => None,
    };
    let classifier = params
        .channel_grouping
        .as_ref()
        .map(|g| g.classifier())
        .transpose()?;
    let mut log = EventLog::read(
        events,
        events_name,
        &params.read,
        LabelRules {
            names: &params.event_names,
            conversions: &conversions,
            grouping: classifier.as_ref(),
            preset: params.events_preset,
        },
        &mut ids,
    )?;
    step(1);
    // The identities file's edges and the events' own (`stitch_id`), resolved alike.
    let mut all_edges = edges.as_ref().map_or_else(Vec::new, |e| e.edges.clone());
    all_edges.append(&mut log.stitch_edges);
    let mut persons = Persons::resolve(&ids, &all_edges, params.shared_devices, numbering);
    persons.stats.self_edges = edges.as_ref().map_or(0, |e| e.self_edges) + log.stitch_self;
    let data_end = crate::journeys::windows::data_end(
        params.data_end,
        log.data_end,
        log.events.iter().map(|e| e.time),
        events_name,
    )?;

    canonicalise(&mut log, &persons);
    // Person journeys find each person's events by index; accounts and whole logs read
    // the events sorted.
    if params.level == JourneyLevel::Account || params.keep_timelines {
        sort_by_person_and_time(&mut log.events);
    }
    let by_person = (params.level == JourneyLevel::Person)
        .then(|| EventsByPerson::new(&log.events, persons.key.len()));
    step(2);
    let mut summary = BuildSummary {
        events_file: log.report.clone(),
        identities_file: edges.map(|e| e.report),
        events: log.counts.clone(),
        identities: persons.stats.clone(),
        settings: params.settings(data_end),
        ..BuildSummary::default()
    };

    let mut is_direct = vec![false; log.channels.len()];
    for name in &params.direct_channels {
        if let Some(id) = log.channels.id(name) {
            is_direct[id as usize] = true;
        }
    }
    let unattributed = params
        .unattributed_channel
        .as_deref()
        .map(|name| log.channels.intern(name.trim()));
    // Touches without a campaign (content) carry the empty name's id.
    let blank_campaign = if log.has_campaign {
        log.campaigns.intern("")
    } else {
        0
    };
    let blank_content = if log.has_content {
        log.contents.intern("")
    } else {
        0
    };
    let rules = WindowRules {
        lookback: params.lookback,
        steps: params.lookback_steps,
        censor: params.censor_horizon(),
        data_end,
        unattributed,
        blank_campaign,
        blank_content,
    };

    let mut counts = WindowCounts::default();
    let journeys = match params.level {
        JourneyLevel::Person => {
            let by_person = by_person.expect("person level groups events by person");
            let parts = cut_ranges::<J>(&log.events, &by_person, params, &is_direct, &rules);
            for part in &parts {
                counts.add(&part.counts);
                summary.sessions += part.sessions;
            }
            CutJourneys::Persons(parts)
        }
        JourneyLevel::Account => {
            let mut builder = journeys_builder(&log);
            let accounts = account_of_persons(&log.events, persons.key.len());
            let mut merged: Vec<(u32, Item)> = Vec::new();
            let no_account = &mut summary.no_account;
            summary.sessions =
                for_each_person_timeline(&log.events, params, &is_direct, |person, items| {
                    let account = accounts[person as usize];
                    if account == NONE {
                        for it in items {
                            no_account.add(it);
                        }
                    } else {
                        merged.extend(items.iter().map(|&it| (account, it)));
                    }
                });
            merged.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(Item::order(&a.1, &b.1)));
            let (mut items, mut draft) = (Vec::new(), Draft::default());
            for group in merged.chunk_by(|a, b| a.0 == b.0) {
                let account = group[0].0;
                items.clear();
                items.extend(group.iter().map(|&(_, it)| it));
                let key = log.accounts.name(account);
                emit_journeys(key, &items, &rules, &mut counts, &mut draft, &mut builder);
            }
            CutJourneys::Accounts(Box::new(builder))
        }
    };
    summary.windows = counts;
    step(3);
    debug_assert_eq!(summary.touch_events_accounted(), summary.events.touches);
    debug_assert_eq!(summary.conversions_accounted(), summary.events.conversions);
    Ok(CutEvents {
        log,
        persons,
        ids,
        summary,
        is_direct,
        data_end,
        journeys,
    })
}

/// A journeys builder with the log's dictionaries.
fn journeys_builder(log: &EventLog) -> JourneysBuilder {
    let mut builder = Journeys::builder();
    builder.set_dictionaries(
        log.channels.clone(),
        log.has_campaign.then(|| log.campaigns.clone()),
        log.has_content.then(|| log.contents.clone()),
    );
    builder
}

impl CutEvents<PersonJourneys> {
    /// Names the journeys (`person:k`, `account:k`) and makes the canonical set.
    fn into_journeys(self, params: &JourneyParams) -> BuiltJourneys {
        let CutEvents {
            mut log,
            persons,
            ids,
            summary,
            is_direct,
            data_end,
            journeys,
        } = self;
        let exposures = params.keep_exposures.then(|| ExposureSeries::count(&log));
        let builder = match journeys {
            CutJourneys::Accounts(builder) => *builder,
            CutJourneys::Persons(parts) => {
                let mut builder = journeys_builder(&log);
                if !params.keep_timelines {
                    // Nothing reads the events after this: free them (40 bytes each,
                    // 400 MB at 10M events) before the journeys are named and finished,
                    // which is when memory peaks.
                    log.events = Vec::new();
                }
                PersonJourneys::add_all(parts, &mut builder, |person| {
                    persons.key_name(&ids, person)
                });
                builder
            }
        };
        let journeys = builder.finish();
        let timelines = params.keep_timelines.then(|| {
            whole_logs(
                &log,
                &ids,
                &persons,
                params,
                &is_direct,
                data_end,
                journeys.channels(),
            )
        });
        BuiltJourneys {
            journeys,
            summary,
            timelines,
            exposures,
            identities: Resolved { ids, persons },
        }
    }
}

impl CutEvents<PartPaths> {
    /// The journeys' path summary; at person level without naming them.
    fn into_paths(self) -> BuiltPaths {
        let CutEvents {
            mut log,
            persons,
            ids,
            summary,
            journeys,
            ..
        } = self;
        log.events = Vec::new();
        let paths = match journeys {
            CutJourneys::Accounts(builder) => builder.finish().path_table(),
            CutJourneys::Persons(parts) => PartPaths::path_table(parts, &log.channels),
        };
        BuiltPaths {
            paths,
            summary,
            identities: Resolved { ids, persons },
        }
    }
}

impl NoAccount {
    fn add(&mut self, item: &Item) {
        if item.kind.is_touch() {
            self.touch_events += u64::from(item.events);
        } else if item.kind.is_conversion() {
            self.conversions += 1;
        } else {
            self.milestones += 1;
        }
    }
}

/// Maps events to persons and renumbers channels, campaigns and contents in name order.
fn canonicalise(log: &mut EventLog, persons: &Persons) {
    let (channels, ch) = std::mem::take(&mut log.channels).into_sorted();
    let (campaigns, ca) = std::mem::take(&mut log.campaigns).into_sorted();
    let (contents, co) = std::mem::take(&mut log.contents).into_sorted();
    let (accounts, ac) = std::mem::take(&mut log.accounts).into_sorted();
    log.channels = channels;
    log.campaigns = campaigns;
    log.contents = contents;
    log.accounts = accounts;
    let re = |map: &[u32], id: u32| if id == NONE { NONE } else { map[id as usize] };
    for e in &mut log.events {
        e.who = persons.person_of[e.who as usize];
        e.channel = re(&ch, e.channel);
        e.campaign = re(&ca, e.campaign);
        e.content = re(&co, e.content);
        e.account = re(&ac, e.account);
    }
}

/// Sorts the events by person, then [`event_order`] (a total order on every field).
fn sort_by_person_and_time(events: &mut [Event]) {
    events.par_sort_unstable_by(|a, b| a.who.cmp(&b.who).then_with(|| event_order(a, b)));
}

fn emit_journeys(
    key: &str,
    items: &[Item],
    rules: &WindowRules,
    counts: &mut WindowCounts,
    draft: &mut Draft,
    builder: &mut JourneysBuilder,
) {
    let mut k = 0u32;
    cut_journeys(items, rules, counts, draft, &mut |d: &Draft| {
        k += 1;
        builder.push(
            JourneyInfo {
                id: format!("{key}:{k}"),
                user_id: key.to_string(),
                converted: d.converted,
                value: d.value,
                conversion_time: d.conversion_time,
            },
            &d.touches,
        );
    });
}
