//! Runs tests/paho/conformance.py (Eclipse paho-mqtt from PyPI) against a broker of its
//! own. Ignored by default because it needs that Python package: run it with
//! `PAHO_PYTHON=/path/to/venv/bin/python cargo test -p mqtt-broker --test paho -- --ignored`.

use std::process::Command;

#[test]
#[ignore = "needs paho-mqtt: set PAHO_PYTHON to a Python that has it"]
fn paho_mqtt_clients_pass_the_mqtt5_checks() {
    let addr = "127.0.0.1:0".parse().expect("a loopback address");
    let broker = mqtt_broker::start(mqtt_broker::BrokerConfig::new(addr)).expect("starts");
    let python = std::env::var("PAHO_PYTHON").unwrap_or_else(|_| "python3".into());
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/paho/conformance.py");
    let output = Command::new(python)
        .args([script, "--port", &broker.addr().port().to_string()])
        .output()
        .expect("python runs");
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{report}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
