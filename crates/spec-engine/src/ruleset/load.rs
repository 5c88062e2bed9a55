//! Reading a ruleset in Spectral's format (YAML or JSON) into rules ready to run:
//! `extends` (built-in names, files, inline rulesets, `[ruleset, all|recommended|off]`),
//! `rules` (new rules, or a severity / `true` / `false` / a partial definition for an
//! inherited one), `aliases` (simple and per-format), `formats`, `documentationUrl` and
//! `overrides`. Inheritance follows Spectral's: rules keep the position of their first
//! definition; a ruleset's own rules are on when `recommended` (the default) unless it
//! is extended with `all` or `off`; a rule's `formats` default to its ruleset's.
//!
//! A rule whose `then` calls a function Portico does not have (a custom JavaScript
//! function) is kept and listed by [`Ruleset::unsupported`], never dropped in silence.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::{Map, Value};

use super::builtin;
use super::format::Format;
use super::functions::{Function, PrepareError};
use super::severity::RuleSeverity;
use crate::input::Limits;

/// Where rulesets come from: files for the CLI, stored texts for the server.
pub trait RulesetReader {
    /// The text of the ruleset `reference` names (a path as written in `extends` or on
    /// the command line), read relative to the ruleset `from` that names it, with an
    /// id for it (a canonical path) that later references resolve against.
    fn read(&self, reference: &str, from: Option<&str>) -> Result<(String, String), String>;
}

/// A reader that has no files: only built-in rulesets and inline definitions load.
pub struct NoFiles;

impl RulesetReader for NoFiles {
    fn read(&self, reference: &str, _from: Option<&str>) -> Result<(String, String), String> {
        Err(format!(
            "{reference:?} is not a built-in ruleset, and no files can be read here"
        ))
    }
}

/// Rulesets kept by name (an organisation's own, in its governance profile): `extends`
/// and profiles name them as they are called.
pub struct NamedRulesets<'a>(pub &'a std::collections::BTreeMap<String, String>);

impl RulesetReader for NamedRulesets<'_> {
    fn read(&self, reference: &str, _from: Option<&str>) -> Result<(String, String), String> {
        self.0
            .get(reference)
            .map(|text| (reference.to_owned(), text.clone()))
            .ok_or_else(|| {
                let names: Vec<&str> = self.0.keys().map(String::as_str).collect();
                format!(
                    "{reference:?} is neither a built-in ruleset nor one of the profile's own ({})",
                    names.join(", ")
                )
            })
    }
}

/// Why a ruleset cannot be used; says which file and where in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RulesetError {
    /// The ruleset file (or built-in name) the problem is in.
    pub source: String,
    /// JSON pointer inside that ruleset ("" for the whole of it).
    pub pointer: String,
    pub message: String,
}

impl std::fmt::Display for RulesetError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.pointer.is_empty() {
            write!(f, "{}: {}", self.source, self.message)
        } else {
            write!(f, "{}: {}: {}", self.source, self.pointer, self.message)
        }
    }
}

impl std::error::Error for RulesetError {}

/// One `then` of a rule.
#[derive(Debug, Clone)]
pub struct Then {
    /// `then.field` as written: a key path (`info.contact`), `@key`, or a JSONPath (`$..x`).
    pub field: Option<String>,
    /// The function, or the name of one Portico does not have.
    pub function: Result<Arc<Function>, String>,
}

/// The aliases of one ruleset; a rule's `given` reads those of the ruleset that wrote it.
#[derive(Debug, Default)]
pub struct Aliases(HashMap<String, Alias>);

#[derive(Debug)]
enum Alias {
    Simple(Vec<String>),
    /// Per-format targets; the last target matching the document wins.
    Scoped(Vec<(Vec<Format>, Vec<String>)>),
}

/// One rule after inheritance.
#[derive(Debug, Clone)]
pub struct Rule {
    pub name: String,
    pub description: Option<String>,
    pub message: Option<String>,
    pub severity: RuleSeverity,
    pub recommended: bool,
    pub enabled: bool,
    /// Whether the rule sees `$ref`s resolved (Spectral's default) or as written.
    pub resolved: bool,
    /// The formats the rule applies to; `None` for every document.
    pub formats: Option<Vec<Format>>,
    pub given: Vec<String>,
    pub then: Vec<Then>,
    pub documentation_url: Option<String>,
    aliases: Arc<Aliases>,
    owner: usize,
    /// Severities for parts of documents (`overrides` with `file#/pointer`).
    pub(crate) pointer_severities: Vec<(String, RuleSeverity)>,
}

impl Rule {
    /// The JSONPath expressions of `given` for a document of `formats`, aliases expanded.
    pub fn given_for(&self, formats: &[Format]) -> Result<Vec<String>, String> {
        let mut out = Vec::new();
        for given in &self.given {
            expand(&self.aliases, given, formats, &mut Vec::new(), &mut out)?;
        }
        Ok(out)
    }

    /// The severity for a result at `pointer` (pointer overrides apply, longest first).
    pub fn severity_at(&self, pointer: &str) -> RuleSeverity {
        let mut best: Option<(usize, RuleSeverity)> = None;
        for (prefix, severity) in &self.pointer_severities {
            let applies = pointer == prefix
                || pointer.starts_with(&format!("{prefix}/"))
                || prefix.is_empty();
            if applies && best.is_none_or(|(length, _)| prefix.len() >= length) {
                best = Some((prefix.len(), *severity));
            }
        }
        best.map_or(self.severity, |(_, severity)| severity)
    }

    /// Whether the rule runs on a document of `formats`.
    pub fn applies_to(&self, formats: &[Format]) -> bool {
        self.formats
            .as_ref()
            .is_none_or(|wanted| wanted.iter().any(|f| formats.contains(f)))
    }
}

/// Rules ready to run, in the order their rulesets define them.
#[derive(Debug, Clone, Default)]
pub struct Ruleset {
    pub rules: Vec<Rule>,
    /// `overrides` of the top ruleset, applied per document by [`Ruleset::for_document`].
    overrides: Option<Overrides>,
}

#[derive(Debug, Clone)]
struct Overrides {
    definition: Value,
    source: String,
}

/// An enabled rule Portico cannot run, and the function it needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsupported {
    pub rule: String,
    pub function: String,
}

impl Ruleset {
    /// Reads the ruleset `reference` names: a built-in name or what `reader` reads.
    pub fn load(reference: &str, reader: &dyn RulesetReader) -> Result<Ruleset, RulesetError> {
        Ruleset::load_all(&[reference.to_owned()], reader)
    }

    /// Several rulesets as one (as if one ruleset extended them all, in order).
    pub fn load_all(
        references: &[String],
        reader: &dyn RulesetReader,
    ) -> Result<Ruleset, RulesetError> {
        if let [single] = references {
            let (source, definition) = read_definition(single, None, reader)?;
            return Ruleset::from_definition(&definition, &source, reader);
        }
        let definition = serde_json::json!({ "extends": references });
        Ruleset::from_definition(&definition, "", reader)
    }

    /// A ruleset from its definition (already parsed), read as if it were the file `source`.
    pub fn from_definition(
        definition: &Value,
        source: &str,
        reader: &dyn RulesetReader,
    ) -> Result<Ruleset, RulesetError> {
        let mut builder = Builder {
            reader,
            stack: Vec::new(),
            next_owner: 0,
        };
        let built = builder.build(definition, source, Extent::Recommended, false, true)?;
        let overrides = definition
            .get("overrides")
            .filter(|o| o.as_array().is_some_and(|a| !a.is_empty()))
            .map(|_| Overrides {
                definition: definition.clone(),
                source: source.to_owned(),
            });
        Ok(Ruleset {
            rules: built.rules,
            overrides,
        })
    }

    /// Reads a ruleset from its text (YAML or JSON), as if it were the file `source`.
    pub fn from_text(
        text: &str,
        source: &str,
        reader: &dyn RulesetReader,
    ) -> Result<Ruleset, RulesetError> {
        let definition = parse_definition(text, source)?;
        Ruleset::from_definition(&definition, source, reader)
    }

    /// The enabled rules that need a function Portico does not have.
    pub fn unsupported(&self) -> Vec<Unsupported> {
        self.rules
            .iter()
            .filter(|rule| rule.enabled)
            .flat_map(|rule| {
                rule.then.iter().filter_map(|then| match &then.function {
                    Err(name) => Some(Unsupported {
                        rule: rule.name.clone(),
                        function: name.clone(),
                    }),
                    Ok(_) => None,
                })
            })
            .collect()
    }

    /// The ruleset with the `overrides` that match `document` applied (its path as the
    /// CLI was given it; patterns match it relative to the ruleset's folder).
    pub fn for_document(
        &self,
        document: &str,
        reader: &dyn RulesetReader,
    ) -> Result<std::borrow::Cow<'_, Ruleset>, RulesetError> {
        let Some(overrides) = &self.overrides else {
            return Ok(std::borrow::Cow::Borrowed(self));
        };
        let relative = relative_to_folder_of(&overrides.source, document);
        let error = |pointer: String, message: String| RulesetError {
            source: overrides.source.clone(),
            pointer,
            message,
        };
        let Some(Value::Array(entries)) = overrides.definition.get("overrides") else {
            return Ok(std::borrow::Cow::Borrowed(self));
        };
        let mut whole_file: Vec<Value> = Vec::new();
        let mut pointer_severities: Vec<(String, String, RuleSeverity)> = Vec::new();
        for (index, entry) in entries.iter().enumerate() {
            let Some(files) = entry.get("files").and_then(Value::as_array) else {
                return Err(error(
                    format!("/overrides/{index}/files"),
                    "an override needs \"files\": a list of file patterns".into(),
                ));
            };
            let mut matched_whole = false;
            for pattern in files.iter().filter_map(Value::as_str) {
                let (glob, pointer) = match pattern.split_once('#') {
                    Some((glob, pointer)) => (glob, Some(pointer)),
                    None => (pattern, None),
                };
                if !glob_matches(glob, &relative) {
                    continue;
                }
                match pointer {
                    None => matched_whole = true,
                    Some(pointer) => {
                        let Some(Value::Object(rules)) = entry.get("rules") else {
                            return Err(error(
                                format!("/overrides/{index}"),
                                "an override of a part of a file (file#/pointer) needs \"rules\" with severities".into(),
                            ));
                        };
                        for (name, severity) in rules {
                            let Some(severity) = RuleSeverity::parse(severity) else {
                                return Err(error(
                                    format!("/overrides/{index}/rules/{name}"),
                                    "an override of a part of a file can only set a severity"
                                        .into(),
                                ));
                            };
                            pointer_severities.push((
                                name.clone(),
                                crate::refs::percent_decode(pointer),
                                severity,
                            ));
                        }
                    }
                }
            }
            if matched_whole {
                let mut entry = entry.clone();
                if let Some(object) = entry.as_object_mut() {
                    object.remove("files");
                }
                whole_file.push(entry);
            }
        }
        if whole_file.is_empty() && pointer_severities.is_empty() {
            return Ok(std::borrow::Cow::Borrowed(self));
        }
        let mut base = overrides.definition.clone();
        if let Some(object) = base.as_object_mut() {
            object.remove("overrides");
        }
        let merged = match whole_file.split_first() {
            None => base,
            Some((first, rest)) => {
                let combined = rest.iter().fold(first.clone(), |left, right| {
                    merge_definitions(left, right.clone(), true)
                });
                merge_definitions(base, combined, false)
            }
        };
        let mut builder = Builder {
            reader,
            stack: Vec::new(),
            next_owner: 0,
        };
        let mut built =
            builder.build(&merged, &overrides.source, Extent::Recommended, false, true)?;
        for (name, pointer, severity) in pointer_severities {
            if let Some(rule) = built.rules.iter_mut().find(|rule| rule.name == name) {
                rule.pointer_severities.push((pointer, severity));
                rule.enabled = true;
            }
        }
        Ok(std::borrow::Cow::Owned(Ruleset {
            rules: built.rules,
            overrides: None,
        }))
    }
}

/// How the rules of an extended ruleset start out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Extent {
    Recommended,
    All,
    Off,
}

impl Extent {
    fn enables(self, rule: &Rule) -> bool {
        self == Extent::All || (self == Extent::Recommended && rule.recommended)
    }
}

struct Built {
    rules: Vec<Rule>,
}

struct Builder<'r> {
    reader: &'r dyn RulesetReader,
    /// Rulesets being read (ids), to skip one that extends itself.
    stack: Vec<String>,
    next_owner: usize,
}

const KNOWN_KEYS: [&str; 10] = [
    "extends",
    "formats",
    "rules",
    "aliases",
    "overrides",
    "documentationUrl",
    "functions",
    "functionsDir",
    "parserOptions",
    "description",
];

impl Builder<'_> {
    fn build(
        &mut self,
        definition: &Value,
        source: &str,
        extent: Extent,
        explicit: bool,
        top: bool,
    ) -> Result<Built, RulesetError> {
        let error = |pointer: &str, message: String| RulesetError {
            source: source.to_owned(),
            pointer: pointer.to_owned(),
            message,
        };
        let Some(object) = definition.as_object() else {
            return Err(error(
                "",
                "a ruleset must be a mapping (with rules, extends…)".into(),
            ));
        };
        if let Some(key) = object.keys().find(|k| !KNOWN_KEYS.contains(&k.as_str())) {
            return Err(error(
                &format!("/{key}"),
                format!(
                    "unknown ruleset field {key:?}; a ruleset has {}",
                    KNOWN_KEYS.join(", ")
                ),
            ));
        }
        if !top && object.contains_key("overrides") {
            // Spectral applies the overrides of the top ruleset only.
        }
        let owner = self.next_owner;
        self.next_owner += 1;
        let aliases = Arc::new(parse_aliases(object.get("aliases"), source)?);
        let ruleset_formats = match object.get("formats") {
            None => None,
            Some(value) => Some(parse_formats(value).map_err(|m| error("/formats", m))?),
        };
        let mut rules: Vec<Rule> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        let put =
            |rules: &mut Vec<Rule>, index: &mut HashMap<String, usize>, rule: Rule| match index
                .get(&rule.name)
            {
                Some(&at) => rules[at] = rule,
                None => {
                    index.insert(rule.name.clone(), rules.len());
                    rules.push(rule);
                }
            };
        if let Some(extends) = object.get("extends") {
            let entries: Vec<&Value> = match extends {
                Value::Array(items) => items.iter().collect(),
                single => vec![single],
            };
            for (position, entry) in entries.into_iter().enumerate() {
                let pointer = format!("/extends/{position}");
                let (target, extension_extent, explicit_extent) = match entry {
                    Value::Array(pair) => {
                        let [target, extent] = pair.as_slice() else {
                            return Err(error(&pointer, "an extension with a severity is [ruleset, \"all\" | \"recommended\" | \"off\"]".into()));
                        };
                        let extent = match extent.as_str() {
                            Some("all") => Extent::All,
                            Some("recommended") => Extent::Recommended,
                            Some("off") => Extent::Off,
                            _ => {
                                return Err(error(&pointer, "the severity of an extension is \"all\", \"recommended\" or \"off\"".into()));
                            }
                        };
                        (target, extent, true)
                    }
                    other => (other, Extent::Recommended, false),
                };
                let extended = match target {
                    Value::String(reference) => {
                        let (id, definition) =
                            read_definition(reference, Some(source), self.reader).map_err(
                                |mut e| {
                                    if e.source.is_empty() || e.source == *reference {
                                        e.source = source.to_owned();
                                        e.pointer = pointer.clone();
                                    }
                                    e
                                },
                            )?;
                        if self.stack.contains(&id) || id == source {
                            continue;
                        }
                        self.stack.push(id.clone());
                        let built =
                            self.build(&definition, &id, extension_extent, explicit_extent, false);
                        self.stack.pop();
                        built?
                    }
                    Value::Object(_) => {
                        self.build(target, source, extension_extent, explicit_extent, false)?
                    }
                    _ => {
                        return Err(error(
                            &pointer,
                            "an extension is a ruleset name, a file or a ruleset".into(),
                        ));
                    }
                };
                for mut rule in extended.rules {
                    if explicit {
                        rule.enabled = extent.enables(&rule);
                    }
                    put(&mut rules, &mut index, rule);
                }
            }
        }
        if let Some(own) = object.get("rules") {
            let Some(own) = own.as_object() else {
                return Err(error(
                    "/rules",
                    "rules must be a mapping of rule names to rules".into(),
                ));
            };
            for (name, value) in own {
                let pointer = format!("/rules/{}", crate::diagnostic::escape_token(name));
                let existing = index.get(name).map(|&at| rules[at].clone());
                let mut rule = merge_rule(existing, name, value, owner, &aliases)
                    .map_err(|message| error(&pointer, message))?;
                if rule.owner == owner || explicit {
                    rule.enabled = extent.enables(&rule);
                }
                if rule.formats.is_none() && rule.owner == owner {
                    rule.formats = ruleset_formats.clone();
                }
                if let Some(url) = object.get("documentationUrl").and_then(Value::as_str)
                    && rule.documentation_url.is_none()
                {
                    rule.documentation_url = Some(format!("{url}#{name}"));
                }
                check_given(&rule)
                    .map_err(|message| error(&format!("{pointer}/given"), message))?;
                put(&mut rules, &mut index, rule);
            }
        }
        Ok(Built { rules })
    }
}

/// Applies one entry of `rules` to the inherited rule of that name (if any).
fn merge_rule(
    existing: Option<Rule>,
    name: &str,
    value: &Value,
    owner: usize,
    aliases: &Arc<Aliases>,
) -> Result<Rule, String> {
    let inherited = || {
        existing
            .clone()
            .ok_or_else(|| format!("Cannot extend non-existing rule: \"{name}\""))
    };
    match value {
        Value::Bool(enabled) => {
            let mut rule = inherited()?;
            rule.enabled = *enabled;
            Ok(rule)
        }
        Value::String(_) | Value::Number(_) => {
            let mut rule = inherited()?;
            let severity = RuleSeverity::parse(value).ok_or_else(|| {
                format!("{value} is not a severity; use error, warn, info, hint or off")
            })?;
            rule.severity = severity;
            rule.enabled = severity != RuleSeverity::Off;
            Ok(rule)
        }
        Value::Object(definition) => match existing {
            Some(mut rule) => {
                apply_fields(&mut rule, definition)?;
                if definition.contains_key("given") {
                    rule.aliases = aliases.clone();
                }
                rule.enabled = true;
                Ok(rule)
            }
            None => {
                for required in ["given", "then"] {
                    if !definition.contains_key(required) {
                        return Err(format!("the rule has no \"{required}\""));
                    }
                }
                let mut rule = Rule {
                    name: name.to_owned(),
                    description: None,
                    message: None,
                    severity: RuleSeverity::DEFAULT,
                    recommended: true,
                    enabled: true,
                    resolved: true,
                    formats: None,
                    given: Vec::new(),
                    then: Vec::new(),
                    documentation_url: None,
                    aliases: aliases.clone(),
                    owner,
                    pointer_severities: Vec::new(),
                };
                apply_fields(&mut rule, definition)?;
                rule.enabled = rule.recommended;
                Ok(rule)
            }
        },
        _ => Err("a rule is a definition, a severity, true or false".into()),
    }
}

const RULE_KEYS: [&str; 11] = [
    "description",
    "message",
    "severity",
    "recommended",
    "formats",
    "given",
    "then",
    "resolved",
    "documentationUrl",
    "type",
    "extensions",
];

/// Sets the fields a rule definition names.
fn apply_fields(rule: &mut Rule, definition: &Map<String, Value>) -> Result<(), String> {
    if let Some(key) = definition.keys().find(|k| !RULE_KEYS.contains(&k.as_str())) {
        return Err(format!(
            "unknown rule field {key:?}; a rule has {}",
            RULE_KEYS.join(", ")
        ));
    }
    let text = |key: &str| -> Result<Option<String>, String> {
        match definition.get(key) {
            None => Ok(None),
            Some(Value::String(text)) => Ok(Some(text.clone())),
            Some(_) => Err(format!("\"{key}\" must be text")),
        }
    };
    if definition.contains_key("description") {
        rule.description = text("description")?;
    }
    if definition.contains_key("message") {
        rule.message = text("message")?;
    }
    if definition.contains_key("documentationUrl") {
        rule.documentation_url = text("documentationUrl")?;
    }
    if let Some(severity) = definition.get("severity") {
        rule.severity = RuleSeverity::parse(severity).ok_or_else(|| {
            format!("\"severity\" {severity} is not one of error, warn, info, hint, off")
        })?;
    }
    if let Some(recommended) = definition.get("recommended") {
        rule.recommended = recommended
            .as_bool()
            .ok_or("\"recommended\" must be true or false")?;
    }
    if let Some(resolved) = definition.get("resolved") {
        rule.resolved = resolved
            .as_bool()
            .ok_or("\"resolved\" must be true or false")?;
    }
    if let Some(formats) = definition.get("formats") {
        rule.formats = Some(parse_formats(formats)?);
    }
    if let Some(given) = definition.get("given") {
        rule.given = match given {
            Value::String(path) => vec![path.clone()],
            Value::Array(paths) if !paths.is_empty() => paths
                .iter()
                .map(|p| {
                    p.as_str()
                        .map(str::to_owned)
                        .ok_or("\"given\" must be a JSONPath expression or a list of them")
                })
                .collect::<Result<_, _>>()?,
            _ => return Err("\"given\" must be a JSONPath expression or a list of them".into()),
        };
    }
    if let Some(then) = definition.get("then") {
        let entries: Vec<&Value> = match then {
            Value::Array(items) if !items.is_empty() => items.iter().collect(),
            Value::Object(_) => vec![then],
            _ => return Err(
                "\"then\" must be a mapping (field, function, functionOptions) or a list of them"
                    .into(),
            ),
        };
        rule.then = entries
            .into_iter()
            .enumerate()
            .map(|(index, entry)| parse_then(entry).map_err(|m| format!("then[{index}]: {m}")))
            .collect::<Result<_, _>>()?;
    }
    Ok(())
}

fn parse_then(entry: &Value) -> Result<Then, String> {
    let Some(object) = entry.as_object() else {
        return Err("must be a mapping with \"function\"".into());
    };
    if let Some(key) = object
        .keys()
        .find(|k| !["field", "function", "functionOptions"].contains(&k.as_str()))
    {
        return Err(format!(
            "unknown field {key:?}; then has field, function, functionOptions"
        ));
    }
    let field = match object.get("field") {
        None => None,
        Some(Value::String(field)) => {
            if field.starts_with('$') {
                portico_jsonpath::Path::parse(field).map_err(|e| {
                    format!("\"field\" {field:?} is not a JSONPath Portico reads: {e}")
                })?;
            }
            Some(field.clone())
        }
        Some(_) => return Err("\"field\" must be text".into()),
    };
    let Some(name) = object.get("function").and_then(Value::as_str) else {
        return Err("\"function\" must name a function".into());
    };
    let function = match Function::prepare(name, object.get("functionOptions")) {
        Ok(function) => Ok(Arc::new(function)),
        Err(PrepareError::Unknown) => Err(name.to_owned()),
        Err(PrepareError::Options(message)) => return Err(message),
    };
    Ok(Then { field, function })
}

/// Checks that every `given` expands and parses for every kind of document.
fn check_given(rule: &Rule) -> Result<(), String> {
    let samples: [&[Format]; 5] = [
        &[Format::Oas2],
        &[Format::Oas3, Format::Oas3_0],
        &[Format::Oas3, Format::Oas3_1],
        &[Format::AsyncApi2, Format::AsyncApi2Minor(6)],
        &[Format::AsyncApi3, Format::AsyncApi3Minor(0)],
    ];
    for formats in samples {
        for path in rule.given_for(formats)? {
            portico_jsonpath::Path::parse(&path)
                .map_err(|e| format!("{path:?} is not a JSONPath Portico reads: {e}"))?;
        }
    }
    Ok(())
}

/// Expands `#Alias` at the start of a `given`, recursively.
fn expand(
    aliases: &Aliases,
    expression: &str,
    formats: &[Format],
    stack: &mut Vec<String>,
    out: &mut Vec<String>,
) -> Result<(), String> {
    let Some(rest) = expression.strip_prefix('#') else {
        out.push(expression.to_owned());
        return Ok(());
    };
    let name_length = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(rest.len());
    if name_length == 0 {
        return Err(format!(
            "{expression:?}: an alias is # followed by letters, digits, _ or -"
        ));
    }
    let (name, tail) = rest.split_at(name_length);
    if stack.iter().any(|n| n == name) {
        stack.push(name.to_owned());
        return Err(format!(
            "Alias \"{}\" is circular. Resolution stack: {}",
            stack[0],
            stack.join(" -> ")
        ));
    }
    let Some(alias) = aliases.0.get(name) else {
        return Err(format!("Alias \"{name}\" does not exist"));
    };
    let targets: &[String] = match alias {
        Alias::Simple(targets) => targets,
        Alias::Scoped(scoped) => match scoped
            .iter()
            .rev()
            .find(|(wanted, _)| wanted.iter().any(|f| formats.contains(f)))
        {
            Some((_, given)) => given,
            None => return Ok(()),
        },
    };
    stack.push(name.to_owned());
    for target in targets {
        expand(aliases, &format!("{target}{tail}"), formats, stack, out)?;
    }
    stack.pop();
    Ok(())
}

fn parse_aliases(value: Option<&Value>, source: &str) -> Result<Aliases, RulesetError> {
    let error = |pointer: String, message: &str| RulesetError {
        source: source.to_owned(),
        pointer,
        message: message.to_owned(),
    };
    let Some(value) = value else {
        return Ok(Aliases::default());
    };
    let Some(object) = value.as_object() else {
        return Err(error(
            "/aliases".into(),
            "aliases must be a mapping of names to paths",
        ));
    };
    let strings = |value: &Value| -> Option<Vec<String>> {
        value
            .as_array()?
            .iter()
            .map(|item| item.as_str().map(str::to_owned))
            .collect()
    };
    let mut aliases = HashMap::new();
    for (name, value) in object {
        let pointer = format!("/aliases/{name}");
        let alias = if let Some(list) = strings(value) {
            Alias::Simple(list)
        } else if let Some(targets) = value.get("targets").and_then(Value::as_array) {
            let mut scoped = Vec::new();
            for target in targets {
                let formats = target
                    .get("formats")
                    .ok_or("")
                    .and_then(|f| parse_formats(f).map_err(|_| ""))
                    .map_err(|_| {
                        error(
                            pointer.clone(),
                            "each target of an alias needs valid \"formats\"",
                        )
                    })?;
                let given = target.get("given").and_then(strings).ok_or_else(|| {
                    error(
                        pointer.clone(),
                        "each target of an alias needs \"given\": a list of paths",
                    )
                })?;
                scoped.push((formats, given));
            }
            Alias::Scoped(scoped)
        } else {
            return Err(error(
                pointer,
                "an alias is a list of paths or {targets: [{formats, given}]}",
            ));
        };
        aliases.insert(name.clone(), alias);
    }
    Ok(Aliases(aliases))
}

fn parse_formats(value: &Value) -> Result<Vec<Format>, String> {
    let Some(items) = value.as_array() else {
        return Err("\"formats\" must be a list such as [oas3, asyncapi2]".into());
    };
    items
        .iter()
        .map(|item| {
            item.as_str()
                .and_then(Format::parse)
                .ok_or_else(|| format!("{item} is not a format Portico knows (oas2, oas3, oas3.0, oas3.1, asyncapi2, asyncapi3…)"))
        })
        .collect()
}

/// Reads a ruleset by reference: a built-in name, or a file through the reader.
fn read_definition(
    reference: &str,
    from: Option<&str>,
    reader: &dyn RulesetReader,
) -> Result<(String, Value), RulesetError> {
    if let Some(text) = builtin::text(reference) {
        let id = builtin::canonical_name(reference).to_owned();
        return parse_definition(text, &id).map(|definition| (id, definition));
    }
    if builtin::is_reserved(reference) {
        return Err(RulesetError {
            source: from.unwrap_or(reference).to_owned(),
            pointer: String::new(),
            message: format!(
                "{reference:?} is not built into this version of Portico; the built-in rulesets are {}",
                builtin::NAMES.join(", ")
            ),
        });
    }
    if reference.starts_with("http://") || reference.starts_with("https://") {
        return Err(RulesetError {
            source: from.unwrap_or(reference).to_owned(),
            pointer: String::new(),
            message: format!(
                "{reference:?}: rulesets are not downloaded; save it as a file and name the file"
            ),
        });
    }
    let (id, text) = reader
        .read(reference, from)
        .map_err(|message| RulesetError {
            source: from.unwrap_or(reference).to_owned(),
            pointer: String::new(),
            message,
        })?;
    if id.ends_with(".js") || id.ends_with(".mjs") || id.ends_with(".cjs") || id.ends_with(".ts") {
        return Err(RulesetError {
            source: id,
            pointer: String::new(),
            message: "JavaScript rulesets cannot be read; write the ruleset in YAML or JSON".into(),
        });
    }
    let definition = parse_definition(&text, &id)?;
    Ok((id, definition))
}

/// Parses a ruleset's text (YAML or JSON).
fn parse_definition(text: &str, source: &str) -> Result<Value, RulesetError> {
    crate::parse::parse_text(text, &Limits::default())
        .map(|(value, _)| value)
        .map_err(|error| RulesetError {
            source: source.to_owned(),
            pointer: String::new(),
            message: format!(
                "line {}, column {}: {}",
                error.line, error.column, error.message
            ),
        })
}

/// Spectral's merge of two ruleset definitions (an override into its base).
fn merge_definitions(left: Value, right: Value, is_override: bool) -> Value {
    let (Value::Object(left), Value::Object(right)) = (left, right) else {
        return Value::Null;
    };
    let mut merged = left.clone();
    for (key, value) in right.clone() {
        merged.insert(key, value);
    }
    if let (Some(Value::Object(a)), Some(Value::Object(b))) =
        (left.get("aliases"), right.get("aliases"))
    {
        let mut aliases = a.clone();
        aliases.extend(b.clone());
        merged.insert("aliases".into(), Value::Object(aliases));
    }
    if !(left.contains_key("rules") && right.contains_key("rules")) {
        return Value::Object(merged);
    }
    if is_override {
        if let (Some(Value::Object(a)), Some(Value::Object(b))) =
            (left.get("rules"), right.get("rules"))
        {
            let mut rules = a.clone();
            rules.extend(b.clone());
            merged.insert("rules".into(), Value::Object(rules));
        }
    } else {
        let base = Value::Object(left);
        let extends = match merged.remove("extends") {
            None => vec![base],
            Some(Value::Array(mut items)) => {
                items.push(base);
                items
            }
            Some(single) => vec![single, base],
        };
        merged.insert("extends".into(), Value::Array(extends));
    }
    Value::Object(merged)
}

/// `document` relative to the folder of the ruleset file `source`, with `/` separators.
fn relative_to_folder_of(source: &str, document: &str) -> String {
    let folder = std::path::Path::new(source)
        .parent()
        .map(|p| p.to_path_buf())
        .unwrap_or_default();
    let document = std::path::Path::new(document);
    let relative = pathdiff(document, &folder);
    relative.to_string_lossy().replace('\\', "/")
}

/// `path` relative to `base` (both as given, made absolute against the same folder).
fn pathdiff(path: &std::path::Path, base: &std::path::Path) -> std::path::PathBuf {
    use std::path::Component;
    let absolute = |p: &std::path::Path| {
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            std::env::current_dir().unwrap_or_default().join(p)
        }
    };
    let normal = |p: std::path::PathBuf| -> Vec<String> {
        let mut parts: Vec<String> = Vec::new();
        for component in p.components() {
            match component {
                Component::ParentDir => {
                    parts.pop();
                }
                Component::Normal(part) => parts.push(part.to_string_lossy().into_owned()),
                _ => {}
            }
        }
        parts
    };
    let path = normal(absolute(path));
    let base = normal(absolute(base));
    let common = path.iter().zip(&base).take_while(|(a, b)| a == b).count();
    let mut out = std::path::PathBuf::new();
    for _ in common..base.len() {
        out.push("..");
    }
    for part in &path[common..] {
        out.push(part);
    }
    out
}

/// Whether a minimatch-style glob (`*`, `**`, `?`, `[…]`, `{a,b}`) matches a path.
pub fn glob_matches(glob: &str, path: &str) -> bool {
    let mut regex = String::from("^");
    let chars: Vec<char> = glob.chars().collect();
    let mut i = 0;
    let mut braces = 0;
    while i < chars.len() {
        match chars[i] {
            '*' if chars.get(i + 1) == Some(&'*') => {
                i += 1;
                if chars.get(i + 1) == Some(&'/') {
                    i += 1;
                    regex.push_str("(?:[^/]*/)*");
                } else {
                    regex.push_str(".*");
                }
            }
            '*' => regex.push_str("[^/]*"),
            '?' => regex.push_str("[^/]"),
            '[' => {
                let close = chars[i + 1..].iter().position(|&c| c == ']');
                match close {
                    Some(length) => {
                        let class: String = chars[i + 1..i + 1 + length].iter().collect();
                        let class = class
                            .strip_prefix('!')
                            .map_or(class.clone(), |c| format!("^{c}"));
                        regex.push('[');
                        regex.push_str(&class.replace('\\', "\\\\"));
                        regex.push(']');
                        i += length + 1;
                    }
                    None => regex.push_str("\\["),
                }
            }
            '{' => {
                braces += 1;
                regex.push_str("(?:");
            }
            '}' if braces > 0 => {
                braces -= 1;
                regex.push(')');
            }
            ',' if braces > 0 => regex.push('|'),
            c => regex.push_str(&fancy_regex::escape(&c.to_string())),
        }
        i += 1;
    }
    regex.push('$');
    let path = path.strip_prefix("./").unwrap_or(path);
    fancy_regex::Regex::new(&regex)
        .ok()
        .and_then(|r| r.is_match(path).ok())
        .unwrap_or(false)
}
