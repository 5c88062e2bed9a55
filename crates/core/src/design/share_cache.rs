//! The documentation model of shared snapshots, kept in memory by share id: a snapshot
//! never changes, so it is analysed once, not on every anonymous view of its link.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

/// Models kept at most.
const CAPACITY: usize = 64;
/// Larger snapshots are analysed every time rather than held in memory.
const MAX_CACHED_BYTES: usize = 1024 * 1024;

type Model = Option<spec_engine::Model>;

#[derive(Default)]
struct Cache {
    entries: HashMap<String, (Arc<Model>, u64)>,
    clock: u64,
}

static CACHE: LazyLock<Mutex<Cache>> = LazyLock::new(Mutex::default);

/// The model of share `id`, whose files are `files` (analysed on the CPU pool when not
/// cached).
pub async fn model_of(
    id: &str,
    files: &[(String, String)],
    main_file: &str,
) -> Result<Arc<Model>, crate::Error> {
    if let Ok(mut cache) = CACHE.lock() {
        cache.clock += 1;
        let now = cache.clock;
        if let Some((model, used)) = cache.entries.get_mut(id) {
            *used = now;
            return Ok(model.clone());
        }
    }
    let bytes: usize = files
        .iter()
        .map(|(path, text)| path.len() + text.len())
        .sum();
    let input = crate::analysis::project(files.iter().cloned().collect(), main_file);
    // Visitors of shared links share one allowance of the CPU pool.
    let model =
        crate::analysis::run(None, move || Arc::new(spec_engine::analyze(&input).model)).await?;
    if bytes <= MAX_CACHED_BYTES
        && let Ok(mut cache) = CACHE.lock()
    {
        if cache.entries.len() >= CAPACITY
            && let Some(oldest) = cache
                .entries
                .iter()
                .min_by_key(|(_, (_, used))| *used)
                .map(|(k, _)| k.clone())
        {
            cache.entries.remove(&oldest);
        }
        let now = cache.clock;
        cache.entries.insert(id.to_owned(), (model.clone(), now));
    }
    Ok(model)
}

/// Whether share `id`'s model is kept (tests).
pub fn is_cached(id: &str) -> bool {
    CACHE
        .lock()
        .map(|cache| cache.entries.contains_key(id))
        .unwrap_or(false)
}
