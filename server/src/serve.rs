//! `portico serve`: opens the database, builds the app and serves it until Ctrl-C or
//! SIGTERM, finishing in-flight requests first.

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use leptos::prelude::LeptosOptions;
use tokio::net::TcpListener;
use tower_sessions::ExpiredDeletion;
use tower_sessions_sqlx_store::SqliteStore;

use portico_core::ServerContext;
use portico_core::context::DisconnectBrokerClients;
use portico_core::repo::Db;

use mqtt_broker::{BrokerConfig, TlsConfig};

use crate::config::ServeConfig;
use crate::console::{BundledBroker, ConsoleSettings, ConsoleSockets, RecentConfig};
use crate::http::{HttpSettings, router};
use crate::state::{AppState, Services};

/// Reads the channels of versions published before the event map existed, in the
/// background: the server answers meanwhile, and the map fills in as they are read.
fn spawn_channel_indexing(db: Db) {
    tokio::spawn(async move {
        match portico_core::exchange::event_map::index_missing(&db).await {
            Ok(0) => {}
            Ok(count) => tracing::info!(count, "event map: channels of earlier versions indexed"),
            Err(error) => tracing::warn!(%error, "event map: indexing earlier versions stopped"),
        }
    });
}

/// Runs the server with this configuration.
pub async fn serve(config: ServeConfig) -> anyhow::Result<()> {
    portico_core::analysis::configure(spec_engine::Limits {
        max_expansion_ratio: config.max_expansion_ratio,
        ..spec_engine::Limits::default()
    });
    let url = config.database_url()?;
    let db = Db::open(&url)
        .await
        .with_context(|| format!("cannot open the database {url}"))?;
    if config.demo {
        crate::demo::seed(&db)
            .await
            .context("cannot seed the demo data")?;
    }
    spawn_channel_indexing(db.clone());
    let sessions = SqliteStore::new(db.sessions_pool().clone());
    sessions
        .migrate()
        .await
        .context("cannot prepare the session table")?;
    tokio::spawn(
        sessions
            .clone()
            .continuously_delete_expired(tokio::time::Duration::from_secs(3600)),
    );

    let recent = RecentConfig {
        max_bytes: config.console_recent_bytes,
        ..RecentConfig::DEFAULT
    };
    let broker = start_broker(&config, &db, recent)?;
    let broker_handle = broker.as_ref().map(|bundled| bundled.handle.clone());
    let outbound = Arc::new(config.allow_hosts.clone());
    crate::webhooks::spawn(
        db.clone(),
        outbound.clone(),
        crate::webhooks::SenderSettings {
            retry: portico_core::consumers::retry::RetryPolicy {
                first: std::time::Duration::from_millis(config.webhook_first_retry_ms),
                ..Default::default()
            },
            timeout: std::time::Duration::from_millis(config.webhook_timeout_ms),
            sunset_lead_days: config.sunset_reminder_days,
        },
    );
    let console = ConsoleSettings {
        sockets: ConsoleSockets::new(config.console_sockets_per_user, config.console_sockets),
        socket_bytes: config.console_socket_bytes,
    };
    let leptos_options = LeptosOptions::builder()
        .output_name("portico")
        .site_root(config.site_root.display().to_string())
        .site_pkg_dir("pkg")
        .site_addr(config.addr)
        .build();
    let state = AppState::new(Services {
        leptos_options,
        server: ServerContext {
            mqtt_port: broker_handle.as_ref().map(|handle| handle.addr().port()),
            disconnect_broker_clients: broker_handle.clone().map(|handle| {
                Arc::new(move |identity: &str| handle.disconnect(identity))
                    as DisconnectBrokerClients
            }),
            ..ServerContext::new(db, config.signup).with_outbound(outbound)
        },
        broker,
        console,
        pages: Arc::default(),
    });
    let settings = HttpSettings {
        secure_cookies: config.secure_cookies,
        trusted_proxies: config.trusted_proxies.clone(),
        max_body_bytes: config.max_body_bytes,
        max_document_bytes: config.max_document_bytes,
    };
    let app = router(state, sessions, &settings);

    let listener = TcpListener::bind(config.addr)
        .await
        .with_context(|| format!("cannot listen on {}", config.addr))?;
    let local = listener.local_addr()?;
    tracing::info!(%local, database = %url, "Portico is up");
    // Tests and scripts read this line to learn the port when started with port 0.
    println!("Portico listening on http://{local}");
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
    .context("server failed")?;
    if let Some(handle) = broker_handle {
        // MQTT 5 clients hear "server shutting down" instead of a dropped connection; the
        // stop waits for the broker's sockets, so off the async threads.
        let _ = tokio::task::spawn_blocking(move || handle.stop()).await;
        tracing::info!("MQTT broker stopped");
    }
    tracing::info!("Portico stopped");
    Ok(())
}

/// Starts the bundled MQTT broker on `PORTICO_MQTT_ADDR`, unless it is `off`, with its
/// logins checked against the accounts in `db`, and the console's recent traffic of it.
fn start_broker(
    config: &ServeConfig,
    db: &Db,
    recent: RecentConfig,
) -> anyhow::Result<Option<BundledBroker>> {
    let mqtt_addr = &config.mqtt_addr;
    if mqtt_addr.eq_ignore_ascii_case("off") {
        return Ok(None);
    }
    let addr: SocketAddr = mqtt_addr
        .parse()
        .with_context(|| format!("PORTICO_MQTT_ADDR {mqtt_addr:?} is not host:port or off"))?;
    let tls = match (
        &config.mqtt_tls_addr,
        &config.mqtt_tls_cert,
        &config.mqtt_tls_key,
    ) {
        (Some(addr), Some(cert), Some(key)) => Some(TlsConfig {
            addr: *addr,
            cert_path: cert.clone(),
            key_path: key.clone(),
        }),
        _ => None,
    };
    if config.mqtt_allow_anonymous {
        tracing::warn!(
            "MQTT clients may connect without credentials (--mqtt-allow-anonymous): they share the namespace anonymous/"
        );
    }
    let broker = mqtt_broker::start(BrokerConfig {
        queue_bytes_per_client: config.mqtt_queue_bytes,
        authenticator: Some(crate::mqtt::login::authenticator(
            db.clone(),
            config.mqtt_allow_anonymous,
        )),
        tls,
        ..BrokerConfig::new(addr)
    })?;
    let addr = broker.addr();
    tracing::info!(%addr, "MQTT broker is up");
    println!("Portico MQTT broker on mqtt://{addr}");
    if let Some(tls_addr) = broker.tls_addr() {
        println!("Portico MQTT broker on mqtts://{tls_addr}");
    }
    Ok(Some(BundledBroker::follow(broker, recent)))
}

/// Resolves on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing open requests");
}
