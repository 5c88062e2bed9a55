//! Validation errors as Spectral's validator (Ajv with `allErrors`) lists them and as
//! `@stoplight/better-ajv-errors` turns them into results.
//!
//! Ajv reports a failed `oneOf`/`anyOf` as the errors of every branch followed by the
//! combinator's own; `jsonschema` nests the branches' errors inside the combinator's, so
//! they are unfolded here. better-ajv-errors then groups errors in a tree of instance
//! paths, drops the errors of a node with an `anyOf` error that has children, and drops a
//! node of `enum` errors only that has siblings; which of these survive decides where
//! Spectral places its findings.

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::{ValidationError, Validator};
use portico_jsonpath::Segment;
use serde_json::Value;

use super::Failure;

/// One error as Ajv reports it.
pub struct AjvError {
    pub keyword: String,
    /// JSON pointer of the value in error, relative to the validated value.
    pub instance_path: String,
    /// Ajv's own wording (`must have required property 'name'`).
    pub message: String,
    /// `additionalProperties`: the unexpected property.
    pub additional_property: Option<String>,
    /// `required`: the missing property.
    pub missing_property: Option<String>,
    /// `enum`: the allowed values.
    pub allowed_values: Vec<Value>,
    /// Where in the schema the error arose (`/properties/a/then/required`).
    schema_path: String,
    /// A `oneOf`/`anyOf` that no branch matched (not one that several matched).
    none_matched: bool,
}

/// Most errors listed for one value (Spectral lists them all; this only bounds a
/// pathological document).
const MAX_ERRORS: usize = 20_000;

/// Every error of `instance` in Ajv's form and order.
pub fn errors(validator: &Validator, instance: &Value) -> Vec<AjvError> {
    let mut out = Vec::new();
    for error in validator.iter_errors(instance) {
        unfold(&error, &mut out);
        if out.len() >= MAX_ERRORS {
            break;
        }
    }
    with_conditionals(out)
}

/// Ajv follows the errors of a failed `then` (or `else`) with one of the `if` itself,
/// at the value the `if` applies to (`must match "then" schema`); `jsonschema` reports
/// the branch's errors alone.
fn with_conditionals(errors: Vec<AjvError>) -> Vec<AjvError> {
    let conditions: Vec<Vec<Conditional>> = errors.iter().map(conditionals).collect();
    let mut out = Vec::with_capacity(errors.len());
    for (index, error) in errors.into_iter().enumerate() {
        out.push(error);
        let next = conditions.get(index + 1);
        for conditional in conditions[index].iter().rev() {
            if next.is_some_and(|n| n.contains(conditional)) {
                continue;
            }
            out.push(AjvError {
                keyword: "if".to_owned(),
                instance_path: conditional.instance_path.clone(),
                message: format!("must match \"{}\" schema", conditional.branch),
                additional_property: None,
                missing_property: None,
                allowed_values: Vec::new(),
                schema_path: conditional.schema_path.clone(),
                none_matched: false,
            });
        }
    }
    out
}

/// A `then`/`else` an error arose in: the schema path to it and the value it applies to.
#[derive(PartialEq)]
struct Conditional {
    schema_path: String,
    instance_path: String,
    branch: &'static str,
}

/// The conditionals on an error's schema path, outermost first: the schema path is walked
/// keyword by keyword, counting the keywords that step into a member or item.
fn conditionals(error: &AjvError) -> Vec<Conditional> {
    if !error.schema_path.contains("/then/") && !error.schema_path.contains("/else/") {
        return Vec::new();
    }
    let tokens: Vec<&str> = error.schema_path.split('/').skip(1).collect();
    let instance: Vec<&str> = error.instance_path.split('/').skip(1).collect();
    let mut out = Vec::new();
    let mut depth = 0;
    let mut at = 0;
    while at < tokens.len() {
        let last = at + 1 == tokens.len();
        match tokens[at] {
            _ if last => {}
            "properties" | "patternProperties" => {
                depth += 1;
                at += 1;
            }
            "dependencies" | "dependentSchemas" | "definitions" | "$defs" | "allOf" | "anyOf"
            | "oneOf" => at += 1,
            "items" if tokens[at + 1].bytes().all(|b| b.is_ascii_digit()) => {
                depth += 1;
                at += 1;
            }
            "items"
            | "additionalItems"
            | "additionalProperties"
            | "unevaluatedProperties"
            | "unevaluatedItems"
            | "contains" => depth += 1,
            branch @ ("then" | "else") => out.push(Conditional {
                schema_path: tokens[..=at].join("/"),
                instance_path: instance[..depth.min(instance.len())]
                    .iter()
                    .map(|t| format!("/{t}"))
                    .collect(),
                branch: if branch == "then" { "then" } else { "else" },
            }),
            _ => {}
        }
        at += 1;
    }
    out
}

fn unfold(error: &ValidationError<'_>, out: &mut Vec<AjvError>) {
    let instance_path = error.instance_path().to_string();
    let plain = |keyword: &str, message: String| AjvError {
        keyword: keyword.to_owned(),
        instance_path: instance_path.clone(),
        message,
        additional_property: None,
        missing_property: None,
        allowed_values: Vec::new(),
        schema_path: error.evaluation_path().to_string(),
        none_matched: false,
    };
    match error.kind() {
        ValidationErrorKind::OneOfNotValid { context } | ValidationErrorKind::AnyOf { context } => {
            for branch in context {
                for inner in branch {
                    unfold(inner, out);
                }
            }
            let (keyword, message) = match error.kind() {
                ValidationErrorKind::AnyOf { .. } => ("anyOf", "must match a schema in anyOf"),
                _ => ("oneOf", "must match exactly one schema in oneOf"),
            };
            out.push(AjvError {
                none_matched: true,
                ..plain(keyword, message.to_owned())
            });
        }
        ValidationErrorKind::OneOfMultipleValid { .. } => out.push(plain(
            "oneOf",
            "must match exactly one schema in oneOf".to_owned(),
        )),
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            for name in unexpected {
                out.push(AjvError {
                    additional_property: Some(name.clone()),
                    ..plain(
                        "additionalProperties",
                        "must NOT have additional properties".to_owned(),
                    )
                });
            }
        }
        ValidationErrorKind::Required { property } => {
            let name = property
                .as_str()
                .map_or_else(|| property.to_string(), str::to_owned);
            out.push(AjvError {
                missing_property: Some(name.clone()),
                ..plain("required", format!("must have required property '{name}'"))
            });
        }
        ValidationErrorKind::Enum { options } => out.push(AjvError {
            allowed_values: options.as_array().cloned().unwrap_or_default(),
            ..plain(
                "enum",
                "must be equal to one of the allowed values".to_owned(),
            )
        }),
        ValidationErrorKind::Constant { .. } => {
            out.push(plain("const", "must be equal to constant".to_owned()))
        }
        ValidationErrorKind::Type { kind } => {
            let types = match kind {
                TypeKind::Single(single) => single.to_string(),
                TypeKind::Multiple(many) => many
                    .iter()
                    .map(|t| t.to_string())
                    .collect::<Vec<_>>()
                    .join(","),
            };
            out.push(plain("type", format!("must be {types}")));
        }
        ValidationErrorKind::Format { format } => {
            out.push(plain("format", format!("must match format \"{format}\"")))
        }
        ValidationErrorKind::Pattern { pattern } => out.push(plain(
            "pattern",
            format!("must match pattern \"{pattern}\""),
        )),
        ValidationErrorKind::MinItems { limit } => out.push(plain(
            "minItems",
            format!("must NOT have fewer than {limit} items"),
        )),
        ValidationErrorKind::MinProperties { limit } => out.push(plain(
            "minProperties",
            format!("must NOT have fewer than {limit} properties"),
        )),
        ValidationErrorKind::MinLength { limit } => out.push(plain(
            "minLength",
            format!("must NOT have fewer than {limit} characters"),
        )),
        ValidationErrorKind::Not { .. } => out.push(plain("not", "must NOT be valid".to_owned())),
        ValidationErrorKind::Minimum { limit } => {
            out.push(plain("minimum", format!("must be >= {limit}")))
        }
        ValidationErrorKind::Maximum { limit } => {
            out.push(plain("maximum", format!("must be <= {limit}")))
        }
        ValidationErrorKind::ExclusiveMinimum { limit } => {
            out.push(plain("exclusiveMinimum", format!("must be > {limit}")))
        }
        ValidationErrorKind::ExclusiveMaximum { limit } => {
            out.push(plain("exclusiveMaximum", format!("must be < {limit}")))
        }
        ValidationErrorKind::MaxItems { limit } => out.push(plain(
            "maxItems",
            format!("must NOT have more than {limit} items"),
        )),
        ValidationErrorKind::MaxProperties { limit } => out.push(plain(
            "maxProperties",
            format!("must NOT have more than {limit} properties"),
        )),
        ValidationErrorKind::MaxLength { limit } => out.push(plain(
            "maxLength",
            format!("must NOT have more than {limit} characters"),
        )),
        ValidationErrorKind::Contains => out.push(plain(
            "contains",
            "must contain at least 1 valid item(s)".to_owned(),
        )),
        ValidationErrorKind::UniqueItems => {
            let (first, second) = duplicate_items(error.instance()).unwrap_or_default();
            out.push(plain(
                "uniqueItems",
                format!(
                    "must NOT have duplicate items (items ## {first} and {second} are identical)"
                ),
            ))
        }
        // Ajv reports the name's own error at the object, then its `propertyNames`.
        ValidationErrorKind::PropertyNames { error: inner } => {
            let before = out.len();
            unfold(inner, out);
            for reported in &mut out[before..] {
                reported.instance_path.clone_from(&instance_path);
            }
            out.push(plain(
                "propertyNames",
                "property name must be valid".to_owned(),
            ));
        }
        ValidationErrorKind::FalseSchema => {
            out.push(plain("false schema", "boolean schema is false".to_owned()))
        }
        kind => out.push(plain(
            kind.keyword(),
            error.to_string().trim_end_matches('.').to_owned(),
        )),
    }
}

/// The pair of equal items Ajv names: the last item that repeats an earlier one, and
/// the nearest earlier one it repeats.
fn duplicate_items(items: &Value) -> Option<(usize, usize)> {
    let items = items.as_array()?;
    (0..items.len())
        .rev()
        .find_map(|i| (0..i).rev().find(|j| items[*j] == items[i]).map(|j| (j, i)))
}

/// The results better-ajv-errors makes of Ajv's errors, with Spectral's `schema`
/// function's wording, at paths relative to `target` (which sits at `base`).
pub fn results(
    errors: &[AjvError],
    target: &Value,
    base: &[Segment],
    describe_items: bool,
) -> Vec<Failure> {
    let mut tree = Tree::default();
    for (index, error) in errors.iter().enumerate() {
        tree.insert(index, &error.instance_path);
    }
    tree.filter(0, None, errors);
    let wording = Wording {
        errors,
        target,
        target_name: base.last().map(|segment| match segment {
            Segment::Key(name) => name.clone(),
            Segment::Index(index) => index.to_string(),
        }),
    };
    let mut ordered = Vec::new();
    tree.collect(0, &wording, &mut ordered);
    let unmatched: Vec<(&str, &str)> = errors
        .iter()
        .filter(|e| e.none_matched)
        .map(|e| (e.instance_path.as_str(), e.keyword.as_str()))
        .collect();
    ordered
        .into_iter()
        .map(|(pointer, mut message)| {
            if describe_items {
                message = describe_array_item(message, &pointer);
                if let Some((_, keyword)) = unmatched.iter().find(|(at, _)| *at == pointer)
                    && message.ends_with(&format!(" in {keyword}"))
                {
                    message.push_str(
                        ". None of the schemas matched, see the other errors reported for this value",
                    );
                }
            }
            let mut path = base.to_vec();
            path.extend(crate::ruleset::resolve::path_of_pointer(target, &pointer));
            Failure::at(path, message)
        })
        .collect()
}

/// `"3" property …` of an array item becomes `Item at index 3 …`.
fn describe_array_item(message: String, pointer: &str) -> String {
    let Some(index) = pointer
        .rsplit('/')
        .next()
        .filter(|i| !i.is_empty() && i.bytes().all(|b| b.is_ascii_digit()))
    else {
        return message;
    };
    for prefix in [
        format!("\"{index}\" property type"),
        format!("\"{index}\" property"),
    ] {
        if let Some(rest) = message.strip_prefix(&prefix) {
            return format!("Item at index {index}{rest}");
        }
    }
    message
}

/// The keys better-ajv-errors files an instance path under (its regular expression
/// `/\/[\w$_-]+(\/\d+)?/g`); `None` when it finds none, which drops the error.
fn tree_keys(pointer: &str) -> Option<Vec<String>> {
    if pointer.is_empty() {
        return Some(vec![String::new()]);
    }
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b == b'-';
    let bytes = pointer.as_bytes();
    let mut out = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at] != b'/' || !bytes.get(at + 1).is_some_and(|b| word(*b)) {
            at += 1;
            continue;
        }
        let start = at;
        at += 1;
        while at < bytes.len() && word(bytes[at]) {
            at += 1;
        }
        if bytes.get(at) == Some(&b'/') && bytes.get(at + 1).is_some_and(u8::is_ascii_digit) {
            at += 1;
            while at < bytes.len() && bytes[at].is_ascii_digit() {
                at += 1;
            }
        }
        out.push(pointer[start..at].to_owned());
    }
    (!out.is_empty()).then_some(out)
}

#[derive(Default)]
struct Node {
    key: String,
    /// `None` once dropped as redundant (and for the root, which has none).
    errors: Option<Vec<usize>>,
    children: Vec<usize>,
    removed: bool,
}

struct Tree {
    nodes: Vec<Node>,
}

impl Default for Tree {
    fn default() -> Tree {
        Tree {
            nodes: vec![Node::default()],
        }
    }
}

impl Tree {
    fn insert(&mut self, error: usize, pointer: &str) {
        let Some(keys) = tree_keys(pointer) else {
            return;
        };
        let mut node = 0;
        for key in keys {
            let found = self.nodes[node]
                .children
                .iter()
                .copied()
                .find(|child| self.nodes[*child].key == key);
            node = match found {
                Some(child) => child,
                None => {
                    self.nodes.push(Node {
                        key,
                        errors: Some(Vec::new()),
                        ..Node::default()
                    });
                    let child = self.nodes.len() - 1;
                    self.nodes[node].children.push(child);
                    child
                }
            };
        }
        if let Some(errors) = &mut self.nodes[node].errors {
            errors.push(error);
        }
    }

    fn live_children(&self, node: usize) -> Vec<usize> {
        self.nodes[node]
            .children
            .iter()
            .copied()
            .filter(|c| !self.nodes[*c].removed)
            .collect()
    }

    /// better-ajv-errors' `filterRedundantErrors`.
    fn filter(&mut self, node: usize, parent: Option<usize>, errors: &[AjvError]) {
        let own: Vec<usize> = self.nodes[node].errors.clone().unwrap_or_default();
        if own.iter().any(|e| errors[*e].keyword == "anyOf") && !self.live_children(node).is_empty()
        {
            self.nodes[node].errors = None;
        }
        let own: Vec<usize> = self.nodes[node].errors.clone().unwrap_or_default();
        if !own.is_empty()
            && own.iter().all(|e| errors[*e].keyword == "enum")
            && let Some(parent) = parent
            && self.live_children(parent).iter().any(|c| *c != node)
        {
            self.nodes[node].removed = true;
        }
        for child in self.live_children(node) {
            self.filter(child, Some(node), errors);
        }
    }

    /// Errors in better-ajv-errors' order: a node's own, then its children's; a node of
    /// `enum` errors only gives one error listing every allowed value.
    fn collect(&self, node: usize, context: &Wording<'_>, out: &mut Vec<(String, String)>) {
        let own = self.nodes[node].errors.as_deref().unwrap_or_default();
        let errors = context.errors;
        if !own.is_empty() && own.iter().all(|e| errors[*e].keyword == "enum") {
            let mut allowed: Vec<Value> = Vec::new();
            for e in own {
                for value in &errors[*e].allowed_values {
                    if !allowed.contains(value) {
                        allowed.push(value.clone());
                    }
                }
            }
            let first = &errors[own[0]];
            out.push((
                first.instance_path.clone(),
                context.enum_message(first, &allowed),
            ));
            return;
        }
        for e in own {
            let error = &errors[*e];
            out.push((error.instance_path.clone(), context.message(error)));
        }
        for child in self.live_children(node) {
            self.collect(child, context, out);
        }
    }
}

/// What better-ajv-errors words its messages with.
struct Wording<'a> {
    errors: &'a [AjvError],
    target: &'a Value,
    /// The last segment of the target's own path.
    target_name: Option<String>,
}

impl Wording<'_> {
    fn property_name(&self, pointer: &str) -> Option<String> {
        match pointer.rfind('/') {
            Some(at) => Some(pointer[at + 1..].to_owned()),
            None => self.target_name.clone(),
        }
    }

    /// `"name" property`, or the value's JavaScript type when it has no name.
    fn subject(&self, pointer: &str) -> String {
        match self.property_name(pointer) {
            Some(name) => format!("\"{name}\" property"),
            None => {
                let value = if pointer.is_empty() {
                    Some(self.target)
                } else {
                    self.target.pointer(pointer)
                };
                match value {
                    Some(Value::String(_)) => "String",
                    Some(Value::Number(_)) => "Number",
                    Some(Value::Bool(_)) => "Boolean",
                    None => "Undefined",
                    Some(_) => "Object",
                }
                .to_owned()
            }
        }
    }

    fn message(&self, error: &AjvError) -> String {
        let at = error.instance_path.as_str();
        match error.keyword.as_str() {
            "additionalProperties" => format!(
                "Property \"{}\" is not expected to be here",
                error.additional_property.as_deref().unwrap_or_default()
            ),
            "type" => match self.property_name(at) {
                Some(name) => format!("\"{name}\" property type {}", error.message),
                None => format!("Value type {}", error.message),
            },
            _ => format!(
                "{} {}",
                self.subject(at),
                error
                    .message
                    .replace(['\'', '"'], "\"")
                    .replace("NOT", "not")
            ),
        }
    }

    fn enum_message(&self, error: &AjvError, allowed: &[Value]) -> String {
        let listed: Vec<String> = allowed
            .iter()
            .map(|v| match v {
                Value::String(text) => format!("\"{text}\""),
                other => other.to_string(),
            })
            .collect();
        let mut message = format!(
            "{} {}: {}",
            self.subject(&error.instance_path),
            error.message,
            listed.join(", ")
        );
        let current =
            self.target
                .pointer(&error.instance_path)
                .or(if error.instance_path.is_empty() {
                    Some(self.target)
                } else {
                    None
                });
        if let Some(Value::String(current)) = current {
            let best = allowed
                .iter()
                .filter_map(Value::as_str)
                .map(|candidate| (levenshtein(candidate, current), candidate))
                .min_by_key(|(weight, _)| *weight);
            if let Some((weight, best)) = best
                && (allowed.len() == 1 || weight < best.chars().count())
            {
                message.push_str(&format!(". Did you mean \"{best}\"?"));
            }
        }
        message
    }
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let current = row[j + 1];
            row[j + 1] = if ca == *cb {
                previous
            } else {
                1 + previous.min(current).min(row[j])
            };
            previous = current;
        }
    }
    row[b.len()]
}
