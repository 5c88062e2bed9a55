//! Configuration of `portico serve`: flags with environment fallbacks (see DESIGN.md).

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser};

use portico_core::accounts::SignupMode;

/// Where and how the server runs.
#[derive(Debug, Clone, Parser)]
pub struct ServeConfig {
    /// Address to listen on; port 0 picks a free port (the chosen address is printed).
    #[arg(long, env = "PORTICO_ADDR", default_value = "127.0.0.1:3000")]
    pub addr: SocketAddr,

    /// Data folder; the SQLite database lives here.
    #[arg(long, env = "PORTICO_DATA", default_value = "./data")]
    pub data: PathBuf,

    /// Database URL; overrides the SQLite file under the data folder.
    #[arg(long, env = "PORTICO_DATABASE_URL")]
    pub database_url: Option<String>,

    /// Address of the bundled MQTT broker, or `off` to disable it.
    #[arg(long, env = "PORTICO_MQTT_ADDR", default_value = "127.0.0.1:1883")]
    pub mqtt_addr: String,

    /// Bytes of messages the bundled broker holds for each client that reads slower than
    /// others publish; publishers wait for room beyond this (up to 2 s, then that client
    /// loses QoS 0 messages until it catches up).
    #[arg(long, env = "PORTICO_MQTT_QUEUE_BYTES", default_value_t = 1024 * 1024)]
    pub mqtt_queue_bytes: usize,

    /// Let MQTT clients use the bundled broker without a user name and password; they
    /// all share one namespace (`anonymous/`), apart from every organisation's. Off by
    /// default: clients log in as `USER` or `USER@ORG` with a Portico token as password.
    #[arg(long, env = "PORTICO_MQTT_ALLOW_ANONYMOUS", default_value_t = false)]
    pub mqtt_allow_anonymous: bool,

    /// Address of a second bundled-broker listener speaking MQTT over TLS (8883 by
    /// convention), with `--mqtt-tls-cert` and `--mqtt-tls-key`.
    #[arg(long, env = "PORTICO_MQTT_TLS_ADDR", requires_all = ["mqtt_tls_cert", "mqtt_tls_key"])]
    pub mqtt_tls_addr: Option<SocketAddr>,

    /// PEM file of the MQTT TLS listener's certificate chain (server certificate first).
    #[arg(long, env = "PORTICO_MQTT_TLS_CERT")]
    pub mqtt_tls_cert: Option<PathBuf>,

    /// PEM file of the MQTT TLS listener's private key.
    #[arg(long, env = "PORTICO_MQTT_TLS_KEY")]
    pub mqtt_tls_key: Option<PathBuf>,

    /// Channel console sockets one user may have open at once (tabs, editors).
    #[arg(long, env = "PORTICO_CONSOLE_SOCKETS_PER_USER", default_value_t = 8)]
    pub console_sockets_per_user: usize,

    /// Channel console sockets open on the server at once, all users together.
    #[arg(long, env = "PORTICO_CONSOLE_SOCKETS", default_value_t = 1000)]
    pub console_sockets: usize,

    /// Bytes of frames (messages and replies) waiting for one console socket; messages
    /// beyond are dropped, and a page that keeps sending commands without reading past
    /// it is disconnected.
    #[arg(long, env = "PORTICO_CONSOLE_SOCKET_BYTES", default_value_t = 8 * 1024 * 1024)]
    pub console_socket_bytes: usize,

    /// Bytes of recent bundled-broker traffic the console keeps, all organisations
    /// together (the oldest goes first).
    #[arg(long, env = "PORTICO_CONSOLE_RECENT_BYTES", default_value_t = 64 * 1024 * 1024)]
    pub console_recent_bytes: usize,

    /// Hosts Portico may connect to on a user's behalf (a document's own broker in the
    /// console), comma-separated: names, `*.example.com`, addresses and CIDR blocks, each
    /// with an optional `:port`. Nothing by default; loopback, private and link-local
    /// addresses only when an entry names them.
    #[arg(long, env = "PORTICO_ALLOW_HOSTS", default_value = "", value_parser = portico_core::outbound::AllowList::parse)]
    pub allow_hosts: portico_core::outbound::AllowList,

    /// Milliseconds before a failed webhook delivery is tried again; each retry waits
    /// twice as long as the one before (up to an hour), for 24 hours.
    #[arg(long, env = "PORTICO_WEBHOOK_FIRST_RETRY_MS", default_value_t = 10_000)]
    pub webhook_first_retry_ms: u64,

    /// Milliseconds a webhook receiver has to answer a delivery.
    #[arg(long, env = "PORTICO_WEBHOOK_TIMEOUT_MS", default_value_t = 10_000)]
    pub webhook_timeout_ms: u64,

    /// Days before a deprecated version's sunset day that its consumers are reminded
    /// (inbox and `sunset.reminder` webhooks), once per sunset day.
    #[arg(long, env = "PORTICO_SUNSET_REMINDER_DAYS", default_value_t = 14)]
    pub sunset_reminder_days: u32,

    /// Folder with the built site (WASM, JS, CSS, static files).
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site")]
    pub site_root: PathBuf,

    /// Mark cookies Secure; set this when Portico is served over https.
    #[arg(long, env = "PORTICO_SECURE_COOKIES", default_value_t = false)]
    pub secure_cookies: bool,

    /// Reverse proxies in front of Portico (IP addresses and CIDR blocks, comma-separated)
    /// whose `X-Forwarded-For` (the client's address, for throttling and logs) and
    /// `X-Forwarded-Proto` (https: cookies become Secure) are believed; nobody's by default.
    #[arg(long, env = "PORTICO_TRUSTED_PROXIES", default_value = "", value_parser = crate::proxy::TrustedProxies::parse)]
    pub trusted_proxies: crate::proxy::TrustedProxies,

    /// Who may sign up: `open` (anyone), `invite` (whoever holds an invitation link a
    /// site administrator made) or `closed` (accounts come from `portico user create`).
    #[arg(long, env = "PORTICO_SIGNUP", default_value = "open", value_parser = parse_signup)]
    pub signup: SignupMode,

    /// Seed the demo catalog on first start (`false` for an empty exchange).
    #[arg(long, env = "PORTICO_DEMO", default_value_t = true, action = clap::ArgAction::Set)]
    pub demo: bool,

    /// Largest request body accepted by pages and forms, in bytes.
    #[arg(long, env = "PORTICO_MAX_BODY_BYTES", default_value_t = 2 * 1024 * 1024)]
    pub max_body_bytes: usize,

    /// Largest document accepted by the publishing API, in bytes.
    #[arg(long, env = "PORTICO_MAX_DOCUMENT_BYTES", default_value_t = 32 * 1024 * 1024)]
    pub max_document_bytes: usize,

    /// How many times its own size a document may grow to while it is analysed: YAML
    /// aliases expanded, and schemas' `$ref`s inlined for the docs and example checks
    /// (at least 1 MB for any document). Past it, an alias is refused with a diagnostic
    /// at its line, and inlining keeps the remaining references.
    #[arg(long, env = "PORTICO_MAX_EXPANSION_RATIO", default_value_t = 10)]
    pub max_expansion_ratio: usize,
}

fn parse_signup(value: &str) -> Result<SignupMode, String> {
    SignupMode::parse(value).ok_or_else(|| format!("{value:?} is not open, invite or closed"))
}

/// The database location shared by `serve` and the admin commands.
#[derive(Debug, Clone, Args)]
pub struct DatabaseConfig {
    /// Data folder; the SQLite database lives here.
    #[arg(long, env = "PORTICO_DATA", default_value = "./data")]
    pub data: PathBuf,

    /// Database URL; overrides the SQLite file under the data folder.
    #[arg(long, env = "PORTICO_DATABASE_URL")]
    pub database_url: Option<String>,
}

impl DatabaseConfig {
    /// The URL to open: the explicit one, or `portico.db` in the data folder (created).
    pub fn url(&self) -> anyhow::Result<String> {
        database_url(&self.data, self.database_url.as_deref())
    }
}

impl ServeConfig {
    /// The URL to open: the explicit one, or `portico.db` in the data folder (created).
    pub fn database_url(&self) -> anyhow::Result<String> {
        database_url(&self.data, self.database_url.as_deref())
    }
}

fn database_url(data: &std::path::Path, explicit: Option<&str>) -> anyhow::Result<String> {
    if let Some(url) = explicit {
        if url.starts_with("sqlite:") {
            return Ok(url.to_owned());
        }
        anyhow::bail!(
            "PORTICO_DATABASE_URL {url:?} is not supported: only sqlite: URLs work in this version"
        );
    }
    std::fs::create_dir_all(data).map_err(|error| {
        anyhow::anyhow!("cannot create the data folder {}: {error}", data.display())
    })?;
    Ok(format!("sqlite://{}", data.join("portico.db").display()))
}
