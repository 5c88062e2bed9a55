//! The composition keywords: `oneOf`/`anyOf` alternatives and `allOf` subschemas, paired
//! between the versions by the schema they reference, by equality, by title, and the rest
//! by position.

use super::keywords::capitalize;
use super::view::View;
use super::{Usage, Walk, pair, subject};
use crate::diff::differ::{Differ, Node, Report};

impl<'a> Differ<'a> {
    /// `oneOf`/`anyOf`: alternatives matched by reference, equality, title or position.
    /// Returns whether the schemas are too different to compare further.
    pub(super) fn alternatives(
        &mut self,
        old: &View<'a>,
        new: &View<'a>,
        usage: &Usage<'_>,
        walk: &Walk,
    ) -> bool {
        let at = subject(&walk.path, usage.context);
        let bare = |v: &View<'_>| !v.typed() && v.get("properties").is_none();
        let report = |message: String, o: &Node<'a>, n: &Node<'a>| Report {
            direction: usage.flow,
            message,
            old: Some(o.spot()),
            new: Some(n.spot()),
            group: usage.group,
        };
        match (old.alternatives(), new.alternatives()) {
            (None, None) => false,
            (None, Some((keyword, list))) => {
                if !bare(new) {
                    pair!(
                        self,
                        "constraint-added",
                        report(format!("`{keyword}` was added to {at}."), &old.node, &list),
                        walk.capped
                    );
                    return false;
                }
                let branches = list.items();
                let kept = branches.iter().position(|b| self.same(&old.node, b));
                match kept {
                    Some(index) => {
                        for (i, branch) in branches.iter().enumerate().filter(|(i, _)| *i != index)
                        {
                            pair!(
                                self,
                                "variant-added",
                                report(
                                    format!(
                                        "{} became a `{keyword}` with the new alternative {}.",
                                        capitalize(&at),
                                        branch_name(branch, i)
                                    ),
                                    &old.node,
                                    branch
                                ),
                                walk.capped
                            );
                        }
                    }
                    None => self.report_capped(
                        "schema-composition-changed",
                        report(
                            format!(
                                "{} became a `{keyword}` of {} alternatives.",
                                capitalize(&at),
                                branches.len()
                            ),
                            &old.node,
                            &list,
                        ),
                        walk.capped,
                    ),
                }
                true
            }
            (Some((keyword, list)), None) => {
                if !bare(old) {
                    pair!(
                        self,
                        "constraint-removed",
                        report(
                            format!("`{keyword}` was removed from {at}."),
                            &list,
                            &new.node
                        ),
                        walk.capped
                    );
                    return false;
                }
                let branches = list.items();
                let kept = branches.iter().position(|b| self.same(b, &new.node));
                match kept {
                    Some(index) => {
                        for (i, branch) in branches.iter().enumerate().filter(|(i, _)| *i != index)
                        {
                            pair!(
                                self,
                                "variant-removed",
                                report(
                                    format!(
                                        "{} is no longer a `{keyword}`; alternative {} was removed.",
                                        capitalize(&at),
                                        branch_name(branch, i)
                                    ),
                                    branch,
                                    &new.node
                                ),
                                walk.capped
                            );
                        }
                    }
                    None => self.report_capped(
                        "schema-composition-changed",
                        report(
                            format!(
                                "{} is no longer a `{keyword}` of alternatives.",
                                capitalize(&at)
                            ),
                            &list,
                            &new.node,
                        ),
                        walk.capped,
                    ),
                }
                true
            }
            (Some((old_keyword, old_list)), Some((new_keyword, new_list))) => {
                let (pairs, removed, added) =
                    self.match_branches(old_list.items(), new_list.items());
                for (index, branch) in removed {
                    pair!(
                        self,
                        "variant-removed",
                        report(
                            format!(
                                "Alternative {} was removed from the `{old_keyword}` of {at}.",
                                branch_name(&branch, index)
                            ),
                            &branch,
                            &new_list
                        ),
                        walk.capped
                    );
                }
                for (index, branch) in added {
                    pair!(
                        self,
                        "variant-added",
                        report(
                            format!(
                                "Alternative {} was added to the `{new_keyword}` of {at}.",
                                branch_name(&branch, index)
                            ),
                            &old_list,
                            &branch
                        ),
                        walk.capped
                    );
                }
                for (o, n) in pairs {
                    self.walk(o, n, usage, walk);
                }
                false
            }
        }
    }

    /// `allOf` subschemas added or removed (their content is compared flattened).
    pub(super) fn all_of(
        &mut self,
        old: &View<'a>,
        new: &View<'a>,
        usage: &Usage<'_>,
        walk: &Walk,
    ) {
        let (olds, news) = (old.all_of(), new.all_of());
        if olds.is_empty() && news.is_empty() {
            return;
        }
        let at = subject(&walk.path, usage.context);
        let (_, removed, added) = self.match_branches(olds, news);
        let annotation = |side: &crate::diff::differ::Side<'a>, node: &Node<'a>| {
            super::is_trivial(side.resolve(node.clone()).value)
        };
        for (index, branch) in removed {
            if annotation(&self.old, &branch) {
                continue;
            }
            let rep = Report {
                direction: usage.flow,
                message: format!(
                    "Subschema {} was removed from the `allOf` of {at}.",
                    branch_name(&branch, index)
                ),
                old: Some(branch.spot()),
                new: Some(new.node.spot()),
                group: usage.group,
            };
            pair!(self, "all-of-removed", rep, walk.capped);
        }
        for (index, branch) in added {
            if annotation(&self.new, &branch) {
                continue;
            }
            let rep = Report {
                direction: usage.flow,
                message: format!(
                    "Subschema {} was added to the `allOf` of {at}.",
                    branch_name(&branch, index)
                ),
                old: Some(old.node.spot()),
                new: Some(branch.spot()),
                group: usage.group,
            };
            pair!(self, "all-of-added", rep, walk.capped);
        }
    }

    /// Pairs old and new subschemas: by the schema they reference, by equality, by title,
    /// and the rest by position when as many remain on both sides.
    #[allow(clippy::type_complexity)]
    fn match_branches(
        &mut self,
        olds: Vec<Node<'a>>,
        news: Vec<Node<'a>>,
    ) -> (
        Vec<(Node<'a>, Node<'a>)>,
        Vec<(usize, Node<'a>)>,
        Vec<(usize, Node<'a>)>,
    ) {
        let mut old_left: Vec<(usize, Node<'a>)> = olds.into_iter().enumerate().collect();
        let mut new_left: Vec<(usize, Node<'a>)> = news.into_iter().enumerate().collect();
        let mut pairs = Vec::new();
        let reference = |n: &Node<'_>| {
            n.text("$ref")
                .map(|r| r.rsplit('/').next().unwrap_or(r).to_owned())
        };
        let title = |side: &crate::diff::differ::Side<'a>, n: &Node<'a>| {
            side.resolve(n.clone()).text("title").map(str::to_owned)
        };
        for pass in 0..3 {
            let mut i = 0;
            while i < old_left.len() {
                let o = old_left[i].1.clone();
                let found = new_left.iter().position(|(_, n)| match pass {
                    0 => reference(&o).is_some() && reference(&o) == reference(n),
                    1 => false,
                    _ => {
                        title(&self.old, &o).is_some()
                            && title(&self.old, &o) == title(&self.new, n)
                    }
                });
                let found = match (pass, found) {
                    (1, _) => new_left.iter().position(|(_, n)| self.same(&o, n)),
                    (_, found) => found,
                };
                match found {
                    Some(j) => {
                        let (_, n) = new_left.remove(j);
                        old_left.remove(i);
                        pairs.push((o, n));
                    }
                    None => i += 1,
                }
            }
        }
        if old_left.len() == new_left.len() {
            for ((_, o), (_, n)) in old_left.drain(..).zip(new_left.drain(..)) {
                pairs.push((o, n));
            }
        }
        (pairs, old_left, new_left)
    }
}

/// How a subschema is named in a message: the schema it references, else its position.
fn branch_name(node: &Node<'_>, index: usize) -> String {
    match node.text("$ref") {
        Some(reference) => format!("`{}`", reference.rsplit('/').next().unwrap_or(reference)),
        None => match node.text("title") {
            Some(title) => format!("`{title}`"),
            None => format!("#{}", index + 1),
        },
    }
}
