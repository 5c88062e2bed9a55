//! QoS 0 and QoS 1 throughput against Debian's mosquitto, side by side in one run, the
//! way bench/broker.sh measures it (mosquitto_pub -l in chunks of 50,000 lines, one
//! mosquitto_sub counting), with authentication and a mount on for our broker. Ignored:
//! run in release with
//!
//!   cargo test -p mqtt-broker --release --test throughput -- --ignored --nocapture
//!
//! (`MESSAGES` sets the count, 100,000 by default; `ANONYMOUS=1` runs ours without
//! authentication; needs the mosquitto package).

mod raw;

use std::fs::File;
use std::io::Write;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use mqtt_broker::{AuthFuture, Grant, Login, Refusal};

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
    listener.local_addr().expect("its address").port()
}

/// Messages per second from the first publish to the last message received, or `None`
/// when the subscriber got fewer than `messages` within 60 s.
fn run(port: u16, qos: u8, login: &[&str], chunks: &[PathBuf], messages: usize) -> Option<f64> {
    // To a file, as bench/broker.sh does: a pipe nobody reads would stall the subscriber.
    let received = chunks[0].with_file_name("received");
    let (port, qos, count) = (port.to_string(), qos.to_string(), messages.to_string());
    let common = ["-h", "127.0.0.1", "-p", &port, "-t", "bench/t", "-q", &qos];
    let sub = Command::new("mosquitto_sub")
        .args(common)
        .args(login)
        .args(["-C", &count, "-W", "60"])
        .stdout(File::create(&received).expect("the received file"))
        .spawn()
        .expect("mosquitto_sub runs");
    std::thread::sleep(Duration::from_millis(500));
    let start = Instant::now();
    for chunk in chunks {
        let status = Command::new("mosquitto_pub")
            .args(common)
            .args(login)
            .arg("-l")
            .stdin(File::open(chunk).expect("the chunk"))
            .status()
            .expect("mosquitto_pub runs");
        assert!(status.success());
    }
    let mut sub = sub;
    sub.wait().expect("mosquitto_sub ends");
    let elapsed = start.elapsed().as_secs_f64();
    let got = std::fs::read(&received)
        .expect("what was received")
        .iter()
        .filter(|b| **b == b'\n')
        .count();
    if got < messages {
        eprintln!("port {port} QoS {qos}: {got} of {messages} received");
    }
    (got >= messages).then(|| messages as f64 / elapsed)
}

fn chunks(dir: &Path, messages: usize) -> Vec<PathBuf> {
    let line = format!("{}\n", "x".repeat(256));
    (0..messages.div_ceil(50_000))
        .map(|n| {
            let path = dir.join(format!("chunk.{n}"));
            let lines = (messages - n * 50_000).min(50_000);
            File::create(&path)
                .and_then(|mut file| file.write_all(line.repeat(lines).as_bytes()))
                .expect("writes the chunk");
            path
        })
        .collect()
}

#[test]
#[ignore = "a benchmark: run in release, see the module doc"]
fn qos0_and_qos1_throughput_against_mosquitto() {
    let messages: usize = std::env::var("MESSAGES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir().unwrap();
    let chunks = chunks(dir.path(), messages);

    let mosquitto_port = free_port();
    let conf = dir.path().join("mosquitto.conf");
    std::fs::write(
        &conf,
        format!(
            "listener {mosquitto_port} 127.0.0.1\nallow_anonymous true\nmax_queued_messages 0\n"
        ),
    )
    .unwrap();
    let mut mosquitto = Command::new("/usr/sbin/mosquitto")
        .arg("-c")
        .arg(&conf)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("mosquitto runs (apt-get install mosquitto)");
    let anonymous = std::env::var_os("ANONYMOUS").is_some();
    let broker = raw::broker_with(|config| {
        if anonymous {
            return;
        }
        config.authenticator = Some(Arc::new(|login: Login| -> AuthFuture {
            Box::pin(async move {
                match (login.username.as_deref(), login.password.as_deref()) {
                    (Some("bench"), Some(b"bench-token")) => Ok(Grant::full("orgs/bench/")),
                    _ => Err(Refusal::BadCredentials),
                }
            })
        }));
    });
    std::thread::sleep(Duration::from_millis(300));
    let login: &[&str] = if anonymous {
        &[]
    } else {
        &["-u", "bench", "-P", "bench-token"]
    };
    println!("{messages} messages of 256 B; ours with authentication and a mount");
    println!("| QoS | mosquitto msg/s | portico msg/s | ratio |");
    println!("|-----|-----------------|---------------|-------|");
    for qos in [0, 1] {
        let theirs = run(mosquitto_port, qos, &[], &chunks, messages);
        let ours = run(broker.addr().port(), qos, login, &chunks, messages);
        let show = |rate: Option<f64>| rate.map_or("short".to_string(), |r| format!("{r:.0}"));
        let ratio = match (theirs, ours) {
            (Some(t), Some(o)) => format!("{:.2}", o / t),
            _ => "-".into(),
        };
        println!("| {qos} | {} | {} | {ratio} |", show(theirs), show(ours));
    }
    let _ = mosquitto.kill();
    let _ = mosquitto.wait();
}
