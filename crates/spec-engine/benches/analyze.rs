//! In-process cost of the engine on the largest corpus document (Stripe spec3.json,
//! 4.2 MB): parse + validate + model, beside a bare `serde_json::from_slice` of the same
//! bytes, and `check` (the diagnostics alone, as `portico lint`). The bar is 100 ms for
//! `analyze`. The corpus is read from ../shared/corpus
//! relative to the repository root; without it the bench says so and measures nothing.
//!
//! cargo bench -p spec --bench analyze

use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};

const STRIPE: &str = "openapi/valid/large/stripe-spec3-2022-04-12.json";

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

criterion_group!(benches, analyze);
criterion_main!(benches);
