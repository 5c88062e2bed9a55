//! Keyed lists for the documentation. An item's key is its id and a generation that
//! changes only when the item does, so when the model changes (the editor's preview gets
//! a new one on every keystroke) only the items that changed are rebuilt and the rest of
//! the page keeps its DOM. Rebuilding the whole documentation of a 100 KB document cost
//! ~100 ms of DOM work per keystroke. Items are compared with the ones shown before
//! (`PartialEq`, no copies of unchanged items), which is cheaper than hashing their
//! content: fingerprinting Stripe's 4 MB model took longer than re-rendering it.

use std::collections::HashMap;

use leptos::prelude::*;
use spec_engine::Model;

/// An item's id and its generation.
pub type ItemKey = (String, u64);

/// What a list showed, by id, with the generation each item was given.
#[derive(Debug)]
pub struct Generations<T> {
    shown: HashMap<String, (T, u64)>,
    next: u64,
}

impl<T> Default for Generations<T> {
    fn default() -> Self {
        Generations {
            shown: HashMap::new(),
            next: 0,
        }
    }
}

impl<T: PartialEq + Clone> Generations<T> {
    /// The keys of `items` (with their indexes): an item equal to the one shown under its
    /// id keeps that one's generation, any other gets a new one. Forgets ids no longer
    /// in the list.
    pub fn keys<'a>(
        &mut self,
        items: impl IntoIterator<Item = (usize, &'a str, &'a T)>,
    ) -> Vec<(ItemKey, usize)>
    where
        T: 'a,
    {
        let mut before = std::mem::take(&mut self.shown);
        let mut keys = Vec::new();
        for (index, id, item) in items {
            let kept = before.remove(id).filter(|(shown, _)| shown == item);
            let (shown, generation) = kept.unwrap_or_else(|| {
                self.next += 1;
                (item.clone(), self.next)
            });
            keys.push(((id.to_owned(), generation), index));
            self.shown.insert(id.to_owned(), (shown, generation));
        }
        keys
    }
}

/// A list whose items are rebuilt only when their keys change: `keys` gives the current
/// keys with their indexes (tracked), `item` the item at an index of that same list
/// (read when a new key's item is built, right after `keys`), `render` its view.
pub fn keyed_list<T, V>(
    keys: impl Fn() -> Vec<(ItemKey, usize)> + Send + Sync + 'static,
    item: impl Fn(usize) -> T + Clone + Send + Sync + 'static,
    render: impl Fn(T) -> V + Clone + Send + Sync + 'static,
) -> impl IntoView
where
    V: IntoView + 'static,
{
    view! {
        <For each=keys key=|(key, _)| key.clone() children=move |(_, index)| render(item(index))/>
    }
}

/// A keyed list of one of the model's lists: `items` picks it out of the model, `id`
/// names an item.
pub fn model_list<T, V>(
    model: Signal<Model>,
    items: fn(&Model) -> &[T],
    id: fn(&T) -> &str,
    render: impl Fn(T) -> V + Clone + Send + Sync + 'static,
) -> impl IntoView
where
    T: PartialEq + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let generations = StoredValue::new(Generations::<T>::default());
    keyed_list(
        move || {
            model.with(|m| {
                generations
                    .try_update_value(|g| {
                        g.keys(
                            items(m)
                                .iter()
                                .enumerate()
                                .map(|(i, item)| (i, id(item), item)),
                        )
                    })
                    .unwrap_or_default()
            })
        },
        move |index| model.with_untracked(|m| items(m)[index].clone()),
        render,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_changed_items_get_new_generations() {
        let mut generations = Generations::default();
        let first = generations.keys([(0, "a", &1), (1, "b", &2)]);
        let second = generations.keys([(0, "a", &1), (1, "b", &3)]);
        assert_eq!(first[0], second[0], "unchanged item keeps its key");
        assert_ne!(first[1], second[1], "changed item gets a new key");
        let third = generations.keys([(0, "b", &3)]);
        assert_eq!(third[0].0, second[1].0, "a moved item keeps its key");
        assert_eq!(third[0].1, 0, "with its new index");
        let fourth = generations.keys([(0, "a", &1), (1, "b", &3)]);
        assert_ne!(fourth[0].0, first[0].0, "a removed id is forgotten");
    }
}
