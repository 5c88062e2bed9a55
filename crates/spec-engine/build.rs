//! Embeds the official JSON Schemas from their npm registry packages (pinned by the
//! root package-lock.json) so the crate itself never reads files at run time.
//!
//! The AsyncAPI packages ship each schema as one document whose `definitions` are keyed
//! by their own `$id` URLs and referenced by those URLs. Resolving 500 absolute
//! references through 100 embedded resources made compiling the 3.x schemas take
//! ~95 ms per process (most of a `portico lint`). Here every such reference is rewritten
//! to the same definition as a local JSON pointer and the inner `$id`s dropped: the
//! same subschemas, validated the same way, compiled in ~3 ms. A schema whose
//! references do not all resolve this way is embedded unchanged. Everything is
//! embedded minified.
//!
//! The nine AsyncAPI schemas repeat most of their definitions from version to version,
//! but each is 45-190 KB, further apart than the 32 KB window of the gzip the WASM is
//! served with. They are embedded as one store (`asyncapi-store.txt`) holding every
//! distinct definition once, the versions of one definition side by side, plus for each
//! schema the byte ranges (`asyncapi-pieces.rs`) that concatenate to exactly the text
//! embedded before: same schemas, same order of keys.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

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
    let root = manifest
        .ancestors()
        .nth(2)
        .expect("crates/spec-engine sits two levels below the workspace root");
    let node_modules = root.join("node_modules");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("set by cargo")).join("schemas");
    std::fs::create_dir_all(&out).expect("OUT_DIR is writable");
    println!(
        "cargo:rerun-if-changed={}",
        root.join("package-lock.json").display()
    );
    let mut store = Store::default();
    for (name, source) in SCHEMAS {
        let path = node_modules.join(source);
        println!("cargo:rerun-if-changed={}", path.display());
        let schema = read(&path);
        let schema = if name.starts_with("asyncapi-") {
            localize(&schema).unwrap_or_else(|unresolved| {
                println!("cargo:warning={name}: {unresolved:?} is not a bundled definition; embedded as published");
                schema
            })
        } else {
            schema
        };
        let text = serde_json::to_string(&schema).expect("a JSON value serialises");
        if name.starts_with("asyncapi-") {
            store.add(name, &schema, &text);
        }
        std::fs::write(out.join(name), text).expect("OUT_DIR is writable");
    }
    store.write(&out);
}

/// The AsyncAPI schemas cut into pieces: literal text around the definitions, and each
/// definition's key and value, grouped by definition so that gzip sees repeats nearby.
#[derive(Default)]
struct Store {
    /// (schema file name, its pieces: (group, text)), in SCHEMAS order.
    schemas: Vec<(String, Vec<(String, String)>)>,
}

impl Store {
    fn add(&mut self, name: &str, schema: &Value, text: &str) {
        let Some(definitions) = schema.get("definitions").and_then(Value::as_object) else {
            self.schemas
                .push((name.to_owned(), vec![(String::new(), text.to_owned())]));
            return;
        };
        let mut shell = schema.clone();
        shell["definitions"] = Value::String("\u{1}definitions\u{1}".to_owned());
        let shell = serde_json::to_string(&shell).expect("a JSON value serialises");
        let marker = serde_json::to_string("\u{1}definitions\u{1}").expect("serialises");
        let (before, after) = shell.split_once(&marker).expect("the marker is there");
        let mut pieces = vec![(String::new(), format!("{before}{{"))];
        for (index, (key, value)) in definitions.iter().enumerate() {
            // The version-independent name of a definition: its URL without the version.
            let group = key
                .split('/')
                .filter(|part| !part.chars().all(|c| c.is_ascii_digit() || c == '.'))
                .collect::<Vec<_>>()
                .join("/");
            let comma = if index == 0 { "" } else { "," };
            let key = serde_json::to_string(key).expect("serialises");
            pieces.push((group.clone(), format!("{comma}{key}:")));
            pieces.push((
                group,
                serde_json::to_string(value).expect("a JSON value serialises"),
            ));
        }
        pieces.push((String::new(), format!("}}{after}")));
        let joined: String = pieces.iter().map(|(_, piece)| piece.as_str()).collect();
        assert_eq!(joined, text, "{name}: the pieces rebuild the schema");
        self.schemas.push((name.to_owned(), pieces));
    }

    fn write(&self, out: &Path) {
        // Every distinct piece once, ordered by group, then by first appearance.
        let mut order: Vec<(&str, usize, &str)> = Vec::new();
        let mut seen = HashSet::new();
        let mut appearance = 0;
        for (_, pieces) in &self.schemas {
            for (group, piece) in pieces {
                if seen.insert(piece.as_str()) {
                    order.push((group, appearance, piece));
                    appearance += 1;
                }
            }
        }
        order.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
        let mut text = String::new();
        let mut at: HashMap<&str, (usize, usize)> = HashMap::new();
        for (_, _, piece) in order {
            at.insert(piece, (text.len(), text.len() + piece.len()));
            text.push_str(piece);
        }
        let mut rust = String::new();
        for (name, pieces) in &self.schemas {
            let constant = name
                .trim_end_matches(".json")
                .replace(['-', '.'], "_")
                .to_uppercase();
            write!(rust, "const {constant}: &[(usize, usize)] = &[").expect("writes");
            for (_, piece) in pieces {
                let (start, end) = at[piece.as_str()];
                write!(rust, "({start}, {end}),").expect("writes");
            }
            rust.push_str("];\n");
        }
        std::fs::write(out.join("asyncapi-store.txt"), text).expect("OUT_DIR is writable");
        std::fs::write(out.join("asyncapi-pieces.rs"), rust).expect("OUT_DIR is writable");
    }
}

fn read(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|error| {
        panic!(
            "cannot read the official schema {}: {error}.\n\
             The spec crate takes its JSON Schemas from npm packages: run `npm ci` in the \
             repository root (scripts/setup.sh does).",
            path.display()
        )
    });
    serde_json::from_str(&text)
        .unwrap_or_else(|error| panic!("{} is not JSON: {error}", path.display()))
}

/// Keywords whose values are data, not schemas: a `$ref` inside them is an example.
const DATA_KEYWORDS: [&str; 5] = ["examples", "example", "default", "const", "enum"];
/// Keywords whose values map names to schemas: their keys are never keywords.
const SCHEMA_MAPS: [&str; 5] = [
    "properties",
    "patternProperties",
    "definitions",
    "$defs",
    "dependentSchemas",
];

/// The schema with every reference to a bundled definition made local, or the first
/// reference that is not one.
fn localize(schema: &Value) -> Result<Value, String> {
    let root_id = schema["$id"].as_str().unwrap_or_default().to_owned();
    let bundled: HashSet<String> = schema["definitions"]
        .as_object()
        .map(|definitions| definitions.keys().cloned().collect())
        .unwrap_or_default();
    let context = Context { root_id, bundled };
    context.schema(schema, &context.root_id, true)
}

struct Context {
    root_id: String,
    bundled: HashSet<String>,
}

impl Context {
    fn schema(&self, node: &Value, base: &str, root: bool) -> Result<Value, String> {
        match node {
            Value::Array(items) => items
                .iter()
                .map(|item| self.schema(item, base, false))
                .collect::<Result<_, _>>()
                .map(Value::Array),
            Value::Object(object) => {
                let base = match object.get("$id") {
                    Some(Value::String(id)) if !root => id.as_str(),
                    _ => base,
                };
                let mut out = Map::new();
                for (key, value) in object {
                    let rewritten = match (key.as_str(), value) {
                        (k, _) if DATA_KEYWORDS.contains(&k) => value.clone(),
                        ("$id", Value::String(_)) if !root => continue,
                        ("$ref", Value::String(reference)) => {
                            Value::String(self.reference(reference, base)?)
                        }
                        (k, Value::Object(map)) if SCHEMA_MAPS.contains(&k) => {
                            let mut named = Map::new();
                            for (name, sub) in map {
                                named.insert(name.clone(), self.schema(sub, base, false)?);
                            }
                            Value::Object(named)
                        }
                        _ => self.schema(value, base, false)?,
                    };
                    out.insert(key.clone(), rewritten);
                }
                Ok(Value::Object(out))
            }
            other => Ok(other.clone()),
        }
    }

    /// `reference` (relative to `base`) as a pointer into the root document.
    fn reference(&self, reference: &str, base: &str) -> Result<String, String> {
        let (target, fragment) = match reference.split_once('#') {
            Some(("", fragment)) => (base, fragment),
            Some((target, fragment)) => (target, fragment),
            None => (reference, ""),
        };
        if target == self.root_id {
            Ok(format!("#{fragment}"))
        } else if self.bundled.contains(target) {
            let escaped = target.replace('~', "~0").replace('/', "~1");
            Ok(format!("#/definitions/{escaped}{fragment}"))
        } else {
            Err(reference.to_owned())
        }
    }
}
