//! Running a ruleset over a project: every rule's `given` paths are matched in one walk
//! of the document as the rules see it (resolved, or as written for `resolved: false`
//! rules), each match's `then` targets are handed to the functions, and each failure
//! becomes a diagnostic at the place its value is written, carrying the rule's id.
//! Results are deduplicated as Spectral does (rule, location, message).

use std::borrow::Cow;
use std::collections::HashSet;

use portico_jsonpath::{Path, PathSet, Segment};
use serde_json::Value;

use super::format::Format;
use super::functions::{Failure, Lookup, Target};
use super::load::{Rule, Ruleset};
use super::message::{self, Vars};
use super::resolve::{Location, ResolvedView, UntilRef};
use super::severity::RuleSeverity;
use crate::diagnostic::{Diagnostic, escape_token};
use crate::fast_hash::FastSet;
use crate::refs::Documents;

/// Most nodes a `schema` function copies to see its target resolved.
const MATERIALIZE_BUDGET: usize = 200_000;

/// The findings of `ruleset` on a project (positions not filled in yet).
pub fn lint(documents: &Documents, ruleset: &Ruleset) -> Vec<Diagnostic> {
    let Some(main) = documents.files.get(&documents.main) else {
        return Vec::new();
    };
    let formats = Format::of(&main.value);
    let view = ResolvedView::new(documents);
    let runnable: Vec<&Rule> = ruleset
        .rules
        .iter()
        .filter(|rule| {
            rule.enabled
                && rule.applies_to(&formats)
                && rule.then.iter().all(|then| then.function.is_ok())
                && (rule.severity != RuleSeverity::Off || !rule.pointer_severities.is_empty())
        })
        .collect();
    let mut run = Run {
        view: &view,
        formats: &formats,
        out: Vec::new(),
        seen: HashSet::new(),
        passed: FastSet::default(),
    };
    for resolved in [true, false] {
        let mut paths = Vec::new();
        let mut owners: Vec<usize> = Vec::new();
        for (index, rule) in runnable.iter().enumerate() {
            if rule.resolved != resolved {
                continue;
            }
            for given in rule.given_for(&formats).unwrap_or_default() {
                if let Ok(path) = Path::parse(&given) {
                    paths.push(path);
                    owners.push(index);
                }
            }
        }
        if paths.is_empty() {
            continue;
        }
        let set = PathSet::new(paths);
        let resolve = resolver(&view, resolved);
        set.visit_resolved(
            &main.value,
            &resolve,
            |path_index, segments: &[Segment], value| {
                let in_document = matches!(value, Cow::Borrowed(_));
                run.lint_node(
                    runnable[owners[path_index]],
                    segments,
                    &value,
                    resolved,
                    in_document,
                );
            },
        );
    }
    run.out
}

struct Run<'v, 'd> {
    view: &'v ResolvedView<'d>,
    formats: &'v [Format],
    out: Vec<Diagnostic>,
    seen: HashSet<(String, String, String, String)>,
    /// (rule, `then`, value) by address, for pure functions whose target passed: a
    /// resolved document meets a shared schema's values once per reference to it
    /// (Stripe's descriptions half a million times).
    passed: FastSet<(usize, usize, usize)>,
}

/// What a function may ask, for one rule.
struct RuleLookup<'v, 'd> {
    view: &'v ResolvedView<'d>,
    formats: &'v [Format],
    resolved: bool,
}

impl Lookup for RuleLookup<'_, '_> {
    fn formats(&self) -> &[Format] {
        self.formats
    }

    fn resolved<'x>(&self, value: &'x Value) -> Cow<'x, Value> {
        if !self.resolved || !self.view.has_resolutions() {
            return Cow::Borrowed(value);
        }
        let mut budget = MATERIALIZE_BUDGET;
        Cow::Owned(self.view.materialize(value, &mut budget))
    }

    fn is_referenced(&self, pointer: &str) -> bool {
        self.view.is_referenced(pointer)
    }

    fn follow<'x>(&'x self, value: &'x Value) -> &'x Value {
        if self.resolved {
            self.view.resolve(value)
        } else {
            value
        }
    }

    fn document(&self) -> &Value {
        self.view
            .value_at(self.view.main(), &[])
            .unwrap_or(&Value::Null)
    }
}

impl Run<'_, '_> {
    /// Runs `rule`'s functions on their targets in `value`; `in_document` when `value` is
    /// the document's own (not a key made into a value), so addresses identify it.
    fn lint_node(
        &mut self,
        rule: &Rule,
        given_path: &[Segment],
        value: &Value,
        resolved: bool,
        in_document: bool,
    ) {
        let lookup = RuleLookup {
            view: self.view,
            formats: self.formats,
            resolved,
        };
        for (then_index, then) in rule.then.iter().enumerate() {
            let Ok(function) = &then.function else {
                continue;
            };
            let pure = function.is_pure();
            let memo = |target: &Value| {
                (
                    std::ptr::from_ref(rule) as usize,
                    then_index,
                    std::ptr::from_ref(target) as usize,
                )
            };
            if pure && in_document {
                // Known to pass without building a path: the value itself (resolving is
                // idempotent), or the member a plain `field` names.
                let own = if resolved {
                    self.view.resolve(value)
                } else {
                    value
                };
                let target = match then.field.as_deref() {
                    None => Some(own),
                    Some(field) if is_member_name(field) => {
                        own.get(field).map(|member| match resolved {
                            true => self.view.resolve(member),
                            false => member,
                        })
                    }
                    Some(_) => None,
                };
                if target.is_some_and(|target| self.passed.contains(&memo(target))) {
                    continue;
                }
            }

            for (relative, target) in targets(value, then.field.as_deref(), self.view, resolved) {
                let stable = in_document && matches!(target, Some(Cow::Borrowed(_)));
                let target: Option<&Value> = match &target {
                    Some(Cow::Borrowed(t)) if resolved => Some(self.view.resolve(t)),
                    Some(t) => Some(t.as_ref()),
                    None => None,
                };

                let key = target.filter(|_| pure && stable).map(memo);
                if key.is_some_and(|key| self.passed.contains(&key)) {
                    continue;
                }
                let mut path = given_path.to_vec();
                path.extend(relative);
                let failures = function.call(
                    Target {
                        value: target,
                        path: &path,
                    },
                    &lookup,
                );
                if failures.is_empty()
                    && let Some(key) = key
                {
                    self.passed.insert(key);
                }
                for failure in failures {
                    self.report(rule, &path, failure, resolved);
                }
            }
        }
    }

    fn report(&mut self, rule: &Rule, target_path: &[Segment], failure: Failure, resolved: bool) {
        let full = failure.path.unwrap_or_else(|| target_path.to_vec());
        let (location, missing) = self.place(&full, resolved);
        let Location { file, path } = location;
        let pointer: String = path
            .iter()
            .map(|segment| match segment {
                Segment::Key(key) => format!("/{}", escape_token(key)),
                Segment::Index(index) => format!("/{index}"),
            })
            .collect();
        let severity = match rule.severity_at(&pointer) {
            RuleSeverity::Off => return,
            RuleSeverity::Report(severity) => severity,
        };
        // `{{property}}`: the missing part from the last existing key on (`info.contact`),
        // else the last key of the location.
        let property = if missing.len() > path.len() {
            dot_path(&missing[path.len().saturating_sub(1)..])
        } else {
            path.last().map(segment_text).unwrap_or_default()
        };
        let value = self.view.value_at(&file, &path);
        // `{{path}}`: the location as a URI fragment, as Spectral prints it.
        let printed_path = crate::refs::fragment_ref(&pointer);
        let mut vars = Vars {
            error: &failure.message,
            path: &printed_path,
            property: &property,
            value,
            description: rule.description.as_deref(),
        };
        let result_message = message::render(&failure.message, &vars);
        vars.error = &result_message;
        let text = match &rule.message {
            Some(template) => message::render(template, &vars),
            None => rule
                .description
                .clone()
                .unwrap_or_else(|| result_message.clone()),
        }
        .trim()
        .to_owned();
        let key = (
            rule.name.clone(),
            file.clone(),
            pointer.clone(),
            text.clone(),
        );
        if !self.seen.insert(key) {
            return;
        }
        let mut diagnostic = Diagnostic::new(severity, &file, pointer, text);
        diagnostic.rule = Some(rule.name.clone());
        self.out.push(diagnostic);
    }
}

impl Run<'_, '_> {
    /// Where a result at `full` (a path of the document as the rule saw it) is reported,
    /// and the path its `{{property}}` is read from, as Spectral's document inventory
    /// works them out: the closest existing location, followed through the references
    /// that resolved; the missing part is kept only when a reference was crossed before
    /// the end of what exists (Spectral's quirk, kept so messages and de-duplication
    /// agree with it).
    fn place(&self, full: &[Segment], resolved: bool) -> (Location, Vec<Segment>) {
        let (plain, _) = self.view.locate(full, false);
        if !resolved || self.view.meets_unresolved_external(full) {
            return (plain, full.to_vec());
        }
        let (_, existing) = self.view.locate(full, true);
        match self.view.until_ref(&full[..existing]) {
            UntilRef::None => (plain, full.to_vec()),
            UntilRef::Broken => {
                let location = Location {
                    file: self.view.main().to_owned(),
                    path: full[..existing].to_vec(),
                };
                let missing = location.path.clone();
                (location, missing)
            }
            UntilRef::Early | UntilRef::AtEnd => {
                let location = self.view.locate_through_references(full);
                let tail: &[Segment] = match self.view.until_ref(&full[..existing]) {
                    UntilRef::AtEnd => &[],
                    _ => {
                        let last = &full[existing - 1];
                        let at = full.iter().rposition(|s| s == last).unwrap_or(existing - 1);
                        &full[at + 1..]
                    }
                };
                let mut missing = location.path.clone();
                missing.extend_from_slice(tail);
                (location, missing)
            }
        }
    }
}

/// Spectral's dotted path (`a.b[0]['x y']`), as `{{property}}` prints a missing part.
fn dot_path(path: &[Segment]) -> String {
    let mut out = String::new();
    for (index, segment) in path.iter().enumerate() {
        match segment {
            Segment::Index(i) => out.push_str(&format!("[{i}]")),
            Segment::Key(key) if key.is_empty() => out.push_str("['']"),
            Segment::Key(key) if key.chars().any(char::is_whitespace) => {
                out.push_str(&format!("['{key}']"))
            }
            Segment::Key(key) if !key.trim().is_empty() && key.trim().parse::<f64>().is_ok() => {
                out.push_str(&format!("[{key}]"))
            }
            Segment::Key(key) => {
                if index > 0 {
                    out.push('.');
                }
                out.push_str(key);
            }
        }
    }
    out
}

/// The targets of `then.field` inside a matched value (Spectral's `getLintTargets`).
fn targets<'x>(
    value: &'x Value,
    field: Option<&str>,
    view: &'x ResolvedView<'_>,
    resolved: bool,
) -> Vec<(Vec<Segment>, Option<Cow<'x, Value>>)> {
    let value: &'x Value = if resolved { view.resolve(value) } else { value };
    let Some(field) = field.filter(|_| value.is_object() || value.is_array()) else {
        return vec![(Vec::new(), Some(Cow::Borrowed(value)))];
    };
    let mut found: Vec<(Vec<Segment>, Option<Cow<'x, Value>>)> = Vec::new();
    if field == "@key" {
        match value {
            Value::Object(map) => {
                for key in map.keys() {
                    found.push((
                        vec![Segment::Key(key.clone())],
                        Some(Cow::Owned(Value::String(key.clone()))),
                    ));
                }
            }
            Value::Array(items) => {
                for index in 0..items.len() {
                    found.push((
                        vec![Segment::Index(index)],
                        Some(Cow::Owned(Value::String(index.to_string()))),
                    ));
                }
            }
            _ => {}
        }
    } else if field.starts_with('$') {
        if let Ok(path) = Path::parse(field) {
            let set = PathSet::new(vec![path]);
            let resolve = resolver(view, resolved);
            set.visit_resolved(value, &resolve, |_, segments: &[Segment], matched| {
                found.push((segments.to_vec(), Some(matched)));
            });
        }
    } else {
        let segments = field_path(field);
        let mut node = Some(value);
        let mut path = Vec::with_capacity(segments.len());
        for segment in segments {
            let current = node.map(|n| if resolved { view.resolve(n) } else { n });
            node = match current {
                Some(Value::Object(map)) => map.get(&segment),
                Some(Value::Array(items)) => {
                    segment.parse::<usize>().ok().and_then(|i| items.get(i))
                }
                _ => None,
            };
            path.push(match (current, segment.parse::<usize>()) {
                (Some(Value::Array(_)), Ok(index)) => Segment::Index(index),
                _ => Segment::Key(segment),
            });
        }
        found.push((path, node.map(Cow::Borrowed)));
    }
    if found.is_empty() {
        found.push((Vec::new(), None));
    }
    found
}

/// What the walk sees in place of each node: its resolution, or the node as written.
fn resolver<'x>(view: &'x ResolvedView<'_>, resolved: bool) -> impl Fn(&'x Value) -> &'x Value {
    move |value| if resolved { view.resolve(value) } else { value }
}

/// Whether a `field` names one member of an object as it is (`description`, not
/// `a.b`, `a[0]`, `@key` or a JSONPath), so the member is looked up directly.
fn is_member_name(field: &str) -> bool {
    !field.is_empty() && !field.starts_with('$') && field != "@key" && !field.contains(['.', '['])
}

/// lodash's `toPath`: `a.b[0]['c.d']` as keys.
fn field_path(field: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut chars = field.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '.' => out.push(std::mem::take(&mut current)),
            '[' => {
                if !current.is_empty() {
                    out.push(std::mem::take(&mut current));
                }
                let quote = chars.peek().copied().filter(|q| *q == '\'' || *q == '"');
                if let Some(q) = quote {
                    chars.next();
                    for c in chars.by_ref() {
                        if c == q {
                            break;
                        }
                        current.push(c);
                    }
                    chars.next_if_eq(&']');
                } else {
                    for c in chars.by_ref() {
                        if c == ']' {
                            break;
                        }
                        current.push(c);
                    }
                }
                out.push(std::mem::take(&mut current));
                chars.next_if_eq(&'.');
            }
            other => current.push(other),
        }
    }
    if !current.is_empty() || field.ends_with('.') {
        out.push(current);
    }
    out
}

fn segment_text(segment: &Segment) -> String {
    match segment {
        Segment::Key(key) => key.clone(),
        Segment::Index(index) => index.to_string(),
    }
}
