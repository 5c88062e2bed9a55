//! The state of one comparison: both documents, the changes found so far, and what the
//! schema walk remembers (which pairs of referenced schemas are equal). Every comparer
//! reports through [`Differ::report`], which applies the catalog and the overrides.

use std::cell::RefCell;
use std::rc::Rc;

use serde_json::Value;

use super::overrides::RuleOverrides;
use super::report::{Direction, Group, Severity};
use super::rules;
use crate::input::Input;
use crate::json::{lookup, member};
use crate::model::{Model, Source};
use crate::refs::{Documents, Target, resolve_target};

pub(crate) use crate::fast_hash::{FastMap, FastSet};

/// Which value of a document a node is: its address. Every loaded file stays in memory
/// for the whole comparison, so one address is one `file#pointer`, and comparing or
/// hashing it costs nothing next to the pointer text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Id(usize);

impl Id {
    pub fn of(value: &Value) -> Id {
        Id(std::ptr::from_ref(value) as usize)
    }
}

/// One of the two documents.
pub(crate) struct Side<'a> {
    pub documents: &'a Documents,
    pub model: &'a Model,
    pub input: &'a Input,
    /// Where each `$ref` written in a file leads (file, pointer, value), or `None` when
    /// it cannot be followed: a large document names the same schemas thousands of times.
    steps: RefCell<FastMap<(&'a str, &'a str), Option<Step<'a>>>>,
    /// The values the model's parts are written at, by file and pointer: a media type's
    /// pointer continues its operation's, so a lookup starts from the nearest one known
    /// rather than from the root (whose `paths` are hundreds of long keys).
    nodes: RefCell<FastMap<&'a str, FastMap<Rc<str>, &'a Value>>>,
}

/// One `$ref` followed.
#[derive(Clone)]
struct Step<'a> {
    file: &'a str,
    pointer: Rc<str>,
    value: &'a Value,
}

/// A value of a document together with where it is written.
#[derive(Debug, Clone)]
pub(crate) struct Node<'a> {
    pub file: &'a str,
    /// Shared: a node is cloned far more often than it is reported.
    pub pointer: Rc<str>,
    pub value: &'a Value,
    /// The value written at `file#pointer`: `value` itself, except for a stand-in (an
    /// empty schema where one is missing), which is the place it stands at.
    pub id: Id,
}

impl<'a> Node<'a> {
    /// The value at `pointer` in `file`.
    pub fn new(file: &'a str, pointer: Rc<str>, value: &'a Value) -> Node<'a> {
        Node {
            file,
            pointer,
            value,
            id: Id::of(value),
        }
    }

    /// `value` standing at the place of this node.
    pub fn stand_in(&self, value: &'a Value) -> Node<'a> {
        Node {
            value,
            ..self.clone()
        }
    }

    /// The member `key` of this object.
    pub fn get(&self, key: &str) -> Option<Node<'a>> {
        member(self.value, key)
            .map(|value| Node::new(self.file, child_pointer(&self.pointer, key).into(), value))
    }

    /// The item `index` of this array.
    pub fn item(&self, index: usize) -> Option<Node<'a>> {
        self.value
            .get(index)
            .map(|value| Node::new(self.file, format!("{}/{index}", self.pointer).into(), value))
    }

    /// The members of this object, each as a node.
    pub fn entries(&self) -> Vec<(&'a str, Node<'a>)> {
        let mut out = Vec::new();
        if let Value::Object(map) = self.value {
            for (key, value) in map {
                out.push((
                    key.as_str(),
                    Node::new(self.file, child_pointer(&self.pointer, key).into(), value),
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
        member(self.value, key).and_then(Value::as_str)
    }

    /// Where it is written.
    pub fn spot(&self) -> Spot {
        Spot {
            file: self.file.to_owned(),
            pointer: self.pointer.to_string(),
        }
    }
}

/// The proper ancestors of a JSON pointer, nearest first (the root, `""`, last).
fn ancestors(pointer: &str) -> impl Iterator<Item = &str> {
    let mut rest = pointer;
    std::iter::from_fn(move || {
        let at = rest.rfind('/')?;
        rest = &rest[..at];
        Some(rest)
    })
}

/// `pointer` extended by the member `key`, escaped as JSON pointers want.
fn child_pointer(pointer: &str, key: &str) -> String {
    let mut out = String::with_capacity(pointer.len() + key.len() + 1);
    out.push_str(pointer);
    out.push('/');
    if key.contains(['~', '/']) {
        out.push_str(&key.replace('~', "~0").replace('/', "~1"));
    } else {
        out.push_str(key);
    }
    out
}

/// Where a chain of `$ref`s ends: the file and the value.
pub(crate) struct Followed<'a> {
    pub file: &'a str,
    pub value: &'a Value,
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
    /// One of the documents to compare.
    pub fn new(documents: &'a Documents, model: &'a Model, input: &'a Input) -> Side<'a> {
        Side {
            documents,
            model,
            input,
            steps: RefCell::new(FastMap::default()),
            nodes: RefCell::new(FastMap::default()),
        }
    }

    /// Where the reference `reference`, written in `file`, leads.
    fn step(&self, file: &'a str, reference: &'a str) -> Option<Step<'a>> {
        if let Some(known) = self.steps.borrow().get(&(file, reference)) {
            return known.clone();
        }
        let step = match resolve_target(file, reference) {
            Ok(Target::Local { file, pointer }) => self
                .documents
                .files
                .get_key_value(&file)
                .and_then(|(file, loaded)| {
                    Some(Step {
                        file: file.as_str(),
                        value: lookup(&loaded.value, &pointer)?,
                        pointer: pointer.into(),
                    })
                }),
            _ => None,
        };
        self.steps
            .borrow_mut()
            .insert((file, reference), step.clone());
        step
    }

    /// The node at `file#pointer`.
    pub fn node(&self, file: &str, pointer: &str) -> Option<Node<'a>> {
        let (file, loaded) = self.documents.files.get_key_value(file)?;
        let mut nodes = self.nodes.borrow_mut();
        let known = nodes.entry(file.as_str()).or_default();
        if let Some((pointer, value)) = known.get_key_value(pointer) {
            return Some(Node::new(file, pointer.clone(), value));
        }
        let nearest = ancestors(pointer).find_map(|above| Some((above.len(), *known.get(above)?)));
        let value = match nearest {
            Some((length, above)) => lookup(above, &pointer[length..])?,
            None => lookup(&loaded.value, pointer)?,
        };
        let pointer: Rc<str> = pointer.into();
        known.insert(pointer.clone(), value);
        Some(Node::new(file, pointer, value))
    }

    /// The node a model part was built from.
    pub fn at(&self, source: Option<&Source>) -> Option<Node<'a>> {
        source.and_then(|s| self.node(&s.file, &s.pointer))
    }

    /// The root of the main document.
    pub fn root(&self) -> Option<Node<'a>> {
        self.node(&self.documents.main, "")
    }

    /// Follows `$ref`s from `value` (written in `file`) as [`Side::resolve`] does, without
    /// building pointers for values that are no references: `None` when `value` is not a
    /// reference or its first step cannot be followed.
    pub fn follow(&self, file: &'a str, value: &'a Value) -> Option<Followed<'a>> {
        let mut reached = None;
        let (mut file, mut value) = (file, value);
        for _ in 0..64 {
            let Some(reference) = member(value, "$ref").and_then(Value::as_str) else {
                break;
            };
            let Some(step) = self.step(file, reference) else {
                break;
            };
            (file, value) = (step.file, step.value);
            reached = Some(Followed { file, value });
        }
        reached
    }

    /// Follows `$ref`s from `node` to the value they name (the node itself when it is
    /// not a reference, or when the reference cannot be followed).
    pub fn resolve(&self, node: Node<'a>) -> Node<'a> {
        let mut current = node;
        for _ in 0..64 {
            let Some(reference) = member(current.value, "$ref").and_then(Value::as_str) else {
                return current;
            };
            match self.step(current.file, reference) {
                Some(step) => current = Node::new(step.file, step.pointer, step.value),
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
    /// In how many more places (schema uses, or reports outside a schema) the very same
    /// change was found.
    pub repeats: usize,
    /// The last place that found it, so one place counts once however often it does.
    place: u64,
}

/// A change as reported: rule, direction and places (the same change found again).
type ReportKey = (&'static str, Direction, Option<Spot>, Option<Spot>);

/// A walk of two resolved schemas, in one direction, that was done already.
pub(crate) type WalkKey = (Id, Id, Direction, bool);

/// What a finished walk found: the changes reachable below the pair, and how deep in
/// its schema use the pair was (a walk from deeper down may have stopped short).
pub(crate) struct Walked {
    pub depth: usize,
    pub found: Vec<usize>,
}

/// Both sides and the changes found so far.
pub(crate) struct Differ<'a> {
    pub old: Side<'a>,
    pub new: Side<'a>,
    overrides: &'a RuleOverrides,
    pub found: Vec<Found>,
    seen: FastMap<ReportKey, usize>,
    /// Pairs of referenced schemas (old, new) known to be equal or not.
    pub equal: FastMap<(Id, Id), bool>,
    /// Pairs of referenced schemas being compared right now (cycles stop here).
    pub walking: FastSet<(Id, Id)>,
    /// Walks done, by pair, direction and capping: a pair met again (through another
    /// reference, or in another schema use) is not walked again, its changes are counted
    /// as found in one more place. Without it, Stripe's web of references is walked along
    /// every path.
    walked: FastMap<WalkKey, Walked>,
    /// The changes reached by each walk under way, innermost last.
    collecting: Vec<Vec<usize>>,
    /// The place being compared: one per schema use, one per report outside a schema.
    place: u64,
    in_schema: bool,
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
            seen: FastMap::default(),
            equal: FastMap::default(),
            walking: FastSet::default(),
            walked: FastMap::default(),
            collecting: Vec::new(),
            place: 0,
            in_schema: false,
        }
    }

    /// Starts comparing one schema use: a place of its own for counting repeats.
    pub fn enter_schema(&mut self) {
        self.place += 1;
        self.in_schema = true;
    }

    /// Ends the schema use [`Differ::enter_schema`] started.
    pub fn leave_schema(&mut self) {
        self.in_schema = false;
    }

    /// Notes that the current place found change `at` again.
    fn found_again(&mut self, at: usize) {
        let found = &mut self.found[at];
        if found.place != self.place {
            found.place = self.place;
            found.repeats += 1;
        }
        if let Some(open) = self.collecting.last_mut() {
            open.push(at);
        }
    }

    /// The walk of this pair done before, when it went at least as deep as one from
    /// `depth` would: its changes count as found here too.
    pub fn walked_before(&mut self, key: &WalkKey, depth: usize) -> bool {
        let found = match self.walked.get(key) {
            Some(done) if done.depth <= depth => done.found.clone(),
            _ => return false,
        };
        for at in found {
            self.found_again(at);
        }
        true
    }

    /// Starts collecting what a walk finds.
    pub fn open_walk(&mut self) {
        self.collecting.push(Vec::new());
    }

    /// Ends the walk [`Differ::open_walk`] started and remembers what it found.
    pub fn close_walk(&mut self, key: WalkKey, depth: usize) {
        let mut found = self.collecting.pop().unwrap_or_default();
        found.sort_unstable();
        found.dedup();
        if let Some(open) = self.collecting.last_mut() {
            open.extend_from_slice(&found);
        }
        self.walked.insert(key, Walked { depth, found });
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
            rule,
            report.direction,
            report.old.clone(),
            report.new.clone(),
        );
        if !self.in_schema {
            self.place += 1;
        }
        if let Some(&at) = self.seen.get(&key) {
            self.found_again(at);
            return;
        }
        let at = self.found.len();
        self.seen.insert(key, at);
        if let Some(open) = self.collecting.last_mut() {
            open.push(at);
        }
        self.found.push(Found {
            rule,
            severity,
            direction: report.direction,
            message: report.message,
            old: report.old,
            new: report.new,
            group: report.group.clone(),
            repeats: 0,
            place: self.place,
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
