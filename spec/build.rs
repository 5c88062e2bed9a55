//! Embeds the official JSON Schemas from their npm registry packages (pinned by the
//! root package-lock.json) so the crate itself never reads files at run time.

use std::path::{Path, PathBuf};

/// (file name in OUT_DIR, path under node_modules)
const SCHEMAS: &[(&str, &str)] = &[
    ("asyncapi-2.0.0.json", "@asyncapi/specs/schemas/2.0.0.json"),
    ("asyncapi-2.1.0.json", "@asyncapi/specs/schemas/2.1.0.json"),
    ("asyncapi-2.2.0.json", "@asyncapi/specs/schemas/2.2.0.json"),
    ("asyncapi-2.3.0.json", "@asyncapi/specs/schemas/2.3.0.json"),
    ("asyncapi-2.4.0.json", "@asyncapi/specs/schemas/2.4.0.json"),
    ("asyncapi-2.5.0.json", "@asyncapi/specs/schemas/2.5.0.json"),
    ("asyncapi-2.6.0.json", "@asyncapi/specs/schemas/2.6.0.json"),
    ("asyncapi-3.0.0.json", "@asyncapi/specs/schemas/3.0.0.json"),
    ("asyncapi-3.1.0.json", "@asyncapi/specs/schemas/3.1.0.json"),
    (
        "openapi-3.0.json",
        "@seriousme/openapi-schema-validator/schemas/v3.0/schema.json",
    ),
    (
        "openapi-3.1.json",
        "@seriousme/openapi-schema-validator/schemas/v3.1/schema.json",
    ),
    (
        "openapi-3.2.json",
        "@seriousme/openapi-schema-validator/schemas/v3.2/schema.json",
    ),
];

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let root = manifest.parent().expect("spec/ sits in the workspace");
    let node_modules = root.join("node_modules");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("set by cargo")).join("schemas");
    std::fs::create_dir_all(&out).expect("OUT_DIR is writable");
    println!(
        "cargo:rerun-if-changed={}",
        root.join("package-lock.json").display()
    );
    for (name, source) in SCHEMAS {
        let path = node_modules.join(source);
        println!("cargo:rerun-if-changed={}", path.display());
        copy(&path, &out.join(name));
    }
}

fn copy(from: &Path, to: &Path) {
    if let Err(error) = std::fs::copy(from, to) {
        panic!(
            "cannot read the official schema {}: {error}.\n\
             The spec crate takes its JSON Schemas from npm packages: run `npm ci` in the \
             repository root (scripts/setup.sh does).",
            from.display()
        );
    }
}
