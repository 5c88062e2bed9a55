//! AsyncAPI operations: matched by id, then by channel and action; their action,
//! channel, bindings, replies and message lists.

use std::collections::HashMap;

use super::pairing::Pairing;
use super::{address, consumer_flow, spot};
use crate::diff::differ::{Differ, Node, Report};
use crate::diff::report::{Direction, Group, GroupKind};
use crate::model::{Action, Model, Operation, Source};

impl<'a> Differ<'a> {
    pub(super) fn async_operations(
        &mut self,
        old: &'a Model,
        new: &'a Model,
        channels: &[(String, String)],
    ) {
        let channel_of: HashMap<&str, &str> = channels
            .iter()
            .map(|(o, n)| (o.as_str(), n.as_str()))
            .collect();
        let channel_pair = |o: &Operation, n: &Operation| match (&o.channel, &n.channel) {
            (Some(a), Some(b)) => channel_of.get(a.as_str()) == Some(&b.as_str()),
            _ => false,
        };
        // By id, else the same action on the matched channel.
        let mut pairing = Pairing::new(old.operations.len(), new.operations.len());
        pairing.by_key(
            old.operations.iter().map(|o| Some(o.id.as_str())),
            new.operations.iter().map(|n| Some(n.id.as_str())),
        );
        pairing.by_key(
            old.operations
                .iter()
                .map(|o| Some((&o.action, *channel_of.get(o.channel.as_deref()?)?))),
            new.operations
                .iter()
                .map(|n| Some((&n.action, n.channel.as_deref()?))),
        );
        for (i, oo) in old.operations.iter().enumerate() {
            let flow = consumer_flow(&oo.action);
            let group = Group {
                kind: GroupKind::Operation,
                name: oo.id.clone(),
            };
            let Some(j) = pairing.new_of(i) else {
                let node = self.old.at(oo.source.as_ref());
                let (rule, message) = self.removal(
                    &node,
                    "operation-removed",
                    "deprecated-operation-removed",
                    &format!(
                        "Operation `{}` ({} on channel `{}`) was removed",
                        oo.id,
                        action_word(&oo.action),
                        oo.channel.as_deref().unwrap_or("?")
                    ),
                );
                self.report(
                    rule,
                    Report {
                        direction: flow,
                        message,
                        old: spot(oo.source.as_ref()),
                        new: None,
                        group: &group,
                    },
                );
                continue;
            };
            let no = &new.operations[j];
            self.async_operation(oo, no, channel_pair(oo, no), &group);
        }
        for (_, no) in new
            .operations
            .iter()
            .enumerate()
            .filter(|(j, _)| !pairing.is_new_taken(*j))
        {
            let group = Group {
                kind: GroupKind::Operation,
                name: no.id.clone(),
            };
            self.report(
                "operation-added",
                Report {
                    direction: consumer_flow(&no.action),
                    message: format!(
                        "Operation `{}` ({} on channel `{}`) was added.",
                        no.id,
                        action_word(&no.action),
                        no.channel.as_deref().unwrap_or("?")
                    ),
                    old: None,
                    new: spot(no.source.as_ref()),
                    group: &group,
                },
            );
        }
    }

    pub(super) fn async_operation(
        &mut self,
        oo: &'a Operation,
        no: &'a Operation,
        same_channel: bool,
        group: &Group,
    ) {
        let flow = consumer_flow(&no.action);
        let spots = (spot(oo.source.as_ref()), spot(no.source.as_ref()));
        let report = |message: String, direction| Report {
            direction,
            message,
            old: spots.0.clone(),
            new: spots.1.clone(),
            group,
        };
        if oo.action != no.action {
            self.report(
                "operation-action-changed",
                report(
                    format!(
                        "Operation `{}` changed from {} to {}.",
                        no.id,
                        action_word(&oo.action),
                        action_word(&no.action)
                    ),
                    Direction::Both,
                ),
            );
        }
        let old_address = address(
            oo.channel
                .as_deref()
                .and_then(|c| self.old.model.channel(c)),
        );
        let new_address = address(
            no.channel
                .as_deref()
                .and_then(|c| self.new.model.channel(c)),
        );
        if !same_channel && old_address != new_address {
            self.report(
                "operation-channel-changed",
                report(
                    format!(
                        "Operation `{}` moved from channel `{}` to `{}`.",
                        no.id,
                        oo.channel.as_deref().unwrap_or("?"),
                        no.channel.as_deref().unwrap_or("?")
                    ),
                    flow,
                ),
            );
        }
        let (on, nn) = (
            self.old.at(oo.source.as_ref()),
            self.new.at(no.source.as_ref()),
        );
        if let (Some(on), Some(nn)) = (&on, &nn) {
            self.bindings(
                on.get("bindings"),
                nn.get("bindings"),
                on,
                nn,
                "operation-bindings-changed",
                &format!("operation `{}`", no.id),
                group,
            );
            if on.get("security").is_some() || nn.get("security").is_some() {
                self.security(
                    on.get("security"),
                    nn.get("security"),
                    on,
                    nn,
                    group,
                    &format!("operation `{}`", no.id),
                );
            }
            self.descriptions(
                on,
                nn,
                &["title", "summary", "description"],
                &format!("operation `{}`", no.id),
                group,
            );
        }
        let label = format!("on channel `{}`", no.channel.as_deref().unwrap_or("?"));
        self.message_lists(
            (&oo.messages, &oo.message_sources),
            (&no.messages, &no.message_sources),
            flow,
            &label,
            group,
        );
        match (&oo.reply, &no.reply) {
            (None, Some(reply)) => self.report(
                "operation-reply-added",
                Report {
                    direction: flow.reversed(),
                    message: format!("Operation `{}` now has a reply.", no.id),
                    old: spots.0.clone(),
                    new: spot(reply.source.as_ref()),
                    group,
                },
            ),
            (Some(reply), None) => self.report(
                "operation-reply-removed",
                Report {
                    direction: flow.reversed(),
                    message: format!("Operation `{}` no longer has a reply.", no.id),
                    old: spot(reply.source.as_ref()),
                    new: spots.1.clone(),
                    group,
                },
            ),
            (Some(or), Some(nr)) => {
                let where_to = |reply: &crate::model::Reply, model: &Model| {
                    (
                        reply.address.clone(),
                        address(reply.channel.as_deref().and_then(|c| model.channel(c)))
                            .map(str::to_owned),
                    )
                };
                if where_to(or, self.old.model) != where_to(nr, self.new.model) {
                    self.report(
                        "operation-reply-address-changed",
                        Report {
                            direction: flow.reversed(),
                            message: format!(
                                "Where the reply of operation `{}` goes changed.",
                                no.id
                            ),
                            old: spot(or.source.as_ref()),
                            new: spot(nr.source.as_ref()),
                            group,
                        },
                    );
                }
                let label = format!("in reply to operation `{}`", no.id);
                let (om, nm) = (
                    reply_messages(or, self.old.model),
                    reply_messages(nr, self.new.model),
                );
                self.message_lists(
                    (&om.0, &om.1),
                    (&nm.0, &nm.1),
                    flow.reversed(),
                    &label,
                    group,
                );
            }
            (None, None) => {}
        }
    }

    /// Messages of one operation or channel, matched by id, then name, then alone.
    pub(super) fn message_lists(
        &mut self,
        old: (&[String], &[Source]),
        new: (&[String], &[Source]),
        flow: Direction,
        label: &str,
        group: &Group,
    ) {
        let node = |side: &crate::diff::differ::Side<'a>, sources: &[Source], i: usize| {
            sources.get(i).and_then(|s| side.at(Some(s)))
        };
        let name =
            |n: &Option<Node<'a>>| n.as_ref().and_then(|n| n.text("name")).map(str::to_owned);
        let mut pairs: Vec<(usize, usize)> = Vec::new();
        for (i, id) in old.0.iter().enumerate() {
            if let Some(j) = new.0.iter().position(|n| n == id) {
                pairs.push((i, j));
            }
        }
        let unmatched_old: Vec<usize> = (0..old.0.len())
            .filter(|i| !pairs.iter().any(|(o, _)| o == i))
            .collect();
        for i in unmatched_old {
            let on = name(&node(&self.old, old.1, i));
            let found = (0..new.0.len()).find(|j| {
                !pairs.iter().any(|(_, n)| n == j)
                    && on.is_some()
                    && name(&node(&self.new, new.1, *j)) == on
            });
            if let Some(j) = found {
                pairs.push((i, j));
            }
        }
        // What is left pairs up by position when as many remain on both sides (a 2.x
        // `oneOf` of anonymous messages and its 3.0 upgrade name them differently).
        let old_left: Vec<usize> = (0..old.0.len())
            .filter(|i| !pairs.iter().any(|(o, _)| o == i))
            .collect();
        let new_left: Vec<usize> = (0..new.0.len())
            .filter(|j| !pairs.iter().any(|(_, n)| n == j))
            .collect();
        if old_left.len() == new_left.len() {
            pairs.extend(old_left.into_iter().zip(new_left));
        }
        let verb = match flow {
            Direction::Sends => "that consumers send",
            Direction::Receives => "that consumers receive",
            _ => "that flows",
        };
        for (i, id) in old.0.iter().enumerate() {
            let on = node(&self.old, old.1, i);
            let Some(&(_, j)) = pairs.iter().find(|(o, _)| *o == i) else {
                let (rule, message) = self.removal(
                    &on,
                    "message-removed",
                    "deprecated-message-removed",
                    &format!("Message `{id}` {verb} {label} was removed"),
                );
                self.report(
                    rule,
                    Report {
                        direction: flow,
                        message,
                        old: on.map(|n| n.spot()),
                        new: None,
                        group,
                    },
                );
                continue;
            };
            let nn = node(&self.new, new.1, j);
            if let (Some(on), Some(nn)) = (on, nn) {
                let message_group = Group {
                    kind: GroupKind::Message,
                    name: new.0[j].clone(),
                };
                let _ = &message_group;
                self.message(
                    on,
                    nn,
                    flow,
                    &format!("message `{}` {verb} {label}", new.0[j]),
                    group,
                );
            }
        }
        for (j, id) in new
            .0
            .iter()
            .enumerate()
            .filter(|(j, _)| !pairs.iter().any(|(_, n)| n == j))
        {
            let nn = node(&self.new, new.1, j);
            self.report(
                "message-added",
                Report {
                    direction: flow,
                    message: format!("Message `{id}` {verb} {label} was added."),
                    old: None,
                    new: nn.map(|n| n.spot()),
                    group,
                },
            );
        }
    }
}

pub(super) fn action_word(action: &Action) -> &'static str {
    match action {
        Action::Send => "send",
        Action::Receive => "receive",
        Action::Http(_) => "http",
    }
}

/// A reply's messages, or its channel's when it lists none.
pub(super) fn reply_messages(
    reply: &crate::model::Reply,
    model: &Model,
) -> (Vec<String>, Vec<Source>) {
    if !reply.messages.is_empty() {
        return (reply.messages.clone(), reply.message_sources.clone());
    }
    reply
        .channel
        .as_deref()
        .and_then(|c| model.channel(c))
        .map(|c| (c.messages.clone(), c.message_sources.clone()))
        .unwrap_or_default()
}
