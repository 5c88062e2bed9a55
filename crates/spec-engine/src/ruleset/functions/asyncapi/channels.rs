//! Channels: the parameters their address names are all described (and only those), and
//! the servers an AsyncAPI 2 channel names are defined.

use portico_jsonpath::Segment;
use serde_json::Value;

use super::{Failure, Lookup, join, key};
use crate::ruleset::functions::oas::servers::url_variables;

/// `asyncApiChannelParameters`: the `{name}`s of a channel's address (its key in
/// AsyncAPI 2, `address` in 3) against the names of its `parameters`.
pub fn parameters(channel: &Value, path: &[Segment], lookup: &dyn Lookup) -> Vec<Failure> {
    let Some(Value::Object(parameters)) = channel.get("parameters").map(|p| lookup.follow(p))
    else {
        return Vec::new();
    };
    let address = match channel.get("address") {
        Some(Value::Null) | None => match path.last() {
            Some(Segment::Key(name)) => Some(name.as_str()),
            _ => None,
        },
        Some(address) => address.as_str(),
    };
    let found = address.map(url_variables).unwrap_or_default();
    if found.is_empty() {
        return Vec::new();
    }
    let mut failures = Vec::new();
    let missing: Vec<&str> = found
        .iter()
        .filter(|name| !parameters.contains_key(*name))
        .map(String::as_str)
        .collect();
    if !missing.is_empty() {
        failures.push(Failure::at(
            join(path, [key("parameters")]),
            format!(
                "Not all channel's parameters are described with \"parameters\" object. Missed: {}.",
                missing.join(", ")
            ),
        ));
    }
    for name in parameters.keys().filter(|name| !found.contains(name)) {
        failures.push(Failure::at(
            join(path, [key("parameters"), key(name)]),
            format!("Channel's \"parameters\" object has redundant defined \"{name}\" parameter."),
        ));
    }
    failures
}

/// `asyncApi2ChannelServers`: each name in a channel's `servers` is a key of the
/// document's `servers`. Like Spectral, a document of another shape gets nothing.
pub fn servers(root: &Value, lookup: &dyn Lookup) -> Vec<Failure> {
    let servers = match root.get("servers").map(|s| lookup.follow(s)) {
        None => None,
        Some(Value::Object(servers)) => Some(servers),
        Some(_) => return Vec::new(),
    };
    let channels = match root.get("channels").map(|c| lookup.follow(c)) {
        None => return Vec::new(),
        Some(Value::Object(channels)) => channels,
        Some(_) => return Vec::new(),
    };
    let mut listed = Vec::new();
    for (address, channel) in channels {
        let Value::Object(channel) = lookup.follow(channel) else {
            return Vec::new();
        };
        match channel.get("servers").map(|s| lookup.follow(s)) {
            None => {}
            Some(Value::Array(names)) => {
                let mut names_here = Vec::new();
                for name in names {
                    match lookup.follow(name) {
                        Value::String(name) => names_here.push(name.as_str()),
                        _ => return Vec::new(),
                    }
                }
                listed.push((address, names_here));
            }
            Some(_) => return Vec::new(),
        }
    }
    let mut failures = Vec::new();
    for (address, names) in listed {
        for (index, name) in names.into_iter().enumerate() {
            if !servers.is_some_and(|servers| servers.contains_key(name)) {
                failures.push(Failure::at(
                    vec![
                        key("channels"),
                        key(address),
                        key("servers"),
                        Segment::Index(index),
                    ],
                    "Channel contains server that are not defined on the \"servers\" object.",
                ));
            }
        }
    }
    failures
}
