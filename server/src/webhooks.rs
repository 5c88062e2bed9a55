//! The background sender: fans recorded events out to inboxes and delivery queues, then
//! POSTs each due delivery to its webhook, through the outbound allow-list, signed, and
//! records every attempt. It wakes when an event is recorded or a delivery is queued
//! again, and otherwise when the next retry is due (or every few seconds); each round
//! first records the sunset reminders that fell due.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, LazyLock, Mutex};
use std::time::{Duration, Instant};

use chrono::Utc;
use portico_core::consumers::fan_out::fan_out_pending;
use portico_core::consumers::retry::{RetryPolicy, parse_stored_time, stored_time};
use portico_core::consumers::webhooks::{body_of, signature, target_of};
use portico_core::consumers::{sunset, work_announced};
use portico_core::outbound::AllowList;
use portico_core::repo::Db;
use portico_core::repo::webhooks::{self, AttemptOutcome, DueDelivery};

/// How the sender behaves.
#[derive(Debug, Clone, Copy)]
pub struct SenderSettings {
    pub retry: RetryPolicy,
    /// How long a receiver has to answer.
    pub timeout: Duration,
    /// Days before a sunset day that its reminder is recorded.
    pub sunset_lead_days: u32,
}

/// Deliveries sent at once.
const PARALLEL: usize = 16;
/// Deliveries taken per round.
const BATCH: i64 = 64;
/// Longest sleep between two looks at the queue (another replica may have queued work).
const POLL: Duration = Duration::from_secs(5);
/// Longest error text kept with an attempt.
const MAX_ERROR_CHARS: usize = 300;

/// Starts the sender; it runs as long as the server.
pub fn spawn(db: Db, allow: Arc<AllowList>, settings: SenderSettings) {
    tokio::spawn(async move {
        loop {
            if let Err(error) = round(&db, &allow, &settings).await {
                tracing::warn!(%error, "webhook sender: a round failed");
            }
            let wait = until_next_due(&db).await;
            tokio::select! {
                _ = work_announced() => {}
                _ = tokio::time::sleep(wait) => {}
            }
        }
    });
}

/// Records the sunset reminders that fell due, then fans out new events and sends what
/// is due until nothing is.
async fn round(db: &Db, allow: &AllowList, settings: &SenderSettings) -> anyhow::Result<()> {
    sunset::remind_due(db, Utc::now().date_naive(), settings.sunset_lead_days).await?;
    loop {
        // Between batches too: a new event reaches inboxes without waiting for the
        // deliveries of the ones before it.
        fan_out_pending(db).await?;
        let now = Utc::now();
        // An attempt that never reports back (the server stopped) is retried after this.
        let lease = now + chrono::Duration::from_std(settings.timeout * 2)?;
        let due = webhooks::take_due(db, &stored_time(now), &stored_time(lease), BATCH).await?;
        if due.is_empty() {
            return Ok(());
        }
        let mut sending = tokio::task::JoinSet::new();
        for delivery in due {
            while sending.len() >= PARALLEL {
                sending.join_next().await;
            }
            let (db, allow, settings) = (db.clone(), allow.clone(), *settings);
            sending.spawn(async move {
                if let Err(error) = attempt(&db, &allow, &settings, &delivery).await {
                    tracing::warn!(delivery = delivery.delivery_id, %error, "webhook attempt not recorded");
                }
            });
        }
        while sending.join_next().await.is_some() {}
    }
}

/// How long until the earliest pending delivery is due (at most [`POLL`]).
async fn until_next_due(db: &Db) -> Duration {
    let Ok(Some(next)) = webhooks::next_due(db).await else {
        return POLL;
    };
    parse_stored_time(&next)
        .map(|next| (next - Utc::now()).to_std().unwrap_or(Duration::ZERO))
        .unwrap_or(POLL)
        .min(POLL)
}

/// One attempt of one delivery, recorded with its outcome.
async fn attempt(
    db: &Db,
    allow: &AllowList,
    settings: &SenderSettings,
    delivery: &DueDelivery,
) -> anyhow::Result<()> {
    let body = body_of(&delivery.event, &delivery.delivery_key);
    let started = Instant::now();
    let result = post(allow, settings, delivery, &delivery.event.kind, &body).await;
    let duration_ms = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
    let (status, error) = match &result {
        Ok(status) => (Some(*status), None),
        Err(error) => (None, Some(truncated(error))),
    };
    let delivered = status.is_some_and(|s| (200..300).contains(&s));
    let failed_attempts = delivery.attempts + 1;
    let now = Utc::now();
    let queued = parse_stored_time(&delivery.queued_at).unwrap_or(now);
    let next = (!delivered)
        .then(|| {
            settings.retry.next_attempt(
                u32::try_from(failed_attempts).unwrap_or(u32::MAX),
                queued,
                now,
            )
        })
        .flatten()
        .map(stored_time);
    let state = match (delivered, &next) {
        (true, _) => "delivered",
        (false, Some(_)) => "pending",
        (false, None) => "failed",
    };
    tracing::info!(
        delivery = delivery.delivery_id,
        key = %delivery.delivery_key,
        ?status,
        error = error.as_deref().unwrap_or(""),
        state,
        "webhook attempt"
    );
    webhooks::record_attempt(
        db,
        delivery.delivery_id,
        &AttemptOutcome {
            status,
            error: error.as_deref(),
            duration_ms,
            state,
            next_attempt_at: next.as_deref(),
        },
    )
    .await?;
    Ok(())
}

/// POSTs `body` to the delivery's URL, connecting only to the addresses the allow-list
/// approved (never resolving the name again), never following a redirect.
async fn post(
    allow: &AllowList,
    settings: &SenderSettings,
    delivery: &DueDelivery,
    event: &str,
    body: &str,
) -> Result<u16, String> {
    let target = target_of(&delivery.url).map_err(|error| error.to_string())?;
    let checked = allow
        .check(&target.host, target.port)
        .await
        .map_err(|error| error.to_string())?;
    let client = client_for(settings, &target.host, checked.addresses)?;
    let timestamp = Utc::now().timestamp();
    let response = client
        .post(&delivery.url)
        .header("Content-Type", "application/json")
        .header("Portico-Event", event)
        .header("Portico-Delivery", &delivery.delivery_key)
        .header(
            "Portico-Signature",
            signature(&delivery.secret, timestamp, body),
        )
        .body(body.to_owned())
        .send()
        .await
        .map_err(|error| {
            if error.is_timeout() {
                format!("No answer within {} s.", settings.timeout.as_secs_f32())
            } else {
                format!("Could not connect to {}.", target.host)
            }
        })?;
    Ok(response.status().as_u16())
}

/// Clients kept by host and the addresses the allow-list approved for it. Building one
/// loads the TLS roots (milliseconds each), and a kept client reuses its connections; a
/// client only ever reaches the addresses of its key, so another approval (the name now
/// resolves elsewhere) makes another client.
type ClientKey = (String, Vec<SocketAddr>);
static CLIENTS: LazyLock<Mutex<HashMap<ClientKey, reqwest::Client>>> =
    LazyLock::new(Mutex::default);
/// Clients kept at most; past it they are all dropped and built again as needed.
const MAX_CLIENTS: usize = 256;

fn client_for(
    settings: &SenderSettings,
    host: &str,
    mut addresses: Vec<SocketAddr>,
) -> Result<reqwest::Client, String> {
    addresses.sort();
    let key = (host.to_owned(), addresses);
    let mut clients = CLIENTS
        .lock()
        .map_err(|_| "client cache poisoned".to_owned())?;
    if let Some(client) = clients.get(&key) {
        return Ok(client.clone());
    }
    let mut builder = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(settings.timeout)
        .user_agent(concat!("Portico-Webhooks/", env!("CARGO_PKG_VERSION")));
    if host.parse::<std::net::IpAddr>().is_err() {
        builder = builder.resolve_to_addrs(host, &key.1);
    }
    let client = builder.build().map_err(|error| error.to_string())?;
    if clients.len() >= MAX_CLIENTS {
        clients.clear();
    }
    clients.insert(key, client.clone());
    Ok(client)
}

fn truncated(text: &str) -> String {
    text.chars().take(MAX_ERROR_CHARS).collect()
}
