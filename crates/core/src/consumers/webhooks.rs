//! An organisation's webhooks: the events it hears about the assets it consumes, POSTed
//! as JSON and signed (`Portico-Signature: t=TIMESTAMP,v1=HEX`, HMAC-SHA256 of
//! `TIMESTAMP.BODY` with the webhook's secret), from a durable queue with retries.
//! Only organisation admins see and change them. URLs pass the outbound allow-list when
//! they are added and again before every attempt.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use portico_types::consumers::{
    DeliveryAttempt, DeliveryState, EventKind, MAX_WEBHOOK_URL_CHARS, MAX_WEBHOOKS, NewWebhook,
    WEBHOOK_SECRET_CHARS, Webhook, WebhookDelivery,
};
use portico_types::{Error, Role};

use crate::Result;
use crate::auth::{SignedInUser, authorize_organization};
use crate::outbound::AllowList;
use crate::repo::Db;
use crate::repo::events::EventRow;
use crate::repo::webhooks::{self, WebhookRow};

/// Most deliveries a webhook's log shows.
pub const DELIVERY_LOG_LIMIT: i64 = 50;

/// Where a webhook's URL points, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub host: String,
    pub port: u16,
}

/// Reads a webhook URL: `http` or `https`, a host, no user info.
pub fn target_of(url: &str) -> Result<Target> {
    let invalid = |why: &str| Error::Invalid(format!("url: {why}"));
    if url.chars().count() > MAX_WEBHOOK_URL_CHARS {
        return Err(invalid(&format!(
            "longer than {MAX_WEBHOOK_URL_CHARS} characters."
        )));
    }
    let uri: http::Uri = url
        .parse()
        .map_err(|_| invalid(&format!("{url:?} is not a URL.")))?;
    let port = match uri.scheme_str() {
        Some("https") => uri.port_u16().unwrap_or(443),
        Some("http") => uri.port_u16().unwrap_or(80),
        _ => return Err(invalid("only http:// and https:// URLs receive webhooks.")),
    };
    let authority = uri
        .authority()
        .ok_or_else(|| invalid("the URL names no host."))?;
    if authority.as_str().contains('@') {
        return Err(invalid(
            "user names and passwords do not belong in the URL; the secret signs each delivery.",
        ));
    }
    let host = authority
        .host()
        .trim_start_matches('[')
        .trim_end_matches(']');
    if host.is_empty() {
        return Err(invalid("the URL names no host."));
    }
    Ok(Target {
        host: host.to_ascii_lowercase(),
        port,
    })
}

/// Adds a webhook to `org` (its admins).
pub async fn create(
    db: &Db,
    allow: &AllowList,
    user: &SignedInUser,
    org: &str,
    new: &NewWebhook,
) -> Result<Webhook> {
    let organization_id = authorize_organization(db, user, org, Role::Admin).await?;
    let url = new.url.trim();
    let target = target_of(url)?;
    allow
        .check(&target.host, target.port)
        .await
        .map_err(|error| Error::Invalid(format!("url: {error}")))?;
    let secret_chars = new.secret.chars().count();
    if !WEBHOOK_SECRET_CHARS.contains(&secret_chars) {
        return Err(Error::Invalid(format!(
            "secret: {} to {} characters (this one has {secret_chars}).",
            WEBHOOK_SECRET_CHARS.start(),
            WEBHOOK_SECRET_CHARS.end()
        )));
    }
    let mut events = new
        .events
        .clone()
        .unwrap_or_else(|| EventKind::ALL.to_vec());
    if events.is_empty() {
        return Err(Error::Invalid(
            "events: name at least one event, or leave it out for all.".into(),
        ));
    }
    events.sort();
    events.dedup();
    if webhooks::of_organization(db, organization_id).await?.len() >= MAX_WEBHOOKS {
        return Err(Error::Conflict(format!(
            "{org} has {MAX_WEBHOOKS} webhooks, the most one organisation keeps; remove one first."
        )));
    }
    let names: Vec<&str> = events.iter().map(|e| e.as_str()).collect();
    let events_json = serde_json::to_string(&names).unwrap_or_default();
    let id = webhooks::insert(db, organization_id, url, &new.secret, &events_json, user.id).await?;
    let row = webhooks::find(db, organization_id, id)
        .await?
        .ok_or(Error::Internal)?;
    Ok(webhook_of(row))
}

/// `org`'s webhooks (its admins).
pub async fn list(db: &Db, user: &SignedInUser, org: &str) -> Result<Vec<Webhook>> {
    let organization_id = authorize_organization(db, user, org, Role::Admin).await?;
    Ok(webhooks::of_organization(db, organization_id)
        .await?
        .into_iter()
        .map(webhook_of)
        .collect())
}

/// Removes a webhook and its delivery log (its admins).
pub async fn remove(db: &Db, user: &SignedInUser, org: &str, id: i64) -> Result<()> {
    let organization_id = authorize_organization(db, user, org, Role::Admin).await?;
    if webhooks::delete(db, organization_id, id).await? {
        Ok(())
    } else {
        Err(no_webhook(org, id))
    }
}

/// A webhook's newest deliveries with their attempts (its admins).
pub async fn deliveries(
    db: &Db,
    user: &SignedInUser,
    org: &str,
    id: i64,
) -> Result<Vec<WebhookDelivery>> {
    let organization_id = authorize_organization(db, user, org, Role::Admin).await?;
    webhooks::find(db, organization_id, id)
        .await?
        .ok_or_else(|| no_webhook(org, id))?;
    let rows = webhooks::deliveries(db, id, DELIVERY_LOG_LIMIT).await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.delivery_id).collect();
    let attempts = webhooks::attempts(db, &ids).await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let state = DeliveryState::parse(&row.state).unwrap_or(DeliveryState::Pending);
        out.push(WebhookDelivery {
            id: row.delivery_id,
            key: row.delivery_key,
            event: row.event.kind(),
            group: row.event.group_slug,
            asset: row.event.asset,
            version: row.event.version,
            state,
            attempts: attempts
                .iter()
                .filter(|a| a.delivery_id == row.delivery_id)
                .map(|a| DeliveryAttempt {
                    at: a.at.clone(),
                    status: a.status.and_then(|s| u16::try_from(s).ok()),
                    error: a.error.clone(),
                    duration_ms: a.duration_ms,
                })
                .collect(),
            next_attempt_at: row
                .next_attempt_at
                .filter(|_| state == DeliveryState::Pending),
            created_at: row.queued_at,
        });
    }
    Ok(out)
}

/// Sends a delivery again, now, with its same `Portico-Delivery` key (its admins).
pub async fn redeliver(
    db: &Db,
    user: &SignedInUser,
    org: &str,
    id: i64,
    delivery: i64,
) -> Result<()> {
    let organization_id = authorize_organization(db, user, org, Role::Admin).await?;
    webhooks::find(db, organization_id, id)
        .await?
        .ok_or_else(|| no_webhook(org, id))?;
    if !webhooks::redeliver(db, id, delivery).await? {
        return Err(Error::NotFound(format!(
            "Webhook {id} of {org} has no delivery {delivery}."
        )));
    }
    super::wake_sender();
    Ok(())
}

/// The JSON body of an event's delivery: the same bytes on every attempt.
pub fn body_of(event: &EventRow, key: &str) -> String {
    let summary = event.summary();
    serde_json::json!({
        "id": key,
        "event": event.kind(),
        "occurred_at": event.created_at,
        "asset": {"group": event.group_slug, "asset": event.asset},
        "versions": {"version": event.version, "base": summary.base_version},
        "breaking": summary.breaking,
        "summary": summary,
    })
    .to_string()
}

/// `Portico-Signature` of `body` sent at `timestamp` (Unix seconds).
pub fn signature(secret: &str, timestamp: i64, body: &str) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes a key of any length");
    mac.update(format!("{timestamp}.{body}").as_bytes());
    format!(
        "t={timestamp},v1={}",
        hex::encode(mac.finalize().into_bytes())
    )
}

fn no_webhook(org: &str, id: i64) -> Error {
    Error::NotFound(format!("{org} has no webhook {id}."))
}

fn webhook_of(row: WebhookRow) -> Webhook {
    let names: Vec<String> = serde_json::from_str(&row.events).unwrap_or_default();
    Webhook {
        id: row.id,
        url: row.url,
        events: names.iter().filter_map(|n| EventKind::parse(n)).collect(),
        created_at: row.created_at,
        created_by: row.created_by,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_http_or_https_with_a_host() {
        assert_eq!(
            target_of("https://hooks.example.com/portico").unwrap(),
            Target {
                host: "hooks.example.com".into(),
                port: 443
            }
        );
        assert_eq!(target_of("http://127.0.0.1:9000/in").unwrap().port, 9000);
        assert_eq!(target_of("http://[::1]:81/").unwrap().host, "::1");
        for bad in [
            "ftp://example.com/",
            "example.com/hook",
            "https://user:pw@example.com/",
            "http:///x",
        ] {
            let error = target_of(bad).unwrap_err().to_string();
            assert!(error.starts_with("url: "), "{bad}: {error}");
        }
    }

    #[test]
    fn signatures_are_hmac_sha256_of_timestamp_dot_body() {
        // RFC 4231 test case 2 ("Jefe"), with the message written as TIMESTAMP.BODY.
        let signed = signature("Jefe", 0, "what do ya want for nothing?");
        let mut mac = Hmac::<Sha256>::new_from_slice(b"Jefe").unwrap();
        mac.update(b"0.what do ya want for nothing?");
        assert_eq!(
            signed,
            format!("t=0,v1={}", hex::encode(mac.finalize().into_bytes()))
        );
        assert_ne!(signature("Jefe", 1, "x"), signature("Jefe", 2, "x"));
        assert_ne!(signature("a-secret", 1, "x"), signature("b-secret", 1, "x"));
    }
}
