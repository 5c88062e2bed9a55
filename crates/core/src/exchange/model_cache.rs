//! The documentation model of published documents, kept in memory by content hash (of
//! the document and the published documents it depends on): a published version never
//! changes, so its analysis is done once, not on every page view.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

use sha2::{Digest, Sha256};

/// Models kept at most.
const CAPACITY: usize = 64;
/// Larger documents are analysed every time rather than held in memory.
const MAX_CACHED_BYTES: usize = 1024 * 1024;

type Model = Option<spec_engine::Model>;

#[derive(Default)]
struct Cache {
    entries: HashMap<[u8; 32], (Arc<Model>, u64)>,
    clock: u64,
}

static CACHE: LazyLock<Mutex<Cache>> = LazyLock::new(Mutex::default);

/// The model of `text` (analysed on the CPU pool, in `owner`'s share, when not cached).
pub async fn model_of(
    owner: crate::analysis::Owner,
    text: String,
) -> Result<Arc<Model>, crate::Error> {
    model_of_input(owner, crate::analysis::single("document", &text)).await
}

/// The model of a document and the published documents it depends on (`input`'s
/// files), kept by the hash of them all.
pub async fn model_of_input(
    owner: crate::analysis::Owner,
    input: spec_engine::Input,
) -> Result<Arc<Model>, crate::Error> {
    let mut hasher = Sha256::new();
    hasher.update(input.main.as_bytes());
    for (name, text) in &input.files {
        hasher.update([0]);
        hasher.update(name.as_bytes());
        hasher.update([0]);
        hasher.update((text.len() as u64).to_le_bytes());
        hasher.update(text.as_bytes());
    }
    let key: [u8; 32] = hasher.finalize().into();
    if let Ok(mut cache) = CACHE.lock() {
        cache.clock += 1;
        let now = cache.clock;
        if let Some((model, used)) = cache.entries.get_mut(&key) {
            *used = now;
            return Ok(model.clone());
        }
    }
    let cacheable = input.files.values().map(String::len).sum::<usize>() <= MAX_CACHED_BYTES;
    let model =
        crate::analysis::run(owner, move || Arc::new(spec_engine::analyze(&input).model)).await?;
    if cacheable && let Ok(mut cache) = CACHE.lock() {
        if cache.entries.len() >= CAPACITY
            && let Some(oldest) = cache
                .entries
                .iter()
                .min_by_key(|(_, (_, used))| *used)
                .map(|(k, _)| *k)
        {
            cache.entries.remove(&oldest);
        }
        let now = cache.clock;
        cache.entries.insert(key, (model.clone(), now));
    }
    Ok(model)
}
