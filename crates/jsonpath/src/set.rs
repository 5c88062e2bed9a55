//! Many paths, one walk: each path is an automaton over the walk's path (like nimma's
//! generated code), so a ruleset's ~100 `given` cost one traversal of the document, and a
//! subtree no path can still match in is never entered.
//!
//! Costs that matter on large documents (Stripe's: 80,000 nodes, 160 paths):
//! * Paths starting with `$..` are active at every node; they are kept once ("global")
//!   instead of being copied into every node's state list, and their names are looked up
//!   in a hash map rather than compared one by one.
//! * A filter runs only if the child can pass it: a static precheck (which keys `@` must
//!   hold) against a bitmask of the child's keys. Identical filters run once per child.
//! * Walking through references, a shared subtree is walked once per set of states that
//!   enter it (and, where filters read them, the key and parent above it); its matches
//!   are recorded and replayed under every other path that reaches it the same way.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use std::borrow::Cow;

use serde_json::Value;

use crate::expr::{ContextReads, Ctx, Need};
use crate::{KeyRef, MAX_DEPTH, Path, Segment, Selector, StepKind};

/// FNV-1a: keys are short strings, and SipHash showed in profiles.
#[derive(Default)]
struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for b in bytes {
            h = (h ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3);
        }
        self.0 = h;
    }
}

type FnvMap<K, V> = HashMap<K, V, BuildHasherDefault<Fnv>>;

/// A set of paths matched in one depth-first walk of a document.
#[derive(Debug, Clone)]
pub struct PathSet {
    /// Distinct paths (by source); Spectral rulesets repeat some `given` across rules.
    paths: Vec<Path>,
    /// For each distinct path, the indices the caller gave it.
    owners: Vec<Vec<usize>>,
    /// Where each path's states start in the flat numbering of (path, step).
    slots: Vec<usize>,
    /// For each distinct path and step: how to short-cut its filter, if it has one.
    checks: Vec<Vec<Option<Check>>>,
    /// The member facts filters need `@` to have.
    key_table: KeyTable,
    filters: usize,
    /// Whether some path has a `^` (a test of the node itself, run after each move).
    has_tests: bool,
    /// Paths starting with `..` and a selector: active everywhere, by the selector kind.
    global_names: FnvMap<String, Vec<u32>>,
    global_indices: FnvMap<usize, Vec<u32>>,
    global_others: Vec<u32>,
    /// Those of `global_others` that a scalar or an array can pass.
    global_others_any: Vec<u32>,
    /// Per distinct path: what its filters read of the context above a node.
    reads: Vec<ContextReads>,
    /// What the global paths' filters read (they are active in every subtree).
    global_reads: ContextReads,
}

#[derive(Debug, Clone)]
struct Check {
    /// Identical filters (by source) share an id: evaluated once per child.
    id: usize,
    need: BitNeed,
}

/// [`Need`] over a bitmask of facts about the child's members ([`KeyTable::mask`]).
#[derive(Debug, Clone)]
enum BitNeed {
    Any,
    /// The child is an object and has this fact (0: any object).
    Bit(u64),
    /// The child's key is this name (or this array index).
    Property(String, Option<usize>),
    And(Box<BitNeed>, Box<BitNeed>),
    Or(Box<BitNeed>, Box<BitNeed>),
}

impl BitNeed {
    fn compile(need: &Need, table: &mut KeyTable) -> BitNeed {
        match need {
            Need::Any => BitNeed::Any,
            Need::Key(k) => BitNeed::Bit(table.present(k)),
            Need::KeyStr(k, lit) => match table.string(k, lit) {
                0 => BitNeed::Bit(table.present(k)),
                b => BitNeed::Bit(b),
            },
            Need::KeyContainer(k) => match table.container(k) {
                0 => BitNeed::Bit(table.present(k)),
                b => BitNeed::Bit(b),
            },
            Need::Property(p) => BitNeed::Property(p.clone(), crate::expr::array_index(p)),
            Need::And(a, b) => BitNeed::And(
                Box::new(Self::compile(a, table)),
                Box::new(Self::compile(b, table)),
            ),
            Need::Or(a, b) => BitNeed::Or(
                Box::new(Self::compile(a, table)),
                Box::new(Self::compile(b, table)),
            ),
        }
    }

    /// `facts` gives `None` for a child that is no object; `key` is the child's own key.
    fn holds(&self, facts: &mut impl FnMut() -> Option<u64>, key: KeyRef<'_>) -> bool {
        match self {
            BitNeed::Any => true,
            BitNeed::Bit(b) => facts().is_some_and(|k| *b == 0 || k & b != 0),
            BitNeed::Property(name, index) => match key {
                KeyRef::Key(k) => k == name,
                KeyRef::Index(i) => *index == Some(i),
            },
            BitNeed::And(a, b) => a.holds(facts, key) && b.holds(facts, key),
            BitNeed::Or(a, b) => a.holds(facts, key) || b.holds(facts, key),
        }
    }

    /// Whether only an object can pass.
    fn needs_object(&self) -> bool {
        match self {
            BitNeed::Any | BitNeed::Property(..) => false,
            BitNeed::Bit(_) => true,
            BitNeed::And(a, b) => a.needs_object() || b.needs_object(),
            BitNeed::Or(a, b) => a.needs_object() && b.needs_object(),
        }
    }
}

/// The member facts filters test, one bit each (64 at most; past that, a fact degrades
/// to a weaker one, never to a wrong one).
#[derive(Debug, Clone, Default)]
struct KeyTable {
    /// By key length (capped), the keys with facts.
    buckets: Vec<Vec<(String, KeyFacts)>>,
    used: u32,
}

#[derive(Debug, Clone, Default)]
struct KeyFacts {
    present: u64,
    /// "Is this string, or no string at all."
    strings: Vec<(String, u64)>,
    /// All bits of `strings`: set together for a value that is no string.
    any_string: u64,
    container: u64,
}

const BUCKETS: usize = 32;

impl KeyTable {
    fn bit(&mut self) -> u64 {
        if self.used < 64 {
            self.used += 1;
            1 << (self.used - 1)
        } else {
            0
        }
    }

    fn facts(&mut self, key: &str) -> &mut KeyFacts {
        if self.buckets.is_empty() {
            self.buckets = vec![Vec::new(); BUCKETS];
        }
        let b = key.len().min(BUCKETS - 1);
        let i = match self.buckets[b].iter().position(|(k, _)| k == key) {
            Some(i) => i,
            None => {
                self.buckets[b].push((key.to_owned(), KeyFacts::default()));
                self.buckets[b].len() - 1
            }
        };
        &mut self.buckets[b][i].1
    }

    fn present(&mut self, key: &str) -> u64 {
        if self.facts(key).present == 0 {
            let bit = self.bit();
            self.facts(key).present = bit;
        }
        self.facts(key).present
    }

    fn string(&mut self, key: &str, lit: &str) -> u64 {
        if let Some((_, b)) = self.facts(key).strings.iter().find(|(s, _)| s == lit) {
            return *b;
        }
        let bit = self.bit();
        if bit != 0 {
            let f = self.facts(key);
            f.strings.push((lit.to_owned(), bit));
            f.any_string |= bit;
        }
        bit
    }

    fn container(&mut self, key: &str) -> u64 {
        if self.facts(key).container == 0 {
            let bit = self.bit();
            self.facts(key).container = bit;
        }
        self.facts(key).container
    }

    /// The facts that hold for an object's members.
    fn mask(&self, m: &serde_json::Map<String, Value>) -> u64 {
        let mut mask = 0;
        if self.buckets.is_empty() {
            return mask;
        }
        for (k, v) in m {
            let Some((_, f)) = self.buckets[k.len().min(BUCKETS - 1)]
                .iter()
                .find(|(x, _)| x == k)
            else {
                continue;
            };
            mask |= f.present;
            match v {
                Value::String(s) => {
                    for (lit, bit) in &f.strings {
                        if lit == s {
                            mask |= bit;
                        }
                    }
                }
                Value::Array(_) | Value::Object(_) => mask |= f.any_string | f.container,
                _ => mask |= f.any_string,
            }
        }
        mask
    }
}

/// What a path's filters read above the node they test. A `^` test looks at the
/// children of the node it stands on, so only its `@path` reaches outside a subtree
/// entered above that node.
fn path_reads(path: &Path) -> ContextReads {
    fn selector(sel: &Selector) -> ContextReads {
        match sel {
            Selector::Filter(e, _) => crate::expr::context_reads(e),
            Selector::Union(items) => items
                .iter()
                .fold(ContextReads::default(), |all, s| all.union(selector(s))),
            _ => ContextReads::default(),
        }
    }
    fn pred(p: &crate::Pred) -> ContextReads {
        let own = selector(&p.sel);
        let reads = ContextReads {
            path: own.path,
            ..ContextReads::default()
        };
        p.then.iter().fold(reads, |all, p| all.union(pred(p)))
    }
    path.steps
        .iter()
        .fold(ContextReads::default(), |all, step| match &step.kind {
            StepKind::Select(sel) => all.union(selector(sel)),
            StepKind::Test(p) => all.union(pred(p)),
        })
}

/// "Path `path` has consumed its first `step` steps at this node."
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct State {
    path: u32,
    step: u32,
}

impl PathSet {
    /// Compiles the paths; `visit` reports them by their index in `paths`.
    pub fn new(paths: Vec<Path>) -> PathSet {
        let mut unique: Vec<Path> = Vec::new();
        let mut owners: Vec<Vec<usize>> = Vec::new();
        let mut by_source: HashMap<String, usize> = HashMap::new();
        for (i, p) in paths.into_iter().enumerate() {
            match by_source.get(&p.source) {
                Some(&u) => owners[u].push(i),
                None => {
                    by_source.insert(p.source.clone(), unique.len());
                    unique.push(p);
                    owners.push(vec![i]);
                }
            }
        }
        let mut slots = Vec::with_capacity(unique.len());
        let mut next_slot = 0;
        for p in &unique {
            slots.push(next_slot);
            next_slot += p.steps.len() + 1;
        }
        let mut key_table = KeyTable::default();
        let mut filter_ids: HashMap<String, usize> = HashMap::new();
        let checks = unique
            .iter()
            .map(|p| {
                p.steps
                    .iter()
                    .map(|step| match &step.kind {
                        StepKind::Select(Selector::Filter(e, source)) => {
                            let next = filter_ids.len();
                            let id = *filter_ids.entry(source.clone()).or_insert(next);
                            Some(Check {
                                id,
                                need: BitNeed::compile(&crate::expr::need(e), &mut key_table),
                            })
                        }
                        _ => None,
                    })
                    .collect()
            })
            .collect();
        let reads = unique.iter().map(path_reads).collect();
        let mut set = PathSet {
            reads,
            global_reads: ContextReads::default(),
            has_tests: unique
                .iter()
                .any(|p| p.steps.iter().any(|s| matches!(s.kind, StepKind::Test(_)))),
            paths: unique,
            owners,
            slots,
            checks,
            key_table,
            filters: filter_ids.len(),
            global_names: FnvMap::default(),
            global_indices: FnvMap::default(),
            global_others: Vec::new(),
            global_others_any: Vec::new(),
        };
        for (i, p) in set.paths.iter().enumerate() {
            let Some(first) = p.steps.first() else {
                continue;
            };
            let StepKind::Select(sel) = &first.kind else {
                continue;
            };
            if !first.descend {
                continue;
            }
            let names: Option<Vec<(&String, Option<usize>)>> = match sel {
                Selector::Name { name, index } => Some(vec![(name, *index)]),
                Selector::Union(items) => items
                    .iter()
                    .map(|s| match s {
                        Selector::Name { name, index } => Some((name, *index)),
                        _ => None,
                    })
                    .collect(),
                _ => None,
            };
            match names {
                Some(names) => {
                    for (name, index) in names {
                        let v = set.global_names.entry(name.clone()).or_default();
                        if !v.contains(&(i as u32)) {
                            v.push(i as u32);
                        }
                        if let Some(index) = index {
                            let v = set.global_indices.entry(index).or_default();
                            if !v.contains(&(i as u32)) {
                                v.push(i as u32);
                            }
                        }
                    }
                }
                None => {
                    set.global_others.push(i as u32);
                    if !set.checks[i][0]
                        .as_ref()
                        .is_some_and(|c| c.need.needs_object())
                    {
                        set.global_others_any.push(i as u32);
                    }
                }
            }
        }
        set.global_reads = (0..set.paths.len())
            .filter(|&p| set.is_global(p))
            .fold(ContextReads::default(), |all, p| all.union(set.reads[p]));
        set
    }

    fn is_global(&self, path: usize) -> bool {
        let steps = &self.paths[path].steps;
        steps
            .first()
            .is_some_and(|s| s.descend && matches!(s.kind, StepKind::Select(_)))
    }

    /// Walks `root` once, depth-first in document order, and calls
    /// `f(path_index, location, value)` for every location and every path matching it
    /// (in ascending path index for one location). For a `~` path the value is the key.
    pub fn visit<F>(&self, root: &Value, mut f: F)
    where
        F: FnMut(usize, &[Segment], &Value),
    {
        self.walk(root, None, &mut |index, path, value: Cow<'_, Value>| {
            f(index, path, &value)
        });
    }

    /// [`PathSet::visit`] over the document as `resolve` presents it: every node (the
    /// root included) is replaced by what `resolve` returns for it before it is matched,
    /// filtered or entered, so that references can be followed without copying the
    /// document. Values are handed over with the document's lifetime (keys of `~` paths
    /// as owned strings). A filter sees its node resolved, but reads the node's members
    /// as written (`@.schema.type` does not follow a `$ref` in `schema`).
    pub fn visit_resolved<'v, F>(
        &self,
        root: &'v Value,
        resolve: &dyn Fn(&'v Value) -> &'v Value,
        mut f: F,
    ) where
        F: FnMut(usize, &[Segment], Cow<'v, Value>),
    {
        self.walk(root, Some(resolve), &mut f);
    }

    fn walk<'v>(
        &self,
        root: &'v Value,
        resolve: Option<&dyn Fn(&'v Value) -> &'v Value>,
        f: &mut Report<'_, 'v>,
    ) {
        let root = match resolve {
            Some(resolve) => resolve(root),
            None => root,
        };
        let slots = self.slots.last().map_or(0, |s| {
            s + self.paths.last().map_or(0, |p| p.steps.len() + 1)
        });
        let mut w = Walker {
            set: self,
            root,
            keys: Vec::new(),
            parents: vec![root],
            states: Vec::new(),
            segs: Vec::new(),
            synced: 0,
            matched: Vec::new(),
            generation: 1,
            memo: vec![(0, false); self.filters],
            keys_mask: None,
            stamps: vec![0; slots],
            terminal: false,
            resolve,
            f,
            trace: Vec::new(),
            subtrees: FnvMap::default(),
            recording: 0,
            deepest: 0,
            replays: !self.global_reads.path,
        };
        for p in 0..self.paths.len() {
            if !self.is_global(p) {
                w.add(State {
                    path: p as u32,
                    step: 0,
                });
            }
        }
        if self.has_tests {
            w.close(0);
        }
        w.report(0);
        w.walk(0);
    }
}

/// What a walk calls for each match: the path's index, the location and its value.
type Report<'f, 'v> = dyn FnMut(usize, &[Segment], Cow<'v, Value>) + 'f;

/// One step of a recorded subtree walk: what is needed to report its matches again
/// below another path.
#[derive(Debug, Clone, Copy)]
enum Event<'v> {
    /// Down to a child (as the walk saw it: resolved).
    Enter(KeyRef<'v>, &'v Value),
    /// Back up.
    Leave,
    /// Caller's index and distinct path matched at the current node.
    Match(u32, u32),
    /// The events `start..end` of the trace again (a subtree recorded earlier).
    Replay(u32, u32),
}

/// A subtree entered through a reference, with everything its walk depends on: the
/// states that entered it and, when some filter reads them, its key and its parent.
#[derive(Debug, PartialEq, Eq, Hash)]
struct SubtreeKey<'v> {
    node: *const Value,
    states: Vec<State>,
    key: Option<KeyRef<'v>>,
    parent: Option<*const Value>,
}

/// Where a subtree's events sit in the trace, and how deep below it the walk went.
#[derive(Debug, Clone, Copy)]
struct Recorded {
    start: u32,
    end: u32,
    height: usize,
}

struct Walker<'p, 'r, 'v> {
    set: &'p PathSet,
    root: &'v Value,
    /// Keys from the root to the current node.
    keys: Vec<KeyRef<'v>>,
    /// Values from the root to the current node (one more than `keys`).
    parents: Vec<&'v Value>,
    /// The frames of the nodes on the way down (global paths are in none).
    states: Vec<State>,
    /// `keys` as the callback's segments, made only when something matches and
    /// re-using their strings; valid up to `synced`.
    segs: Vec<Segment>,
    synced: usize,
    /// (caller's index, distinct path) matched at the current node.
    matched: Vec<(usize, u32)>,
    /// Counts the nodes whose frame is built: stamps and memos of another are stale.
    generation: u64,
    /// Per filter id: (generation, result) for the current child.
    memo: Vec<(u64, bool)>,
    /// The current child's key bitmask (`Some(None)`: not an object), once computed.
    keys_mask: Option<Option<u64>>,
    /// Per (path, step) slot: the generation of the frame holding it.
    stamps: Vec<u64>,
    /// The frame being built has a state that ends its path.
    terminal: bool,
    /// What each child is replaced by before it is looked at (resolved references).
    resolve: Option<&'r dyn Fn(&'v Value) -> &'v Value>,
    f: &'r mut Report<'r, 'v>,
    /// The matches of subtrees entered through references, recorded while a recording
    /// is open (`recording` > 0): a schema referenced a thousand times is walked once per
    /// distinct set of states and replayed the other times.
    trace: Vec<Event<'v>>,
    subtrees: FnvMap<SubtreeKey<'v>, Recorded>,
    recording: u32,
    /// The deepest node visited (or replayed) so far in the current recording.
    deepest: usize,
    /// Off when a global path reads `@path`: no subtree walks the same twice.
    replays: bool,
}

impl<'v> Walker<'_, '_, 'v> {
    /// Adds `state` to the frame being built unless it is there.
    fn add(&mut self, state: State) {
        let slot = self.set.slots[state.path as usize] + state.step as usize;
        if self.stamps[slot] != self.generation {
            self.stamps[slot] = self.generation;
            self.states.push(state);
            if state.step as usize == self.set.paths[state.path as usize].steps.len() {
                self.terminal = true;
            }
        }
    }

    /// Follows the `Test` steps (what `^` made) that the current node passes; its frame
    /// starts at `frame`.
    fn close(&mut self, frame: usize) {
        let mut i = frame;
        while i < self.states.len() {
            let s = self.states[i];
            i += 1;
            let set = self.set;
            let steps = &set.paths[s.path as usize].steps;
            let Some(step) = steps.get(s.step as usize) else {
                continue;
            };
            if let StepKind::Test(pred) = &step.kind
                && pred.holds(self.root, &mut self.parents, &mut self.keys)
            {
                self.add(State {
                    path: s.path,
                    step: s.step + 1,
                });
            }
        }
    }

    /// Calls back for the paths that end at the current node, whose frame starts at `frame`.
    fn report(&mut self, frame: usize) {
        if !self.terminal {
            return;
        }
        self.terminal = false;
        self.matched.clear();
        for s in &self.states[frame..] {
            if s.step as usize == self.set.paths[s.path as usize].steps.len() {
                for &o in &self.set.owners[s.path as usize] {
                    self.matched.push((o, s.path));
                }
            }
        }
        self.matched.sort_unstable();
        for i in 0..self.matched.len() {
            let (owner, path) = self.matched[i];
            if self.recording > 0 {
                self.trace.push(Event::Match(owner as u32, path));
            }
            self.emit(owner, path);
        }
    }

    /// Calls back for path `path` (the caller's `owner`) at the current node.
    fn emit(&mut self, owner: usize, path: u32) {
        let depth = self.keys.len();
        for d in self.synced..depth {
            let k = self.keys[d];
            match (self.segs.get_mut(d), k) {
                (Some(Segment::Key(s)), KeyRef::Key(k)) => {
                    s.clear();
                    s.push_str(k);
                }
                (Some(slot), k) => *slot = k.to_segment(),
                (None, k) => self.segs.push(k.to_segment()),
            }
        }
        self.synced = depth;
        if self.set.paths[path as usize].keys {
            let Some(k) = self.keys.last() else { return };
            (self.f)(owner, &self.segs[..depth], Cow::Owned(k.to_value()));
        } else {
            let value = *self.parents.last().expect("the root is always there");
            (self.f)(owner, &self.segs[..depth], Cow::Borrowed(value));
        }
    }

    /// The key under which the subtree of the current node (reached through a reference,
    /// its frame starting at `frame`) is recorded, or `None` where a filter that may act
    /// in it reads `@path`.
    fn subtree_key(&self, frame: usize) -> Option<SubtreeKey<'v>> {
        let set = self.set;
        let mut reads = set.global_reads;
        let mut states = self.states[frame..].to_vec();
        for s in &states {
            reads = reads.union(set.reads[s.path as usize]);
        }
        if reads.path {
            return None;
        }
        states.sort_unstable();
        let depth = self.keys.len();
        Some(SubtreeKey {
            node: *self.parents.last()?,
            states,
            key: self.keys.last().copied().filter(|_| reads.parent_property),
            parent: (depth >= 1 && reads.parent).then(|| self.parents[depth - 1] as *const Value),
        })
    }

    /// Visits the children of the current node, replaying them when the node was reached
    /// through a reference and its subtree was walked before with the same states.
    fn descend(&mut self, frame: usize, through_reference: bool) {
        let key = match through_reference && self.replays {
            true => self.subtree_key(frame),
            false => None,
        };
        let Some(key) = key else {
            return self.walk(frame);
        };
        let depth = self.keys.len();
        if let Some(recorded) = self.subtrees.get(&key).copied()
            && depth + recorded.height < MAX_DEPTH
        {
            self.deepest = self.deepest.max(depth + recorded.height);
            if self.recording > 0 && recorded.start < recorded.end {
                self.trace.push(Event::Replay(recorded.start, recorded.end));
            }
            self.replay(recorded.start as usize, recorded.end as usize);
            return;
        }
        let outer_deepest = std::mem::replace(&mut self.deepest, depth);
        let start = self.trace.len();
        self.recording += 1;
        self.walk(frame);
        self.recording -= 1;
        let height = self.deepest - depth;
        // A walk cut at the depth limit differs from one entered higher up.
        if self.deepest < MAX_DEPTH {
            self.subtrees.insert(
                key,
                Recorded {
                    start: start as u32,
                    end: self.trace.len() as u32,
                    height,
                },
            );
        }
        self.deepest = self.deepest.max(outer_deepest);
    }

    /// Reports the matches of trace events `start..end` below the current node.
    fn replay(&mut self, start: usize, end: usize) {
        for i in start..end {
            match self.trace[i] {
                Event::Enter(key, value) => {
                    self.keys.push(key);
                    self.parents.push(value);
                }
                Event::Leave => {
                    self.keys.pop();
                    self.parents.pop();
                    self.synced = self.synced.min(self.keys.len());
                }
                Event::Match(owner, path) => self.emit(owner as usize, path),
                Event::Replay(from, to) => self.replay(from as usize, to as usize),
            }
        }
    }

    /// Visits the children of the current node, whose frame starts at `frame`.
    fn walk(&mut self, frame: usize) {
        if self.keys.len() >= MAX_DEPTH {
            return;
        }
        let set = self.set;
        let global = !set.global_names.is_empty() || !set.global_others.is_empty();
        let live = global
            || self.states[frame..]
                .iter()
                .any(|s| (s.step as usize) < set.paths[s.path as usize].steps.len());
        if !live {
            return;
        }
        match *self.parents.last().expect("the root is always there") {
            Value::Object(m) => {
                for (k, v) in m {
                    let seen = self.resolve.map_or(v, |resolve| resolve(v));
                    self.child(frame, KeyRef::Key(k), seen, !std::ptr::eq(seen, v));
                }
            }
            Value::Array(a) => {
                for (i, v) in a.iter().enumerate() {
                    let seen = self.resolve.map_or(v, |resolve| resolve(v));
                    self.child(frame, KeyRef::Index(i), seen, !std::ptr::eq(seen, v));
                }
            }
            _ => {}
        }
    }

    /// Runs a filter step on the current child (the last of `keys`), cheaply when its
    /// precheck fails or an identical filter already ran on it.
    fn filter(&mut self, check: &Check, sel: &Selector, value: &'v Value) -> bool {
        let (generation, result) = self.memo[check.id];
        if generation == self.generation {
            return result;
        }
        let possible = match &check.need {
            BitNeed::Any => true,
            need => {
                let key = *self.keys.last().expect("a child has a key");
                let (cache, table) = (&mut self.keys_mask, &self.set.key_table);
                let mut mask = || {
                    *cache.get_or_insert_with(|| match value {
                        Value::Object(m) => Some(table.mask(m)),
                        _ => None,
                    })
                };
                need.holds(&mut mask, key)
            }
        };
        let result = possible && {
            let n = self.parents.len() - 1;
            let ctx = Ctx {
                root: self.root,
                parents: &self.parents[..n],
                keys: &self.keys,
                value,
            };
            sel.accepts(&ctx)
        };
        self.memo[check.id] = (self.generation, result);
        result
    }

    /// Whether step `step` of path `path`, a selector, accepts the current child.
    fn accepts(&mut self, path: u32, step: u32, sel: &Selector, value: &'v Value) -> bool {
        match &self.set.checks[path as usize][step as usize] {
            Some(check) => self.filter(check, sel, value),
            None => {
                let n = self.parents.len() - 1;
                let ctx = Ctx {
                    root: self.root,
                    parents: &self.parents[..n],
                    keys: &self.keys,
                    value,
                };
                sel.accepts(&ctx)
            }
        }
    }

    /// Visits a child of the current node; `through_reference` when `value` is what a
    /// reference there resolved to.
    fn child(&mut self, frame: usize, key: KeyRef<'v>, value: &'v Value, through_reference: bool) {
        #[cfg(test)]
        tests::VISITED.with(|v| v.set(v.get() + 1));
        let set = self.set;
        let end = self.states.len();
        if self.recording > 0 {
            self.trace.push(Event::Enter(key, value));
        }
        self.generation += 1;
        self.keys_mask = None;
        self.terminal = false;
        self.keys.push(key);
        self.parents.push(value);
        // Global paths: their first step, a selector after `..`, applies to every child.
        let by_name = match key {
            KeyRef::Key(k) => set.global_names.get(k),
            KeyRef::Index(i) => set.global_indices.get(&i),
        };
        for &p in by_name.into_iter().flatten() {
            self.add(State { path: p, step: 1 });
        }
        let others = if value.is_object() {
            &set.global_others
        } else {
            &set.global_others_any
        };
        for &p in others {
            if let StepKind::Select(sel) = &set.paths[p as usize].steps[0].kind
                && self.accepts(p, 0, sel, value)
            {
                self.add(State { path: p, step: 1 });
            }
        }
        // The other states of the parent move on (or stay, after `..`).
        for i in frame..end {
            let s = self.states[i];
            let Some(step) = set.paths[s.path as usize].steps.get(s.step as usize) else {
                continue;
            };
            if step.descend {
                self.add(s);
            }
            if let StepKind::Select(sel) = &step.kind
                && self.accepts(s.path, s.step, sel, value)
            {
                self.add(State {
                    path: s.path,
                    step: s.step + 1,
                });
            }
        }
        if set.has_tests && self.states.len() > end {
            self.close(end);
        }
        self.deepest = self.deepest.max(self.keys.len());
        self.report(end);
        self.descend(end, through_reference);
        self.states.truncate(end);
        self.keys.pop();
        self.parents.pop();
        self.synced = self.synced.min(self.keys.len());
        if self.recording > 0 {
            // A child with nothing to report leaves no trace.
            match self.trace.last() {
                Some(Event::Enter(..)) => {
                    self.trace.pop();
                }
                _ => self.trace.push(Event::Leave),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use serde_json::json;

    use super::*;

    thread_local! {
        /// Children looked at by the walks of this thread.
        pub(super) static VISITED: Cell<usize> = const { Cell::new(0) };
    }

    fn visited(paths: &[&str], doc: &Value) -> (usize, usize) {
        let set = PathSet::new(
            paths
                .iter()
                .map(|p| Path::parse(p).expect("parses"))
                .collect(),
        );
        VISITED.with(|v| v.set(0));
        let mut matches = 0;
        set.visit(doc, |_, _, _| matches += 1);
        (VISITED.with(Cell::get), matches)
    }

    #[test]
    fn fixed_paths_do_not_walk_the_document() {
        let big: Vec<Value> = (0..1000)
            .map(|i| json!({ "n": i, "tags": ["a", "b"] }))
            .collect();
        let doc = json!({
            "openapi": "3.1.0",
            "info": { "title": "t", "contact": { "name": "n", "email": "e" } },
            "paths": big,
        });
        // The root's three children and info's two; not contact's, not paths'.
        assert_eq!(visited(&["$.info.contact"], &doc), (5, 1));
        assert_eq!(visited(&["$.info.contact", "$.info"], &doc), (5, 2));
        assert_eq!(visited(&["$.paths[0].n"], &doc), (3 + 1000 + 2, 1));
        // `..` stays active below: everything.
        assert_eq!(visited(&["$.info..name"], &doc), (3 + 2 + 2, 1));
        assert_eq!(visited(&["$..email"], &doc).1, 1);
        assert!(visited(&["$..email"], &doc).0 > 4000);
    }

    /// A copy of `doc` with every `{"$ref": "#/defs/NAME"}` replaced by its target.
    fn materialized(doc: &Value, node: &Value) -> Value {
        match node {
            Value::Object(m) => match m.get("$ref").and_then(Value::as_str) {
                Some(r) => materialized(doc, &doc["defs"][r.trim_start_matches("#/defs/")]),
                None => Value::Object(
                    m.iter()
                        .map(|(k, v)| (k.clone(), materialized(doc, v)))
                        .collect(),
                ),
            },
            Value::Array(a) => Value::Array(a.iter().map(|v| materialized(doc, v)).collect()),
            other => other.clone(),
        }
    }

    /// Walks `paths` through the references of a small document and on a copy with the
    /// references replaced: the same matches, each as the reference evaluator finds it;
    /// returns the children visited each way.
    fn walk_both_ways(doc: &Value, paths: &[&str]) -> (usize, usize) {
        let set = PathSet::new(
            paths
                .iter()
                .map(|p| Path::parse(p).expect("parses"))
                .collect(),
        );
        let copy = materialized(doc, doc);
        fn follow<'v>(doc: &'v Value, v: &'v Value) -> &'v Value {
            match v.get("$ref").and_then(Value::as_str) {
                Some(r) => &doc["defs"][r.trim_start_matches("#/defs/")],
                None => v,
            }
        }
        let resolver = |v| follow(doc, v);
        // What the walk reports through references, beside what it reports on the copy.
        let mut through = Vec::new();
        VISITED.with(|v| v.set(0));
        set.visit_resolved(doc, &resolver, |i, path, value| {
            through.push((i, path.to_vec(), materialized(doc, &value)))
        });
        let visited_through = VISITED.with(Cell::get);
        let mut copied = Vec::new();
        VISITED.with(|v| v.set(0));
        set.visit(&copy, |i, path, value| {
            copied.push((i, path.to_vec(), value.clone()))
        });
        let visited_copy = VISITED.with(Cell::get);
        assert_eq!(through, copied);
        // And each path alone agrees with the reference evaluator on the copy.
        for (index, source) in paths.iter().enumerate() {
            let mut expected: Vec<Vec<Segment>> = Path::parse(source)
                .expect("parses")
                .select(&copy)
                .into_iter()
                .map(|m| m.path)
                .collect();
            let mut got: Vec<Vec<Segment>> = through
                .iter()
                .filter(|(i, _, _)| *i == index)
                .map(|(_, p, _)| p.clone())
                .collect();
            got.sort();
            expected.sort();
            assert_eq!(got, expected, "{source}");
        }
        (visited_through, visited_copy)
    }

    /// Pets with owners and tags, each schema referenced from several places.
    fn pets() -> Value {
        json!({
            "defs": {
                "Pet": {
                    "description": "a pet",
                    "properties": {
                        "name": { "type": "string", "description": "its name" },
                        "owner": { "$ref": "#/defs/Person" },
                        "tags": { "items": { "$ref": "#/defs/Tag" } }
                    }
                },
                "Person": {
                    "properties": { "name": { "type": "string" }, "tag": { "$ref": "#/defs/Tag" } }
                },
                "Tag": { "type": "string", "example": "x", "description": "a tag" }
            },
            "paths": {
                "/a": { "get": { "schema": { "$ref": "#/defs/Pet" } } },
                "/b": { "post": { "schema": { "$ref": "#/defs/Pet" }, "other": { "$ref": "#/defs/Pet" } } },
                "/c": { "put": { "list": [ { "$ref": "#/defs/Person" }, { "$ref": "#/defs/Tag" } ] } }
            }
        })
    }

    #[test]
    fn subtrees_reached_through_references_report_what_a_copy_would() {
        let paths = [
            "$..description",
            "$..[?(@.type == 'string')]",
            "$.paths[*][*]..properties[*]",
            "$.paths..[?(@property == 'name')]",
            "$..[?(@parentProperty == 'properties')]",
            "$.paths..[?(@parentProperty == 'items')]",
            "$.paths[*][*]..[?(@parent && @parent.type)]",
            "$..properties[?(@.type)]^",
            "$.paths..properties.*~",
        ];
        let (through, copy) = walk_both_ways(&pets(), &paths);
        // Pet's subtree is walked once per set of states that enter it, not per reference.
        assert!(through < copy, "{through} < {copy}");
        // `@path` differs below every reference: nothing is replayed where it may act.
        let mut with_path = paths.to_vec();
        with_path.push("$..[?(@path.length > 40)]");
        let (through, copy) = walk_both_ways(&pets(), &with_path);
        assert_eq!(through, copy);
    }

    #[test]
    fn a_subtree_is_replayed_only_under_the_key_and_parent_its_filters_read() {
        let doc = json!({
            "defs": { "T": { "a": 1, "b": { "c": 2 } } },
            "p": {
                "x": { "kind": "k", "s": { "$ref": "#/defs/T" } },
                "y": { "kind": "j", "s": { "$ref": "#/defs/T" }, "x": { "$ref": "#/defs/T" } }
            }
        });
        walk_both_ways(&doc, &["$.p..[?(@parentProperty == 'x')]"]);
        walk_both_ways(&doc, &["$.p..[?(@parent.kind == 'k')]"]);
        let (through, copy) = walk_both_ways(&doc, &["$.p..[?(@.c)]"]);
        assert!(through < copy, "{through} < {copy}");
    }

    #[test]
    fn identical_paths_are_walked_once_and_reported_for_each() {
        let doc = json!({ "a": { "b": 1 } });
        let paths = vec![
            Path::parse("$..b").expect("parses"),
            Path::parse("$..b").expect("parses"),
        ];
        let set = PathSet::new(paths);
        assert_eq!(set.paths.len(), 1);
        let mut seen = Vec::new();
        set.visit(&doc, |i, _, _| seen.push(i));
        assert_eq!(seen, [0, 1]);
    }
}
