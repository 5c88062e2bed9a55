//! The hottest reads kept in memory: an API token's owner, a broker credential's owner
//! (checked at every MQTT CONNECT), a signed-in user and their
//! organisations, an asset by group and name, a version's document, a user's membership
//! of an organisation. A download or a page view otherwise costs
//! three SQLite round trips through sqlx's worker thread, which is most of its time.
//!
//! Correctness rests on the one write path: every write is a [`super::Write`], whose
//! commit calls [`ReadCache::changed`], which makes every entry filled before it
//! unusable; reads of a file database go through read-only connections, where a write
//! fails. The server's kept catalog pages (`page_cache.rs`) rest on the same
//! generation. Entries also expire
//! after [`MAX_AGE`], which bounds how long a write by another process (the CLI) can go
//! unseen. Sizes are bounded: a full map is emptied, documents over
//! [`MAX_CACHED_DOCUMENT`] are not kept.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use super::assets::AssetRow;
use super::broker_credentials::CredentialOwner;
use super::organizations::MembershipRow;
use super::tokens::TokenOwner;
use super::users::UserRow;

/// How long an entry is trusted without a write of ours in between.
pub const MAX_AGE: Duration = Duration::from_secs(5);
/// Largest document kept; bigger ones are read from the database each time.
pub const MAX_CACHED_DOCUMENT: usize = 256 * 1024;
/// Entries per map: with [`MAX_CACHED_DOCUMENT`], documents hold at most 64 MiB.
const MAX_DOCUMENTS: usize = 256;
const MAX_ROWS: usize = 10_000;

/// Answers with the generation and the time they were read in.
type Entries<K, V> = HashMap<K, (u64, Instant, V)>;

/// One bounded map of answers, each stamped with the generation it was read in. Also
/// used by the server for rendered pages (`page_cache.rs`), bounded by their bytes.
#[derive(Debug)]
pub struct Memo<K, V> {
    /// The entries and their total weight.
    entries: Mutex<(Entries<K, V>, usize)>,
    /// Most total weight; a put that would exceed it empties the map first.
    budget: usize,
    weigh: fn(&V) -> usize,
}

impl<K: Eq + Hash, V: Clone> Memo<K, V> {
    /// At most `capacity` entries.
    pub fn new(capacity: usize) -> Self {
        Self::weighed(capacity, |_| 1)
    }

    /// Entries whose `weigh`ts add up to at most `budget`.
    pub fn weighed(budget: usize, weigh: fn(&V) -> usize) -> Self {
        Memo {
            entries: Mutex::new((HashMap::new(), 0)),
            budget,
            weigh,
        }
    }

    /// The answer kept for `key`, if it was read in `generation` within [`MAX_AGE`].
    pub fn get(&self, key: &K, generation: u64) -> Option<V> {
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries
            .0
            .get(key)
            .filter(|(filled_in, at, _)| *filled_in == generation && at.elapsed() < MAX_AGE)
            .map(|(_, _, value)| value.clone())
    }

    /// Keeps `value`, read in `generation`.
    pub fn put(&self, key: K, generation: u64, value: V) {
        let weight = (self.weigh)(&value);
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        let (map, total) = &mut *entries;
        if *total + weight > self.budget {
            map.clear();
            *total = 0;
        }
        *total += weight;
        if let Some((_, _, old)) = map.insert(key, (generation, Instant::now(), value)) {
            *total -= (self.weigh)(&old);
        }
    }
}

/// A version's document and its media type.
pub type Document = std::sync::Arc<(Vec<u8>, String)>;

/// The caches of one database handle (shared by its clones).
#[derive(Debug)]
pub struct ReadCache {
    generation: AtomicU64,
    assets: Memo<(String, String), Option<AssetRow>>,
    documents: Memo<(i64, String), Option<Document>>,
    memberships: Memo<(i64, String), Option<MembershipRow>>,
    /// By the token's SHA-256 (the secret itself is never kept).
    tokens: Memo<[u8; 32], Option<TokenOwner>>,
    /// By the broker credential secret's SHA-256, like tokens.
    broker_credentials: Memo<[u8; 32], Option<CredentialOwner>>,
    users: Memo<i64, Option<UserRow>>,
    /// A user's organisations (the header and the account page show them).
    organisations: Memo<i64, Vec<MembershipRow>>,
}

impl Default for ReadCache {
    fn default() -> Self {
        ReadCache {
            generation: AtomicU64::new(0),
            assets: Memo::new(MAX_ROWS),
            documents: Memo::new(MAX_DOCUMENTS),
            memberships: Memo::new(MAX_ROWS),
            tokens: Memo::new(MAX_ROWS),
            broker_credentials: Memo::new(MAX_ROWS),
            users: Memo::new(MAX_ROWS),
            organisations: Memo::new(MAX_ROWS),
        }
    }
}

impl ReadCache {
    /// Retires every answer kept so far; called by each committed [`super::Write`].
    pub(crate) fn changed(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
    }

    /// The generation to stamp a read with; take it before reading the database.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    pub fn asset(&self, group: &str, asset: &str, generation: u64) -> Option<Option<AssetRow>> {
        self.assets
            .get(&(group.to_owned(), asset.to_owned()), generation)
    }

    pub fn put_asset(&self, group: &str, asset: &str, generation: u64, row: Option<AssetRow>) {
        self.assets
            .put((group.to_owned(), asset.to_owned()), generation, row);
    }

    pub fn document(
        &self,
        asset_id: i64,
        version: &str,
        generation: u64,
    ) -> Option<Option<Document>> {
        self.documents
            .get(&(asset_id, version.to_owned()), generation)
    }

    pub fn put_document(
        &self,
        asset_id: i64,
        version: &str,
        generation: u64,
        document: Option<Document>,
    ) {
        if document
            .as_ref()
            .is_none_or(|d| d.0.len() <= MAX_CACHED_DOCUMENT)
        {
            self.documents
                .put((asset_id, version.to_owned()), generation, document);
        }
    }

    pub fn membership(
        &self,
        user_id: i64,
        slug: &str,
        generation: u64,
    ) -> Option<Option<MembershipRow>> {
        self.memberships
            .get(&(user_id, slug.to_owned()), generation)
    }

    pub fn put_membership(
        &self,
        user_id: i64,
        slug: &str,
        generation: u64,
        row: Option<MembershipRow>,
    ) {
        self.memberships
            .put((user_id, slug.to_owned()), generation, row);
    }

    pub fn token(&self, sha256: &[u8; 32], generation: u64) -> Option<Option<TokenOwner>> {
        self.tokens.get(sha256, generation)
    }

    pub fn put_token(&self, sha256: [u8; 32], generation: u64, owner: Option<TokenOwner>) {
        self.tokens.put(sha256, generation, owner);
    }

    pub fn broker_credential(
        &self,
        sha256: &[u8; 32],
        generation: u64,
    ) -> Option<Option<CredentialOwner>> {
        self.broker_credentials.get(sha256, generation)
    }

    pub fn put_broker_credential(
        &self,
        sha256: [u8; 32],
        generation: u64,
        owner: Option<CredentialOwner>,
    ) {
        self.broker_credentials.put(sha256, generation, owner);
    }

    pub fn user(&self, id: i64, generation: u64) -> Option<Option<UserRow>> {
        self.users.get(&id, generation)
    }

    pub fn put_user(&self, id: i64, generation: u64, user: Option<UserRow>) {
        self.users.put(id, generation, user);
    }

    pub fn memberships_of(&self, user_id: i64, generation: u64) -> Option<Vec<MembershipRow>> {
        self.organisations.get(&user_id, generation)
    }

    pub fn put_memberships_of(&self, user_id: i64, generation: u64, rows: Vec<MembershipRow>) {
        self.organisations.put(user_id, generation, rows);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(public: bool) -> AssetRow {
        AssetRow {
            id: 1,
            organization_id: 1,
            group_slug: "acme".into(),
            name: "orders".into(),
            kind: "asyncapi".into(),
            public,
        }
    }

    #[test]
    fn a_write_makes_every_earlier_answer_unusable() {
        let cache = ReadCache::default();
        let before = cache.generation();
        cache.put_asset("acme", "orders", before, Some(row(false)));
        assert!(cache.asset("acme", "orders", cache.generation()).is_some());
        cache.changed();
        assert!(cache.asset("acme", "orders", cache.generation()).is_none());
        // A read that began before the write and is stored after it is never used.
        cache.put_asset("acme", "orders", before, Some(row(true)));
        assert!(cache.asset("acme", "orders", cache.generation()).is_none());
    }

    #[test]
    fn large_documents_are_not_kept_and_maps_stay_bounded() {
        let cache = ReadCache::default();
        let generation = cache.generation();
        let big = std::sync::Arc::new((
            vec![b'x'; MAX_CACHED_DOCUMENT + 1],
            "application/yaml".into(),
        ));
        cache.put_document(1, "1.0.0", generation, Some(big));
        assert!(cache.document(1, "1.0.0", generation).is_none());
        for n in 0..(MAX_DOCUMENTS as i64 + 10) {
            cache.put_document(n, "1.0.0", generation, None);
        }
        let held = cache.documents.entries.lock().unwrap().0.len();
        assert!(held <= MAX_DOCUMENTS, "{held}");
    }

    #[test]
    fn a_weighed_memo_stays_within_its_budget() {
        let memo: Memo<u32, String> = Memo::weighed(10, String::len);
        memo.put(1, 0, "abcd".into());
        memo.put(1, 0, "abcdef".into());
        memo.put(2, 0, "abcd".into());
        assert_eq!(
            memo.entries.lock().unwrap().1,
            10,
            "a replaced entry's weight is returned"
        );
        memo.put(3, 0, "a".into());
        let held = {
            let guard = memo.entries.lock().unwrap();
            (guard.0.len(), guard.1)
        };
        assert_eq!(held, (1, 1), "over budget empties the map first");
        assert_eq!(memo.get(&3, 0).as_deref(), Some("a"));
    }
}
