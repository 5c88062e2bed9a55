//! Who subscribed to what: filters without wildcards looked up by topic, the others in a
//! tree of levels, each with its direct subscribers and its shared groups
//! (`$share/{name}/{filter}`, MQTT 5 4.8.2).

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::codec::Message;
use crate::filter_tree::FilterTree;
use crate::session::{Delivery, Session};

/// One subscription of one session, with its options.
#[derive(Debug)]
pub(crate) struct Subscriber {
    pub session: Arc<Session>,
    pub qos: u8,
    pub no_local: bool,
    pub retain_as_published: bool,
    pub subscription_id: Option<u32>,
}

impl Subscriber {
    fn delivery(&self, message: &Arc<Message>) -> Delivery {
        Delivery {
            message: message.clone(),
            qos: self.qos.min(message.qos),
            retain: message.retain && self.retain_as_published,
            subscription_id: self.subscription_id,
        }
    }
}

/// The members of one shared subscription (`$share/{name}/{filter}`): each message goes
/// to one of them, in turn.
#[derive(Debug)]
struct Group {
    name: String,
    members: Vec<Subscriber>,
    next: AtomicUsize,
}

impl Group {
    /// The next member in turn, preferring one that is connected.
    fn pick(&self) -> Option<&Subscriber> {
        let count = self.members.len();
        if count == 0 {
            return None;
        }
        let start = self.next.fetch_add(1, Ordering::Relaxed);
        (0..count)
            .map(|offset| &self.members[(start + offset) % count])
            .find(|member| member.session.is_online())
            .or_else(|| self.members.get(start % count))
    }
}

/// Who subscribed to one topic filter: on their own, and in shared groups.
#[derive(Debug, Default)]
struct Entry {
    direct: Vec<Subscriber>,
    groups: Vec<Group>,
}

impl Entry {
    fn is_empty(&self) -> bool {
        self.direct.is_empty() && self.groups.is_empty()
    }

    fn members(&mut self, share: Option<&str>) -> &mut Vec<Subscriber> {
        let Some(name) = share else {
            return &mut self.direct;
        };
        let index = match self.groups.iter().position(|g| g.name == name) {
            Some(index) => index,
            None => {
                self.groups.push(Group {
                    name: name.to_string(),
                    members: Vec::new(),
                    next: AtomicUsize::new(0),
                });
                self.groups.len() - 1
            }
        };
        &mut self.groups[index].members
    }
}

/// A subscription's filter split into its share name (`$share/{name}/`) and the filter
/// it matches topics with.
pub(crate) fn parse_share(filter: &str) -> Result<(Option<&str>, &str), ()> {
    let Some(rest) = filter.strip_prefix("$share/") else {
        return Ok((None, filter));
    };
    match rest.split_once('/') {
        // [MQTT-4.8.2-1], [MQTT-4.8.2-2]: a non-empty share name without wildcards,
        // followed by a topic filter.
        Some((name, filter))
            if !name.is_empty() && !name.contains(['+', '#']) && !filter.is_empty() =>
        {
            Ok((Some(name), filter))
        }
        _ => Err(()),
    }
}

/// Filters without wildcards are looked up by topic; the others in a tree of levels, so
/// a publish costs what its topic can match, not the number of filters.
#[derive(Debug, Default)]
pub(crate) struct Subscriptions {
    exact: HashMap<String, Entry>,
    wildcard: FilterTree<Entry>,
}

fn has_wildcards(filter: &str) -> bool {
    filter.contains(['+', '#'])
}

impl Subscriptions {
    pub(crate) fn insert(&mut self, filter: &str, share: Option<&str>, subscriber: Subscriber) {
        let entry = if has_wildcards(filter) {
            self.wildcard.get_or_insert(filter)
        } else {
            self.exact.entry(filter.to_string()).or_default()
        };
        let list = entry.members(share);
        match list
            .iter_mut()
            .find(|s| s.session.id == subscriber.session.id)
        {
            Some(existing) => *existing = subscriber,
            None => list.push(subscriber),
        }
    }

    pub(crate) fn remove(&mut self, filter: &str, share: Option<&str>, session: u64) -> bool {
        let remove = |entry: &mut Entry| match share {
            None => remove_member(&mut entry.direct, session),
            Some(name) => {
                let Some(index) = entry.groups.iter().position(|g| g.name == name) else {
                    return false;
                };
                let removed = remove_member(&mut entry.groups[index].members, session);
                if entry.groups[index].members.is_empty() {
                    entry.groups.remove(index);
                }
                removed
            }
        };
        if has_wildcards(filter) {
            return self
                .wildcard
                .update(filter, remove, Entry::is_empty)
                .unwrap_or(false);
        }
        let Some(entry) = self.exact.get_mut(filter) else {
            return false;
        };
        let removed = remove(entry);
        if entry.is_empty() {
            self.exact.remove(filter);
        }
        removed
    }

    /// What `message` becomes: one delivery per matching subscription (each with its
    /// own QoS and Subscription Identifier, as MQTT 5 3.3.4 allows), one member of each
    /// matching shared group.
    pub(crate) fn deliveries(&self, message: &Arc<Message>) -> Vec<(Arc<Session>, Delivery)> {
        let mut out = Vec::new();
        let mut add = |entry: &Entry| {
            for subscriber in &entry.direct {
                // [MQTT-3.8.3-3]: No Local.
                if subscriber.no_local && subscriber.session.id == message.publisher {
                    continue;
                }
                out.push((subscriber.session.clone(), subscriber.delivery(message)));
            }
            for group in &entry.groups {
                if let Some(member) = group.pick() {
                    out.push((member.session.clone(), member.delivery(message)));
                }
            }
        };
        if let Some(entry) = self.exact.get(&message.topic) {
            add(entry);
        }
        self.wildcard.matches(&message.topic, add);
        out
    }
}

fn remove_member(list: &mut Vec<Subscriber>, session: u64) -> bool {
    let before = list.len();
    list.retain(|s| s.session.id != session);
    list.len() != before
}
