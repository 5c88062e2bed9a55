//! Maps and sets keyed by short values (addresses, rule ids, reference texts) that are
//! hashed many thousand times per document: foldhash rather than SipHash, which nobody
//! can flood here (the keys are the engine's own, not a visitor's).

use std::collections::{HashMap, HashSet};

pub(crate) type FastMap<K, V> = HashMap<K, V, foldhash::fast::FixedState>;
pub(crate) type FastSet<K> = HashSet<K, foldhash::fast::FixedState>;
