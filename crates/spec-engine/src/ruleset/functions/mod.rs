//! The functions a rule's `then` calls: Spectral's core functions, with the options and
//! the behaviour Spectral documents, and the functions the built-in rulesets need
//! (written natively, since Spectral's are JavaScript).
//!
//! A function's options are checked when the ruleset is read ([`Function::prepare`]);
//! like Spectral, a function whose input has the wrong type (a `pattern` on an object)
//! reports nothing.

mod ajv;
mod asyncapi;
mod core;
mod js;
mod oas;
mod owasp;
mod schema;

use std::borrow::Cow;

use portico_jsonpath::Segment;
use serde_json::Value;

use super::format::Format;

/// What a function is called on: the value at a target (`None` when it does not exist,
/// JavaScript's `undefined`) and its path in the document as linted.
#[derive(Clone, Copy)]
pub struct Target<'a> {
    pub value: Option<&'a Value>,
    pub path: &'a [Segment],
}

/// What a function may ask about the document beyond its target.
pub trait Lookup {
    /// The formats of the document (`oas3`, `oas3.0`…).
    fn formats(&self) -> &[Format];
    /// `value` with its `$ref`s replaced by what they point at, as the rule sees the
    /// document (a rule with `resolved: false` sees references as written). Circular
    /// references stay references.
    fn resolved<'v>(&self, value: &'v Value) -> Cow<'v, Value>;
    /// Whether some `$ref` of the project points exactly at this location of the main
    /// document (a JSON pointer such as `/components/schemas/Pet`).
    fn is_referenced(&self, pointer: &str) -> bool;
    /// One node as the rule sees it: a reference that resolves is followed (cheap, unlike
    /// [`Lookup::resolved`], which copies a whole subtree).
    fn follow<'v>(&'v self, value: &'v Value) -> &'v Value;
    /// The main document as written (Spectral's `document.data`), for functions that
    /// read beyond their target (`securityDefinitions`, a `$ref`'s siblings).
    fn document(&self) -> &Value;
}

/// One thing a function found; the path is the target's unless it names another.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    pub message: String,
    pub path: Option<Vec<Segment>>,
}

impl Failure {
    fn at_target(message: impl Into<String>) -> Failure {
        Failure {
            message: message.into(),
            path: None,
        }
    }

    fn at(path: Vec<Segment>, message: impl Into<String>) -> Failure {
        Failure {
            message: message.into(),
            path: Some(path),
        }
    }
}

/// A function with its options checked and compiled.
pub struct Function {
    name: String,
    body: Body,
}

enum Body {
    Core(Box<core::Core>),
    Schema(Box<schema::SchemaCheck>),
    /// The functions of the built-in OpenAPI ruleset.
    Oas(oas::Oas),
    /// The functions of the built-in AsyncAPI ruleset.
    AsyncApi(asyncapi::AsyncApi),
    /// The functions of the built-in OWASP ruleset.
    Owasp(owasp::Owasp),
}

impl std::fmt::Debug for Function {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Function")
            .field("name", &self.name)
            .finish()
    }
}

/// Why a function cannot be used as a ruleset wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrepareError {
    /// Not a function Portico has: a custom JavaScript function of the ruleset.
    Unknown,
    /// The options do not fit the function; the message says how, as Spectral would.
    Options(String),
}

impl Function {
    /// Looks up a function by the name a ruleset uses and checks its options.
    pub fn prepare(name: &str, options: Option<&Value>) -> Result<Function, PrepareError> {
        let options = options.filter(|options| !options.is_null());
        let body = if name == "schema" {
            Body::Schema(Box::new(
                schema::SchemaCheck::prepare(options).map_err(PrepareError::Options)?,
            ))
        } else if let Some(oas) = oas::Oas::prepare(name, options) {
            Body::Oas(oas.map_err(PrepareError::Options)?)
        } else if let Some(asyncapi) = asyncapi::AsyncApi::prepare(name, options) {
            Body::AsyncApi(asyncapi.map_err(PrepareError::Options)?)
        } else if let Some(owasp) = owasp::Owasp::prepare(name, options) {
            Body::Owasp(owasp.map_err(PrepareError::Options)?)
        } else {
            Body::Core(Box::new(core::Core::prepare(name, options)?))
        };
        Ok(Function {
            name: name.to_owned(),
            body,
        })
    }

    /// The name the ruleset used.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether its verdict on a value depends on nothing but the value (and the rule's
    /// view of the document): where the value sits only decides where failures are
    /// reported. A value that passed once then passes wherever it is met again, as
    /// a shared schema is, through every reference to it, in a resolved document.
    pub fn is_pure(&self) -> bool {
        match &self.body {
            Body::Core(core) => !matches!(**core, core::Core::Unreferenced { .. }),
            Body::Schema(_) => true,
            Body::Oas(oas) => matches!(oas, oas::Oas::Schema(_)),
            Body::AsyncApi(_) | Body::Owasp(_) => false,
        }
    }

    /// Runs the function on one target.
    pub fn call(&self, target: Target<'_>, lookup: &dyn Lookup) -> Vec<Failure> {
        match &self.body {
            Body::Core(core) => core.call(target, lookup),
            Body::Schema(check) => check.call(target, lookup),
            Body::Oas(oas) => oas.call(target, lookup),
            Body::AsyncApi(asyncapi) => asyncapi.call(target, lookup),
            Body::Owasp(owasp) => owasp.call(target, lookup),
        }
    }
}

/// A path of keys.
fn keys(parts: &[&str]) -> Vec<Segment> {
    parts
        .iter()
        .map(|p| Segment::Key((*p).to_owned()))
        .collect()
}

/// `path` followed by more segments.
fn join(path: &[Segment], more: impl IntoIterator<Item = Segment>) -> Vec<Segment> {
    let mut out = path.to_vec();
    out.extend(more);
    out
}

fn key(name: &str) -> Segment {
    Segment::Key(name.to_owned())
}

/// A function that takes no options, or the error Spectral gives when some are set.
fn without_options<T>(name: &str, options: Option<&Value>, function: T) -> Result<T, String> {
    match options {
        None => Ok(function),
        Some(_) => Err(format!("\"{name}\" function does not accept any options")),
    }
}

/// The (pointer, message) findings of one rule of a built-in ruleset on a small
/// document, sorted: what the tests of the built-in functions look at.
#[cfg(test)]
fn builtin_findings(ruleset: &str, document: &str, rule: &str) -> Vec<(String, String)> {
    let ruleset = crate::ruleset::Ruleset::load(ruleset, &crate::ruleset::NoFiles)
        .unwrap_or_else(|e| panic!("{e}"));
    findings_of(&ruleset, document, rule)
}

/// The pointers of [`builtin_findings`], sorted.
#[cfg(test)]
fn builtin_pointers(ruleset: &str, document: &str, rule: &str) -> Vec<String> {
    builtin_findings(ruleset, document, rule)
        .into_iter()
        .map(|(pointer, _)| pointer)
        .collect()
}

/// The sorted (pointer, message) findings of one rule of a ruleset on a small document.
#[cfg(test)]
fn findings_of(
    ruleset: &crate::ruleset::Ruleset,
    document: &str,
    rule: &str,
) -> Vec<(String, String)> {
    let input = crate::input::Input::single("api.yaml", document);
    let mut analysis = crate::check(&input);
    crate::apply_ruleset(&input, &mut analysis, ruleset);
    let mut out: Vec<(String, String)> = analysis
        .diagnostics
        .into_iter()
        .filter(|d| d.rule.as_deref() == Some(rule))
        .map(|d| (d.pointer, d.message))
        .collect();
    out.sort();
    out
}

/// The options object of a function, or an error saying it must be one.
fn options_object<'a>(
    function: &str,
    options: Option<&'a Value>,
    example: &str,
) -> Result<&'a serde_json::Map<String, Value>, String> {
    match options {
        Some(Value::Object(map)) => Ok(map),
        _ => Err(format!(
            "\"{function}\" function has invalid options specified. Example valid options: {example}"
        )),
    }
}

/// Ajv's words for an option of the wrong type, as Spectral reports them.
fn type_error(function: &str, option: &str, types: &str) -> String {
    format!(
        "\"{function}\" function and its \"{option}\" option accepts only the following types: {types}"
    )
}

/// Refuses options a function does not know.
fn only_known(
    function: &str,
    map: &serde_json::Map<String, Value>,
    known: &[&str],
) -> Result<(), String> {
    match map.keys().find(|key| !known.contains(&key.as_str())) {
        Some(key) => Err(format!(
            "\"{function}\" function does not support \"{key}\" option"
        )),
        None => Ok(()),
    }
}
