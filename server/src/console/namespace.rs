//! An organisation's namespace on the bundled broker, like a per-tenant mountpoint: the
//! console of an asset (or design project) of organisation X reaches only the topics
//! under `orgs/X/`. The prefix is added on the way in (subscribe, publish) and stripped
//! on the way out, so the page sees addresses as the document writes them. Raw MQTT
//! clients address the same namespace by writing the prefix themselves.
//!
//! This is the one place that turns a document's address into a broker topic, so it
//! also refuses what could leave the namespace: `#` anywhere, `+` other than as a
//! whole level, NUL, and a leading `$` (system topics).

/// The first level of every organisation's namespace: `orgs/{org}/…`.
const ROOT: &str = "orgs";

/// The namespace of one organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Namespace {
    org: String,
    /// `orgs/{org}/`, kept whole so adding it is one copy.
    prefix: String,
}

impl Namespace {
    /// The namespace of the organisation `org` (a slug: `[a-z0-9][a-z0-9._-]*`, so it
    /// is one topic level and holds no wildcard).
    pub fn of_org(org: &str) -> Namespace {
        debug_assert!(!org.is_empty() && !org.contains(['/', '+', '#', '\0']));
        Namespace {
            org: org.to_owned(),
            prefix: format!("{ROOT}/{org}/"),
        }
    }

    /// The organisation it belongs to.
    pub fn org(&self) -> &str {
        &self.org
    }

    /// `orgs/{org}/`: where an MQTT client of the organisation is mounted.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// The broker filter for a filter as the document writes it; `+` only as a whole
    /// level, no `#`.
    pub fn filter(&self, filter: &str) -> Result<String, String> {
        check_start(filter)?;
        for level in filter.split('/') {
            if level != "+" && level.contains(['+', '#', '\0']) {
                return Err(refusal(filter));
            }
        }
        Ok(format!("{}{filter}", self.prefix))
    }

    /// The broker topic for a topic as the document writes it; no wildcard at all.
    pub fn topic(&self, topic: &str) -> Result<String, String> {
        check_start(topic)?;
        if topic.contains(['+', '#', '\0']) {
            return Err(refusal(topic));
        }
        Ok(format!("{}{topic}", self.prefix))
    }

    /// A broker topic as the document writes it: the prefix stripped, `None` when the
    /// topic is not in this namespace.
    pub fn strip<'a>(&self, topic: &'a str) -> Option<&'a str> {
        topic.strip_prefix(self.prefix.as_str())
    }

    /// Which namespace a broker topic is in, and the topic within it; `None` for a
    /// topic outside every namespace (nothing a console can see).
    pub fn split(topic: &str) -> Option<(&str, &str)> {
        let rest = topic.strip_prefix(ROOT)?.strip_prefix('/')?;
        let (org, within) = rest.split_once('/')?;
        (!org.is_empty()).then_some((org, within))
    }
}

fn check_start(address: &str) -> Result<(), String> {
    if address.is_empty() {
        Err("An empty address has no topic.".into())
    } else if address.starts_with('$') {
        Err(format!(
            "The address {address:?} starts with '$', which MQTT keeps for system topics."
        ))
    } else {
        Ok(())
    }
}

fn refusal(address: &str) -> String {
    format!(
        "The address {address:?} contains an MQTT wildcard or NUL; a wildcard stands only for a parameter left as \"any\"."
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_prefix_is_added_on_the_way_in_and_stripped_on_the_way_out() {
        let acme = Namespace::of_org("acme");
        assert_eq!(acme.topic("orders/7"), Ok("orgs/acme/orders/7".into()));
        assert_eq!(acme.filter("orders/+"), Ok("orgs/acme/orders/+".into()));
        assert_eq!(acme.strip("orgs/acme/orders/7"), Some("orders/7"));
        assert_eq!(acme.strip("orgs/beta/orders/7"), None);
        assert_eq!(
            Namespace::split("orgs/acme/orders/7"),
            Some(("acme", "orders/7"))
        );
        assert_eq!(Namespace::split("acme/private"), None);
        assert_eq!(Namespace::split("orgs//x"), None);
    }

    #[test]
    fn nothing_leaves_the_namespace() {
        let acme = Namespace::of_org("acme");
        for filter in ["#", "a/#", "a+/b", "$SYS/x", "", "a\0"] {
            assert!(acme.filter(filter).is_err(), "{filter:?}");
        }
        for topic in ["+", "a/+", "a/#", "$share/x", "", "a\0b"] {
            assert!(acme.topic(topic).is_err(), "{topic:?}");
        }
    }
}
