//! What a governance profile adds to the editor's analysis per keystroke: the engine
//! worker runs `analyze_cached` after each edit and then the profile's rulesets
//! (`apply_ruleset`). On the editor bench's ~100 KB AsyncAPI document (the same
//! generator as bench/documents.mjs) with `portico:asyncapi`, and on a ~100 KB OpenAPI
//! document with `portico:oas`; median of 40 edits each, native (the worker's WASM is
//! slower in absolute terms, the ratio is what the bar asks).
//!
//! cargo run --release -p spec-engine --example ruleset_overhead

use std::time::{Duration, Instant};

use spec_engine::ruleset::{NoFiles, Ruleset};
use spec_engine::{Input, ParseCache, analyze_cached, apply_ruleset};

/// The editor bench's AsyncAPI document (bench/documents.mjs `hundredKilobytes`).
fn asyncapi() -> String {
    let mut lines = vec![
        "asyncapi: 3.0.0".to_owned(),
        "info:".into(),
        "  title: Big Service".into(),
        "  version: 1.0.0".into(),
        "channels:".into(),
    ];
    let mut messages = vec!["components:".to_owned(), "  messages:".into()];
    let mut i = 0;
    while lines.join("\n").len() + messages.join("\n").len() < 100_000 {
        lines.extend([
            format!("  ch{i}:"),
            format!("    address: orders/{i}"),
            "    messages:".into(),
            format!("      M{i}:"),
            format!("        $ref: '#/components/messages/M{i}'"),
        ]);
        messages.extend([
            format!("    M{i}:"),
            format!("      name: M{i}"),
            "      payload:".into(),
            "        type: object".into(),
            "        required: [id]".into(),
            "        properties:".into(),
            "          id:".into(),
            "            type: string".into(),
            "          amount:".into(),
            "            type: number".into(),
            "            description: The amount in cents.".into(),
        ]);
        i += 1;
    }
    lines.extend(messages);
    lines.join("\n") + "\n"
}

/// An OpenAPI 3.0 document of the same size: paths with an operation each, their
/// parameters, and responses referencing shared schemas.
fn openapi() -> String {
    let mut out = String::from(
        "openapi: 3.0.3\ninfo:\n  title: Big API\n  version: 1.0.0\n  description: Orders.\n  contact:\n    name: Team\nservers:\n  - url: https://api.example.com\ntags:\n  - name: orders\n    description: Orders.\npaths:\n",
    );
    let mut schemas = String::from("components:\n  schemas:\n");
    let mut i = 0;
    while out.len() + schemas.len() < 100_000 {
        out.push_str(&format!(
            "  /orders{i}/{{id}}:\n    get:\n      operationId: getOrder{i}\n      summary: One order.\n      description: Returns the order.\n      tags: [orders]\n      parameters:\n        - name: id\n          in: path\n          required: true\n          schema:\n            type: string\n      responses:\n        '200':\n          description: The order.\n          content:\n            application/json:\n              schema:\n                $ref: '#/components/schemas/Order{i}'\n"
        ));
        schemas.push_str(&format!(
            "    Order{i}:\n      type: object\n      required: [id]\n      properties:\n        id:\n          type: string\n        amount:\n          type: number\n          description: The amount in cents.\n"
        ));
        i += 1;
    }
    out + &schemas
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn measure(name: &str, text: &str, ruleset: &str) {
    let ruleset = Ruleset::load(ruleset, &NoFiles).expect("a built-in ruleset loads");
    let mut cache = ParseCache::default();
    let (mut analysis_times, mut ruleset_times) = (Vec::new(), Vec::new());
    let mut findings = 0;
    for edit in 0..41 {
        // A keystroke: one character of the title changes.
        let edited = text.replacen("  title: Big", &format!("  title: Big{}", edit % 10), 1);
        let input = Input::single("doc.yaml", &edited);
        let start = Instant::now();
        let mut analysis = analyze_cached(&input, &mut cache);
        let analysed = start.elapsed();
        let start = Instant::now();
        let before = analysis.diagnostics.len();
        apply_ruleset(&input, &mut analysis, &ruleset);
        let applied = start.elapsed();
        findings = analysis.diagnostics.len() - before;
        if edit > 0 {
            analysis_times.push(analysed);
            ruleset_times.push(applied);
        }
    }
    let (a, r) = (median(analysis_times), median(ruleset_times));
    println!(
        "{name} ({} KB): analysis per keystroke {:.2} ms, the profile adds {:.2} ms ({:.0} %, bar <= 30 %), {findings} findings",
        text.len() / 1024,
        a.as_secs_f64() * 1e3,
        r.as_secs_f64() * 1e3,
        r.as_secs_f64() / a.as_secs_f64() * 100.0
    );
}

fn main() {
    measure(
        "AsyncAPI + portico:asyncapi",
        &asyncapi(),
        "portico:asyncapi",
    );
    measure("OpenAPI + portico:oas", &openapi(), "portico:oas");
}
