//! The state of one comparison: both documents, the changes found so far, and what the
//! schema walk remembers (which pairs of referenced schemas are equal). Every comparer
//! reports through [`Differ::report`], which applies the catalog and the overrides.

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use super::overrides::RuleOverrides;
use super::report::{Direction, Group, Severity};
use super::rules;
use crate::input::Input;
use crate::model::{Model, Source};
use crate::refs::{Documents, Target, resolve_target};

/// One of the two documents.
pub(crate) struct Side<'a> {
    pub documents: &'a Documents,
    pub model: &'a Model,
    pub input: &'a Input,
}

/// A value of a document together with where it is written.
#[derive(Debug, Clone)]
pub(crate) struct Node<'a> {
    pub file: &'a str,
    pub pointer: String,
    pub value: &'a Value,
}

impl<'a> Node<'a> {
    /// The member `key` of this object.
    pub fn get(&self, key: &str) -> Option<Node<'a>> {
        self.value.get(key).map(|value| Node {
            file: self.file,
            pointer: format!(
                "{}/{}",
                self.pointer,
                key.replace('~', "~0").replace('/', "~1")
            ),
            value,
        })
    }

    /// The item `index` of this array.
    pub fn item(&self, index: usize) -> Option<Node<'a>> {
        self.value.get(index).map(|value| Node {
            file: self.file,
            pointer: format!("{}/{index}", self.pointer),
            value,
        })
    }

    /// The members of this object, each as a node.
    pub fn entries(&self) -> Vec<(&'a str, Node<'a>)> {
        let mut out = Vec::new();
        if let Value::Object(map) = self.value {
            for (key, value) in map {
                out.push((
                    key.as_str(),
                    Node {
                        file: self.file,
                        pointer: format!(
                            "{}/{}",
                            self.pointer,
                            key.replace('~', "~0").replace('/', "~1")
                        ),
                        value,
                    },
                ));
            }
        }
        out
    }

    /// The items of this array, each as a node.
    pub fn items(&self) -> Vec<Node<'a>> {
        match self.value {
            Value::Array(items) => (0..items.len()).filter_map(|i| self.item(i)).collect(),
            _ => Vec::new(),
        }
    }

    /// A string member.
    pub fn text(&self, key: &str) -> Option<&'a str> {
        self.value.get(key).and_then(Value::as_str)
    }

    /// Where it is written.
    pub fn spot(&self) -> Spot {
        Spot {
            file: self.file.to_owned(),
            pointer: self.pointer.clone(),
        }
    }

    /// The `file#pointer` key of this node.
    pub fn key(&self) -> String {
        format!("{}#{}", self.file, self.pointer)
    }
}

/// A place in one document, before its line and column are looked up.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct Spot {
    pub file: String,
    pub pointer: String,
}

impl From<&Source> for Spot {
    fn from(source: &Source) -> Spot {
        Spot {
            file: source.file.clone(),
            pointer: source.pointer.clone(),
        }
    }
}

impl<'a> Side<'a> {
    /// The node at `file#pointer`.
    pub fn node(&self, file: &str, pointer: &str) -> Option<Node<'a>> {
        let (file, loaded) = self.documents.files.get_key_value(file)?;
        Some(Node {
            file: file.as_str(),
            pointer: pointer.to_owned(),
            value: loaded.value.pointer(pointer)?,
        })
    }

    /// The node a model part was built from.
    pub fn at(&self, source: Option<&Source>) -> Option<Node<'a>> {
        source.and_then(|s| self.node(&s.file, &s.pointer))
    }

    /// The root of the main document.
    pub fn root(&self) -> Option<Node<'a>> {
        self.node(&self.documents.main, "")
    }

    /// Follows `$ref`s from `node` to the value they name (the node itself when it is
    /// not a reference, or when the reference cannot be followed).
    pub fn resolve(&self, node: Node<'a>) -> Node<'a> {
        let mut current = node;
        for _ in 0..64 {
            let Some(reference) = current.value.get("$ref").and_then(Value::as_str) else {
                return current;
            };
            let Ok(Target::Local { file, pointer }) = resolve_target(current.file, reference)
            else {
                return current;
            };
            match self.node(&file, &pointer) {
                Some(next) => current = next,
                None => return current,
            }
        }
        current
    }
}

/// A change before the catalog and the overrides decided on it.
#[derive(Debug, Clone)]
pub(crate) struct Found {
    pub rule: &'static str,
    pub severity: Severity,
    pub direction: Direction,
    pub message: String,
    pub old: Option<Spot>,
    pub new: Option<Spot>,
    pub group: Group,
    /// How many more places reported the very same change.
    pub repeats: usize,
}

/// Both sides and the changes found so far.
pub(crate) struct Differ<'a> {
    pub old: Side<'a>,
    pub new: Side<'a>,
    overrides: &'a RuleOverrides,
    pub found: Vec<Found>,
    seen: HashMap<(String, Direction, Option<Spot>, Option<Spot>), usize>,
    /// Pairs of referenced schemas (`old key`, `new key`) known to be equal or not.
    pub equal: HashMap<(String, String), bool>,
    /// Pairs of referenced schemas being compared right now (cycles stop here).
    pub walking: HashSet<(String, String)>,
}

/// What one report says.
pub(crate) struct Report<'r> {
    pub direction: Direction,
    pub message: String,
    pub old: Option<Spot>,
    pub new: Option<Spot>,
    pub group: &'r Group,
}

impl<'a> Differ<'a> {
    pub fn new(old: Side<'a>, new: Side<'a>, overrides: &'a RuleOverrides) -> Differ<'a> {
        Differ {
            old,
            new,
            overrides,
            found: Vec::new(),
            seen: HashMap::new(),
            equal: HashMap::new(),
            walking: HashSet::new(),
        }
    }

    /// The severity `rule` has in this comparison; `None` when it is turned off.
    fn severity_of(&self, rule: &str) -> Option<Severity> {
        match self.overrides.get(rule) {
            Some(level) => level,
            None => {
                let info = rules::rule(rule);
                debug_assert!(info.is_some(), "rule {rule} is not in the catalog");
                Some(info.map_or(Severity::Warning, |r| r.severity))
            }
        }
    }

    /// Records a change found by `rule` (an id of the catalog).
    pub fn report(&mut self, rule: &'static str, report: Report<'_>) {
        self.report_capped(rule, report, false);
    }

    /// [`Differ::report`], at most `info` when `capped` (a read-only property in what
    /// consumers send, a write-only one in what they receive).
    pub fn report_capped(&mut self, rule: &'static str, report: Report<'_>, capped: bool) {
        let Some(mut severity) = self.severity_of(rule) else {
            return;
        };
        if capped {
            severity = Severity::Info;
        }
        let key = (
            rule.to_owned(),
            report.direction,
            report.old.clone(),
            report.new.clone(),
        );
        if let Some(&at) = self.seen.get(&key) {
            self.found[at].repeats += 1;
            return;
        }
        self.seen.insert(key, self.found.len());
        self.found.push(Found {
            rule,
            severity,
            direction: report.direction,
            message: report.message,
            old: report.old,
            new: report.new,
            group: report.group.clone(),
            repeats: 0,
        });
    }

    /// Records a schema change found by the pair of rules `request-{base}` and
    /// `response-{base}`: the one for the direction of the data, or for data that goes
    /// both ways, the more severe of the two.
    pub fn report_pair(
        &mut self,
        request: &'static str,
        response: &'static str,
        report: Report<'_>,
        capped: bool,
    ) {
        let rule = match report.direction {
            Direction::Sends => request,
            Direction::Receives => response,
            _ => {
                let (a, b) = (self.severity_of(request), self.severity_of(response));
                match (a, b) {
                    (Some(a), Some(b)) if b < a => response,
                    (None, Some(_)) => response,
                    _ => request,
                }
            }
        };
        self.report_capped(rule, report, capped);
    }
}
