//! The reference evaluator: applies the steps one after the other to the set of nodes
//! selected so far, as jsonpath-plus does, then orders and de-duplicates the result.
//! Simple rather than fast; [`crate::PathSet`] is the fast one and is tested against it.

use std::borrow::Cow;
use std::collections::HashSet;

use serde_json::Value;

use crate::expr::Ctx;
use crate::{KeyRef, MAX_DEPTH, Match, Path, StepKind, children};

type Node<'v> = Vec<KeyRef<'v>>;

/// The values along `path`: the root first, the node itself last.
fn chain<'v>(root: &'v Value, path: &[KeyRef<'v>]) -> Vec<&'v Value> {
    let mut out = Vec::with_capacity(path.len() + 1);
    let mut v = root;
    out.push(v);
    for k in path {
        v = match (k, v) {
            (KeyRef::Key(k), Value::Object(m)) => &m[*k],
            (KeyRef::Index(i), Value::Array(a)) => &a[*i],
            _ => unreachable!("paths are made from the document"),
        };
        out.push(v);
    }
    out
}

fn descendants_or_self<'v>(root: &'v Value, node: &Node<'v>, out: &mut Vec<Node<'v>>) {
    let value = *chain(root, node).last().expect("the chain holds the node");
    out.push(node.clone());
    if node.len() >= MAX_DEPTH {
        return;
    }
    for (k, _) in children(value) {
        let mut child = node.clone();
        child.push(k);
        descendants_or_self(root, &child, out);
    }
}

/// Positions of each key among its siblings: sorting by them is document order.
fn rank(root: &Value, path: &[KeyRef<'_>]) -> Vec<usize> {
    let values = chain(root, path);
    path.iter()
        .zip(&values)
        .map(|(k, container)| match (k, container) {
            (KeyRef::Index(i), _) => *i,
            (KeyRef::Key(k), Value::Object(m)) => m.keys().position(|x| x == k).unwrap_or(0),
            _ => 0,
        })
        .collect()
}

pub(crate) fn select<'v>(path: &Path, root: &'v Value) -> Vec<Match<'v>> {
    let mut nodes: Vec<Node<'v>> = vec![Vec::new()];
    for step in &path.steps {
        let starts = if step.descend {
            let mut all = Vec::new();
            for n in &nodes {
                descendants_or_self(root, n, &mut all);
            }
            all
        } else {
            std::mem::take(&mut nodes)
        };
        let mut next = Vec::new();
        for n in starts {
            let mut parents = chain(root, &n);
            let node = *parents.last().expect("the chain holds the node");
            match &step.kind {
                StepKind::Select(sel) => {
                    if n.len() >= MAX_DEPTH {
                        continue;
                    }
                    for (k, child) in children(node) {
                        let mut keys = n.clone();
                        keys.push(k);
                        let ctx = Ctx {
                            root,
                            parents: &parents,
                            keys: &keys,
                            value: child,
                        };
                        if sel.accepts(&ctx) {
                            next.push(keys);
                        }
                    }
                }
                StepKind::Test(pred) => {
                    let mut keys = n.clone();
                    if pred.holds(root, &mut parents, &mut keys) {
                        next.push(n);
                    }
                }
            }
        }
        let mut seen = HashSet::new();
        next.retain(|n| seen.insert(n.clone()));
        nodes = next;
    }
    let mut ranked: Vec<(Vec<usize>, Node<'v>)> =
        nodes.into_iter().map(|n| (rank(root, &n), n)).collect();
    ranked.sort_by(|a, b| a.0.cmp(&b.0));
    ranked
        .into_iter()
        .filter_map(|(_, n)| {
            let value = if path.keys {
                Cow::Owned(n.last()?.to_value())
            } else {
                Cow::Borrowed(*chain(root, &n).last()?)
            };
            Some(Match {
                path: n.iter().map(|k| k.to_segment()).collect(),
                value,
            })
        })
        .collect()
}
