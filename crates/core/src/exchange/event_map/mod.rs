//! The event map: over every AsyncAPI asset a user may see, which applications send and
//! which receive on each channel address.
//!
//! Each asset's latest live version is one application, on the sides its document
//! declares (recorded at publish, `repo::asset_channels`). A registered consumer of an
//! asset uses that API from the other side: it receives on the channels the newest live
//! version in its range sends on and sends on those it receives on (only the channels
//! and operations it named, when it named some). Channels are joined by address, with
//! parameters left as `{name}` text.

use std::collections::HashMap;

use portico_types::consumers::VersionRange;
use portico_types::event_map::{
    AppSource, ChannelEnd, EventApp, EventChannel, EventMap, EventMapChoices, EventMapFilter, Side,
};

use crate::Result;
use crate::analysis;
use crate::auth::SignedInUser;
use crate::repo::Db;
use crate::repo::asset_channels::{self, DeclaredRow, LiveVersion, RegisteredRow, SideRow};
use crate::repo::search::Viewer;

/// The event map `user` may see, narrowed by `filter`.
pub async fn event_map(db: &Db, user: &SignedInUser, filter: &EventMapFilter) -> Result<EventMap> {
    let viewer = Viewer {
        user_id: user.id,
        is_admin: user.is_admin,
    };
    let declared = asset_channels::declared(db, viewer).await?;
    let registered = registered_sides(db, viewer).await?;
    Ok(assemble(declared, registered, filter))
}

/// A registered consumer with the version it is drawn with and that version's sides.
pub struct Registered {
    pub consumer: RegisteredRow,
    pub version: LiveVersion,
    pub sides: Vec<SideRow>,
}

/// The registered consumers `viewer` may see, each with the newest live version in its
/// range (a consumer whose range holds no live version uses nothing on the map).
async fn registered_sides(db: &Db, viewer: Viewer) -> Result<Vec<Registered>> {
    let consumers = asset_channels::registered(db, viewer).await?;
    if consumers.is_empty() {
        return Ok(Vec::new());
    }
    let asset_ids: Vec<i64> = consumers.iter().map(|c| c.asset_id).collect();
    let versions = asset_channels::live_versions(db, &asset_ids).await?;
    let chosen: Vec<(RegisteredRow, LiveVersion)> = consumers
        .into_iter()
        .filter_map(|consumer| {
            let version = newest_in_range(&versions, &consumer)?.clone();
            Some((consumer, version))
        })
        .collect();
    let version_ids: Vec<i64> = chosen.iter().map(|(_, v)| v.id).collect();
    let mut sides: HashMap<i64, Vec<SideRow>> = HashMap::new();
    for side in asset_channels::sides_of(db, &version_ids).await? {
        sides.entry(side.version_id).or_default().push(side);
    }
    Ok(chosen
        .into_iter()
        .map(|(consumer, version)| Registered {
            sides: sides.get(&version.id).cloned().unwrap_or_default(),
            consumer,
            version,
        })
        .collect())
}

fn newest_in_range<'a>(
    versions: &'a [LiveVersion],
    consumer: &RegisteredRow,
) -> Option<&'a LiveVersion> {
    let range = VersionRange::parse(&consumer.version_range).ok()?;
    versions
        .iter()
        .filter(|v| v.asset_id == consumer.asset_id && range.contains(&v.version))
        .max_by(|a, b| semver_of(&a.version).cmp(&semver_of(&b.version)))
}

fn semver_of(version: &str) -> Option<semver::Version> {
    semver::Version::parse(version).ok()
}

/// Records the channels of every live AsyncAPI version published before the event map
/// existed (run once at start, in the background); returns how many it indexed.
pub async fn index_missing(db: &Db) -> Result<usize> {
    /// Versions read per round.
    const BATCH: i64 = 32;
    let mut indexed = 0;
    loop {
        let batch = asset_channels::unindexed(db, BATCH).await?;
        if batch.is_empty() {
            return Ok(indexed);
        }
        for version in batch {
            let content = version.content;
            let sides = analysis::run(None, move || {
                let text = String::from_utf8_lossy(&content);
                let input = analysis::single("document", &text);
                spec_engine::analyze_outline(&input)
                    .model
                    .map(|model| spec_engine::channel_sides(&model))
                    .unwrap_or_default()
            })
            .await?;
            // Indexed even when nothing was found, so it is not read again.
            asset_channels::index(db, version.id, &sides).await?;
            indexed += 1;
        }
    }
}

/// Builds the map from the stored rows: every application and channel first, for the
/// filters' choices, then only the channel ends the filter keeps.
pub fn assemble(
    declared: Vec<DeclaredRow>,
    registered: Vec<Registered>,
    filter: &EventMapFilter,
) -> EventMap {
    let mut map = Builder::default();
    let mut app_of_version: HashMap<i64, usize> = HashMap::new();
    for row in declared {
        let Some(side) = Side::parse(&row.side) else {
            continue;
        };
        let app = *app_of_version.entry(row.version_id).or_insert_with(|| {
            map.add_app(EventApp {
                id: format!("{}/{}", row.group_slug, row.asset),
                source: AppSource::Declared,
                organisation: row.group_slug.clone(),
                group: row.group_slug.clone(),
                asset: row.asset.clone(),
                version: row.version.clone(),
                title: row.title.clone(),
                tags: list(&row.tags),
                servers: Vec::new(),
                range: None,
            })
        });
        map.add_end(
            app,
            row.address,
            side,
            &row.operations,
            &row.messages,
            &row.servers,
        );
    }
    for Registered {
        consumer,
        version,
        sides,
    } in registered
    {
        let uses = list(&consumer.uses);
        let app = map.add_app(EventApp {
            id: format!(
                "{}@{}/{}",
                consumer.organization, consumer.group_slug, consumer.asset
            ),
            source: AppSource::Registered,
            group: consumer.group_slug,
            asset: consumer.asset,
            version: version.version,
            title: consumer.organization_name,
            organisation: consumer.organization,
            tags: list(&version.tags),
            servers: Vec::new(),
            range: Some(consumer.version_range),
        });
        for row in sides {
            let Some(side) = Side::parse(&row.side) else {
                continue;
            };
            if !uses.is_empty() && !used(&uses, &row) {
                continue;
            }
            let operations = &row.operations;
            map.add_end(
                app,
                row.address,
                side.opposite(),
                operations,
                &row.messages,
                &row.servers,
            );
        }
    }
    map.finish(filter)
}

/// Whether a consumer that named `uses` uses this channel side: its channel's key or
/// address, or one of its operations, is among them.
fn used(uses: &[String], row: &SideRow) -> bool {
    let operations = list(&row.operations);
    uses.iter().any(|name| {
        *name == row.channel
            || *name == row.address
            || operations
                .iter()
                .any(|op| op == name || op.strip_suffix("#reply") == Some(name))
    })
}

/// A stored JSON array of strings (empty when it is not one).
fn list(json: &str) -> Vec<String> {
    serde_json::from_str(json).unwrap_or_default()
}

/// The map being built: applications, channels by address, and where each application's
/// end of a channel is, so a second channel of one document on the same address merges.
#[derive(Default)]
struct Builder {
    apps: Vec<EventApp>,
    channels: Vec<EventChannel>,
    by_address: HashMap<String, usize>,
    ends: HashMap<(usize, Side, usize), usize>,
    /// The application of each end, by channel and side (the same order as the ends).
    owners: HashMap<(usize, Side), Vec<usize>>,
}

impl Builder {
    fn add_app(&mut self, app: EventApp) -> usize {
        self.apps.push(app);
        self.apps.len() - 1
    }

    fn add_end(
        &mut self,
        app: usize,
        address: String,
        side: Side,
        operations: &str,
        messages: &str,
        servers: &str,
    ) {
        let channel = match self.by_address.get(&address) {
            Some(&index) => index,
            None => {
                self.channels.push(EventChannel {
                    address: address.clone(),
                    producers: Vec::new(),
                    consumers: Vec::new(),
                });
                self.by_address.insert(address, self.channels.len() - 1);
                self.channels.len() - 1
            }
        };
        let servers = list(servers);
        for server in &servers {
            if !self.apps[app].servers.contains(server) {
                self.apps[app].servers.push(server.clone());
            }
        }
        let lane = match side {
            Side::Send => &mut self.channels[channel].producers,
            Side::Receive => &mut self.channels[channel].consumers,
        };
        match self.ends.get(&(channel, side, app)) {
            Some(&index) => {
                let end = &mut lane[index];
                extend_new(&mut end.operations, list(operations));
                extend_new(&mut end.messages, list(messages));
                extend_new(&mut end.servers, servers);
            }
            None => {
                lane.push(ChannelEnd {
                    app: self.apps[app].id.clone(),
                    operations: list(operations),
                    messages: list(messages),
                    servers,
                });
                self.ends.insert((channel, side, app), lane.len() - 1);
                self.owners.entry((channel, side)).or_default().push(app);
            }
        }
    }

    /// The map as answered: the choices of the whole map, then channels (by address)
    /// with the ends `filter` keeps (by application title), and the applications they
    /// name.
    fn finish(mut self, filter: &EventMapFilter) -> EventMap {
        let choices = choices(&self.apps);
        let mut rank: Vec<usize> = (0..self.apps.len()).collect();
        rank.sort_by(|&a, &b| {
            let (a, b) = (&self.apps[a], &self.apps[b]);
            (a.title.to_lowercase(), &a.id).cmp(&(b.title.to_lowercase(), &b.id))
        });
        let mut position = vec![0; self.apps.len()];
        for (place, &app) in rank.iter().enumerate() {
            position[app] = place;
        }
        let mut shown = vec![false; self.apps.len()];
        let mut channels = Vec::with_capacity(self.channels.len());
        for (index, mut channel) in std::mem::take(&mut self.channels).into_iter().enumerate() {
            if let Some(asset) = &filter.asset
                && !self.is_on(index, asset)
            {
                continue;
            }
            for side in [Side::Send, Side::Receive] {
                let owners = self.owners.remove(&(index, side)).unwrap_or_default();
                let lane = match side {
                    Side::Send => std::mem::take(&mut channel.producers),
                    Side::Receive => std::mem::take(&mut channel.consumers),
                };
                let mut kept: Vec<(usize, ChannelEnd)> = owners
                    .into_iter()
                    .zip(lane)
                    .filter(|(app, end)| keeps(filter, &self.apps[*app], end))
                    .collect();
                kept.sort_by_key(|(app, _)| position[*app]);
                for (app, _) in &kept {
                    shown[*app] = true;
                }
                let ends = kept.into_iter().map(|(_, end)| end).collect();
                match side {
                    Side::Send => channel.producers = ends,
                    Side::Receive => channel.consumers = ends,
                }
            }
            if !channel.producers.is_empty() || !channel.consumers.is_empty() {
                channels.push(channel);
            }
        }
        channels.sort_by(|a, b| a.address.cmp(&b.address));
        let mut apps: Vec<Option<EventApp>> = self.apps.into_iter().map(Some).collect();
        let applications = rank
            .into_iter()
            .filter(|&app| shown[app])
            .filter_map(|app| apps[app].take())
            .collect();
        EventMap {
            channels,
            applications,
            choices,
        }
    }
}

impl Builder {
    /// Whether the declared application `group/asset` has an end of channel `index`.
    fn is_on(&self, index: usize, asset: &str) -> bool {
        [Side::Send, Side::Receive].iter().any(|side| {
            self.owners.get(&(index, *side)).is_some_and(|apps| {
                apps.iter().any(|&app| {
                    self.apps[app].source == AppSource::Declared && self.apps[app].id == asset
                })
            })
        })
    }
}

fn extend_new(list: &mut Vec<String>, items: Vec<String>) {
    for item in items {
        if !list.contains(&item) {
            list.push(item);
        }
    }
}

/// Whether `filter` keeps an application's end of a channel.
fn keeps(filter: &EventMapFilter, app: &EventApp, end: &ChannelEnd) -> bool {
    filter.tag.as_ref().is_none_or(|tag| app.tags.contains(tag))
        && filter
            .organisation
            .as_ref()
            .is_none_or(|organisation| app.organisation == *organisation)
        && filter
            .server
            .as_ref()
            .is_none_or(|server| end.servers.contains(server))
}

/// Every tag, server and organisation on the map, sorted.
fn choices(apps: &[EventApp]) -> EventMapChoices {
    let mut choices = EventMapChoices::default();
    for app in apps {
        choices.tags.extend(app.tags.iter().cloned());
        choices.servers.extend(app.servers.iter().cloned());
        choices.organisations.push(app.organisation.clone());
    }
    for values in [
        &mut choices.tags,
        &mut choices.servers,
        &mut choices.organisations,
    ] {
        values.sort();
        values.dedup();
    }
    choices
}

#[cfg(test)]
mod tests;
