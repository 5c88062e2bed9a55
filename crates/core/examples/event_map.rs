//! The event map's speed: 1,000 AsyncAPI assets with 20 channels each (half of them
//! private to the viewer's organisation, half public in another), published through the
//! repository into a temporary SQLite database. Side by side in one run, alternating:
//! the bare SQL query of the map's rows (the same statement, fetched into tuples through
//! the same pool) against the whole map (`event_map`: that query, the registered
//! consumers' query, parsing, joining by address, sorting). Prints the medians and the
//! ratio; the bar is <= 3x. Also prints what serialising the map as JSON adds.
//!
//! cargo run --release -p portico-core --example event_map

use std::time::{Duration, Instant};

use portico_core::auth::SignedInUser;
use portico_core::exchange::event_map::event_map;
use portico_core::repo::Db;
use portico_core::repo::asset_channels::DECLARED_SQL;
use portico_core::repo::assets::{NewVersion, publish_version};
use portico_core::repo::organizations::create_organization;
use portico_core::repo::users::create_user;
use portico_types::consumers::ChangeSummary;
use portico_types::coordinates::parse_semver;
use portico_types::event_map::{EventMapFilter, Side};
use portico_types::{AssetKind, Lifecycle};
use spec_engine::ChannelSide;

const ASSETS: usize = 1_000;
const CHANNELS: usize = 20;
/// Distinct addresses the channels are drawn from, so most are shared by several
/// applications, as in a real estate of services.
const ADDRESSES: u64 = 4_000;
const ROUNDS: usize = 30;

/// A small deterministic generator (the same data every run).
struct Random(u64);

impl Random {
    fn next(&mut self, below: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % below
    }
}

fn channels(random: &mut Random) -> Vec<ChannelSide> {
    const SERVERS: [&str; 3] = [
        "mqtt://broker.internal:1883",
        "kafka://kafka.internal:9092",
        "amqp://rabbit.internal:5672",
    ];
    (0..CHANNELS)
        .map(|i| {
            let n = random.next(ADDRESSES);
            let address = format!("shop/{}/{n}/events/{{tenantId}}", n % 37);
            ChannelSide {
                channel: format!("channel{i}"),
                address,
                side: if random.next(2) == 0 {
                    Side::Send
                } else {
                    Side::Receive
                },
                operations: vec![format!("operation{i}")],
                messages: vec![format!("Message{i}"), format!("Message{i}Changed")],
                servers: vec![SERVERS[random.next(3) as usize].to_owned()],
            }
        })
        .collect()
}

async fn populate(db: &Db) -> SignedInUser {
    let viewer = create_user(db, "viewer", "not a hash", false)
        .await
        .expect("the viewer");
    let viewer_org = portico_core::repo::organizations::find_by_slug(db, "viewer")
        .await
        .unwrap()
        .expect("the viewer's organisation");
    let other_org = create_organization(db, "others", "Others").await.unwrap();
    let semver = parse_semver("1.0.0").unwrap();
    let summary = ChangeSummary::default();
    let mut random = Random(0x9e37_79b9_7f4a_7c15);
    for n in 0..ASSETS {
        let public = n % 2 == 1;
        let asset = format!("service-{n}");
        let title = format!("Service {n}");
        let tags = vec![format!("team-{}", n % 12), "events".to_owned()];
        let sides = channels(&mut random);
        let new = NewVersion {
            organization_id: if public { other_org } else { viewer_org },
            asset: &asset,
            kind: AssetKind::AsyncApi,
            version: "1.0.0",
            semver: &semver,
            lifecycle: Lifecycle::Stable,
            title: &title,
            description: "",
            tags: &tags,
            spec_version: "3.0.0",
            content: b"asyncapi: 3.0.0",
            content_type: "application/yaml",
            content_sha256: &format!("{n:064x}"),
            search_terms: "",
            channels: &sides,
            published_by: None,
            changes: None,
            conformance: None,
            change_summary: &summary,
            dependencies: &[],
        };
        publish_version(db, &new).await.unwrap().unwrap();
        if public {
            let row = portico_core::repo::assets::find_asset(db, "others", &asset)
                .await
                .unwrap()
                .unwrap();
            portico_core::repo::assets::set_public(db, row.id, true)
                .await
                .unwrap();
        }
    }
    SignedInUser {
        id: viewer.id,
        username: viewer.username,
        is_admin: false,
    }
}

type Row = (
    i64,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
);

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

#[tokio::main]
async fn main() {
    let dir = std::env::temp_dir().join(format!("portico-event-map-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = Db::open(&format!("sqlite://{}", dir.join("bench.db").display()))
        .await
        .unwrap();
    let started = Instant::now();
    let user = populate(&db).await;
    println!(
        "{ASSETS} AsyncAPI assets x {CHANNELS} channels written in {:.1?}",
        started.elapsed()
    );
    let filter = EventMapFilter::default();
    let (mut bare, mut full, mut json) = (Vec::new(), Vec::new(), Vec::new());
    let (mut rows, mut channels, mut bytes) = (0, 0, 0);
    for round in 0..ROUNDS + 3 {
        let start = Instant::now();
        let fetched: Vec<Row> = sqlx::query_as(DECLARED_SQL)
            .bind(user.id)
            .bind(false)
            .fetch_all(db.reader())
            .await
            .unwrap();
        let bare_time = start.elapsed();
        let start = Instant::now();
        let map = event_map(&db, &user, &filter).await.unwrap();
        let full_time = start.elapsed();
        let start = Instant::now();
        let body = serde_json::to_vec(&map).unwrap();
        let json_time = start.elapsed();
        // The first rounds warm the caches and the pool.
        if round >= 3 {
            bare.push(bare_time);
            full.push(full_time);
            json.push(json_time);
        }
        rows = fetched.len();
        channels = map.channels.len();
        bytes = body.len();
    }
    let (bare, full, json) = (median(bare), median(full), median(json));
    println!(
        "rows {rows}, channels on the map {channels}, JSON {} KB",
        bytes / 1024
    );
    println!(
        "bare SQL query {:.2} ms | event map {:.2} ms | ratio {:.2}x (bar <= 3x) | + JSON {:.2} ms",
        bare.as_secs_f64() * 1e3,
        full.as_secs_f64() * 1e3,
        full.as_secs_f64() / bare.as_secs_f64(),
        json.as_secs_f64() * 1e3,
    );
    drop(db);
    let _ = std::fs::remove_dir_all(&dir);
}
