//! AsyncAPI (2.x and 3.x, also across them through the version-independent model):
//! channels matched by id, then address; operations by id, then channel and action;
//! messages by id, then name. A message's direction is the operation's seen from a
//! consumer: the application's `receive` (2.x `publish`) messages are what consumers
//! send, its `send` (2.x `subscribe`) messages what they receive, replies the reverse.

mod messages;
mod operations;

use super::differ::{Differ, Report, Spot};
use super::report::{Direction, Group, GroupKind};
use crate::model::{Action, Channel, Model, Source};

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
}
