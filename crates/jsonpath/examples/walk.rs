//! Times one `PathSet` walk of a document with every `given` of the bundled Spectral
//! rulesets: `cargo run --release -p portico-jsonpath --example walk -- stripe.json`.

use std::time::Instant;

use portico_jsonpath::{Path, PathSet};
use serde_json::Value;

fn main() {
    let file = std::env::args().nth(1).expect("usage: walk DOCUMENT.json");
    let list: Value =
        serde_json::from_str(include_str!("../tests/fixtures/spectral-expressions.json"))
            .expect("list");
    let mut sources: Vec<&str> = list
        .as_array()
        .expect("a list")
        .iter()
        .filter(|e| e["kind"] == "given")
        .filter_map(|e| e["expr"].as_str())
        .collect();
    sources.dedup();
    let t0 = Instant::now();
    let text = std::fs::read_to_string(&file).expect("readable");
    let doc: Value = serde_json::from_str(&text).expect("JSON");
    let t1 = Instant::now();
    let paths: Vec<Path> = sources
        .iter()
        .map(|s| Path::parse(s).expect("parses"))
        .collect();
    let set = PathSet::new(paths);
    let t2 = Instant::now();
    let mut counts = vec![0usize; sources.len()];
    set.visit(&doc, |i, _, _| counts[i] += 1);
    let mut t3 = Instant::now();
    // REPEAT=n: the fastest of n more walks (the machine may be busy).
    let repeat: usize = std::env::var("REPEAT")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(0);
    let mut best = t3 - t2;
    for _ in 0..repeat {
        let t = Instant::now();
        set.visit(&doc, |_, _, _| {});
        best = best.min(t.elapsed());
    }
    if repeat > 0 {
        t3 = t2 + best;
    }
    println!(
        "read+parse JSON {:?}, compile {} paths {:?}, walk {:?}, matches {}",
        t1 - t0,
        sources.len(),
        t2 - t1,
        t3 - t2,
        counts.iter().sum::<usize>()
    );
    if std::env::var_os("COUNTS").is_some() {
        let map: serde_json::Map<String, Value> = sources
            .iter()
            .zip(&counts)
            .map(|(s, c)| (s.to_string(), Value::from(*c)))
            .collect();
        println!("{}", Value::Object(map));
    }
}
