//! `serverVariables`: the variables of a server URL are all described, all used, have
//! defaults (listed in their enum), and substituting them gives valid URLs.

use portico_jsonpath::Segment;
use serde_json::{Map, Value};

use super::{Failure, Lookup, join, key, only_known, options_object};

pub struct Options {
    check_substitutions: bool,
    require_default: bool,
}

impl Options {
    pub fn prepare(options: Option<&Value>) -> Result<Options, String> {
        let Some(options) = options else {
            return Ok(Options {
                check_substitutions: false,
                require_default: false,
            });
        };
        let map = options_object(
            "serverVariables",
            Some(options),
            r#"{ "checkSubstitutions": true, "requireDefault": true }"#,
        )?;
        only_known(
            "serverVariables",
            map,
            &["checkSubstitutions", "requireDefault"],
        )?;
        let flag = |name: &str| match map.get(name) {
            None => Ok(false),
            Some(Value::Bool(flag)) => Ok(*flag),
            Some(_) => Err(format!(
                "\"serverVariables\" function and its \"{name}\" option accepts only the following types: boolean"
            )),
        };
        Ok(Options {
            check_substitutions: flag("checkSubstitutions")?,
            require_default: flag("requireDefault")?,
        })
    }
}

/// Whether a server object has the shape Spectral's function accepts.
fn well_formed(server: &Map<String, Value>) -> bool {
    if !matches!(server.get("url"), Some(Value::String(_))) {
        return false;
    }
    match server.get("variables") {
        None => true,
        Some(Value::Object(variables)) => variables.values().all(|variable| {
            let Value::Object(variable) = variable else {
                return false;
            };
            variable.iter().all(|(name, value)| match name.as_str() {
                "enum" => {
                    matches!(value, Value::Array(items) if items.iter().all(Value::is_string))
                }
                "default" | "description" | "examples" => value.is_string(),
                other => other.starts_with("x-"),
            })
        }),
        Some(_) => false,
    }
}

/// `{name}` parts of a URL as `/{(.+?)}/g` finds them (AsyncAPI channel addresses too).
pub(in crate::ruleset::functions) fn url_variables(url: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = url;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        // At least one character, then the first `}` (not across lines).
        let mut chars = after.char_indices();
        let Some((_, first)) = chars.next() else {
            break;
        };
        if first == '\n' || first == '\r' {
            rest = after;
            continue;
        }
        match after[first.len_utf8()..].find(['}', '\n', '\r']) {
            Some(end) if after[first.len_utf8() + end..].starts_with('}') => {
                let end = first.len_utf8() + end;
                out.push(after[..end].to_owned());
                rest = &after[end + 1..];
            }
            _ => rest = after,
        }
    }
    out
}

pub fn check(
    server: &Value,
    options: &Options,
    path: &[Segment],
    _lookup: &dyn Lookup,
) -> Vec<Failure> {
    let well = match server {
        Value::Object(map) if well_formed(map) => map,
        _ => return vec![Failure::at_target("Invalid Server Object")],
    };
    let url = well.get("url").and_then(Value::as_str).unwrap_or_default();
    let variables = well.get("variables").and_then(Value::as_object);
    let found = url_variables(url);
    let defined: Vec<&String> = variables.map(|v| v.keys().collect()).unwrap_or_default();
    let mut failures = Vec::new();
    for name in defined.iter().filter(|name| !found.contains(name)) {
        failures.push(Failure::at(
            join(path, [key("variables"), key(name)]),
            format!("Server's \"variables\" object has unused defined \"{name}\" url variable."),
        ));
    }
    if found.is_empty() {
        return failures;
    }
    let missing: Vec<&String> = found
        .iter()
        .filter(|name| !defined.iter().any(|d| d == name))
        .collect();
    if !missing.is_empty() {
        let missing: Vec<&str> = missing.iter().map(|s| s.as_str()).collect();
        failures.push(Failure::at(
            join(path, [key("variables")]),
            format!(
                "Not all server's variables are described with \"variables\" object. Missed: {}.",
                missing.join(", ")
            ),
        ));
    }
    let Some(variables) = variables else {
        return failures;
    };
    let mut pairs: Vec<(String, Vec<String>)> = Vec::new();
    for (name, variable) in variables {
        if !found.contains(name) {
            continue;
        }
        let default = variable.get("default").and_then(Value::as_str);
        if let Some(Value::Array(values)) = variable.get("enum") {
            let values: Vec<String> = values
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect();
            if let Some(default) = default
                && !values.iter().any(|v| v == default)
            {
                failures.push(Failure::at(
                    join(path, [key("variables"), key(name), key("default")]),
                    format!("Server Variable \"{name}\" has a default not listed in the enum."),
                ));
            }
            pairs.push((name.clone(), values));
        } else if let Some(default) = default {
            pairs.push((name.clone(), vec![default.to_owned()]));
        } else {
            pairs.push((name.clone(), Vec::new()));
        }
        if default.is_none() && options.require_default {
            failures.push(Failure::at(
                join(path, [key("variables"), key(name)]),
                format!("Server Variable \"{name}\" has a missing default."),
            ));
        }
    }
    if options.check_substitutions && !pairs.is_empty() {
        let mut invalid = Vec::new();
        substitute(url, &pairs, &mut invalid);
        let at = join(path, [key("variables")]);
        if invalid.len() >= 5 {
            failures.push(Failure::at(
                at,
                format!(
                    "At least 5 substitutions of server variables resulted in invalid URLs: {} and more",
                    invalid[..5].join(", ")
                ),
            ));
        } else if !invalid.is_empty() {
            failures.push(Failure::at(
                at,
                format!(
                    "A few substitutions of server variables resulted in invalid URLs: {}",
                    invalid.join(", ")
                ),
            ));
        }
    }
    failures
}

/// Every combination of the variables' values substituted in turn (first variable
/// outermost), collecting the invalid URLs, up to five.
fn substitute(url: &str, pairs: &[(String, Vec<String>)], invalid: &mut Vec<String>) {
    let Some(((name, values), rest)) = pairs.split_first() else {
        if !valid_url(url) {
            invalid.push(url.to_owned());
        }
        return;
    };
    for value in values {
        if invalid.len() >= 5 {
            return;
        }
        let next = url.replace(&format!("{{{name}}}"), &encode_uri(value));
        substitute(&next, rest, invalid);
    }
}

/// JavaScript's `encodeURI`.
fn encode_uri(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || ";,/?:@&=+$-_.!~*'()#".contains(c) {
            out.push(c);
        } else {
            let mut buffer = [0u8; 4];
            for byte in c.encode_utf8(&mut buffer).bytes() {
                out.push_str(&format!("%{byte:02X}"));
            }
        }
    }
    out
}

/// Whether `new URL(text)` accepts a text (no base): a scheme, and for the schemes with
/// hosts a valid host and port.
fn valid_url(text: &str) -> bool {
    let text = text.trim_matches(|c: char| c <= ' ');
    let Some(colon) = text.find(':') else {
        return false;
    };
    let scheme = &text[..colon];
    let mut chars = scheme.chars();
    if !chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        || !chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    {
        return false;
    }
    let scheme = scheme.to_ascii_lowercase();
    if !["http", "https", "ws", "wss", "ftp"].contains(&scheme.as_str()) {
        return true;
    }
    let rest = text[colon + 1..].trim_start_matches(['/', '\\']);
    let authority_end = rest.find(['/', '\\', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let (host, port) = if host_port.starts_with('[') {
        match host_port.find(']') {
            Some(end) => (&host_port[..=end], host_port[end + 1..].strip_prefix(':')),
            None => return false,
        }
    } else {
        match host_port.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (host_port, None),
        }
    };
    if !(host.starts_with('[') || valid_host(host)) {
        return false;
    }
    match port {
        None | Some("") => true,
        Some(port) => {
            port.bytes().all(|b| b.is_ascii_digit())
                && port.parse::<u32>().is_ok_and(|p| p <= 65535)
        }
    }
}

/// A host the URL standard accepts: not empty once percent-decoded, and without the
/// code points it forbids in domains.
fn valid_host(host: &str) -> bool {
    let bytes = host.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        let escape = (bytes[at] == b'%')
            .then(|| host.get(at + 1..at + 3))
            .flatten()
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match escape {
            Some(byte) => {
                decoded.push(byte);
                at += 3;
            }
            None => {
                decoded.push(bytes[at]);
                at += 1;
            }
        }
    }
    !decoded.is_empty()
        && !decoded
            .iter()
            .any(|b| *b <= b' ' || *b == 0x7f || b"#%/:<>?@[\\]^|".contains(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_read_as_the_url_standard_reads_them() {
        assert!(valid_url("https://api.example.com/v1"));
        assert!(valid_url("https://api.example.com:8443"));
        assert!(!valid_url("/v1"));
        assert!(!valid_url("https://"));
        assert!(!valid_url("https://host:port"));
        assert!(valid_url("mailto:x@y"));
        assert!(valid_url("https://%7Bagent%7D"));
        assert!(!valid_url("https://a%20b"));
        assert_eq!(url_variables("https://{a}.x/{b}"), ["a", "b"]);
    }
}
