//! AsyncAPI (2.x and 3.x, also across them through the version-independent model):
//! channels matched by id, then address; operations by id, then channel and action;
//! messages by id, then name. A message's direction is the operation's seen from a
//! consumer: the application's `receive` (2.x `publish`) messages are what consumers
//! send, its `send` (2.x `subscribe`) messages what they receive, replies the reverse.

use super::differ::{Differ, Node, Report, Spot};
use super::report::{Direction, Group, GroupKind};
use super::schema::Usage;
use crate::model::{Action, Channel, Model, Operation, Source};

/// What consumers do with the messages of an operation.
pub(crate) fn consumer_flow(action: &Action) -> Direction {
    match action {
        Action::Receive => Direction::Sends,
        Action::Send => Direction::Receives,
        Action::Http(_) => Direction::Both,
    }
}

fn address(channel: Option<&Channel>) -> Option<&str> {
    channel.and_then(|c| c.address.as_deref())
}

fn spot(source: Option<&Source>) -> Option<Spot> {
    source.map(Spot::from)
}

/// The flow of a channel's data: the union of its operations'.
fn channel_flow(model: &Model, id: &str) -> Direction {
    model
        .operations
        .iter()
        .filter(|op| op.channel.as_deref() == Some(id))
        .map(|op| consumer_flow(&op.action))
        .reduce(Direction::union)
        .unwrap_or(Direction::Both)
}

impl<'a> Differ<'a> {
    /// Compares two AsyncAPI documents.
    pub(crate) fn compare_asyncapi(&mut self) {
        let (old, new) = (self.old.model, self.new.model);
        let pairs = self.channels(old, new);
        self.async_operations(old, new, &pairs);
        self.servers();
        self.security_schemes();
        self.info();
    }

    /// Matches and compares channels; returns the matched (old id, new id) pairs.
    fn channels(&mut self, old: &'a Model, new: &'a Model) -> Vec<(String, String)> {
        let mut pairs: Vec<(String, String)> = Vec::new();
        for oc in &old.channels {
            if new.channels.iter().any(|nc| nc.id == oc.id) {
                pairs.push((oc.id.clone(), oc.id.clone()));
            }
        }
        let unmatched_new = |pairs: &Vec<(String, String)>| {
            new.channels
                .iter()
                .filter(|nc| !pairs.iter().any(|(_, n)| *n == nc.id))
                .collect::<Vec<_>>()
        };
        let unmatched_old: Vec<&Channel> = old
            .channels
            .iter()
            .filter(|oc| !pairs.iter().any(|(o, _)| *o == oc.id))
            .collect();
        for oc in unmatched_old {
            let found = unmatched_new(&pairs)
                .into_iter()
                .find(|nc| nc.address.is_some() && nc.address == oc.address)
                .or_else(|| {
                    // The same operations on it: the channel was renamed or moved.
                    let ops: Vec<&str> = old
                        .operations
                        .iter()
                        .filter(|op| op.channel.as_deref() == Some(&oc.id))
                        .map(|op| op.id.as_str())
                        .collect();
                    unmatched_new(&pairs).into_iter().find(|nc| {
                        !ops.is_empty()
                            && new.operations.iter().any(|op| {
                                op.channel.as_deref() == Some(&nc.id)
                                    && ops.contains(&op.id.as_str())
                            })
                    })
                });
            if let Some(nc) = found {
                pairs.push((oc.id.clone(), nc.id.clone()));
            }
        }
        for oc in &old.channels {
            let group = Group {
                kind: GroupKind::Channel,
                name: oc.id.clone(),
            };
            let flow = channel_flow(old, &oc.id);
            let Some((_, new_id)) = pairs.iter().find(|(o, _)| *o == oc.id) else {
                let node = self.old.at(oc.source.as_ref());
                let (rule, message) = self.removal(
                    &node,
                    "channel-removed",
                    "deprecated-channel-removed",
                    &format!(
                        "Channel `{}` ({}) was removed",
                        oc.id,
                        oc.address.as_deref().unwrap_or("dynamic address")
                    ),
                );
                self.report(
                    rule,
                    Report {
                        direction: flow,
                        message,
                        old: spot(oc.source.as_ref()),
                        new: None,
                        group: &group,
                    },
                );
                continue;
            };
            let Some(nc) = new.channel(new_id) else {
                continue;
            };
            self.channel(oc, nc, flow.union(channel_flow(new, &nc.id)), &group);
        }
        for nc in new
            .channels
            .iter()
            .filter(|nc| !pairs.iter().any(|(_, n)| *n == nc.id))
        {
            let group = Group {
                kind: GroupKind::Channel,
                name: nc.id.clone(),
            };
            self.report(
                "channel-added",
                Report {
                    direction: channel_flow(new, &nc.id),
                    message: format!(
                        "Channel `{}` ({}) was added.",
                        nc.id,
                        nc.address.as_deref().unwrap_or("dynamic address")
                    ),
                    old: None,
                    new: spot(nc.source.as_ref()),
                    group: &group,
                },
            );
        }
        pairs
    }

    fn channel(&mut self, oc: &'a Channel, nc: &'a Channel, flow: Direction, group: &Group) {
        let spots = (spot(oc.source.as_ref()), spot(nc.source.as_ref()));
        let report = |message: String| Report {
            direction: flow,
            message,
            old: spots.0.clone(),
            new: spots.1.clone(),
            group,
        };
        if oc.address != nc.address {
            self.report(
                "channel-address-changed",
                report(format!(
                    "The address of channel `{}` changed from `{}` to `{}`.",
                    nc.id,
                    oc.address.as_deref().unwrap_or("dynamic"),
                    nc.address.as_deref().unwrap_or("dynamic")
                )),
            );
        }
        for op in &oc.parameters {
            let pspots = (spot(op.source.as_ref()), spots.1.clone());
            let Some(np) = nc.parameters.iter().find(|p| p.name == op.name) else {
                self.report(
                    "channel-parameter-removed",
                    Report {
                        direction: flow,
                        message: format!(
                            "Parameter `{}` was removed from channel `{}`.",
                            op.name, nc.id
                        ),
                        old: pspots.0,
                        new: pspots.1,
                        group,
                    },
                );
                continue;
            };
            let pspots = (pspots.0, spot(np.source.as_ref()));
            let preport = |message: String| Report {
                direction: flow,
                message,
                old: pspots.0.clone(),
                new: pspots.1.clone(),
                group,
            };
            let lost: Vec<&String> = op
                .enum_values
                .iter()
                .filter(|v| !np.enum_values.contains(v))
                .collect();
            let gained: Vec<&String> = np
                .enum_values
                .iter()
                .filter(|v| !op.enum_values.contains(v))
                .collect();
            let restricted = op.enum_values.is_empty() && !np.enum_values.is_empty();
            let opened = !op.enum_values.is_empty() && np.enum_values.is_empty();
            if restricted || (!np.enum_values.is_empty() && !lost.is_empty()) {
                self.report(
                    "channel-parameter-enum-value-removed",
                    preport(format!(
                        "Parameter `{}` of channel `{}` no longer allows {:?}.",
                        op.name,
                        nc.id,
                        if restricted {
                            vec!["any value"]
                        } else {
                            lost.iter().map(|s| s.as_str()).collect()
                        }
                    )),
                );
            }
            if opened || (!op.enum_values.is_empty() && !gained.is_empty()) {
                self.report(
                    "channel-parameter-enum-value-added",
                    preport(format!(
                        "Parameter `{}` of channel `{}` now also allows {:?}.",
                        op.name,
                        nc.id,
                        if opened {
                            vec!["any value"]
                        } else {
                            gained.iter().map(|s| s.as_str()).collect()
                        }
                    )),
                );
            }
            if op.default.is_some() && np.default.is_some() && op.default != np.default {
                self.report(
                    "channel-parameter-default-changed",
                    preport(format!(
                        "The default of parameter `{}` of channel `{}` changed from {:?} to {:?}.",
                        op.name, nc.id, op.default, np.default
                    )),
                );
            }
            if op.description != np.description {
                self.report(
                    "description-changed",
                    Report {
                        direction: Direction::None,
                        message: format!(
                            "The description of parameter `{}` of channel `{}` changed.",
                            op.name, nc.id
                        ),
                        old: pspots.0.clone(),
                        new: pspots.1.clone(),
                        group,
                    },
                );
            }
        }
        for np in nc
            .parameters
            .iter()
            .filter(|p| !oc.parameters.iter().any(|o| o.name == p.name))
        {
            self.report(
                "channel-parameter-added",
                Report {
                    direction: flow,
                    message: format!("Parameter `{}` was added to channel `{}`.", np.name, nc.id),
                    old: spots.0.clone(),
                    new: spot(np.source.as_ref()),
                    group,
                },
            );
        }
        let all_servers = |servers: &[String], model: &Model| -> Vec<String> {
            if servers.is_empty() {
                model.servers.iter().map(|s| s.id.clone()).collect()
            } else {
                servers.to_vec()
            }
        };
        let (os, ns) = (
            all_servers(&oc.servers, self.old.model),
            all_servers(&nc.servers, self.new.model),
        );
        if !(oc.servers.is_empty() && nc.servers.is_empty()) {
            for server in os.iter().filter(|s| !ns.contains(s)) {
                self.report(
                    "channel-server-removed",
                    report(format!(
                        "Channel `{}` is no longer available on server `{server}`.",
                        nc.id
                    )),
                );
            }
            for server in ns.iter().filter(|s| !os.contains(s)) {
                self.report(
                    "channel-server-added",
                    report(format!(
                        "Channel `{}` became available on server `{server}`.",
                        nc.id
                    )),
                );
            }
        }
        let (on, nn) = (
            self.old.at(oc.source.as_ref()),
            self.new.at(nc.source.as_ref()),
        );
        if let (Some(on), Some(nn)) = (on, nn) {
            self.bindings(
                on.get("bindings"),
                nn.get("bindings"),
                &on,
                &nn,
                "channel-bindings-changed",
                &format!("channel `{}`", nc.id),
                group,
            );
            self.descriptions(
                &on,
                &nn,
                &["title", "summary", "description"],
                &format!("channel `{}`", nc.id),
                group,
            );
        }
        // Channels without operations: their messages flow both ways.
        let used = |model: &Model, id: &str| {
            model
                .operations
                .iter()
                .any(|op| op.channel.as_deref() == Some(id))
        };
        if !used(self.old.model, &oc.id) && !used(self.new.model, &nc.id) {
            let label = format!("on channel `{}`", nc.id);
            self.message_lists(
                (&oc.messages, &oc.message_sources),
                (&nc.messages, &nc.message_sources),
                Direction::Both,
                &label,
                group,
            );
        }
    }

    fn async_operations(&mut self, old: &'a Model, new: &'a Model, channels: &[(String, String)]) {
        let channel_pair = |o: &Operation, n: &Operation| match (&o.channel, &n.channel) {
            (Some(a), Some(b)) => channels.iter().any(|(x, y)| x == a && y == b),
            _ => false,
        };
        let mut pairs: Vec<(&Operation, &Operation)> = Vec::new();
        for oo in &old.operations {
            if let Some(no) = new.operations.iter().find(|no| no.id == oo.id) {
                pairs.push((oo, no));
            }
        }
        let unmatched_old: Vec<&Operation> = old
            .operations
            .iter()
            .filter(|oo| !pairs.iter().any(|(o, _)| o.id == oo.id))
            .collect();
        for oo in unmatched_old {
            if let Some(no) = new.operations.iter().find(|no| {
                !pairs.iter().any(|(_, n)| n.id == no.id)
                    && no.action == oo.action
                    && channel_pair(oo, no)
            }) {
                pairs.push((oo, no));
            }
        }
        for oo in &old.operations {
            let flow = consumer_flow(&oo.action);
            let group = Group {
                kind: GroupKind::Operation,
                name: oo.id.clone(),
            };
            let Some((_, no)) = pairs.iter().find(|(o, _)| o.id == oo.id) else {
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
            self.async_operation(oo, no, channel_pair(oo, no), &group);
        }
        for no in new
            .operations
            .iter()
            .filter(|no| !pairs.iter().any(|(_, n)| n.id == no.id))
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

    fn async_operation(
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
    fn message_lists(
        &mut self,
        old: (&[String], &[Source]),
        new: (&[String], &[Source]),
        flow: Direction,
        label: &str,
        group: &Group,
    ) {
        let node = |side: &super::differ::Side<'a>, sources: &[Source], i: usize| {
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

    /// Compares one message: content type, schema format, name, correlation id,
    /// bindings, headers and payload.
    fn message(
        &mut self,
        old: Node<'a>,
        new: Node<'a>,
        flow: Direction,
        what: &str,
        group: &Group,
    ) {
        let (old, new) = (self.old.resolve(old), self.new.resolve(new));
        let field =
            |side: &super::differ::Side<'a>, message: &Node<'a>, key: &str| -> Option<Node<'a>> {
                message.get(key).or_else(|| {
                    message
                        .get("traits")
                        .into_iter()
                        .flat_map(|t| t.items())
                        .find_map(|t| side.resolve(t).get(key))
                })
            };
        let report = |message: String, o: Option<Node<'a>>, n: Option<Node<'a>>| Report {
            direction: flow,
            message,
            old: Some(o.unwrap_or_else(|| old.clone()).spot()),
            new: Some(n.unwrap_or_else(|| new.clone()).spot()),
            group,
        };
        let content_type = |side: &super::differ::Side<'a>, message: &Node<'a>| {
            field(side, message, "contentType")
                .and_then(|n| n.value.as_str().map(str::to_ascii_lowercase))
                .or_else(|| {
                    side.root()
                        .and_then(|r| r.text("defaultContentType").map(str::to_ascii_lowercase))
                })
        };
        let (oc, nc) = (content_type(&self.old, &old), content_type(&self.new, &new));
        if let (Some(a), Some(b)) = (&oc, &nc)
            && a.split(';').next() != b.split(';').next()
        {
            self.report(
                "message-content-type-changed",
                report(
                    format!("The content type of {what} changed from `{a}` to `{b}`."),
                    field(&self.old, &old, "contentType"),
                    field(&self.new, &new, "contentType"),
                ),
            );
        }
        let (op, np) = (
            field(&self.old, &old, "payload"),
            field(&self.new, &new, "payload"),
        );
        let format = |side: &super::differ::Side<'a>,
                      message: &Node<'a>,
                      payload: &Option<Node<'a>>|
         -> String {
            let raw = payload
                .as_ref()
                .and_then(|p| p.text("schemaFormat"))
                .or_else(|| field(side, message, "schemaFormat").and_then(|n| n.value.as_str()))
                .unwrap_or("");
            schema_family(raw)
        };
        let (of, nf) = (format(&self.old, &old, &op), format(&self.new, &new, &np));
        if of != nf {
            self.report(
                "message-schema-format-changed",
                report(
                    format!("The schema format of {what} changed from {of} to {nf}."),
                    op.clone(),
                    np.clone(),
                ),
            );
        }
        if let (Some(a), Some(b)) = (
            field(&self.old, &old, "name"),
            field(&self.new, &new, "name"),
        ) && a.value != b.value
        {
            self.report(
                "message-name-changed",
                report(
                    format!(
                        "The name of {what} changed from {} to {}.",
                        a.value, b.value
                    ),
                    Some(a),
                    Some(b),
                ),
            );
        }
        let location = |side: &super::differ::Side<'a>, message: &Node<'a>| {
            field(side, message, "correlationId")
                .map(|c| side.resolve(c))
                .map(|c| (c.text("location").map(str::to_owned), c))
        };
        match (location(&self.old, &old), location(&self.new, &new)) {
            (Some((a, an)), Some((b, bn))) if a != b => self.report(
                "message-correlation-id-changed",
                report(
                    format!(
                        "The correlation id of {what} moved from {:?} to {:?}.",
                        a.unwrap_or_default(),
                        b.unwrap_or_default()
                    ),
                    Some(an),
                    Some(bn),
                ),
            ),
            (Some((_, an)), None) => self.report(
                "message-correlation-id-removed",
                report(
                    format!(
                        "{} no longer has a correlation id.",
                        super::schema::capitalize(what)
                    ),
                    Some(an),
                    None,
                ),
            ),
            (None, Some((_, bn))) => self.report(
                "message-correlation-id-added",
                report(
                    format!(
                        "{} now has a correlation id.",
                        super::schema::capitalize(what)
                    ),
                    None,
                    Some(bn),
                ),
            ),
            _ => {}
        }
        self.bindings(
            field(&self.old, &old, "bindings"),
            field(&self.new, &new, "bindings"),
            &old,
            &new,
            "message-bindings-changed",
            what,
            group,
        );
        self.descriptions(
            &old,
            &new,
            &["title", "summary", "description"],
            what,
            group,
        );
        let headers_context = format!("the headers of {what}");
        self.compare_schemas(
            field(&self.old, &old, "headers").map(|h| schema_of(&h)),
            field(&self.new, &new, "headers").map(|h| schema_of(&h)),
            &Usage {
                flow,
                context: &headers_context,
                group,
            },
        );
        if of == "JSON Schema" && nf == "JSON Schema" {
            let payload_context = format!("the payload of {what}");
            self.compare_schemas(
                op.map(|p| schema_of(&p)),
                np.map(|p| schema_of(&p)),
                &Usage {
                    flow,
                    context: &payload_context,
                    group,
                },
            );
        }
    }
}

/// The schema of a payload or headers: inside `{schemaFormat, schema}` (3.x) or as is.
fn schema_of<'a>(node: &Node<'a>) -> Node<'a> {
    match (node.value.get("schemaFormat"), node.get("schema")) {
        (Some(_), Some(schema)) => schema,
        _ => node.clone(),
    }
}

/// The family of a schema format: JSON Schema in its AsyncAPI, OpenAPI and draft forms,
/// or the format's media type without its version.
fn schema_family(format: &str) -> String {
    let lower = format.to_ascii_lowercase();
    if lower.is_empty()
        || lower.starts_with("application/vnd.aai.asyncapi")
        || lower.starts_with("application/schema+")
        || lower.starts_with("application/vnd.oai.openapi")
    {
        "JSON Schema".to_owned()
    } else {
        format!("`{}`", lower.split(';').next().unwrap_or(&lower))
    }
}

fn action_word(action: &Action) -> &'static str {
    match action {
        Action::Send => "send",
        Action::Receive => "receive",
        Action::Http(_) => "http",
    }
}

/// A reply's messages, or its channel's when it lists none.
fn reply_messages(reply: &crate::model::Reply, model: &Model) -> (Vec<String>, Vec<Source>) {
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
