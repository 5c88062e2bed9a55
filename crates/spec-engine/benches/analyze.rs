//! In-process cost of the engine on the largest corpus document (Stripe spec3.json,
//! 4.2 MB): parse + validate + model, beside a bare `serde_json::from_slice` of the same
//! bytes, and `check` (the diagnostics alone, as `portico lint`). The bar is 100 ms for
//! `analyze`. The corpus is read from ../shared/corpus
//! relative to the repository root; without it the bench says so and measures nothing.
//!
//! Then `analyze` on YAML (where aliases are expanded within their byte budget) and on
//! the largest AsyncAPI document (whose messages inline schemas within one budget).
//!
//! cargo bench -p spec-engine --bench analyze

use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};

const STRIPE: &str = "openapi/valid/large/stripe-spec3-2022-04-12.json";

/// YAML and AsyncAPI documents: the parser's budgets and the model's inlining.
const BUDGETED: [&str; 3] = [
    "openapi/valid/large/stripe-spec3-2022-04-12.yaml",
    "openapi/valid/large/adyen-CheckoutService-v71.yaml",
    "asyncapi/invalid/real-world/zbos-mqtt-all-asyncapi.json",
];

fn analyze(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/corpus")
        .join(STRIPE);
    let Ok(text) = std::fs::read_to_string(&path) else {
        eprintln!("skipped: corpus file {} is missing", path.display());
        return;
    };
    let input = spec_engine::Input::single("spec3.json", &text);
    let analysis = spec_engine::analyze(&input);
    assert!(!analysis.has_errors(), "{:?}", analysis.diagnostics.first());
    let mut group = c.benchmark_group("stripe-spec3.json");
    group.sample_size(20);
    group.bench_function("serde_json::from_slice", |b| {
        b.iter(|| serde_json::from_slice::<serde_json::Value>(text.as_bytes()).unwrap())
    });
    group.bench_function("spec_engine::analyze", |b| {
        b.iter(|| spec_engine::analyze(&input))
    });
    // What `portico lint` runs: the same diagnostics without the model.
    group.bench_function("spec_engine::check", |b| {
        b.iter(|| spec_engine::check(&input))
    });
    group.finish();
}

fn budgeted(c: &mut Criterion) {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
    let mut group = c.benchmark_group("analyze");
    group.sample_size(20);
    for file in BUDGETED {
        let Ok(text) = std::fs::read_to_string(corpus.join(file)) else {
            eprintln!("skipped: corpus file {file} is missing");
            continue;
        };
        let name = file.rsplit('/').next().unwrap_or(file);
        let input = spec_engine::Input::single(name, &text);
        group.bench_function(name, |b| b.iter(|| spec_engine::analyze(&input)));
    }
    group.finish();
}

criterion_group!(benches, analyze, budgeted);
criterion_main!(benches);
