//! The phases of `portico diff` timed in process (both analyses on two threads, the
//! comparison, and `check` on both as `portico lint` runs it), and the report written as
//! JSON to compare before and after a change. `DIFF_ONLY=N` analyses once and runs the
//! comparison N times (for a profiler); `PHASES=1` times `check` and `analyze` of OLD
//! alone on one thread.
//!
//! cargo run --release -p spec-engine --example diff_timing -- OLD NEW [RUNS] [OUT.json]

use std::path::Path;
use std::time::Instant;

fn input(path: &str) -> spec_engine::Input {
    let text = std::fs::read_to_string(path).expect("readable file");
    let name = Path::new(path).file_name().unwrap().to_string_lossy();
    spec_engine::Input::single(&name, &text)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (old, new) = (input(&args[0]), input(&args[1]));
    let runs: usize = args.get(2).map_or(5, |r| r.parse().unwrap());
    let options = spec_engine::DiffOptions::default();
    let mut report = None;
    if std::env::var("PHASES").is_ok() {
        // One side at a time, one thread: the diagnostics alone, then with the model.
        for _ in 0..runs {
            let start = Instant::now();
            drop(spec_engine::check(&old));
            let checked = start.elapsed();
            let start = Instant::now();
            let a = spec_engine::analyze(&old);
            let analysed = start.elapsed();
            let start = Instant::now();
            drop(a);
            eprintln!(
                "check {:>6.1} ms  analyze {:>6.1} ms  drop {:>5.1} ms",
                checked.as_secs_f64() * 1e3,
                analysed.as_secs_f64() * 1e3,
                start.elapsed().as_secs_f64() * 1e3
            );
        }
        return;
    }
    if let Ok(n) = std::env::var("DIFF_ONLY") {
        // Analyses once, then the comparison alone `n` times (for a profiler).
        let (a, b) = (spec_engine::analyze(&old), spec_engine::analyze(&new));
        let start = Instant::now();
        for _ in 0..n.parse::<usize>().unwrap() {
            drop(spec_engine::diff_analyzed(&old, &a, &new, &b, &options));
        }
        eprintln!(
            "diff_analyzed x{n}: {:.1} ms",
            start.elapsed().as_secs_f64() * 1e3
        );
        return;
    }
    for _ in 0..runs {
        let start = Instant::now();
        let (a, b) = std::thread::scope(|s| {
            let a = s.spawn(|| spec_engine::analyze(&old));
            let b = spec_engine::analyze(&new);
            (a.join().unwrap(), b)
        });
        let analysed = start.elapsed();
        let start2 = Instant::now();
        let r = spec_engine::diff_analyzed(&old, &a, &new, &b, &options);
        let compared = start2.elapsed();
        let start3 = Instant::now();
        let (c, d) = std::thread::scope(|s| {
            let c = s.spawn(|| spec_engine::check(&old));
            let d = spec_engine::check(&new);
            (c.join().unwrap(), d)
        });
        let checked = start3.elapsed();
        drop((c, d));
        eprintln!(
            "analyze x2 (threads) {:>6.1} ms  diff_analyzed {:>6.1} ms  check x2 (threads) {:>6.1} ms",
            analysed.as_secs_f64() * 1e3,
            compared.as_secs_f64() * 1e3,
            checked.as_secs_f64() * 1e3
        );
        report = Some(r);
    }
    if let Some(out) = args.get(3) {
        let json = match report.unwrap() {
            Ok(report) => serde_json::to_string_pretty(&report).unwrap(),
            Err(error) => format!("{error:?}"),
        };
        std::fs::write(out, json).unwrap();
    }
}
