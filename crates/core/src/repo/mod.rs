//! The repository: the one module through which Portico reaches its database.
//! Components never touch SQL; server functions and the `server` crate call these functions.

pub mod asset_channels;
pub mod asset_pages;
pub mod assets;
pub mod broker_credentials;
pub mod consumers;
pub mod dependencies;
pub mod design;
pub mod diff_rules;
pub mod events;
pub mod governance;
pub mod invitations;
pub mod logins;
pub mod organizations;
pub mod read_cache;
pub mod reviews;
pub mod search;
pub mod secrets;
pub mod seeded;
pub mod tokens;
pub mod users;
pub mod version_changes;
pub mod webhooks;

use std::ops::{Deref, DerefMut};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Sqlite, SqlitePool, Transaction};

/// A handle on the database; cheap to clone.
///
/// Reads and writes take different doors. [`Db::reader`] is a pool of read-only
/// connections (for a file database), so a query that changes something there fails
/// instead of leaving the caches stale. Every write goes through [`Db::write`], whose
/// commit retires every cached read: no repository function has to remember to.
#[derive(Clone, Debug)]
pub struct Db {
    reader: SqlitePool,
    writer: SqlitePool,
    cache: Arc<read_cache::ReadCache>,
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
        // An in-memory database exists per connection: keep exactly one, for both doors.
        if url.contains(":memory:") {
            let pool = SqlitePoolOptions::new()
                .max_connections(1)
                .connect_with(options)
                .await?;
            migrate(&pool).await?;
            return Ok(Db {
                reader: pool.clone(),
                writer: pool,
                cache: Default::default(),
            });
        }
        // SQLite has one writer at a time; a second connection lets a write wait for the
        // lock while another commits, more only queue.
        let writer = SqlitePoolOptions::new()
            .max_connections(2)
            .connect_with(options.clone())
            .await?;
        migrate(&writer).await?;
        let reader = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options.read_only(true))
            .await?;
        Ok(Db {
            reader,
            writer,
            cache: Default::default(),
        })
    }

    /// The pool for queries that change nothing.
    pub fn reader(&self) -> &SqlitePool {
        &self.reader
    }

    /// Begins a write: an `IMMEDIATE` transaction (it takes SQLite's write lock at once,
    /// so concurrent writers queue instead of failing at commit) whose
    /// [`commit`](Write::commit) retires every cached read.
    pub async fn write(&self) -> Result<Write, sqlx::Error> {
        Ok(Write {
            transaction: self.writer.begin_with("BEGIN IMMEDIATE").await?,
            cache: self.cache.clone(),
        })
    }

    /// A writable pool for the session store, whose rows no cache holds.
    pub fn sessions_pool(&self) -> &SqlitePool {
        &self.writer
    }

    /// The in-memory answers to the hottest reads.
    pub fn cache(&self) -> &read_cache::ReadCache {
        &self.cache
    }

    /// Answers whether the database responds to a trivial query.
    pub async fn ping(&self) -> bool {
        sqlx::query("SELECT 1").execute(&self.reader).await.is_ok()
    }
}

async fn migrate(pool: &SqlitePool) -> Result<(), sqlx::Error> {
    sqlx::migrate!("../../migrations")
        .run(pool)
        .await
        .map_err(|error| sqlx::Error::Migrate(Box::new(error)))
}

/// A write in progress (see [`Db::write`]): queries run on it as on a connection
/// (`&mut *write`); dropped without [`commit`](Write::commit), nothing is written.
pub struct Write {
    transaction: Transaction<'static, Sqlite>,
    cache: Arc<read_cache::ReadCache>,
}

impl Write {
    /// Commits, then makes every answer cached before unusable.
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        self.transaction.commit().await?;
        self.cache.changed();
        Ok(())
    }
}

impl Deref for Write {
    type Target = SqliteConnection;
    fn deref(&self) -> &SqliteConnection {
        &self.transaction
    }
}

impl DerefMut for Write {
    fn deref_mut(&mut self) -> &mut SqliteConnection {
        &mut self.transaction
    }
}
