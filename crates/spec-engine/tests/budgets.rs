//! Hostile documents cost what their size allows, not what their aliases or references
//! multiply it to: a 1 MB scalar aliased hundreds or thousands of times is refused at the
//! alias that crosses the expansion budget, and messages that each reference one large
//! schema share one inlining budget. Its own test binary, so the counting allocator sees
//! these tests' allocations alone (one test at a time).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use spec_engine::{Analysis, Input, Severity, analyze};

/// Counts live bytes and their peak; refuses to grow past `CEILING` so that an engine
/// without the budget fails this test instead of exhausting the machine.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
const CEILING: usize = 1024 * 1024 * 1024;

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        if live > CEILING {
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
            return std::ptr::null_mut();
        }
        PEAK.fetch_max(live, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Held by each test throughout: one test allocates at a time.
static ALONE: Mutex<()> = Mutex::new(());

fn alone() -> std::sync::MutexGuard<'static, ()> {
    ALONE
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Analyses `input`; answers the analysis, how long it took and the most bytes it held
/// at once.
fn measured(input: &Input) -> (Analysis, Duration, usize) {
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let start = Instant::now();
    let analysis = analyze(input);
    let elapsed = start.elapsed();
    (analysis, elapsed, PEAK.load(Ordering::Relaxed) - before)
}

/// An AsyncAPI document whose 1 MB description is aliased `aliases` times, one alias a
/// line from line 7 on.
fn alias_bomb(aliases: usize) -> String {
    let mut text = format!(
        "asyncapi: 3.0.0\ninfo:\n  title: Bomb\n  version: 1.0.0\n  description: &big {}\n  x-copies:\n",
        "x".repeat(1024 * 1024)
    );
    text.push_str(&"    - *big\n".repeat(aliases));
    text
}

#[test]
fn a_large_scalar_aliased_many_times_is_refused_at_its_alias_within_bounded_memory() {
    let _alone = alone();
    for aliases in [300, 2_000] {
        let (analysis, elapsed, peak) = measured(&Input::single("bomb.yaml", &alias_bomb(aliases)));
        eprintln!("{aliases} aliases: {elapsed:?}, peak {} KB", peak / 1024);

        let [refusal] = analysis.diagnostics.as_slice() else {
            panic!("one diagnostic expected: {:#?}", analysis.diagnostics);
        };
        assert_eq!(refusal.severity, Severity::Error);
        assert!(
            refusal
                .message
                .contains("The alias *big expands the document"),
            "{refusal:?}"
        );
        // 10x the file is ten copies of the scalar: the original and nine aliases fit,
        // the tenth (line 7 + 9) is refused.
        assert_eq!(refusal.line, Some(16), "{refusal:?}");
        assert!(analysis.model.is_none());
        assert!(
            elapsed < Duration::from_secs(5),
            "{aliases} aliases took {elapsed:?}"
        );
        // The text, the ten copies the budget allows and the parser's buffers; without
        // the budget this is 300 MB or 2 GB.
        assert!(
            peak < 64 * 1024 * 1024,
            "{aliases} aliases peaked at {} MB",
            peak / (1024 * 1024)
        );
    }
}

/// An AsyncAPI document with a schema of 2,000 described properties (~200 KB) and
/// `messages` messages whose payload each references it.
fn shared_schema(messages: usize) -> String {
    let mut text = String::from(
        "asyncapi: 3.0.0\ninfo:\n  title: Shared\n  version: 1.0.0\ncomponents:\n  schemas:\n    Big:\n      type: object\n      properties:\n",
    );
    for index in 0..2_000 {
        text.push_str(&format!(
            "        p{index}: {{type: string, description: {}}}\n",
            "d".repeat(100)
        ));
    }
    text.push_str("  messages:\n");
    for index in 0..messages {
        text.push_str(&format!(
            "    M{index}:\n      payload:\n        $ref: '#/components/schemas/Big'\n"
        ));
    }
    text
}

#[test]
fn messages_referencing_one_large_schema_share_one_inlining_budget() {
    let _alone = alone();
    let input = Input::single("shared.yaml", &shared_schema(400));
    let (analysis, elapsed, peak) = measured(&input);
    eprintln!("400 messages: {elapsed:?}, peak {} KB", peak / 1024);

    let model = analysis.model.expect("a model");
    assert_eq!(model.messages.len(), 400);
    let inlined = |index: usize| {
        model.messages[index]
            .payload
            .as_ref()
            .and_then(|p| p.get("properties"))
            .and_then(|p| p.as_object())
            .map_or(0, |p| p.len())
    };
    // The first messages show the schema; once the document's budget is spent, the
    // rest keep the reference, and a warning says why.
    assert_eq!(inlined(0), 2_000);
    assert_eq!(inlined(399), 0);
    assert_eq!(
        model.messages[399]
            .payload
            .as_ref()
            .and_then(|p| p.get("$ref")),
        Some(&serde_json::json!("#/components/schemas/Big"))
    );
    let warning = analysis
        .diagnostics
        .iter()
        .find(|d| d.message.contains("Inlining the schemas' references"))
        .expect("a warning about the inlining budget");
    assert_eq!(warning.severity, Severity::Warning);
    assert!(
        !analysis
            .diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    );
    assert!(elapsed < Duration::from_secs(5), "took {elapsed:?}");
    // Without one budget per document each message copies the schema: ~400 MB.
    assert!(
        peak < 64 * 1024 * 1024,
        "peaked at {} MB",
        peak / (1024 * 1024)
    );
}
