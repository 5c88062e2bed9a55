//! Where each box and line of the event map goes: three layers, producers on the left,
//! channels in the middle, consumers on the right. Deterministic (the server renders it
//! and the browser hydrates the same picture), and computed here rather than by a graph
//! library: the graph is layered by nature, so ordering each side by where its channels
//! are and pulling every box towards them keeps most lines short and straight.

use std::collections::HashMap;

use portico_types::event_map::{AppSource, EventMap, Side};

/// Width of an application box and of a channel box.
pub const APP_WIDTH: f64 = 230.0;
pub const CHANNEL_WIDTH: f64 = 250.0;
/// Height of every box, and the least room between two in a column.
pub const BOX_HEIGHT: f64 = 40.0;
const GAP: f64 = 14.0;
/// Room between columns, for the lines.
const COLUMN_GAP: f64 = 130.0;
const MARGIN: f64 = 16.0;
/// Where the first row of boxes starts, under the columns' headings.
const TOP: f64 = MARGIN + 26.0;
/// The baseline of the headings.
pub const HEADING_Y: f64 = MARGIN + 8.0;
/// Characters of a title or an address shown in a box (the whole text is in its
/// tooltip and in the table under the map).
const APP_CHARS: usize = 28;
const CAPTION_CHARS: usize = 32;
const CHANNEL_CHARS: usize = 30;

/// An application's box in one column.
#[derive(Debug, Clone, PartialEq)]
pub struct AppBox {
    pub app: String,
    /// Which column: the sending (left) or receiving (right) one.
    pub side: Side,
    pub registered: bool,
    pub title: String,
    /// The title as it fits in the box.
    pub short_title: String,
    /// `group/asset · version`, or for a registered consumer what it consumes
    /// (`uses group/asset version`).
    pub caption: String,
    /// The caption as it fits in the box.
    pub short_caption: String,
    pub href: String,
    /// The addresses it sends on (left) or receives from (right), for its label.
    pub channels: Vec<String>,
    pub x: f64,
    pub y: f64,
}

/// A channel's box in the middle column.
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelBox {
    pub address: String,
    pub short_address: String,
    /// Titles of the applications on each side, for its label.
    pub producers: Vec<String>,
    pub consumers: Vec<String>,
    pub x: f64,
    pub y: f64,
}

/// A line from a producer to a channel, or from a channel to a consumer.
#[derive(Debug, Clone, PartialEq)]
pub struct Edge {
    pub side: Side,
    pub registered: bool,
    /// The SVG path.
    pub path: String,
}

/// The whole picture.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Layout {
    pub width: f64,
    pub height: f64,
    /// Each column's heading and the middle of the column.
    pub headings: Vec<(f64, &'static str)>,
    pub producers: Vec<AppBox>,
    pub channels: Vec<ChannelBox>,
    pub consumers: Vec<AppBox>,
    pub edges: Vec<Edge>,
}

/// Lays out `map`.
pub fn layout(map: &EventMap) -> Layout {
    let step = BOX_HEIGHT + GAP;
    let channel_x = MARGIN + APP_WIDTH + COLUMN_GAP;
    let consumer_x = channel_x + CHANNEL_WIDTH + COLUMN_GAP;
    let titles: HashMap<&str, &str> = map
        .applications
        .iter()
        .map(|app| (app.id.as_str(), app.title.as_str()))
        .collect();
    let title_of = |id: &str| titles.get(id).copied().unwrap_or(id).to_owned();
    let channels: Vec<ChannelBox> = map
        .channels
        .iter()
        .enumerate()
        .map(|(row, channel)| ChannelBox {
            address: channel.address.clone(),
            short_address: shorten(&channel.address, CHANNEL_CHARS),
            producers: channel.producers.iter().map(|e| title_of(&e.app)).collect(),
            consumers: channel.consumers.iter().map(|e| title_of(&e.app)).collect(),
            x: channel_x,
            y: TOP + row as f64 * step,
        })
        .collect();
    let producers = column(map, Side::Send, MARGIN, &channels);
    let consumers = column(map, Side::Receive, consumer_x, &channels);
    let mut edges = Vec::new();
    let channel_row: HashMap<&str, usize> = channels
        .iter()
        .enumerate()
        .map(|(row, c)| (c.address.as_str(), row))
        .collect();
    for app in producers.iter().chain(&consumers) {
        for address in &app.channels {
            let Some(&row) = channel_row.get(address.as_str()) else {
                continue;
            };
            let channel = &channels[row];
            let (from, to) = match app.side {
                Side::Send => (
                    (app.x + APP_WIDTH, app.y + BOX_HEIGHT / 2.0),
                    (channel.x, channel.y + BOX_HEIGHT / 2.0),
                ),
                Side::Receive => (
                    (channel.x + CHANNEL_WIDTH, channel.y + BOX_HEIGHT / 2.0),
                    (app.x, app.y + BOX_HEIGHT / 2.0),
                ),
            };
            edges.push(Edge {
                side: app.side,
                registered: app.registered,
                path: curve(from, to),
            });
        }
    }
    let bottom = producers
        .iter()
        .chain(&consumers)
        .map(|b| b.y)
        .chain(channels.iter().map(|c| c.y))
        .fold(0.0_f64, f64::max);
    Layout {
        width: consumer_x + APP_WIDTH + MARGIN,
        height: bottom.max(TOP) + BOX_HEIGHT + MARGIN,
        headings: vec![
            (MARGIN + APP_WIDTH / 2.0, "Sends"),
            (channel_x + CHANNEL_WIDTH / 2.0, "Channel"),
            (consumer_x + APP_WIDTH / 2.0, "Receives"),
        ],
        producers,
        channels,
        consumers,
        edges,
    }
}

/// The applications on one side, each placed as near the middle of its channels as the
/// boxes above it allow, in the order of those middles (then by title).
fn column(map: &EventMap, side: Side, x: f64, channels: &[ChannelBox]) -> Vec<AppBox> {
    let mut addresses: HashMap<&str, Vec<usize>> = HashMap::new();
    for (row, channel) in map.channels.iter().enumerate() {
        for end in channel.ends(side) {
            addresses.entry(end.app.as_str()).or_default().push(row);
        }
    }
    let mut placed: Vec<(f64, AppBox)> = map
        .applications
        .iter()
        .filter_map(|app| {
            let rows = addresses.get(app.id.as_str())?;
            let middle = rows.iter().map(|&r| channels[r].y).sum::<f64>() / rows.len() as f64;
            let registered = app.source == AppSource::Registered;
            let caption = if registered {
                format!("uses {}/{} {}", app.group, app.asset, app.version)
            } else {
                format!("{}/{} · {}", app.group, app.asset, app.version)
            };
            Some((
                middle,
                AppBox {
                    app: app.id.clone(),
                    side,
                    registered,
                    title: app.title.clone(),
                    short_title: shorten(&app.title, APP_CHARS),
                    short_caption: shorten(&caption, CAPTION_CHARS),
                    caption,
                    href: format!("/exchange/{}/{}/{}", app.group, app.asset, app.version),
                    channels: rows.iter().map(|&r| channels[r].address.clone()).collect(),
                    x,
                    y: 0.0,
                },
            ))
        })
        .collect();
    // `applications` is sorted by title already; a stable sort keeps that for ties.
    placed.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut next = TOP;
    placed
        .into_iter()
        .map(|(middle, mut app)| {
            app.y = middle.max(next);
            next = app.y + BOX_HEIGHT + GAP;
            app
        })
        .collect()
}

/// A horizontal S-curve from one box's edge to another's.
fn curve(from: (f64, f64), to: (f64, f64)) -> String {
    let bend = (to.0 - from.0) / 2.0;
    format!(
        "M{:.1},{:.1} C{:.1},{:.1} {:.1},{:.1} {:.1},{:.1}",
        from.0,
        from.1,
        from.0 + bend,
        from.1,
        to.0 - bend,
        to.1,
        to.0,
        to.1
    )
}

/// `text` cut to `chars` characters, with an ellipsis when cut.
fn shorten(text: &str, chars: usize) -> String {
    if text.chars().count() <= chars {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(chars.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;
    use portico_types::event_map::{ChannelEnd, EventApp, EventChannel};

    fn app(id: &str, title: &str) -> EventApp {
        let (group, asset) = id.split_once('/').unwrap();
        EventApp {
            id: id.into(),
            source: AppSource::Declared,
            group: group.into(),
            asset: asset.into(),
            version: "1.0.0".into(),
            title: title.into(),
            organisation: group.into(),
            tags: Vec::new(),
            servers: Vec::new(),
            range: None,
        }
    }

    fn end(app: &str) -> ChannelEnd {
        ChannelEnd {
            app: app.into(),
            operations: Vec::new(),
            messages: Vec::new(),
            servers: Vec::new(),
        }
    }

    fn channel(address: &str, producers: &[&str], consumers: &[&str]) -> EventChannel {
        EventChannel {
            address: address.into(),
            producers: producers.iter().map(|a| end(a)).collect(),
            consumers: consumers.iter().map(|a| end(a)).collect(),
        }
    }

    /// The demo's Order Service: receives `order`, sends `order-approved` and
    /// `order-failed`; a shop sends `order`.
    fn demo() -> EventMap {
        EventMap {
            channels: vec![
                channel("order", &["acme/shop"], &["portico/order-service"]),
                channel("order-approved", &["portico/order-service"], &[]),
                channel("order-failed", &["portico/order-service"], &[]),
            ],
            applications: vec![
                app("portico/order-service", "Order Service"),
                app("acme/shop", "Shop"),
            ],
            choices: Default::default(),
        }
    }

    #[test]
    fn producers_left_channels_middle_consumers_right() {
        let picture = layout(&demo());
        let producers: Vec<_> = picture.producers.iter().map(|b| b.app.as_str()).collect();
        let consumers: Vec<_> = picture.consumers.iter().map(|b| b.app.as_str()).collect();
        // The shop's only channel is the first row, the service's two are below it.
        assert_eq!(producers, ["acme/shop", "portico/order-service"]);
        assert_eq!(consumers, ["portico/order-service"]);
        assert!(picture.producers[0].x < picture.channels[0].x);
        assert!(picture.channels[0].x < picture.consumers[0].x);
        assert_eq!(picture.edges.len(), 4);
        assert_eq!(
            picture.producers[1].channels,
            ["order-approved", "order-failed"]
        );
        assert_eq!(picture.channels[0].producers, ["Shop"]);
        assert_eq!(
            picture.consumers[0].href,
            "/exchange/portico/order-service/1.0.0"
        );
    }

    #[test]
    fn boxes_in_a_column_never_overlap_and_sit_near_their_channels() {
        let picture = layout(&demo());
        let [shop, service] = [&picture.producers[0], &picture.producers[1]];
        assert_eq!(shop.y, picture.channels[0].y);
        // Half way between order-approved and order-failed.
        assert_eq!(
            service.y,
            (picture.channels[1].y + picture.channels[2].y) / 2.0
        );
        assert!(service.y >= shop.y + BOX_HEIGHT);
        assert!(picture.height >= picture.channels[2].y + BOX_HEIGHT);
    }

    #[test]
    fn long_text_is_shortened_for_the_box_only() {
        let mut map = demo();
        map.channels[0].address = "smartylighting/streetlights/1/0/event/{streetlightId}".into();
        let picture = layout(&map);
        let channel = &picture.channels[0];
        assert_eq!(channel.short_address.chars().count(), CHANNEL_CHARS);
        assert!(channel.short_address.ends_with('…'));
        assert!(channel.address.ends_with("{streetlightId}"));
    }

    #[test]
    fn an_empty_map_is_an_empty_picture() {
        let picture = layout(&EventMap::default());
        assert!(picture.channels.is_empty() && picture.edges.is_empty());
        assert!(picture.width > 0.0 && picture.height > 0.0);
    }
}
