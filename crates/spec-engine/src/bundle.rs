//! One tree from a project of several files: every reference to another project file
//! replaced by what it points at, so tools that read one document (the official schema,
//! conversion, publishing a project) see the whole of it.

use serde_json::Value;

use crate::dependency::is_dependency;
use crate::refs::{Documents, Target, fragment_ref, is_literal_key, resolve_target};

/// Most nodes a bundled document may have before bundling stops inlining.
const BUNDLE_BUDGET: usize = 5_000_000;

/// The main document with every reference to another project file replaced by its
/// target, so the official schema sees the whole document; `None` when nothing refers
/// to another file. References to published assets (`portico:…`) stay as written. References within the main file stay as they are; a cycle through
/// other files is cut by moving its target into `components/schemas` and referring to it.
pub fn bundle(documents: &Documents) -> Option<Value> {
    let main = documents.files.get(&documents.main)?;
    if documents.files.keys().filter(|f| !is_dependency(f)).count() < 2 {
        return None;
    }
    let mut bundler = Bundler {
        documents,
        trail: Vec::new(),
        budget: BUNDLE_BUDGET,
        hoisted: Vec::new(),
    };
    let mut root = bundler.value(&documents.main, &main.value, 0);
    let mut done = 0;
    while done < bundler.hoisted.len() {
        let (key, name, file, pointer) = bundler.hoisted[done].clone();
        done += 1;
        let Some(target) = documents.get(&file, &pointer) else {
            continue;
        };
        bundler.trail.push(key);
        let value = bundler.value(&file, target, 0);
        bundler.trail.pop();
        if let Value::Object(fields) = &mut root {
            let components = fields
                .entry("components")
                .or_insert_with(|| Value::Object(Default::default()));
            if let Value::Object(components) = components {
                let schemas = components
                    .entry("schemas")
                    .or_insert_with(|| Value::Object(Default::default()));
                if let Value::Object(schemas) = schemas {
                    schemas.insert(name, value);
                }
            }
        }
    }
    Some(root)
}

struct Bundler<'a> {
    documents: &'a Documents,
    /// `file#pointer` of the references being inlined, outermost first.
    trail: Vec<String>,
    budget: usize,
    /// (`file#pointer`, name in components/schemas, file, pointer) of cycle targets.
    hoisted: Vec<(String, String, String, String)>,
}

impl Bundler<'_> {
    /// The local reference that stands for a cycle target, hoisting it on first use.
    fn hoist(&mut self, key: &str, file: &str, pointer: &str) -> Value {
        let name = match self.hoisted.iter().find(|(k, ..)| k == key) {
            Some((_, name, ..)) => name.clone(),
            None => {
                let base = pointer
                    .rsplit('/')
                    .next()
                    .filter(|t| !t.is_empty())
                    .unwrap_or("schema")
                    .replace("~1", "_")
                    .replace("~0", "_");
                let taken = |candidate: &str| {
                    self.hoisted.iter().any(|(_, n, ..)| n == candidate)
                        || self
                            .documents
                            .get(&self.documents.main, "/components/schemas")
                            .and_then(|s| s.get(candidate))
                            .is_some()
                };
                let mut name = base.clone();
                let mut n = 2;
                while taken(&name) {
                    name = format!("{base}_{n}");
                    n += 1;
                }
                self.hoisted.push((
                    key.to_owned(),
                    name.clone(),
                    file.to_owned(),
                    pointer.to_owned(),
                ));
                name
            }
        };
        let mut reference = serde_json::Map::new();
        reference.insert(
            "$ref".into(),
            Value::String(fragment_ref(&format!(
                "/components/schemas/{}",
                escape(&name)
            ))),
        );
        Value::Object(reference)
    }

    fn value(&mut self, file: &str, value: &Value, depth: usize) -> Value {
        if self.budget == 0 || depth > 256 {
            return value.clone();
        }
        self.budget -= 1;
        match value {
            Value::Object(map) => {
                if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
                    if let Ok(Target::Local {
                        file: target_file,
                        pointer,
                    }) = resolve_target(file, reference)
                    {
                        // A published asset stays a reference: its document is the
                        // caller's to supply, not part of this one.
                        if is_dependency(&target_file) {
                            return value.clone();
                        }
                        let main = &self.documents.main;
                        if target_file == *main && file != main {
                            // Back into the main document: the pointer alone now.
                            let mut back = serde_json::Map::new();
                            back.insert("$ref".into(), Value::String(fragment_ref(&pointer)));
                            return Value::Object(back);
                        }
                        let key = format!("{target_file}#{pointer}");
                        // Everything from other files is inlined, their local references
                        // included, so nothing in the result is relative to another file.
                        if target_file != *main
                            && let Some(target) = self.documents.get(&target_file, &pointer)
                        {
                            if self.trail.contains(&key) {
                                return self.hoist(&key, &target_file, &pointer);
                            }
                            self.trail.push(key);
                            let inlined = self.value(&target_file, target, depth + 1);
                            self.trail.pop();
                            return inlined;
                        }
                    }
                    return value.clone();
                }
                Value::Object(
                    map.iter()
                        .map(|(key, child)| {
                            let bundled = if is_literal_key(key) {
                                child.clone()
                            } else {
                                self.value(file, child, depth + 1)
                            };
                            (key.clone(), bundled)
                        })
                        .collect(),
                )
            }
            Value::Array(items) => Value::Array(
                items
                    .iter()
                    .map(|item| self.value(file, item, depth + 1))
                    .collect(),
            ),
            other => other.clone(),
        }
    }
}

fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}
