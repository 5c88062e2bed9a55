//! AsyncAPI (2.x and 3.x, also across them through the version-independent model):
//! channels matched by id, then address; operations by id, then channel and action;
//! messages by id, then name. A message's direction is the operation's seen from a
//! consumer: the application's `receive` (2.x `publish`) messages are what consumers
//! send, its `send` (2.x `subscribe`) messages what they receive, replies the reverse.

mod messages;
mod operations;
mod pairing;

use std::collections::HashMap;

use super::differ::{Differ, Report, Spot};
use super::report::{Direction, Group, GroupKind};
use crate::model::{Action, Channel, Model, Source};
use pairing::Pairing;

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

/// The flow of each channel's data: the union of its operations' (a channel without
/// operations is not in the map; its data may go either way).
fn channel_flows(model: &Model) -> HashMap<&str, Direction> {
    let mut flows: HashMap<&str, Direction> = HashMap::new();
    for op in &model.operations {
        if let Some(channel) = op.channel.as_deref() {
            let flow = consumer_flow(&op.action);
            flows
                .entry(channel)
                .and_modify(|f| *f = f.union(flow))
                .or_insert(flow);
        }
    }
    flows
}

/// The ids of the operations on each channel, in document order.
fn operations_by_channel(model: &Model) -> HashMap<&str, Vec<&str>> {
    let mut ops: HashMap<&str, Vec<&str>> = HashMap::new();
    for op in &model.operations {
        if let Some(channel) = op.channel.as_deref() {
            ops.entry(channel).or_default().push(op.id.as_str());
        }
    }
    ops
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

    /// Matches and compares channels; returns the matched (old id, new id) pairs. A
    /// channel is matched by id, else by address, else (renamed or moved) by the
    /// operations on it.
    fn channels(&mut self, old: &'a Model, new: &'a Model) -> Vec<(String, String)> {
        let mut pairing = Pairing::new(old.channels.len(), new.channels.len());
        pairing.by_key(
            old.channels.iter().map(|c| Some(c.id.as_str())),
            new.channels.iter().map(|c| Some(c.id.as_str())),
        );
        let mut by_address = pairing.queues(new.channels.iter().map(|c| c.address.as_deref()));
        let old_ops = operations_by_channel(old);
        let new_index: HashMap<&str, usize> = new
            .channels
            .iter()
            .enumerate()
            .map(|(j, c)| (c.id.as_str(), j))
            .collect();
        // Which new channel each new operation is on.
        let new_channel_of_op: HashMap<&str, usize> = new
            .operations
            .iter()
            .filter_map(|op| {
                let j = *new_index.get(op.channel.as_deref()?)?;
                Some((op.id.as_str(), j))
            })
            .collect();
        for (i, oc) in old.channels.iter().enumerate() {
            if pairing.is_old_paired(i) {
                continue;
            }
            if let Some(address) = oc.address.as_deref()
                && pairing.take(i, &mut by_address, &address)
            {
                continue;
            }
            let renamed = old_ops
                .get(oc.id.as_str())
                .into_iter()
                .flatten()
                .filter_map(|op| new_channel_of_op.get(op).copied())
                .filter(|&j| !pairing.is_new_taken(j))
                .min();
            if let Some(j) = renamed {
                pairing.pair(i, j);
            }
        }
        let (old_flows, new_flows) = (channel_flows(old), channel_flows(new));
        let flow_of = |flows: &HashMap<&str, Direction>, id: &str| {
            flows.get(id).copied().unwrap_or(Direction::Both)
        };
        for (i, oc) in old.channels.iter().enumerate() {
            let group = Group {
                kind: GroupKind::Channel,
                name: oc.id.clone(),
            };
            let flow = flow_of(&old_flows, &oc.id);
            let Some(j) = pairing.new_of(i) else {
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
            let nc = &new.channels[j];
            self.channel(oc, nc, flow.union(flow_of(&new_flows, &nc.id)), &group);
        }
        for (j, nc) in new.channels.iter().enumerate() {
            if pairing.is_new_taken(j) {
                continue;
            }
            let group = Group {
                kind: GroupKind::Channel,
                name: nc.id.clone(),
            };
            self.report(
                "channel-added",
                Report {
                    direction: flow_of(&new_flows, &nc.id),
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
        pairing
            .pairs()
            .map(|(i, j)| (old.channels[i].id.clone(), new.channels[j].id.clone()))
            .collect()
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
}
