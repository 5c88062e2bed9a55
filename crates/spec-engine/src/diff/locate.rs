//! Turns the changes found into the report's: line and column for every location (the
//! nearest ancestor in the source when a pointer itself is not there), repeats noted,
//! and the most severe first.

use std::collections::{HashMap, HashSet};

use super::differ::{Differ, Found, Spot};
use super::report::{Change, Location};
use crate::analysis::{PARALLEL_FROM_BYTES, both};
use crate::input::Input;
use crate::position;

/// The changes of `differ`, located and ordered.
pub(crate) fn finish(differ: &Differ<'_>) -> Vec<Change> {
    let old_wanted = wanted(differ.found.iter().filter_map(|f| f.old.as_ref()));
    let new_wanted = wanted(differ.found.iter().filter_map(|f| f.new.as_ref()));
    let (old_input, new_input) = (differ.old.input, differ.new.input);
    // Each side's scan reads its whole text (~4 ms per MB): side by side when large.
    let large = [old_input, new_input]
        .iter()
        .flat_map(|input| input.files.values())
        .any(|text| text.len() >= PARALLEL_FROM_BYTES);
    let (old, new) = both(
        large,
        || positions(old_input, old_wanted),
        || positions(new_input, new_wanted),
    );
    let mut changes: Vec<(usize, Change)> = differ
        .found
        .iter()
        .enumerate()
        .map(|(index, found)| (index, change(found, &old, &new)))
        .collect();
    changes.sort_by_key(|(index, change)| (change.severity, *index));
    changes.into_iter().map(|(_, change)| change).collect()
}

type Positions = HashMap<String, HashMap<String, (u32, u32)>>;

fn ancestors(pointer: &str) -> impl Iterator<Item = &str> {
    let mut current = Some(pointer);
    std::iter::from_fn(move || {
        let here = current?;
        current = here.rfind('/').map(|at| &here[..at]);
        Some(here)
    })
}

/// The pointers to locate in each file: those of `spots` and their ancestors.
fn wanted<'s>(spots: impl Iterator<Item = &'s Spot>) -> HashMap<&'s str, HashSet<String>> {
    let mut wanted: HashMap<&str, HashSet<String>> = HashMap::new();
    for spot in spots {
        let set = wanted.entry(spot.file.as_str()).or_default();
        for pointer in ancestors(&spot.pointer) {
            set.insert(pointer.to_owned());
        }
    }
    wanted
}

fn positions(input: &Input, wanted: HashMap<&str, HashSet<String>>) -> Positions {
    wanted
        .into_iter()
        .filter_map(|(file, pointers)| {
            let text = input.files.get(file)?;
            Some((file.to_owned(), position::locate(text, &pointers)))
        })
        .collect()
}

fn location(spot: &Option<Spot>, positions: &Positions) -> Option<Location> {
    let spot = spot.as_ref()?;
    let found = positions
        .get(&spot.file)
        .and_then(|p| ancestors(&spot.pointer).find_map(|pointer| p.get(pointer)));
    Some(Location {
        file: spot.file.clone(),
        pointer: spot.pointer.clone(),
        line: found.map(|&(line, _)| line),
        column: found.map(|&(_, column)| column),
    })
}

fn change(found: &Found, old: &Positions, new: &Positions) -> Change {
    let mut message = found.message.clone();
    if found.repeats > 0 {
        let places = if found.repeats == 1 {
            "place"
        } else {
            "places"
        };
        message = format!(
            "{} (and in {} other {places})",
            message.trim_end_matches('.'),
            found.repeats
        );
        message.push('.');
    }
    Change {
        rule: found.rule.to_owned(),
        severity: found.severity,
        direction: found.direction,
        message,
        old: location(&found.old, old),
        new: location(&found.new, new),
        group: found.group.clone(),
    }
}
