//! No input makes the engine panic, hang or balloon: property tests over parse + analyze
//! (and the conversions) on corpus documents mutated the way hostile or half-typed input
//! looks (truncated, stray brackets, duplicated anchors and aliases, deep nesting), and on
//! arbitrary text. Bounded: a fixed number of cases with a fixed seed, so `cargo test`
//! stays fast and repeatable.

use std::path::Path;
use std::time::{Duration, Instant};

use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

/// Longest one analysis may take in a debug build before it counts as a hang.
const BOUND: Duration = Duration::from_secs(3);

/// Small documents from the corpus (both kinds, both syntaxes), or built-in ones.
fn seeds() -> Vec<String> {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
    let mut seeds = vec![
        "asyncapi: 3.0.0\ninfo: {title: T, version: '1'}\nchannels:\n  c:\n    address: a/{id}\n    messages:\n      m: {payload: {type: object, properties: {n: {type: integer}}}}\noperations:\n  o: {action: send, channel: {$ref: '#/channels/c'}}\n".to_owned(),
        "{\"openapi\": \"3.1.0\", \"info\": {\"title\": \"T\", \"version\": \"1\"}, \"paths\": {\"/a/{id}\": {\"get\": {\"responses\": {\"200\": {\"description\": \"ok\"}}}}}}".to_owned(),
        "asyncapi: 2.6.0\ninfo: {title: T, version: '1'}\nchannels:\n  a:\n    subscribe:\n      message: {$ref: '#/components/messages/M'}\ncomponents:\n  messages:\n    M: &m {payload: {type: string}}\n    N: *m\n".to_owned(),
    ];
    if let Ok(manifest) = std::fs::read_to_string(corpus.join("MANIFEST.tsv")) {
        for line in manifest.lines().skip(1) {
            let columns: Vec<&str> = line.split('\t').collect();
            let small = columns
                .get(5)
                .and_then(|s| s.parse::<usize>().ok())
                .is_some_and(|size| (400..12_000).contains(&size));
            if columns.len() > 7
                && columns[7] == "document"
                && small
                && seeds.len() < 40
                && let Ok(text) = std::fs::read_to_string(corpus.join(columns[0]))
            {
                seeds.push(text);
            }
        }
    }
    seeds
}

#[derive(Debug, Clone)]
enum Mutation {
    Truncate(usize),
    Insert(usize, String),
    DuplicateLines(usize, usize, usize),
    DeleteLines(usize, usize),
    Nest(usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let fragment = prop_oneof![
        Just("[".to_owned()),
        Just("{".to_owned()),
        Just("]}".to_owned()),
        Just(": &a ".to_owned()),
        Just(" *a".to_owned()),
        Just("\n<<: *a\n".to_owned()),
        Just("\n- &x [*x]\n".to_owned()),
        Just("\n$ref: '#/'\n".to_owned()),
        Just("$ref: '#/components/schemas/~2'".to_owned()),
        Just("\"\\u0000\"".to_owned()),
        Just("\n---\n".to_owned()),
        Just("\t".to_owned()),
        Just("!!binary ".to_owned()),
        Just("'".to_owned()),
        Just("\"".to_owned()),
        "[\\[\\]{}:,&*!|>'\"#%@`\\- \n\t]{1,12}",
        ".{0,16}",
    ];
    prop_oneof![
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), fragment).prop_map(|(at, text)| Mutation::Insert(at, text)),
        (any::<usize>(), 1..6usize, 1..40usize)
            .prop_map(|(at, len, times)| Mutation::DuplicateLines(at, len, times)),
        (any::<usize>(), 1..10usize).prop_map(|(at, len)| Mutation::DeleteLines(at, len)),
        (any::<usize>(), 1..400usize).prop_map(|(at, depth)| Mutation::Nest(at, depth)),
    ]
}

fn char_boundary(text: &str, at: usize) -> usize {
    let mut at = at % (text.len() + 1);
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn apply(text: &str, mutation: &Mutation) -> String {
    let lines: Vec<&str> = text.lines().collect();
    match mutation {
        Mutation::Truncate(at) => text[..char_boundary(text, *at)].to_owned(),
        Mutation::Insert(at, fragment) => {
            let at = char_boundary(text, *at);
            format!("{}{fragment}{}", &text[..at], &text[at..])
        }
        Mutation::DuplicateLines(at, len, times) => {
            let start = at % (lines.len() + 1);
            let end = (start + len).min(lines.len());
            let mut out: Vec<&str> = lines[..end].to_vec();
            for _ in 0..*times {
                out.extend_from_slice(&lines[start..end]);
            }
            out.extend_from_slice(&lines[end..]);
            out.join("\n")
        }
        Mutation::DeleteLines(at, len) => {
            let start = at % (lines.len() + 1);
            let end = (start + len).min(lines.len());
            [&lines[..start], &lines[end..]].concat().join("\n")
        }
        Mutation::Nest(at, depth) => {
            let at = char_boundary(text, *at);
            let (open, close) = if at.is_multiple_of(2) {
                ("[", "]")
            } else {
                ("{a: ", "}")
            };
            format!(
                "{}{}x{}{}",
                &text[..at],
                open.repeat(*depth),
                close.repeat(*depth),
                &text[at..]
            )
        }
    }
}

/// Everything a keystroke runs, plus the conversions; returns how long it took.
fn exercise(text: &str) -> Duration {
    let start = Instant::now();
    let analysis = spec_engine::analyze(&spec_engine::Input::single("doc.yaml", text));
    for d in &analysis.diagnostics {
        assert!(d.line.is_some() && d.column.is_some(), "unlocated: {d:?}");
    }
    if let Some(documents) = &analysis.documents
        && let Some(main) = documents.files.get(&documents.main)
    {
        let _ = spec_engine::to_yaml(&main.value);
        let _ = spec_engine::to_json(&main.value);
        let _ = spec_engine::convert_asyncapi_to_v3(&main.value);
    }
    if let Some(model) = &analysis.model {
        let _ = spec_engine::content_index(model);
    }
    start.elapsed()
}

fn runner(cases: u32) -> TestRunner {
    let config = Config {
        cases,
        failure_persistence: None,
        max_shrink_iters: 64,
        ..Config::default()
    };
    // A fixed seed: the same cases on every run, so a failure is reproducible.
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &[7; 32]);
    TestRunner::new_with_rng(config, rng)
}

#[test]
fn mutated_documents_never_panic_or_hang() {
    let seeds = seeds();
    let strategy = (0..seeds.len(), prop::collection::vec(mutation(), 1..4));
    runner(600)
        .run(&strategy, |(index, mutations)| {
            let mut text = seeds[index].clone();
            for mutation in &mutations {
                text = apply(&text, mutation);
            }
            let took = exercise(&text);
            prop_assert!(took < BOUND, "{took:?} for {mutations:?}");
            Ok(())
        })
        .unwrap();
}

#[test]
fn arbitrary_text_never_panics() {
    let strategy = prop_oneof![
        ".{0,200}",
        "[\\[\\]{}:,&*!|>'\"#%@`\\-a-z0-9 \n\t]{0,300}",
        "(asyncapi: 2\\.6\\.0\n|openapi: 3\\.1\\.0\n)[a-z:&*\\[\\]{}$' \n\t-]{0,300}",
    ];
    runner(1000)
        .run(&strategy, |text| {
            let took = exercise(&text);
            prop_assert!(took < BOUND, "{took:?}");
            Ok(())
        })
        .unwrap();
}

#[test]
fn hostile_shapes_are_refused_quickly() {
    let cases = [
        "[".repeat(2_000_000),
        "{\"a\":".repeat(300_000),
        format!("a: {}", "- ".repeat(100_000)),
        format!("{}x", "  - ".repeat(5_000)),
        (1..5_000).fold("k0: &a0 [x, x]\n".to_owned(), |text, i| {
            text + &format!("k{i}: &a{i} [*a{p}, *a{p}]\n", p = i - 1)
        }),
    ];
    for text in &cases {
        let took = exercise(text);
        assert!(
            took < BOUND,
            "{took:?} for {}…",
            &text[..40.min(text.len())]
        );
    }
}
