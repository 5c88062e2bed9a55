//! The document as a ruleset sees it: `$ref`s replaced by what they point at, except the
//! ones Spectral leaves in place because resolving them would make the document
//! circular. Spectral's resolver decides that globally, not per path: a reference is
//! left as written when its target (or what the target's enclosing objects reference,
//! transitively) contains the reference itself. Following the same rule keeps the
//! findings the same and the resolved tree finite (Stripe's 4 MB spec resolves to ~1.8
//! million nodes).
//!
//! Nothing is copied: a resolved node is the target's node, found by the address of the
//! reference object, and a result's location is where its value is written.

use std::collections::HashSet;

use portico_jsonpath::Segment;
use serde_json::Value;

use crate::fast_hash::FastMap;
use crate::refs::{Documents, Target, resolve_target};

/// Where a value is written: a project file and the path to it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Location {
    pub file: String,
    pub path: Vec<Segment>,
}

/// What Spectral finds walking the main document as written along the existing part of
/// a result's path (`traverseObjUntilRef`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UntilRef {
    /// No reference on the way.
    None,
    /// A reference object stood where the path went on.
    Early,
    /// The path ends at a reference object (`{$ref}` alone).
    AtEnd,
    /// The path leaves the document as written (Spectral then reports where it is).
    Broken,
}

/// The member or item `segment` names, as a document is written (an object's member
/// named by a number counts too).
fn written_child<'v>(node: &'v Value, segment: &Segment) -> Option<&'v Value> {
    match (node, segment) {
        (Value::Object(map), Segment::Key(key)) => map.get(key),
        (Value::Object(map), Segment::Index(index)) => map.get(&index.to_string()),
        (Value::Array(items), Segment::Index(index)) => items.get(*index),
        _ => None,
    }
}

/// Whether Spectral's pointer encoder (`encodePointerUriFragment`) percent-encodes a
/// character: all but ASCII letters and digits, `-_.!~*'()/` and the en dash its character
/// class names by mistake (it meant the ranges `A-Z` and `0-9`).
fn percent_encoded(c: char) -> bool {
    !(c.is_ascii_alphanumeric() || "-_.!~*'()/\u{2013}".contains(c))
}

/// One reference that resolves.
struct Resolution<'d> {
    target: &'d Value,
    location: Location,
}

/// The references of a project that resolve, keyed by the address of the reference object.
pub struct ResolvedView<'d> {
    documents: &'d Documents,
    /// By address: looked up for every node a resolved walk visits.
    resolutions: FastMap<*const Value, Resolution<'d>>,
    /// Every location some reference points at exactly (resolved or not).
    referenced: HashSet<(String, String)>,
}

impl<'d> ResolvedView<'d> {
    pub fn new(documents: &'d Documents) -> ResolvedView<'d> {
        let mut view = ResolvedView {
            documents,
            resolutions: FastMap::default(),
            referenced: HashSet::new(),
        };
        for (file, loaded) in &documents.files {
            let mut found = Vec::new();
            crawl(&loaded.value, &mut Vec::new(), &mut found);
            let mut local = Vec::new();
            for (path, object, reference) in found {
                let Ok(Target::Local {
                    file: target_file,
                    pointer,
                }) = resolve_target(file, reference)
                else {
                    continue;
                };
                let target_path = pointer_path(&pointer);
                // Spectral's resolver skips a reference into its own ancestors: it
                // neither resolves it nor counts its target as used.
                let into_ancestor = target_file == *file
                    && !target_path.is_empty()
                    && path.starts_with(&target_path);
                if !into_ancestor {
                    view.referenced
                        .insert((target_file.clone(), pointer.clone()));
                }
                if target_file == *file {
                    local.push((path, object, target_path));
                } else if let (Some(target), Some(target_root)) = (
                    documents.get(&target_file, &pointer),
                    documents.files.get(&target_file),
                ) {
                    // Another file: resolved unless it comes back (its file's own
                    // references are judged there).
                    view.resolutions.insert(
                        object as *const Value,
                        Resolution {
                            target,
                            location: Location {
                                path: typed_path(&target_root.value, &target_path),
                                file: target_file,
                            },
                        },
                    );
                }
            }
            let circular = circular_references(&local);
            for (index, (_, object, target_path)) in local.iter().enumerate() {
                if circular.contains(&index) {
                    continue;
                }
                let Some(target) = crate::json::lookup(&loaded.value, &tokens_pointer(target_path))
                else {
                    continue;
                };
                view.resolutions.insert(
                    *object as *const Value,
                    Resolution {
                        target,
                        location: Location {
                            file: file.clone(),
                            path: typed_path(&loaded.value, target_path),
                        },
                    },
                );
            }
        }
        view
    }

    /// The node a ruleset sees in place of `value`: its target when it is a reference
    /// that resolves (chains followed), else itself.
    pub fn resolve<'a>(&'a self, mut value: &'a Value) -> &'a Value {
        for _ in 0..64 {
            match self.resolutions.get(&(value as *const Value)) {
                Some(resolution) => value = resolution.target,
                None => return value,
            }
        }
        value
    }

    /// Where the node at `path` of the resolved main document is written, and how much
    /// of `path` exists (the rest names something missing): Spectral reports results
    /// at the closest existing location.
    pub fn locate(&self, path: &[Segment], resolved: bool) -> (Location, usize) {
        let (location, existing, _) = self.walk(path, resolved);
        (location, existing)
    }

    /// Where Spectral's document inventory places a result whose path crosses a
    /// reference: [`ResolvedView::locate`], except that the keys after the last reference
    /// followed stay percent-encoded in its ref map's pointer and are never decoded again,
    /// so the location stops before the first key the encoder changes (`+1`, `@timestamp`,
    /// a callback's `{$request.body#/id}` URL).
    pub fn locate_through_references(&self, path: &[Segment]) -> Location {
        let (mut location, _, after_reference) = self.walk(path, true);
        let encoded = location.path[after_reference..].iter().position(
            |segment| matches!(segment, Segment::Key(key) if key.chars().any(percent_encoded)),
        );
        if let Some(encoded) = encoded {
            location.path.truncate(after_reference + encoded);
        }
        location
    }

    /// [`ResolvedView::locate`], plus how much of the location was reached by its last
    /// reference (the rest are segments of `path` walked after it).
    fn walk(&self, path: &[Segment], resolved: bool) -> (Location, usize, usize) {
        let main = &self.documents.main;
        let Some(mut node) = self.documents.files.get(main).map(|f| &f.value) else {
            return (
                Location {
                    file: main.clone(),
                    path: Vec::new(),
                },
                0,
                0,
            );
        };
        let mut location = Location {
            file: main.clone(),
            path: Vec::new(),
        };
        let mut after_reference = 0;
        for (depth, segment) in path.iter().enumerate() {
            if resolved {
                for _ in 0..64 {
                    match self.resolutions.get(&(node as *const Value)) {
                        Some(resolution) => {
                            node = resolution.target;
                            location = resolution.location.clone();
                            after_reference = location.path.len();
                        }
                        None => break,
                    }
                }
            }
            let child = match (node, segment) {
                (Value::Object(map), Segment::Key(key)) => map.get(key),
                (Value::Object(map), Segment::Index(index)) => map.get(&index.to_string()),
                (Value::Array(items), Segment::Index(index)) => items.get(*index),
                (Value::Array(items), Segment::Key(key)) => {
                    key.parse::<usize>().ok().and_then(|i| items.get(i))
                }
                _ => None,
            };
            match child {
                Some(child) => {
                    node = child;
                    location.path.push(segment.clone());
                }
                None => return (location, depth, after_reference),
            }
        }
        if resolved {
            // Spectral follows a reference the path ends at too (its ref map holds the
            // whole path): a result on a `{$ref}` is placed where the reference leads.
            for _ in 0..64 {
                match self.resolutions.get(&(node as *const Value)) {
                    Some(resolution) => {
                        node = resolution.target;
                        location = resolution.location.clone();
                        after_reference = location.path.len();
                    }
                    None => break,
                }
            }
        }
        (location, path.len(), after_reference)
    }

    /// The value written at `path` of `file`.
    pub fn value_at(&self, file: &str, path: &[Segment]) -> Option<&'d Value> {
        let mut node = &self.documents.files.get(file)?.value;
        for segment in path {
            node = match (node, segment) {
                (Value::Object(map), Segment::Key(key)) => map.get(key)?,
                (Value::Array(items), Segment::Index(index)) => items.get(*index)?,
                _ => return None,
            };
        }
        Some(node)
    }

    /// The main document's name.
    pub fn main(&self) -> &str {
        &self.documents.main
    }

    /// Whether `path`, walked in the main document with its references followed, meets a
    /// reference to another file that did not resolve before leaving the main document
    /// (the path's end included). Spectral's document inventory then gives up following
    /// the path and places a result at its closest location in the main document as written.
    pub fn meets_unresolved_external(&self, path: &[Segment]) -> bool {
        let main = &self.documents.main;
        let Some(mut node) = self.documents.files.get(main).map(|f| &f.value) else {
            return false;
        };
        let unresolved_external = |node: &Value| {
            node.get("$ref")
                .and_then(Value::as_str)
                .is_some_and(|target| !target.starts_with('#'))
                && !self.resolutions.contains_key(&(node as *const Value))
        };
        for depth in 0..=path.len() {
            for _ in 0..64 {
                match self.resolutions.get(&(node as *const Value)) {
                    Some(resolution) if resolution.location.file == *main => {
                        node = resolution.target;
                    }
                    Some(_) => return false,
                    None => break,
                }
            }
            if unresolved_external(node) {
                return true;
            }
            let Some(segment) = path.get(depth) else {
                break;
            };
            let child = written_child(node, segment);
            match child {
                Some(child) => node = child,
                None => return false,
            }
        }
        false
    }

    /// Walks the main document as written along `path` (see [`UntilRef`]).
    pub fn until_ref(&self, path: &[Segment]) -> UntilRef {
        let Some(mut node) = self
            .documents
            .files
            .get(&self.documents.main)
            .map(|f| &f.value)
        else {
            return UntilRef::Broken;
        };
        let is_ref = |value: &Value| value.get("$ref").is_some_and(Value::is_string);
        for segment in path {
            let child = written_child(node, segment);
            match child {
                Some(child) => node = child,
                None if node.is_object() && is_ref(node) => return UntilRef::Early,
                None => return UntilRef::Broken,
            }
        }
        match node {
            Value::Object(map) if map.len() == 1 && is_ref(node) => UntilRef::AtEnd,
            _ => UntilRef::None,
        }
    }

    /// Whether some reference points exactly at `pointer` of the main document.
    pub fn is_referenced(&self, pointer: &str) -> bool {
        self.referenced
            .contains(&(self.documents.main.clone(), pointer.to_owned()))
    }

    /// A copy of `value` with its references resolved, for functions that read a whole
    /// subtree (`schema`). At most `budget` nodes are copied, none deeper than the paths
    /// walk (a file that references itself by name resolves without end); past either
    /// bound, references stay as written.
    pub fn materialize(&self, value: &Value, budget: &mut usize) -> Value {
        self.materialize_within(value, budget, portico_jsonpath::MAX_DEPTH)
    }

    fn materialize_within(&self, value: &Value, budget: &mut usize, depth: usize) -> Value {
        if *budget == 0 || depth == 0 {
            return value.clone();
        }
        let value = self.resolve(value);
        *budget -= 1;
        match value {
            Value::Object(map) => Value::Object(
                map.iter()
                    .map(|(key, child)| {
                        let child = self.materialize_within(child, budget, depth - 1);
                        (key.clone(), child)
                    })
                    .collect(),
            ),
            Value::Array(items) => Value::Array(
                items
                    .iter()
                    .map(|item| self.materialize_within(item, budget, depth - 1))
                    .collect(),
            ),
            other => other.clone(),
        }
    }

    /// Whether any reference resolves at all (else the resolved view is the document).
    pub fn has_resolutions(&self) -> bool {
        !self.resolutions.is_empty()
    }
}

/// The `$ref` objects of a tree, as Spectral's resolver finds them: it does not look
/// inside a reference object.
fn crawl<'d>(
    value: &'d Value,
    path: &mut Vec<CrawlStep<'d>>,
    found: &mut Vec<(Vec<String>, &'d Value, &'d str)>,
) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = small_map_get(map, "$ref") {
                let keys = path.iter().map(|step| match step {
                    CrawlStep::Key(key) => (*key).to_owned(),
                    CrawlStep::Index(index) => index.to_string(),
                });
                found.push((keys.collect(), value, reference));
                return;
            }
            for (key, child) in map {
                path.push(CrawlStep::Key(key));
                crawl(child, path, found);
                path.pop();
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                path.push(CrawlStep::Index(index));
                crawl(item, path, found);
                path.pop();
            }
        }
        _ => {}
    }
}

/// A step of [`crawl`]'s way down, borrowed: nothing is copied until a reference is found.
enum CrawlStep<'d> {
    Key(&'d str),
    Index(usize),
}

/// A member of an object, found by comparing keys where hashing one costs more.
fn small_map_get<'m>(map: &'m serde_json::Map<String, Value>, key: &str) -> Option<&'m Value> {
    if map.len() <= 8 {
        map.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
    } else {
        map.get(key)
    }
}

/// Paths of keys numbered as the nodes of a trie: a path's id is found by walking its
/// keys, with no path copied.
#[derive(Default)]
struct PathIds<'k> {
    children: FastMap<(usize, &'k str), usize>,
    count: usize,
}

impl<'k> PathIds<'k> {
    /// Ids are 1.. (0 is the empty path).
    fn len(&self) -> usize {
        self.count + 1
    }

    /// The id of a path, numbering it (and its prefixes) if new.
    fn id(&mut self, keys: impl Iterator<Item = &'k str>) -> usize {
        let mut node = 0;
        for key in keys {
            let next = self.count + 1;
            node = *self.children.entry((node, key)).or_insert(next);
            self.count = self.count.max(node);
        }
        node
    }

    /// The id of a path, if numbered.
    fn find(&self, keys: impl Iterator<Item = &'k str>) -> Option<usize> {
        let mut node = 0;
        for key in keys {
            node = *self.children.get(&(node, key))?;
        }
        Some(node)
    }

    /// The ids of a path's numbered prefixes, the empty path and the path itself included.
    fn prefixes(&self, keys: impl Iterator<Item = &'k str>) -> impl Iterator<Item = usize> {
        let mut node = Some(0);
        let mut keys = keys;
        std::iter::from_fn(move || {
            let current = node?;
            node = keys
                .next()
                .and_then(|key| self.children.get(&(current, key)).copied());
            Some(current)
        })
    }
}

/// Which local references (indexes into `references`) Spectral leaves unresolved.
///
/// Every enclosing location of a reference (from where it leaves the path of its
/// target) depends on the target; a reference is circular when it lies inside a
/// location its own target depends on, directly or transitively, or inside its target.
fn circular_references(references: &[(Vec<String>, &Value, Vec<String>)]) -> HashSet<usize> {
    let mut paths = PathIds::default();
    let mut edges: Vec<Vec<usize>> = Vec::new();
    let mut circular = HashSet::new();
    for (index, (location, _, target)) in references.iter().enumerate() {
        if !target.is_empty() && location.starts_with(target) {
            circular.insert(index);
            continue;
        }
        let target_id = paths.id(target.iter().map(String::as_str));
        let mut stem: Vec<&str> = Vec::new();
        let mut tail: Vec<&str> = Vec::new();
        for (position, part) in location.iter().enumerate() {
            if target.get(position) == Some(part) {
                stem.push(part);
            } else {
                tail.push(part);
                let dependant = stem.iter().chain(&tail).copied();
                let is_location = stem.len() + tail.len() == location.len()
                    && dependant.clone().eq(location.iter().map(String::as_str));
                let is_target = dependant.clone().eq(target.iter().map(String::as_str));
                if !is_location && !is_target {
                    let dependant_id = paths.id(dependant);
                    if edges.len() <= dependant_id {
                        edges.resize_with(dependant_id + 1, Vec::new);
                    }
                    edges[dependant_id].push(target_id);
                }
            }
        }
    }
    edges.resize_with(paths.len(), Vec::new);
    let ids = &paths;
    // What each target depends on, transitively (marked with the target's turn in
    // `reached`): a reference is circular when one of its own enclosing locations is.
    let mut by_target: FastMap<usize, Vec<usize>> = FastMap::default();
    for (index, (_, _, target)) in references.iter().enumerate() {
        if let (false, Some(target_id)) = (
            circular.contains(&index),
            ids.find(target.iter().map(String::as_str)),
        ) {
            by_target.entry(target_id).or_default().push(index);
        }
    }
    let mut reached = vec![0usize; edges.len()];
    let mut stack = Vec::new();
    for (turn, (target_id, indexes)) in by_target.into_iter().enumerate() {
        let turn = turn + 1;
        stack.push(target_id);
        while let Some(node) = stack.pop() {
            for &next in &edges[node] {
                if reached[next] != turn {
                    reached[next] = turn;
                    stack.push(next);
                }
            }
        }
        for index in indexes {
            let location = &references[index].0;
            let depends = ids
                .prefixes(location.iter().map(String::as_str))
                .any(|id| reached[id] == turn);
            if depends {
                circular.insert(index);
            }
        }
    }
    circular
}

fn pointer_path(pointer: &str) -> Vec<String> {
    if pointer.is_empty() {
        return Vec::new();
    }
    pointer
        .split('/')
        .skip(1)
        .map(|token| token.replace("~1", "/").replace("~0", "~"))
        .collect()
}

fn tokens_pointer(tokens: &[String]) -> String {
    tokens
        .iter()
        .map(|token| format!("/{}", crate::diagnostic::escape_token(token)))
        .collect()
}

/// A path of keys as segments, with array positions as indexes.
/// The segments of a JSON pointer into `root` (unescaped), array positions as indexes.
pub(crate) fn path_of_pointer(root: &Value, pointer: &str) -> Vec<Segment> {
    let tokens: Vec<String> = pointer_path(pointer);
    typed_path(root, &tokens)
}

pub(crate) fn typed_path(root: &Value, tokens: &[String]) -> Vec<Segment> {
    let mut node = Some(root);
    tokens
        .iter()
        .map(|token| match node {
            Some(Value::Array(items)) => match token.parse::<usize>() {
                Ok(index) => {
                    node = items.get(index);
                    Segment::Index(index)
                }
                Err(_) => {
                    node = None;
                    Segment::Key(token.clone())
                }
            },
            _ => {
                node = node.and_then(|n| n.get(token));
                Segment::Key(token.clone())
            }
        })
        .collect()
}
