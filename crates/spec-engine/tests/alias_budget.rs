//! A 1 MB scalar aliased hundreds or thousands of times is refused at the alias that
//! crosses the expansion budget, quickly and within bounded memory. Its own test binary,
//! so the counting allocator sees this test's allocations alone.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use spec_engine::{Input, Severity, analyze};

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
    for aliases in [300, 2_000] {
        let input = Input::single("bomb.yaml", &alias_bomb(aliases));
        let before = LIVE.load(Ordering::Relaxed);
        PEAK.store(before, Ordering::Relaxed);
        let start = Instant::now();
        let analysis = analyze(&input);
        let elapsed = start.elapsed();
        let peak = PEAK.load(Ordering::Relaxed) - before;
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
