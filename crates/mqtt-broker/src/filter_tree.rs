//! Wildcard topic filters by level, so a publish visits only the branches its topic can
//! match (its own levels, `+` and `#`) instead of testing every filter in turn.

use std::collections::HashMap;

/// A value per topic filter, looked up by the topics each filter matches.
#[derive(Debug)]
pub(crate) struct FilterTree<T> {
    root: Node<T>,
}

impl<T> Default for FilterTree<T> {
    fn default() -> Self {
        Self {
            root: Node::default(),
        }
    }
}

#[derive(Debug)]
struct Node<T> {
    /// The next level, spelled out.
    children: HashMap<String, Node<T>>,
    /// The next level is `+`.
    plus: Option<Box<Node<T>>>,
    /// The filter ending here with `/#` (at the root: `#`).
    hash: Option<T>,
    /// The filter ending here.
    value: Option<T>,
}

impl<T> Default for Node<T> {
    fn default() -> Self {
        Self {
            children: HashMap::new(),
            plus: None,
            hash: None,
            value: None,
        }
    }
}

impl<T> Node<T> {
    fn is_empty(&self) -> bool {
        self.children.is_empty()
            && self.plus.is_none()
            && self.hash.is_none()
            && self.value.is_none()
    }
}

impl<T: Default> FilterTree<T> {
    /// The value of `filter` (a valid topic filter), created if new.
    pub(crate) fn get_or_insert(&mut self, filter: &str) -> &mut T {
        let mut node = &mut self.root;
        let mut levels = filter.split('/').peekable();
        while let Some(level) = levels.next() {
            match level {
                "#" if levels.peek().is_none() => return node.hash.get_or_insert_with(T::default),
                "+" => node = node.plus.get_or_insert_with(Box::default),
                exact => node = node.children.entry(exact.to_string()).or_default(),
            }
        }
        node.value.get_or_insert_with(T::default)
    }
}

impl<T> FilterTree<T> {
    /// Runs `change` on the value of `filter` if there is one, then removes it if
    /// `is_empty` says so (with the branches left empty).
    pub(crate) fn update<R>(
        &mut self,
        filter: &str,
        change: impl FnOnce(&mut T) -> R,
        is_empty: impl Fn(&T) -> bool,
    ) -> Option<R> {
        let levels: Vec<&str> = filter.split('/').collect();
        update(&mut self.root, &levels, change, &is_empty)
    }

    /// Calls `seen` with the value of every filter that matches `topic`. A filter
    /// starting with a wildcard does not match a `$` topic (MQTT 4.7.2).
    pub(crate) fn matches<'a>(&'a self, topic: &str, mut seen: impl FnMut(&'a T)) {
        let levels: Vec<&str> = topic.split('/').collect();
        let system = topic.starts_with('$');
        walk(&self.root, &levels, !system, &mut seen);
    }
}

fn update<T, R>(
    node: &mut Node<T>,
    levels: &[&str],
    change: impl FnOnce(&mut T) -> R,
    is_empty: &impl Fn(&T) -> bool,
) -> Option<R> {
    let Some((level, rest)) = levels.split_first() else {
        let value = node.value.as_mut()?;
        let result = change(value);
        if is_empty(value) {
            node.value = None;
        }
        return Some(result);
    };
    match *level {
        "#" if rest.is_empty() => {
            let value = node.hash.as_mut()?;
            let result = change(value);
            if is_empty(value) {
                node.hash = None;
            }
            Some(result)
        }
        "+" => {
            let child = node.plus.as_mut()?;
            let result = update(child, rest, change, is_empty);
            if child.is_empty() {
                node.plus = None;
            }
            result
        }
        exact => {
            let child = node.children.get_mut(exact)?;
            let result = update(child, rest, change, is_empty);
            if child.is_empty() {
                node.children.remove(exact);
            }
            result
        }
    }
}

/// `wildcards`: whether `+` and `#` may match here (not at the first level of a `$`
/// topic).
fn walk<'a, T>(node: &'a Node<T>, levels: &[&str], wildcards: bool, seen: &mut impl FnMut(&'a T)) {
    if wildcards && let Some(value) = &node.hash {
        // `a/#` matches `a` itself and everything below it.
        seen(value);
    }
    let Some((level, rest)) = levels.split_first() else {
        if let Some(value) = &node.value {
            seen(value);
        }
        return;
    };
    if let Some(child) = node.children.get(*level) {
        walk(child, rest, true, seen);
    }
    if wildcards && let Some(child) = &node.plus {
        walk(child, rest, true, seen);
    }
}

#[cfg(test)]
mod tests {
    use super::FilterTree;
    use crate::topic::filter_matches;

    const FILTERS: [&str; 14] = [
        "#", "+", "a/#", "a/+", "a/+/c", "+/b/#", "a/b/c", "+/+", "/#", "+/", "$SYS/#", "$SYS/+/x",
        "a/b/#", "+/+/+/+",
    ];
    const TOPICS: [&str; 12] = [
        "a",
        "a/b",
        "a/b/c",
        "a/b/c/d",
        "x/b",
        "x/b/y",
        "/",
        "/a",
        "a/",
        "$SYS/broker/x",
        "$SYS",
        "a//c",
    ];

    #[test]
    fn the_tree_matches_exactly_what_filter_matches_does() {
        let mut tree: FilterTree<Vec<&str>> = FilterTree::default();
        for filter in FILTERS {
            tree.get_or_insert(filter).push(filter);
        }
        for topic in TOPICS {
            let mut found: Vec<&str> = Vec::new();
            tree.matches(topic, |value| found.extend(value));
            found.sort();
            let mut expected: Vec<&str> = FILTERS
                .into_iter()
                .filter(|filter| filter_matches(filter, topic))
                .collect();
            expected.sort();
            assert_eq!(found, expected, "topic {topic:?}");
        }
    }

    #[test]
    fn removed_filters_leave_no_branch_behind() {
        let mut tree: FilterTree<Vec<u8>> = FilterTree::default();
        tree.get_or_insert("a/+/c/#").push(1);
        tree.get_or_insert("a/+").push(2);
        let removed = tree.update("a/+/c/#", |v| v.pop(), |v| v.is_empty());
        assert_eq!(removed, Some(Some(1)));
        assert_eq!(tree.update("a/+/c/#", |v| v.pop(), |v| v.is_empty()), None);
        let mut found: Vec<u8> = Vec::new();
        tree.matches("a/b", |v| found.extend(v));
        assert_eq!(found, [2]);
        tree.update("a/+", |v| v.clear(), |v| v.is_empty());
        assert!(tree.root.is_empty());
    }
}
