//! Matching the items of two lists (channels, operations) in stages, each item at most
//! once: an old item takes the first item of the new list, in its order, that has the
//! same key and is still free. Lookups go through maps, so documents with thousands of
//! channels compare in linear time.

use std::collections::{HashMap, VecDeque};
use std::hash::Hash;

/// Which new item each old item was matched with.
#[derive(Debug)]
pub(super) struct Pairing {
    old_to_new: Vec<Option<usize>>,
    new_taken: Vec<bool>,
}

/// The free new items by key, in list order.
pub(super) struct Queues<K>(HashMap<K, VecDeque<usize>>);

impl<K: Hash + Eq> Queues<K> {
    /// Takes the first free item with `key`.
    fn take(&mut self, key: &K, taken: &[bool]) -> Option<usize> {
        let queue = self.0.get_mut(key)?;
        while let Some(&j) = queue.front() {
            queue.pop_front();
            if !taken[j] {
                return Some(j);
            }
        }
        None
    }
}

impl Pairing {
    pub(super) fn new(old_len: usize, new_len: usize) -> Pairing {
        Pairing {
            old_to_new: vec![None; old_len],
            new_taken: vec![false; new_len],
        }
    }

    /// The free new items by key (items without a key are left out).
    pub(super) fn queues<K: Hash + Eq>(
        &self,
        new_keys: impl IntoIterator<Item = Option<K>>,
    ) -> Queues<K> {
        let mut queues: HashMap<K, VecDeque<usize>> = HashMap::new();
        for (j, key) in new_keys.into_iter().enumerate() {
            if let Some(key) = key.filter(|_| !self.new_taken[j]) {
                queues.entry(key).or_default().push_back(j);
            }
        }
        Queues(queues)
    }

    /// Pairs each free old item with the first free new item of the same key.
    pub(super) fn by_key<K: Hash + Eq>(
        &mut self,
        old_keys: impl IntoIterator<Item = Option<K>>,
        new_keys: impl IntoIterator<Item = Option<K>>,
    ) {
        let mut queues = self.queues(new_keys);
        for (i, key) in old_keys.into_iter().enumerate() {
            if self.old_to_new[i].is_some() {
                continue;
            }
            if let Some(j) = key.and_then(|key| queues.take(&key, &self.new_taken)) {
                self.pair(i, j);
            }
        }
    }

    /// Takes the first free new item with `key` from `queues` for old item `i`.
    pub(super) fn take<K: Hash + Eq>(&mut self, i: usize, queues: &mut Queues<K>, key: &K) -> bool {
        match queues.take(key, &self.new_taken) {
            Some(j) => {
                self.pair(i, j);
                true
            }
            None => false,
        }
    }

    /// Pairs old item `i` with new item `j`.
    pub(super) fn pair(&mut self, i: usize, j: usize) {
        self.old_to_new[i] = Some(j);
        self.new_taken[j] = true;
    }

    pub(super) fn new_of(&self, i: usize) -> Option<usize> {
        self.old_to_new[i]
    }

    pub(super) fn is_old_paired(&self, i: usize) -> bool {
        self.old_to_new[i].is_some()
    }

    pub(super) fn is_new_taken(&self, j: usize) -> bool {
        self.new_taken[j]
    }

    /// The pairs, in the old list's order.
    pub(super) fn pairs(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        self.old_to_new
            .iter()
            .enumerate()
            .filter_map(|(i, j)| j.map(|j| (i, j)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_keep_the_new_lists_order_and_take_each_item_once() {
        let mut pairing = Pairing::new(3, 4);
        pairing.by_key(["a", "x", "y"].map(Some), ["b", "a", "c", "d"].map(Some));
        assert_eq!(pairing.new_of(0), Some(1));
        // Two old items with the same looser key take the free new ones in order.
        pairing.by_key(
            [None, Some(1), Some(1)],
            [Some(1), Some(2), Some(1), Some(1)],
        );
        assert_eq!(
            pairing.pairs().collect::<Vec<_>>(),
            [(0, 1), (1, 0), (2, 2)]
        );
        assert!(pairing.is_new_taken(2) && !pairing.is_new_taken(3));
    }
}
