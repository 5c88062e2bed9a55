//! A client's namespace: the topic prefix its [`crate::Grant`] mounts it at, added to
//! what it publishes and subscribes and taken off what it receives.

use crate::subscriptions::parse_share;
use crate::topic::valid_filter;

/// The `$SYS/` tree is the broker's, readable from inside any mount.
const SYS: &str = "$SYS";

/// A topic prefix (empty, or ending with `/`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Mount {
    prefix: String,
}

impl Mount {
    /// The mount of a grant; `None` when the prefix has wildcards or NUL (it would
    /// reach other namespaces). A missing trailing `/` is added, so `orgs/acme` cannot
    /// reach `orgs/acmecorp/`.
    pub(crate) fn new(prefix: &str) -> Option<Self> {
        if prefix.is_empty() {
            return Some(Self::default());
        }
        if prefix.contains(['+', '#', '\0']) || !valid_filter(prefix) {
            return None;
        }
        let mut prefix = prefix.to_string();
        if !prefix.ends_with('/') {
            prefix.push('/');
        }
        Some(Self { prefix })
    }

    /// Whether the client sees the whole broker.
    pub(crate) fn is_root(&self) -> bool {
        self.prefix.is_empty()
    }

    /// The prefix (empty, or ending with `/`).
    pub(crate) fn prefix(&self) -> &str {
        &self.prefix
    }

    /// The broker's name of a topic the client publishes on (no copy at the root: this
    /// runs once per message).
    pub(crate) fn topic(&self, mut topic: String) -> String {
        if !self.is_root() {
            topic.insert_str(0, &self.prefix);
        }
        topic
    }

    /// The broker's name of a filter the client subscribes to: the prefix goes on the
    /// filter part of `$share/{group}/{filter}`; `$SYS` filters stay as they are. A
    /// malformed `$share/` filter is left for the router to refuse.
    pub(crate) fn filter(&self, filter: &str) -> String {
        if self.is_root() {
            return filter.to_string();
        }
        match parse_share(filter) {
            Ok((Some(group), inner)) => format!("$share/{group}/{}", self.inner(inner)),
            Ok((None, inner)) => self.inner(inner),
            Err(()) => filter.to_string(),
        }
    }

    fn inner(&self, filter: &str) -> String {
        if filter == SYS || filter.starts_with("$SYS/") {
            filter.to_string()
        } else {
            format!("{}{filter}", self.prefix)
        }
    }

    /// The client's name of a topic delivered to it; `None` for a topic outside its
    /// namespace (never sent).
    pub(crate) fn strip<'a>(&self, topic: &'a str) -> Option<&'a str> {
        if self.is_root() || topic.starts_with("$SYS/") {
            return Some(topic);
        }
        topic.strip_prefix(&self.prefix).filter(|t| !t.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::Mount;

    #[test]
    fn the_prefix_ends_with_a_slash_and_wildcards_are_refused() {
        assert_eq!(Mount::new("orgs/acme").unwrap().prefix(), "orgs/acme/");
        assert_eq!(Mount::new("orgs/acme/").unwrap().prefix(), "orgs/acme/");
        for bad in ["orgs/+/", "#", "a\0b"] {
            assert!(Mount::new(bad).is_none(), "{bad:?}");
        }
        assert!(Mount::new("").unwrap().is_root());
    }

    #[test]
    fn topics_and_filters_go_under_the_mount_except_sys() {
        let mount = Mount::new("orgs/acme").unwrap();
        assert_eq!(mount.topic("a/b".into()), "orgs/acme/a/b");
        assert_eq!(mount.filter("#"), "orgs/acme/#");
        assert_eq!(mount.filter("+/x"), "orgs/acme/+/x");
        assert_eq!(mount.filter("$share/g/t/#"), "$share/g/orgs/acme/t/#");
        assert_eq!(mount.filter("$SYS/#"), "$SYS/#");
        assert_eq!(mount.filter("$share/g/$SYS/#"), "$share/g/$SYS/#");
        assert_eq!(
            mount.filter("$share/"),
            "$share/",
            "left for the router to refuse"
        );
    }

    #[test]
    fn delivered_topics_lose_the_mount_and_others_are_not_sent() {
        let mount = Mount::new("orgs/acme/").unwrap();
        assert_eq!(mount.strip("orgs/acme/a/b"), Some("a/b"));
        assert_eq!(
            mount.strip("$SYS/broker/uptime"),
            Some("$SYS/broker/uptime")
        );
        assert_eq!(mount.strip("orgs/acme"), None);
        assert_eq!(mount.strip("orgs/acme/"), None);
        assert_eq!(mount.strip("orgs/other/a"), None);
        assert_eq!(Mount::default().strip("orgs/other/a"), Some("orgs/other/a"));
    }
}
