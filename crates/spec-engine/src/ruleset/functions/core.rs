//! Spectral's core functions other than `schema`: truthy, falsy, defined, undefined,
//! pattern, casing, length, enumeration, alphabetical, xor, or, typedEnum and
//! unreferencedReusableObject. Messages are Spectral's, so rulesets that print
//! `{{error}}` read the same.

use std::cmp::Ordering;

use portico_jsonpath::Segment;
use serde_json::Value;

use super::{Failure, Lookup, PrepareError, Target, js, only_known, options_object};
use crate::ruleset::format::Format;
use crate::ruleset::message::print_value;

/// A core function with its options compiled.
pub enum Core {
    Truthy,
    Falsy,
    Defined,
    Undefined,
    Pattern {
        matches: Option<(String, fancy_regex::Regex)>,
        not_matches: Option<(String, fancy_regex::Regex)>,
    },
    Casing {
        name: String,
        separator: Option<(char, bool)>,
        regex: fancy_regex::Regex,
    },
    Length {
        min: Option<f64>,
        max: Option<f64>,
    },
    Enumeration(Vec<Value>),
    Alphabetical {
        keyed_by: Option<String>,
    },
    Xor(Vec<String>),
    Or(Vec<String>),
    TypedEnum,
    Unreferenced {
        /// The JSON pointer of the member holding the reusable objects (`/components/schemas`).
        location: String,
    },
}

const CASINGS: [&str; 7] = [
    "flat", "camel", "pascal", "kebab", "cobol", "snake", "macro",
];

impl Core {
    pub fn prepare(name: &str, options: Option<&Value>) -> Result<Core, PrepareError> {
        let no_options = |core: Core| match options {
            None => Ok(core),
            Some(_) => Err(PrepareError::Options(format!(
                "\"{name}\" function does not accept any options"
            ))),
        };
        let options_error = PrepareError::Options;
        match name {
            "truthy" => no_options(Core::Truthy),
            "falsy" => no_options(Core::Falsy),
            "defined" => no_options(Core::Defined),
            "undefined" => no_options(Core::Undefined),
            "typedEnum" => no_options(Core::TypedEnum),
            "pattern" => pattern(options).map_err(options_error),
            "casing" => casing(options).map_err(options_error),
            "length" => length(options).map_err(options_error),
            "enumeration" => enumeration(options).map_err(options_error),
            "alphabetical" => alphabetical(options).map_err(options_error),
            "xor" => properties("xor", options)
                .map(Core::Xor)
                .map_err(options_error),
            "or" => properties("or", options)
                .map(Core::Or)
                .map_err(options_error),
            "unreferencedReusableObject" => unreferenced(options).map_err(options_error),
            _ => Err(PrepareError::Unknown),
        }
    }

    pub fn call(&self, target: Target<'_>, lookup: &dyn Lookup) -> Vec<Failure> {
        let value = target.value;
        match self {
            Core::Truthy if !js::truthy(value) => {
                vec![Failure::at_target("#{{print(\"property\")}}must be truthy")]
            }
            Core::Falsy if js::truthy(value) => {
                vec![Failure::at_target("#{{print(\"property\")}}must be falsy")]
            }
            Core::Defined if value.is_none() => {
                vec![Failure::at_target(
                    "#{{print(\"property\")}}must be defined",
                )]
            }
            Core::Undefined if value.is_some() => {
                vec![Failure::at_target(
                    "#{{print(\"property\")}}must be undefined",
                )]
            }
            Core::Pattern {
                matches,
                not_matches,
            } => {
                let Some(Value::String(text)) = value else {
                    return Vec::new();
                };
                let mut failures = Vec::new();
                if let Some((source, regex)) = matches
                    && !regex.is_match(text).unwrap_or(false)
                {
                    failures.push(Failure::at_target(format!(
                        "#{{{{print(\"value\")}}}} must match the pattern {}",
                        print_value(Some(&Value::String(source.clone())))
                    )));
                }
                if let Some((source, regex)) = not_matches
                    && regex.is_match(text).unwrap_or(false)
                {
                    failures.push(Failure::at_target(format!(
                        "#{{{{print(\"value\")}}}} must not match the pattern {}",
                        print_value(Some(&Value::String(source.clone())))
                    )));
                }
                failures
            }
            Core::Casing {
                name,
                separator,
                regex,
            } => {
                let Some(Value::String(text)) = value else {
                    return Vec::new();
                };
                if text.is_empty() {
                    return Vec::new();
                }
                if let Some((char, true)) = separator
                    && text.chars().count() == 1
                    && text.starts_with(*char)
                {
                    return Vec::new();
                }
                if regex.is_match(text).unwrap_or(true) {
                    Vec::new()
                } else {
                    vec![Failure::at_target(format!("must be {name} case"))]
                }
            }
            Core::Length { min, max } => {
                let measured = match value {
                    Some(Value::Object(map)) => map.len() as f64,
                    Some(Value::Array(items)) => items.len() as f64,
                    Some(Value::String(text)) => js::length(text) as f64,
                    Some(Value::Number(number)) => number.as_f64().unwrap_or(f64::NAN),
                    _ => return Vec::new(),
                };
                let mut failures = Vec::new();
                if let Some(min) = min
                    && measured < *min
                {
                    failures.push(Failure::at_target(format!(
                        "#{{{{print(\"property\")}}}}must be longer than {}",
                        print_number(*min)
                    )));
                }
                if let Some(max) = max
                    && measured > *max
                {
                    failures.push(Failure::at_target(format!(
                        "#{{{{print(\"property\")}}}}must be shorter than {}",
                        print_number(*max)
                    )));
                }
                failures
            }
            Core::Enumeration(values) => {
                let Some(value) = value.filter(|v| !v.is_array() && !v.is_object()) else {
                    return Vec::new();
                };
                if values
                    .iter()
                    .any(|allowed| js::strict_equals(allowed, value))
                {
                    return Vec::new();
                }
                let allowed: Vec<String> = values.iter().map(|v| print_value(Some(v))).collect();
                vec![Failure::at_target(format!(
                    "#{{{{print(\"value\")}}}} must be equal to one of the allowed values: {}",
                    allowed.join(", ")
                ))]
            }
            Core::Alphabetical { keyed_by } => alphabetical_check(value, target.path, keyed_by),
            Core::Xor(properties) => present_of(value, properties)
                .map(|present| {
                    let mut failures = none_defined(properties, &present);
                    if present.len() > 1 {
                        failures.push(Failure::at_target(format!(
                            "Just one of \"{}\" must be defined",
                            present.join("\" and \"")
                        )));
                    }
                    failures
                })
                .unwrap_or_default(),
            Core::Or(properties) => present_of(value, properties)
                .map(|present| none_defined(properties, &present))
                .unwrap_or_default(),
            Core::TypedEnum => typed_enum(value, target.path, lookup.formats()),
            Core::Unreferenced { location } => {
                let Some(Value::Object(map)) = value else {
                    return Vec::new();
                };
                map.keys()
                    .filter_map(|name| {
                        let pointer =
                            format!("{location}/{}", crate::diagnostic::escape_token(name));
                        (!lookup.is_referenced(&pointer)).then(|| {
                            Failure::at(
                                pointer_to_path(&pointer),
                                "Potential orphaned reusable object has been detected",
                            )
                        })
                    })
                    .collect()
            }
            _ => Vec::new(),
        }
    }
}

fn pattern(options: Option<&Value>) -> Result<Core, String> {
    let example = r#"{ "match": "^Stoplight" }, { "notMatch": "Swagger" }, { "match": "Stoplight", "notMatch": "Swagger" }"#;
    let map = options_object("pattern", options, example)?;
    only_known("pattern", map, &["match", "notMatch"])?;
    if map.is_empty() {
        return Err(format!(
            "\"pattern\" function has invalid options specified. Example valid options: {example}"
        ));
    }
    let compile = |key: &str| -> Result<Option<(String, fancy_regex::Regex)>, String> {
        match map.get(key) {
            None => Ok(None),
            Some(Value::String(source)) => js::regex(source)
                .map(|regex| Some((source.clone(), regex)))
                .map_err(|error| format!("\"pattern\" function and its \"{key}\" option: {error}")),
            Some(_) => Err(format!(
                "\"pattern\" function and its \"{key}\" option must be string or RegExp instance"
            )),
        }
    };
    Ok(Core::Pattern {
        matches: compile("match")?,
        not_matches: compile("notMatch")?,
    })
}

fn casing(options: Option<&Value>) -> Result<Core, String> {
    let map = options_object(
        "casing",
        options,
        r#"{ "type": "camel" }, { "type": "pascal", "disallowDigits": true }"#,
    )?;
    only_known("casing", map, &["type", "disallowDigits", "separator"])?;
    let name = match map.get("type") {
        Some(Value::String(name)) if CASINGS.contains(&name.as_str()) => name.clone(),
        Some(_) => {
            return Err(format!(
                "\"casing\" function and its \"type\" option accept the following values: {}",
                CASINGS.join(", ")
            ));
        }
        None => return Err("\"casing\" function is missing \"type\" option".into()),
    };
    let digits = match map.get("disallowDigits") {
        None | Some(Value::Bool(false)) => "0-9",
        Some(Value::Bool(true)) => "",
        Some(_) => {
            return Err(
                "\"casing\" function and its \"disallowDigits\" option accepts only the following types: boolean"
                    .into(),
            );
        }
    };
    let separator = match map.get("separator") {
        None => None,
        Some(Value::Object(separator)) => {
            only_known("casing", separator, &["char", "allowLeading"])
                .map_err(|_| "\"casing\" function does not support \"separator\" option".to_owned())?;
            let char = match separator.get("char") {
                Some(Value::String(text)) if text.chars().count() == 1 => {
                    text.chars().next().unwrap_or('-')
                }
                _ => {
                    return Err("\"casing\" function and its \"separator.char\" option accepts only char, i.e. \"I\" or \"/\"".into());
                }
            };
            let leading = separator.get("allowLeading").and_then(Value::as_bool) == Some(true);
            Some((char, leading))
        }
        Some(_) => return Err("\"casing\" function and its \"separator\" option accepts only the following types: object".into()),
    };
    let base = match name.as_str() {
        "flat" => "[a-z][a-z{D}]*",
        "camel" => "[a-z][a-z{D}]*(?:[A-Z{D}](?:[a-z{D}]+|$))*",
        "pascal" => "[A-Z][a-z{D}]*(?:[A-Z{D}](?:[a-z{D}]+|$))*",
        "kebab" => "[a-z][a-z{D}]*(?:-[a-z{D}]+)*",
        "cobol" => "[A-Z][A-Z{D}]*(?:-[A-Z{D}]+)*",
        "snake" => "[a-z][a-z{D}]*(?:_[a-z{D}]+)*",
        _ => "[A-Z][A-Z{D}]*(?:_[A-Z{D}]+)*",
    }
    .replace("{D}", digits);
    let source = match separator {
        None => format!("^{base}$"),
        Some((char, leading)) => {
            let escaped = fancy_regex::escape(&char.to_string()).into_owned();
            let separator = format!("[{escaped}]");
            let leading = if leading {
                format!("{separator}?")
            } else {
                String::new()
            };
            format!("^{leading}{base}(?:{separator}{base})*$")
        }
    };
    let regex = fancy_regex::Regex::new(&source).map_err(|error| error.to_string())?;
    Ok(Core::Casing {
        name,
        separator,
        regex,
    })
}

fn length(options: Option<&Value>) -> Result<Core, String> {
    let map = options_object(
        "length",
        options,
        r#"{ "min": 2 }, { "max": 5 }, { "min": 0, "max": 10 }"#,
    )?;
    only_known("length", map, &["min", "max"])?;
    let bound = |key: &str| match map.get(key) {
        None => Ok(None),
        Some(Value::Number(number)) => Ok(number.as_f64()),
        Some(_) => Err(format!(
            "\"length\" function and its \"{key}\" option accepts only the following types: number"
        )),
    };
    let (min, max) = (bound("min")?, bound("max")?);
    if min.is_none() && max.is_none() {
        return Err(r#""length" function has invalid options specified. Example valid options: { "min": 2 }, { "max": 5 }, { "min": 0, "max": 10 }"#.into());
    }
    Ok(Core::Length { min, max })
}

fn enumeration(options: Option<&Value>) -> Result<Core, String> {
    let map = options_object(
        "enumeration",
        options,
        r#"{ "values": ["Berlin", "London", "Paris"] }, { "values": [2, 3, 5, 8, 13, 21] }"#,
    )?;
    only_known("enumeration", map, &["values"])?;
    match map.get("values") {
        Some(Value::Array(values)) if values.iter().all(|v| !v.is_array() && !v.is_object()) => {
            Ok(Core::Enumeration(values.clone()))
        }
        Some(_) => Err(r#""enumeration" and its "values" option support only arrays of primitive values, i.e. ["Berlin", "London", "Paris"]"#.into()),
        None => Err("\"enumeration\" function is missing \"values\" option".into()),
    }
}

fn alphabetical(options: Option<&Value>) -> Result<Core, String> {
    let Some(options) = options else {
        return Ok(Core::Alphabetical { keyed_by: None });
    };
    let map = options_object(
        "alphabetical",
        Some(options),
        r#"null (no options), { "keyedBy": "my-key" }"#,
    )?;
    only_known("alphabetical", map, &["keyedBy"])?;
    match map.get("keyedBy") {
        None => Ok(Core::Alphabetical { keyed_by: None }),
        Some(Value::String(key)) => Ok(Core::Alphabetical {
            keyed_by: Some(key.clone()),
        }),
        Some(_) => Err("\"alphabetical\" function and its \"keyedBy\" option accepts only the following types: string".into()),
    }
}

fn properties(function: &str, options: Option<&Value>) -> Result<Vec<String>, String> {
    let map = options_object(
        function,
        options,
        r#"{ "properties": ["default", "example"] }, { "properties": ["title", "summary", "description"] }, etc."#,
    )?;
    only_known(function, map, &["properties"])?;
    let wrong = || {
        format!(
            "\"{function}\" requires at least two enumerated \"properties\", i.e. [\"default\", \"example\"], [\"title\", \"summary\", \"description\"], etc."
        )
    };
    match map.get("properties") {
        Some(Value::Array(items)) if items.len() >= 2 => items
            .iter()
            .map(|item| item.as_str().map(str::to_owned).ok_or_else(wrong))
            .collect(),
        Some(_) => Err(wrong()),
        None => Err(format!(
            "\"{function}\" function is missing \"properties\" option"
        )),
    }
}

fn unreferenced(options: Option<&Value>) -> Result<Core, String> {
    let map = options_object(
        "unreferencedReusableObject",
        options,
        r##"{ "reusableObjectsLocation": "#/components/schemas" }, { "reusableObjectsLocation": "#/$defs" }"##,
    )?;
    only_known(
        "unreferencedReusableObject",
        map,
        &["reusableObjectsLocation"],
    )?;
    match map.get("reusableObjectsLocation").and_then(Value::as_str) {
        Some(location) if location == "#" || location.starts_with("#/") => Ok(Core::Unreferenced {
            location: crate::refs::percent_decode(&location[1..]),
        }),
        _ => Err(r##""unreferencedReusableObject" and its "reusableObjectsLocation" option support only valid JSON Pointer fragments, i.e. "#", "#/foo", "#/paths/~1user""##.into()),
    }
}

/// The listed properties an object has, in the object's order (`None` for a non-object).
fn present_of(value: Option<&Value>, properties: &[String]) -> Option<Vec<String>> {
    let Some(Value::Object(map)) = value else {
        return None;
    };
    Some(
        map.keys()
            .filter(|key| properties.iter().any(|p| p == *key))
            .cloned()
            .collect(),
    )
}

fn none_defined(properties: &[String], present: &[String]) -> Vec<Failure> {
    if !present.is_empty() {
        return Vec::new();
    }
    let message = if properties.len() > 4 {
        format!(
            "At least one of \"{}\" or {} other properties must be defined",
            properties[..3].join("\" or \""),
            properties.len() - 3
        )
    } else {
        format!(
            "At least one of \"{}\" must be defined",
            properties.join("\" or \"")
        )
    };
    vec![Failure::at_target(message)]
}

fn alphabetical_check(
    value: Option<&Value>,
    path: &[Segment],
    keyed_by: &Option<String>,
) -> Vec<Failure> {
    let (items, keys): (Vec<Option<&Value>>, Option<Vec<String>>) = match value {
        Some(Value::Array(items)) => (items.iter().map(Some).collect(), None),
        Some(Value::Object(map)) => (
            Vec::new(),
            Some(map.keys().cloned().collect::<Vec<String>>()),
        ),
        _ => return Vec::new(),
    };
    let key_values: Vec<Value>;
    let mut sequence: Vec<Option<&Value>> = match &keys {
        Some(keys) => {
            key_values = keys.iter().map(|k| Value::String(k.clone())).collect();
            key_values.iter().map(Some).collect()
        }
        None => items,
    };
    if sequence.len() < 2 {
        return Vec::new();
    }
    if let Some(key) = keyed_by {
        let mut keyed = Vec::with_capacity(sequence.len());
        for item in &sequence {
            match item {
                Some(Value::Object(map)) => keyed.push(map.get(key)),
                Some(Value::Array(items)) => {
                    keyed.push(key.parse::<usize>().ok().and_then(|i| items.get(i)))
                }
                _ => {
                    return vec![Failure::at_target(
                        "#{{print(\"property\")}}must be an object",
                    )];
                }
            }
        }
        sequence = keyed;
    }
    if !sequence
        .iter()
        .all(|item| matches!(item, Some(Value::String(_) | Value::Number(_))))
    {
        return vec![Failure::at_target(
            "#{{print(\"property\")}}must be one of the allowed types: number, string",
        )];
    }
    let values: Vec<&Value> = sequence.into_iter().flatten().collect();
    let Some(index) = (0..values.len() - 1).find(|&i| spectral_compare(values[i], values[i + 1]))
    else {
        return Vec::new();
    };
    if keyed_by.is_some() {
        return vec![Failure::at_target(
            "properties must follow the alphabetical order",
        )];
    }
    let mut at = path.to_vec();
    at.push(match &keys {
        Some(keys) => Segment::Key(keys[index].clone()),
        None => Segment::Index(index),
    });
    vec![Failure::at(
        at,
        format!(
            "{} must be placed after {}",
            print_value(Some(values[index])),
            print_value(Some(values[index + 1]))
        ),
    )]
}

/// Whether `a` must come after `b`, with the comparison Spectral's `alphabetical` uses
/// (numbers by value, strings by locale, anything mixed as equal).
fn spectral_compare(a: &Value, b: &Value) -> bool {
    let a_numeric_or_nan = a.is_number() || js::number(a).is_nan();
    let b_numeric = b.is_number() || !js::number(b).is_nan();
    if a_numeric_or_nan && b_numeric {
        // `Math.min(1, Math.max(-1, a - b)) >= 1`: NaN and differences below 1 pass.
        return js::number(a) - js::number(b) >= 1.0;
    }
    match (a, b) {
        (Value::String(a), Value::String(b)) => js::locale_compare(a, b) == Ordering::Greater,
        _ => false,
    }
}

fn typed_enum(value: Option<&Value>, path: &[Segment], formats: &[Format]) -> Vec<Failure> {
    let Some(Value::Object(map)) = value else {
        return Vec::new();
    };
    let (Some(Value::Array(values)), Some(declared)) = (map.get("enum"), map.get("type")) else {
        return Vec::new();
    };
    let mut types: Vec<String> = match declared {
        Value::String(name) => vec![name.clone()],
        Value::Array(names) if names.iter().all(Value::is_string) => names
            .iter()
            .filter_map(|n| n.as_str().map(str::to_owned))
            .collect(),
        _ => return Vec::new(),
    };
    let single = matches!(declared, Value::String(_));
    let nullable = (map.get("nullable") == Some(&Value::Bool(true))
        && formats.contains(&Format::Oas3_0))
        || (map.get("x-nullable") == Some(&Value::Bool(true)) && formats.contains(&Format::Oas2));
    if nullable {
        types.push("null".to_owned());
    }
    let shown = if single && !nullable {
        types[0].clone()
    } else {
        types.join(",")
    };
    let integers = types.iter().any(|t| t == "integer");
    let mut failures = Vec::new();
    for (index, item) in values.iter().enumerate() {
        let kind = data_type(item, integers);
        if types.iter().any(|t| t == kind) {
            continue;
        }
        let mut at = path.to_vec();
        at.push(Segment::Key("enum".to_owned()));
        at.push(Segment::Index(index));
        failures.push(Failure::at(
            at,
            format!(
                "Enum value {} must be \"{shown}\".",
                print_value(Some(item))
            ),
        ));
    }
    failures
}

fn data_type(value: &Value, integers: bool) -> &'static str {
    match value {
        Value::String(_) => "string",
        Value::Bool(_) => "boolean",
        Value::Number(number) => {
            let integral = number.is_i64()
                || number.is_u64()
                || number
                    .as_f64()
                    .is_some_and(|n| n.fract() == 0.0 && n.is_finite());
            if integers && integral {
                "integer"
            } else {
                "number"
            }
        }
        Value::Null => "null",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn print_number(number: f64) -> String {
    if number.fract() == 0.0 && number.abs() < 1e15 {
        format!("{}", number as i64)
    } else {
        number.to_string()
    }
}

/// `#/a/b~1c` (already without `#`) as path segments.
fn pointer_to_path(pointer: &str) -> Vec<Segment> {
    pointer
        .split('/')
        .skip(1)
        .map(|token| Segment::Key(token.replace("~1", "/").replace("~0", "~")))
        .collect()
}
