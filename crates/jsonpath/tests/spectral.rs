//! Against Spectral itself: every `given` and `then.field` of `spectral:oas`,
//! `spectral:asyncapi`, `spectral:arazzo` (@stoplight/spectral-rulesets 1.23.1) and the OWASP
//! ruleset (@stoplight/spectral-owasp-ruleset 2.0.1) parses, and on the fixtures every
//! path selects what Spectral 6's engine (nimma 0.2.3 with its jsonpath-plus fallback,
//! configured as spectral-core's runner does) selected. `spectral-expected.json` was
//! recorded from that engine; aliases (`#OperationObject`) are expanded as Spectral does.

use portico_jsonpath::{Field, Path, PathSet, Segment};
use serde_json::Value;

fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).expect("fixture"))
        .expect("fixture is JSON")
}

fn seg_json(path: &[Segment]) -> Value {
    Value::Array(
        path.iter()
            .map(|s| match s {
                Segment::Key(k) => Value::String(k.clone()),
                Segment::Index(i) => Value::from(*i),
            })
            .collect(),
    )
}

#[test]
fn every_collected_expression_parses() {
    let list = fixture("spectral-expressions.json");
    let mut failed = Vec::new();
    let mut count = 0;
    for e in list.as_array().expect("a list") {
        let expr = e["expr"].as_str().expect("expr");
        let result = match e["kind"].as_str() {
            Some("given") => Path::parse(expr).map(|_| ()),
            _ => Field::parse(expr).map(|_| ()),
        };
        count += 1;
        if let Err(err) = result {
            failed.push(format!("{expr}: {err}"));
        }
    }
    assert!(count > 200, "the list has all {count} expressions");
    assert!(failed.is_empty(), "did not parse:\n{}", failed.join("\n"));
}

/// Every path of the expected file, for one fixture: (expression, expected matches).
fn expectations(doc: &str) -> Vec<(String, Option<Vec<Value>>)> {
    let all = fixture("spectral-expected.json");
    all[doc]
        .as_object()
        .expect("per expression")
        .iter()
        .map(|(e, r)| (e.clone(), r.as_array().cloned()))
        .collect()
}

/// Where this crate deliberately differs from Spectral 6's engine (see the crate docs).
const KNOWN_DIVERGENCES: &[(&str, &str)] = &[
    // nimma 0.2.3 compiles a slice right after `..` as a test of the root's children
    // only (jsonpath-plus, and this crate, slice every array).
    ("$..[-1:]", "nimma bug"),
    ("$..[-2:-1]", "nimma bug"),
    ("$..[0:4:2]", "nimma bug"),
    ("$..[1:]", "nimma bug"),
    ("$..[:1]", "nimma bug"),
    // nimma reads a fixed path with JavaScript property access: `length` of an array.
    ("$.b.length", "not a location of the document"),
    // `^` after `..x^` is not supported (a parse error).
    ("$..q^^", "unsupported"),
];

fn check_fixture(name: &str) {
    let doc = fixture(name);
    let mut failures = Vec::new();
    let mut paths = Vec::new();
    for (expr, expected) in expectations(name) {
        if KNOWN_DIVERGENCES.iter().any(|(e, _)| *e == expr) {
            continue;
        }
        let path = match Path::parse(&expr) {
            Ok(p) => p,
            Err(e) => {
                // Spectral throws on these too (recorded as an error).
                if expected.is_some() {
                    failures.push(format!("{expr}: does not parse: {e}"));
                }
                continue;
            }
        };
        paths.push(path.clone());
        let Some(expected) = expected else { continue };
        let keyed = expr.ends_with('~');
        let mut got: Vec<Value> = path
            .select(&doc)
            .into_iter()
            .map(|m| {
                let p = seg_json(&m.path);
                if keyed {
                    Value::Array(vec![p, m.value.into_owned()])
                } else {
                    Value::Array(vec![p])
                }
            })
            .collect();
        got.sort_by_key(|v| v[0].to_string());
        let mut want = expected.clone();
        want.sort_by_key(|v| v[0].to_string());
        if got != want {
            failures.push(format!(
                "{expr}:\n   spectral: {}\n   here:     {}",
                Value::Array(want),
                Value::Array(got)
            ));
        }
    }
    // The one-walk matcher agrees with `select`, order included.
    let set = PathSet::new(paths.clone());
    let mut visited: Vec<Vec<(Value, Value)>> = vec![Vec::new(); paths.len()];
    set.visit(&doc, |i, p, v| visited[i].push((seg_json(p), v.clone())));
    for (i, p) in paths.iter().enumerate() {
        let selected: Vec<(Value, Value)> = p
            .select(&doc)
            .into_iter()
            .map(|m| (seg_json(&m.path), m.value.into_owned()))
            .collect();
        if selected != visited[i] {
            failures.push(format!(
                "{p}: visit differs from select:\n   select: {:?}\n   visit:  {:?}",
                selected.iter().map(|x| x.0.to_string()).collect::<Vec<_>>(),
                visited[i]
                    .iter()
                    .map(|x| x.0.to_string())
                    .collect::<Vec<_>>()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches in {name}:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn openapi_fixture_matches_spectral() {
    check_fixture("openapi.json");
}

#[test]
fn asyncapi_fixture_matches_spectral() {
    check_fixture("asyncapi.json");
}

#[test]
fn features_fixture_matches_spectral() {
    check_fixture("features.json");
}

/// Stripe's spec (6 MB, from the shared corpus): each collected `given` matches as many
/// locations as in Spectral's engine (`stripe-spectral-counts.json`, recorded with the
/// same engine setup). Skipped where the corpus is not at hand; `PORTICO_STRIPE_SPEC`
/// names the file elsewhere.
#[test]
fn stripe_counts_match_spectral() {
    let candidates = [
        std::env::var("PORTICO_STRIPE_SPEC").unwrap_or_default(),
        "/work/shared/corpus/openapi/valid/large/stripe-spec3-2022-04-12.json".into(),
        format!(
            "{}/../../../shared/corpus/openapi/valid/large/stripe-spec3-2022-04-12.json",
            env!("CARGO_MANIFEST_DIR")
        ),
    ];
    let Some(text) = candidates
        .iter()
        .find_map(|p| std::fs::read_to_string(p).ok())
    else {
        eprintln!("Stripe's spec is not at hand: skipped");
        return;
    };
    let doc: Value = serde_json::from_str(&text).expect("Stripe's spec is JSON");
    let expected = fixture("stripe-spectral-counts.json");
    let expected = expected.as_object().expect("counts by expression");
    let sources: Vec<&String> = expected.keys().collect();
    let set = PathSet::new(
        sources
            .iter()
            .map(|s| Path::parse(s).expect("parses"))
            .collect(),
    );
    let mut counts = vec![0u64; sources.len()];
    set.visit(&doc, |i, _, _| counts[i] += 1);
    let wrong: Vec<String> = sources
        .iter()
        .zip(&counts)
        .filter(|(s, c)| expected[s.as_str()].as_u64() != Some(**c))
        .map(|(s, c)| format!("{s}: spectral {}, here {c}", expected[s.as_str()]))
        .collect();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
