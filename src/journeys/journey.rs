//! [`Journeys`]: per-touch journeys with times, dimensions and stage milestones.
//!
//! Time decay and the stage models (W-shaped, full path) need what a [`PathTable`]
//! forgets: when each touch happened, and which touch created the lead or the
//! opportunity. A [`Journeys`] keeps every touch. Like the path table it is canonical:
//! dictionaries sorted by name, journeys sorted by id, touches within a journey sorted
//! by (time, channel, campaign, content, milestone), so equal data read in any row order
//! give equal values.

use std::borrow::Cow;

use crate::channel::{ChannelId, Dictionary};
use crate::error::{Error, Result};
use crate::journeys::labels::{Level, Milestone};
use crate::journeys::path_table::PathTable;
use crate::param::Param;
use crate::time::Millis;

/// The label that a touch without a campaign (or content) gets at that level.
pub const NOT_SET: &str = "(not set)";

/// A campaign (or content) label as credit at that level names it: empty is [`NOT_SET`].
pub fn label_or_not_set(label: &str) -> &str {
    if label.is_empty() { NOT_SET } else { label }
}

/// One touch of a journey. The ids index the owning [`Journeys`]' dictionaries.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Touch {
    /// When the touch happened.
    pub time: Millis,
    /// Its channel.
    pub channel: ChannelId,
    /// Its campaign (the empty name when it has none).
    pub campaign: ChannelId,
    /// Its content (the empty name when it has none).
    pub content: ChannelId,
    /// The milestone this touch preceded, if any.
    pub milestone: Option<Milestone>,
}

/// A journey's own fields.
#[derive(Clone, Debug, PartialEq)]
pub struct JourneyInfo {
    /// Unique id of the journey.
    pub id: String,
    /// The person (or account) the journey belongs to.
    pub user_id: String,
    /// Whether the journey ended in a conversion.
    pub converted: bool,
    /// The conversion's value (0 for non-converting journeys).
    pub value: f64,
    /// When the conversion happened (`None` for non-converting journeys, or when the
    /// input had no conversion times).
    pub conversion_time: Option<Millis>,
}

/// One journey: its fields and its touches in time order.
#[derive(Clone, Copy, Debug)]
pub struct Journey<'a> {
    /// The journey's own fields.
    pub info: &'a JourneyInfo,
    /// Its touches, in time order (never empty).
    pub touches: &'a [Touch],
}

/// A set of journeys with their dictionaries.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Journeys {
    channels: Dictionary,
    campaigns: Dictionary,
    contents: Dictionary,
    has_campaign: bool,
    has_content: bool,
    infos: Vec<JourneyInfo>,
    offsets: Vec<usize>,
    touches: Vec<Touch>,
}

impl Journeys {
    /// A builder that accepts journeys in any order.
    pub fn builder() -> JourneysBuilder {
        JourneysBuilder::default()
    }

    /// Channel names (sorted).
    pub fn channels(&self) -> &Dictionary {
        &self.channels
    }

    /// Campaign names (sorted; may contain the empty name).
    pub fn campaigns(&self) -> &Dictionary {
        &self.campaigns
    }

    /// Content names (sorted; may contain the empty name).
    pub fn contents(&self) -> &Dictionary {
        &self.contents
    }

    /// Whether the source had a campaign column.
    pub fn has_campaign(&self) -> bool {
        self.has_campaign
    }

    /// Whether the source had a content column.
    pub fn has_content(&self) -> bool {
        self.has_content
    }

    /// Number of journeys.
    pub fn len(&self) -> usize {
        self.infos.len()
    }

    /// True when there are no journeys.
    pub fn is_empty(&self) -> bool {
        self.infos.is_empty()
    }

    /// Journey `i`.
    pub fn get(&self, i: usize) -> Journey<'_> {
        Journey {
            info: &self.infos[i],
            touches: &self.touches[self.offsets[i]..self.offsets[i + 1]],
        }
    }

    /// All journeys, sorted by id.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = Journey<'_>> + '_ {
        (0..self.len()).map(move |i| self.get(i))
    }

    /// Total number of touches.
    pub fn touch_count(&self) -> usize {
        self.touches.len()
    }

    /// Number of converting journeys (each is one conversion).
    pub fn total_conversions(&self) -> f64 {
        self.infos.iter().filter(|j| j.converted).count() as f64
    }

    /// Total conversion value.
    pub fn total_value(&self) -> f64 {
        self.infos.iter().map(|j| j.value).sum()
    }

    /// True when any touch carries a milestone.
    pub fn has_milestones(&self) -> bool {
        self.touches.iter().any(|t| t.milestone.is_some())
    }

    /// True when every converting journey has a conversion time.
    pub fn has_conversion_times(&self) -> bool {
        self.infos
            .iter()
            .all(|j| !j.converted || j.conversion_time.is_some())
    }

    /// The journeys keyed at `level`: at [`Level::Campaign`] (or [`Level::Content`])
    /// the returned journeys' "channel" of each touch is its campaign (content), and
    /// touches without one are [`NOT_SET`]. An error when the source had no such column.
    pub fn at_level(&self, level: Level) -> Result<Cow<'_, Journeys>> {
        let (present, dict, pick): (bool, &Dictionary, fn(&Touch) -> ChannelId) = match level {
            Level::Channel => return Ok(Cow::Borrowed(self)),
            Level::Campaign => (self.has_campaign, &self.campaigns, |t| t.campaign),
            Level::Content => (self.has_content, &self.contents, |t| t.content),
        };
        if !present {
            return Err(Error::param(
                Param::Level,
                format!(
                    "credit per {0} needs a `{0}` column in the journeys, and this input has none",
                    level.as_str()
                ),
            ));
        }
        let mut builder = Journeys::builder();
        builder.has_campaign = self.has_campaign;
        builder.has_content = self.has_content;
        let keys: Vec<ChannelId> = dict
            .names()
            .map(|n| builder.channels.intern(label_or_not_set(n)))
            .collect();
        builder.campaigns = self.campaigns.clone();
        builder.contents = self.contents.clone();
        let mut buf = Vec::new();
        for j in self.iter() {
            buf.clear();
            buf.extend(j.touches.iter().map(|t| Touch {
                channel: keys[pick(t) as usize],
                ..*t
            }));
            builder.push(j.info.clone(), &buf);
        }
        Ok(Cow::Owned(builder.finish()))
    }

    /// The journeys for which `keep` is true (called once per journey, in order), with
    /// the same dictionaries.
    pub fn filter(&self, mut keep: impl FnMut(&Journey<'_>) -> bool) -> Journeys {
        let mut builder = Journeys::builder();
        builder.has_campaign = self.has_campaign;
        builder.has_content = self.has_content;
        builder.channels = self.channels.clone();
        builder.campaigns = self.campaigns.clone();
        builder.contents = self.contents.clone();
        for j in self.iter() {
            if keep(&j) {
                builder.push(j.info.clone(), j.touches);
            }
        }
        builder.finish()
    }

    /// The path summary of these journeys: each converting journey counts one
    /// conversion with its value, each non-converting one one null.
    pub fn path_table(&self) -> PathTable {
        let mut builder = PathTable::builder();
        for name in self.channels.names() {
            builder.channels_mut().intern(name);
        }
        let mut path = Vec::new();
        for j in self.iter() {
            path.clear();
            path.extend(j.touches.iter().map(|t| t.channel));
            if j.info.converted {
                builder.push_ids(&path, 1.0, j.info.value, 0.0);
            } else {
                builder.push_ids(&path, 0.0, 0.0, 1.0);
            }
        }
        builder.finish()
    }
}

/// Collects journeys in any order; [`JourneysBuilder::finish`] makes the canonical set.
#[derive(Clone, Debug, Default)]
pub struct JourneysBuilder {
    channels: Dictionary,
    campaigns: Dictionary,
    contents: Dictionary,
    has_campaign: bool,
    has_content: bool,
    infos: Vec<JourneyInfo>,
    offsets: Vec<usize>,
    touches: Vec<Touch>,
}

impl JourneysBuilder {
    /// The channel dictionary, to intern names for [`Touch::channel`].
    pub fn channels_mut(&mut self) -> &mut Dictionary {
        &mut self.channels
    }

    /// The campaign dictionary; interning marks the journeys as having campaigns.
    pub fn campaigns_mut(&mut self) -> &mut Dictionary {
        self.has_campaign = true;
        &mut self.campaigns
    }

    /// The content dictionary; interning marks the journeys as having contents.
    pub fn contents_mut(&mut self) -> &mut Dictionary {
        self.has_content = true;
        &mut self.contents
    }

    /// Replaces the dictionaries (for builders that intern names themselves); a
    /// campaign or content dictionary marks the journeys as having that dimension.
    pub(crate) fn set_dictionaries(
        &mut self,
        channels: Dictionary,
        campaigns: Option<Dictionary>,
        contents: Option<Dictionary>,
    ) {
        self.channels = channels;
        if let Some(c) = campaigns {
            self.campaigns = c;
            self.has_campaign = true;
        }
        if let Some(c) = contents {
            self.contents = c;
            self.has_content = true;
        }
    }

    /// Adds a journey. `touches` must be non-empty, with ids from this builder's
    /// dictionaries (campaign and content ids may be 0 when those dimensions are absent).
    pub fn push(&mut self, info: JourneyInfo, touches: &[Touch]) {
        assert!(!touches.is_empty(), "a journey needs at least one touch");
        if self.offsets.is_empty() {
            self.offsets.push(0);
        }
        self.infos.push(info);
        self.touches.extend_from_slice(touches);
        self.offsets.push(self.touches.len());
    }

    /// Room for `journeys` more journeys with `touches` more touches.
    pub(crate) fn reserve(&mut self, journeys: usize, touches: usize) {
        if self.offsets.is_empty() {
            self.offsets.push(0);
        }
        self.infos.reserve_exact(journeys);
        self.offsets.reserve_exact(journeys);
        self.touches.reserve_exact(touches);
    }

    /// Number of journeys added.
    pub fn len(&self) -> usize {
        self.infos.len()
    }

    /// True when no journey was added.
    pub fn is_empty(&self) -> bool {
        self.infos.is_empty()
    }

    /// The canonical journeys.
    pub fn finish(mut self) -> Journeys {
        if self.infos.is_empty() {
            return Journeys {
                has_campaign: self.has_campaign,
                has_content: self.has_content,
                ..Journeys::default()
            };
        }
        // Absent dimensions still need a valid id 0 for every touch.
        if self.campaigns.is_empty() {
            self.campaigns.intern("");
        }
        if self.contents.is_empty() {
            self.contents.intern("");
        }
        // Keep only names that occur, numbered in name order.
        let mut used = [
            vec![false; self.channels.len()],
            vec![false; self.campaigns.len()],
            vec![false; self.contents.len()],
        ];
        for t in &self.touches {
            used[0][t.channel as usize] = true;
            used[1][t.campaign as usize] = true;
            used[2][t.content as usize] = true;
        }
        let (channels, ch) = self.channels.sorted_subset(&used[0]);
        let (campaigns, ca) = self.campaigns.sorted_subset(&used[1]);
        let (contents, co) = self.contents.sorted_subset(&used[2]);
        for t in &mut self.touches {
            t.channel = ch[t.channel as usize];
            t.campaign = ca[t.campaign as usize];
            t.content = co[t.content as usize];
        }
        let offsets = &self.offsets;
        for w in offsets.windows(2) {
            self.touches[w[0]..w[1]].sort_unstable_by(touch_order);
        }
        let mut order: Vec<usize> = (0..self.infos.len()).collect();
        order.sort_unstable_by(|&a, &b| self.infos[a].id.cmp(&self.infos[b].id));

        let mut touches = Vec::with_capacity(self.touches.len());
        let mut new_offsets = Vec::with_capacity(offsets.len());
        new_offsets.push(0);
        let mut infos_slots: Vec<Option<JourneyInfo>> = self.infos.into_iter().map(Some).collect();
        let mut infos = Vec::with_capacity(order.len());
        for &i in &order {
            touches.extend_from_slice(&self.touches[offsets[i]..offsets[i + 1]]);
            new_offsets.push(touches.len());
            infos.push(infos_slots[i].take().expect("each journey is taken once"));
        }
        Journeys {
            channels,
            campaigns,
            contents,
            has_campaign: self.has_campaign,
            has_content: self.has_content,
            infos,
            offsets: new_offsets,
            touches,
        }
    }
}

fn touch_order(a: &Touch, b: &Touch) -> std::cmp::Ordering {
    a.time.cmp(&b.time).then_with(|| {
        a.channel
            .cmp(&b.channel)
            .then(a.campaign.cmp(&b.campaign))
            .then(a.content.cmp(&b.content))
            .then(a.milestone.cmp(&b.milestone))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(id: &str, converted: bool) -> JourneyInfo {
        JourneyInfo {
            id: id.into(),
            user_id: "u".into(),
            converted,
            value: if converted { 10.0 } else { 0.0 },
            conversion_time: converted.then_some(100),
        }
    }

    fn touch(time: Millis, channel: ChannelId) -> Touch {
        Touch {
            time,
            channel,
            campaign: 0,
            content: 0,
            milestone: None,
        }
    }

    #[test]
    fn builder_sorts_touches_journeys_and_names() {
        let mut b = Journeys::builder();
        let search = b.channels_mut().intern("search");
        let email = b.channels_mut().intern("email");
        b.push(info("j2", false), &[touch(5, search)]);
        b.push(info("j1", true), &[touch(9, search), touch(1, email)]);
        let j = b.finish();
        assert_eq!(
            j.channels().names().collect::<Vec<_>>(),
            ["email", "search"]
        );
        assert_eq!(j.get(0).info.id, "j1");
        let names: Vec<&str> = j
            .get(0)
            .touches
            .iter()
            .map(|t| j.channels().name(t.channel))
            .collect();
        assert_eq!(names, ["email", "search"]);
        let paths = j.path_table();
        assert_eq!(paths.len(), 2);
        assert_eq!(paths.total_conversions(), 1.0);
        assert_eq!(paths.total_nulls(), 1.0);
        assert_eq!(paths.total_value(), 10.0);
    }

    #[test]
    fn campaign_level_needs_the_column() {
        let mut b = Journeys::builder();
        let c = b.channels_mut().intern("search");
        b.push(info("j", true), &[touch(1, c)]);
        let j = b.finish();
        assert!(j.at_level(Level::Channel).is_ok());
        let err = j.at_level(Level::Campaign).unwrap_err().to_string();
        assert!(err.contains("campaign"), "{err}");
    }

    #[test]
    fn campaign_level_rekeys_touches() {
        let mut b = Journeys::builder();
        let c = b.channels_mut().intern("search");
        let spring = b.campaigns_mut().intern("spring");
        let none = b.campaigns_mut().intern("");
        b.push(
            info("j", true),
            &[
                Touch {
                    campaign: spring,
                    ..touch(1, c)
                },
                Touch {
                    campaign: none,
                    ..touch(2, c)
                },
            ],
        );
        let j = b.finish();
        let at = j.at_level(Level::Campaign).unwrap();
        let names: Vec<&str> = at
            .get(0)
            .touches
            .iter()
            .map(|t| at.channels().name(t.channel))
            .collect();
        assert_eq!(names, ["spring", NOT_SET]);
    }
}
