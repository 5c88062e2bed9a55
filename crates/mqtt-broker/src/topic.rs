//! MQTT topic names and filters: matching (`+` one level, `#` the rest) for routing and
//! in-process subscriptions, and the validity checks of PUBLISH and SUBSCRIBE.

/// Whether `topic` matches the MQTT `filter` (MQTT 3.1.1 section 4.7); public so stores
/// outside the broker (recent traffic, other brokers' subscriptions) select topics the
/// way the broker does.
///
/// Topics starting with `$` are not matched by a filter starting with a wildcard, as the
/// specification requires, so `#` never shows `$SYS` traffic.
pub fn filter_matches(filter: &str, topic: &str) -> bool {
    if topic.starts_with('$') && (filter.starts_with('+') || filter.starts_with('#')) {
        return false;
    }
    let mut topic_levels = topic.split('/');
    for level in filter.split('/') {
        match level {
            "#" => return true,
            "+" => {
                if topic_levels.next().is_none() {
                    return false;
                }
            }
            exact => {
                if topic_levels.next() != Some(exact) {
                    return false;
                }
            }
        }
    }
    topic_levels.next().is_none()
}

/// Whether `filter` is a well-formed topic filter: rumqttc's check (`#` only as the whole
/// last level, `+` only as a whole level, not empty) plus no NUL (MQTT 4.7.3-2).
pub fn valid_filter(filter: &str) -> bool {
    !filter.contains('\0') && rumqttc::valid_filter(filter)
}

/// Whether `topic` may be published on: no wildcards (rumqttc's check), not empty and no
/// NUL (MQTT 4.7.3-1, 4.7.3-2).
pub fn valid_topic(topic: &str) -> bool {
    !topic.is_empty() && !topic.contains('\0') && rumqttc::valid_topic(topic)
}

#[cfg(test)]
mod tests {
    use super::{filter_matches, valid_filter, valid_topic};

    #[test]
    fn malformed_filters_and_topics_are_refused() {
        for good in ["a", "a/b", "+", "#", "a/+/c", "a/#", "+/+", "/", "$SYS/#"] {
            assert!(valid_filter(good), "{good}");
        }
        for bad in ["", "a#", "a/#/c", "a+/b", "#/a", "a/b+"] {
            assert!(!valid_filter(bad), "{bad}");
        }
        assert!(valid_topic("a/b") && valid_topic("/"));
        assert!(!valid_topic("") && !valid_topic("a/+") && !valid_topic("a/#"));
    }

    #[test]
    fn exact_filters_match_only_the_same_topic() {
        assert!(filter_matches("a/b", "a/b"));
        assert!(!filter_matches("a/b", "a/b/c"));
        assert!(!filter_matches("a/b/c", "a/b"));
    }

    #[test]
    fn plus_matches_exactly_one_level_even_empty() {
        assert!(filter_matches("a/+/c", "a/b/c"));
        assert!(filter_matches("a/+/c", "a//c"));
        assert!(!filter_matches("a/+", "a/b/c"));
        assert!(filter_matches("+", "a"));
    }

    #[test]
    fn hash_matches_the_parent_and_everything_below() {
        assert!(filter_matches("#", "a/b/c"));
        assert!(filter_matches("a/#", "a"));
        assert!(filter_matches("a/#", "a/b/c"));
        assert!(!filter_matches("a/#", "b/a"));
    }

    #[test]
    fn wildcards_do_not_show_system_topics() {
        assert!(!filter_matches("#", "$SYS/uptime"));
        assert!(!filter_matches("+/uptime", "$SYS/uptime"));
        assert!(filter_matches("$SYS/#", "$SYS/uptime"));
    }
}
