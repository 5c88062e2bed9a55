//! The repository: the one module through which Portico reaches its database.
//! Components never touch SQL; server functions and the `server` crate call these functions.

pub mod asset_pages;
pub mod assets;
pub mod design;
pub mod organizations;
pub mod read_cache;
pub mod search;
pub mod tokens;
pub mod users;

use std::str::FromStr;
use std::time::Duration;

use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

/// A handle on the database; cheap to clone.
#[derive(Clone, Debug)]
pub struct Db {
    pool: SqlitePool,
    cache: std::sync::Arc<read_cache::ReadCache>,
}

impl Db {
    /// Opens (creating if needed) the database at `url` and applies pending migrations.
    pub async fn open(url: &str) -> Result<Db, sqlx::Error> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5));
        // An in-memory database exists per connection: keep exactly one.
        let max_connections = if url.contains(":memory:") { 1 } else { 8 };
        let pool = SqlitePoolOptions::new()
            .max_connections(max_connections)
            .connect_with(options)
            .await?;
        sqlx::migrate!("../../migrations")
            .run(&pool)
            .await
            .map_err(|error| sqlx::Error::Migrate(Box::new(error)))?;
        Ok(Db {
            pool,
            cache: Default::default(),
        })
    }

    /// The underlying pool, for the session store and health checks.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// The in-memory answers to the hottest reads; writers call `changed` on it.
    pub fn cache(&self) -> &read_cache::ReadCache {
        &self.cache
    }

    /// Answers whether the database responds to a trivial query.
    pub async fn ping(&self) -> bool {
        sqlx::query("SELECT 1").execute(&self.pool).await.is_ok()
    }
}
