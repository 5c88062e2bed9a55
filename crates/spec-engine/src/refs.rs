//! `$ref` resolution inside a design project: local pointers, relative files within the
//! project (never outside it), published assets (`portico:…`, documents the caller
//! supplies: see [`crate::dependency`]), and nothing from the network. Loads every file
//! reachable from the main document and reports each reference that cannot be followed.

use std::collections::{BTreeMap, HashSet, VecDeque};

use serde_json::Value;

use crate::dependency::{self, Coordinate, MAX_DEPENDENCY_DOCUMENTS, is_dependency};
use crate::diagnostic::Diagnostic;
use crate::input::Input;
use crate::parse::{Format, parse_text};
use crate::path::{Path, Token};

/// One parsed file of the project.
#[derive(Debug, Clone)]
pub struct LoadedFile {
    pub value: Value,
    pub format: Format,
}

/// The files reachable from the main document, parsed.
#[derive(Debug, Clone, Default)]
pub struct Documents {
    pub files: BTreeMap<String, LoadedFile>,
    pub main: String,
    /// Project files that references name but the input did not contain, so a caller
    /// that reads files (the CLI) can add them and analyse again; and the dependency
    /// files (`portico:…`) of published assets the caller did not supply.
    pub missing: Vec<String>,
}

/// Where a reference points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A file of the project (or a published asset's document, named by its
    /// [`Coordinate::file`]) and a pointer in it.
    Local { file: String, pointer: String },
    /// Something the engine does not fetch (http(s), urn, other schemes).
    External(String),
}

/// Most `$ref` hops followed in a chain before it is called a loop.
const MAX_HOPS: usize = 64;

impl Documents {
    /// One file on its own, references not followed.
    pub fn single(main: &str, value: Value, format: Format) -> Documents {
        Documents {
            files: BTreeMap::from([(main.to_owned(), LoadedFile { value, format })]),
            main: main.to_owned(),
            missing: Vec::new(),
        }
    }

    /// The main document with the content of other project files inlined where they are
    /// referenced (references within one file stay), or the main document itself when
    /// it references no other file: one tree for tools that work on one (conversion).
    pub fn bundled(&self) -> Option<Value> {
        crate::bundle::bundle(self).or_else(|| self.files.get(&self.main).map(|f| f.value.clone()))
    }

    /// The value at `pointer` in `file`.
    pub fn get(&self, file: &str, pointer: &str) -> Option<&Value> {
        crate::json::lookup(&self.files.get(file)?.value, pointer)
    }

    /// Follows `$ref` chains from `value` (found in `file`) to a value that is not a
    /// reference. Returns the file it ends in, or `None` for unresolvable or looping refs.
    pub fn deref<'a>(&'a self, file: &str, mut value: &'a Value) -> Option<(String, &'a Value)> {
        let mut file = file.to_owned();
        for _ in 0..MAX_HOPS {
            let Some(reference) = value.get("$ref").and_then(Value::as_str) else {
                return Some((file, value));
            };
            match resolve_target(&file, reference).ok()? {
                Target::Local {
                    file: next,
                    pointer,
                } => {
                    value = self.get(&next, &pointer)?;
                    file = next;
                }
                Target::External(_) => return None,
            }
        }
        None
    }
    /// Where the value at `file#pointer` ends after following its `$ref` chain: the
    /// file and JSON pointer of the object itself, so a reader can point at the lines
    /// it is written on. `None` for a missing, external or looping reference.
    pub fn locate(&self, file: &str, pointer: &str) -> Option<(String, String)> {
        let mut file = file.to_owned();
        let mut pointer = pointer.to_owned();
        for _ in 0..MAX_HOPS {
            let value = self.get(&file, &pointer)?;
            let Some(reference) = value.get("$ref").and_then(Value::as_str) else {
                return Some((file, pointer));
            };
            match resolve_target(&file, reference).ok()? {
                Target::Local {
                    file: next,
                    pointer: next_pointer,
                } => {
                    file = next;
                    pointer = next_pointer;
                }
                Target::External(_) => return None,
            }
        }
        None
    }
}

/// Turns a reference string found in `from_file` into a target, or says why it is bad.
pub fn resolve_target(from_file: &str, reference: &str) -> Result<Target, String> {
    if reference.contains(['\n', '\r']) {
        return Err(format!(
            "The reference {reference:?} contains a line break."
        ));
    }
    if let Some(fragment) = reference.strip_prefix('#') {
        return Ok(Target::Local {
            file: from_file.to_owned(),
            pointer: decode_fragment(fragment)?,
        });
    }
    if let Some(rest) = reference.strip_prefix(dependency::SCHEME) {
        let (coordinate, fragment) = rest.split_once('#').unwrap_or((rest, ""));
        let coordinate = Coordinate::parse(coordinate).map_err(|problem| {
            format!("The reference {reference:?} names no published asset: {problem}.")
        })?;
        return Ok(Target::Local {
            file: coordinate.file(),
            pointer: decode_fragment(fragment)?,
        });
    }
    if let Some(colon) = reference.find(':') {
        let scheme = &reference[..colon];
        if !scheme.is_empty()
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        {
            return Ok(Target::External(reference.to_owned()));
        }
    }
    if is_dependency(from_file) {
        return Err(format!(
            "The reference {reference:?} names another file, but the published document {from_file} is a single file: it may reference itself (#/…) or other published assets (portico:…)."
        ));
    }
    let (path, fragment) = match reference.split_once('#') {
        Some((path, fragment)) => (path, decode_fragment(fragment)?),
        None => (reference, String::new()),
    };
    let path = percent_decode(path);
    if path.starts_with('/') {
        return Err(format!(
            "The reference {reference:?} is an absolute path; local pointers start with '#' and files are relative to the document."
        ));
    }
    let base = match from_file.rfind('/') {
        Some(index) => &from_file[..index],
        None => "",
    };
    let mut parts: Vec<&str> = base.split('/').filter(|p| !p.is_empty()).collect();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Err(format!(
                        "The reference {reference:?} leaves the project folder; only files inside it are read."
                    ));
                }
            }
            other => parts.push(other),
        }
    }
    Ok(Target::Local {
        file: parts.join("/"),
        pointer: fragment,
    })
}

fn decode_fragment(fragment: &str) -> Result<String, String> {
    let decoded = percent_decode(fragment);
    if decoded.is_empty() || decoded.starts_with('/') {
        Ok(decoded)
    } else {
        Err(format!(
            "The fragment #{fragment} is not a JSON pointer (it must start with '/')."
        ))
    }
}

/// `#pointer` with what a URI fragment cannot hold percent-encoded.
pub(crate) fn fragment_ref(pointer: &str) -> String {
    let mut text = String::from("#");
    for byte in pointer.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/?".contains(&byte) {
            text.push(byte as char);
        } else {
            text.push_str(&format!("%{byte:02X}"));
        }
    }
    text
}

/// Decodes `%XX` escapes (invalid UTF-8 results keep the text as written).
pub(crate) fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(byte) = crate::dependency::hex_byte(bytes.get(i + 1..i + 3))
        {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_owned())
}

/// Keys whose values are data, not document structure: references inside are not ours.
pub(crate) fn is_literal_key(key: &str) -> bool {
    matches!(key, "example" | "default" | "enum" | "const") || key.starts_with("x-")
}

/// Keys whose children are names chosen by the author (so `$ref` there is a name).
fn is_name_map_key(key: &str) -> bool {
    matches!(
        key,
        "properties" | "patternProperties" | "definitions" | "$defs" | "dependentSchemas"
    )
}

/// AsyncAPI schema formats that are JSON Schema (or a superset) and so hold references
/// we resolve; any other format's schema is opaque (Avro, RAML, Protobuf, …).
fn is_json_schema_format(format: &str) -> bool {
    let format = format.to_ascii_lowercase();
    format.starts_with("application/vnd.aai.asyncapi")
        || format.starts_with("application/schema+json")
        || format.starts_with("application/schema+yaml")
        || format.starts_with("application/vnd.oai.openapi")
}

/// Whether an unresolvable http(s) reference is an error (AsyncAPI tools must resolve
/// every reference) or a warning (OpenAPI leaves retrieval to the tool).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExternalPolicy {
    Error,
    Warning,
}

/// Loads the project from its main file (whose references the caller collected with
/// [`collect`]), checking every reference on the way.
pub fn load(
    input: &Input,
    main_value: Value,
    main_format: Format,
    main_references: References,
    policy: ExternalPolicy,
) -> (Documents, Vec<Diagnostic>) {
    let mut documents = Documents {
        files: BTreeMap::new(),
        main: input.main.clone(),
        missing: Vec::new(),
    };
    let mut diagnostics = Vec::new();
    documents.files.insert(
        input.main.clone(),
        LoadedFile {
            value: main_value,
            format: main_format,
        },
    );
    let mut queue = VecDeque::from([input.main.clone()]);
    let mut main_references = Some(main_references);
    let mut loops: HashSet<Vec<String>> = HashSet::new();
    // Published documents read so far (each one's own references may add more).
    let mut dependencies = 0;
    while let Some(file) = queue.pop_front() {
        let references = match main_references.take() {
            Some(references) => references,
            None => documents
                .files
                .get(&file)
                .map(|loaded| collect(&loaded.value))
                .unwrap_or_default(),
        };
        for (pointer, reference, opaque) in references {
            let reference = match reference {
                RefValue::Chained(text) => {
                    if let Some(diagnostic) = reference_loop(&documents, &file, &text, &mut loops) {
                        diagnostics.push(diagnostic);
                    }
                    continue;
                }
                RefValue::NotString(kind) => {
                    diagnostics.push(Diagnostic::error(
                        &file,
                        pointer,
                        format!("$ref must be a string, not {kind}."),
                    ));
                    continue;
                }
                RefValue::Text(text) => text,
            };
            let target = match resolve_target(&file, &reference) {
                Ok(target) => target,
                Err(message) => {
                    diagnostics.push(Diagnostic::error(&file, pointer, message));
                    continue;
                }
            };
            match target {
                // Inside a schema of another format (Avro, …) references belong to that
                // format: URLs are left alone, but files of the project must exist.
                Target::External(_) if opaque => {}
                Target::Local {
                    file: target_file, ..
                } if opaque && target_file != file => {
                    if !input.files.contains_key(&target_file) {
                        if !documents.missing.contains(&target_file) {
                            documents.missing.push(target_file.clone());
                        }
                        diagnostics.push(Diagnostic::error(
                            &file,
                            pointer,
                            not_in_input(&reference, &target_file),
                        ));
                    }
                }
                Target::External(url) => {
                    let message = format!(
                        "External reference not fetched: {url}. Portico never downloads documents; put the referenced content in the project."
                    );
                    diagnostics.push(match policy {
                        ExternalPolicy::Error => Diagnostic::error(&file, pointer, message),
                        ExternalPolicy::Warning => Diagnostic::warning(&file, pointer, message),
                    });
                }
                Target::Local {
                    file: target_file,
                    pointer: target_pointer,
                } => {
                    if !documents.files.contains_key(&target_file) {
                        if is_dependency(&target_file) && dependencies >= MAX_DEPENDENCY_DOCUMENTS {
                            diagnostics.push(Diagnostic::error(
                                &file,
                                pointer,
                                format!("Unresolved reference {reference:?}: an analysis reads at most {MAX_DEPENDENCY_DOCUMENTS} published documents, and this document depends on more (counting the ones they depend on)."),
                            ));
                            continue;
                        }
                        let Some(text) = input.files.get(&target_file) else {
                            if !documents.missing.contains(&target_file) {
                                documents.missing.push(target_file.clone());
                            }
                            diagnostics.push(Diagnostic::error(
                                &file,
                                pointer,
                                not_in_input(&reference, &target_file),
                            ));
                            continue;
                        };
                        if is_dependency(&target_file) {
                            dependencies += 1;
                        }
                        match parse_text(text, &input.limits) {
                            Ok((value, format)) => {
                                documents
                                    .files
                                    .insert(target_file.clone(), LoadedFile { value, format });
                                queue.push_back(target_file.clone());
                            }
                            Err(error) => {
                                diagnostics.push(
                                    Diagnostic::error(&target_file, "", error.message.clone())
                                        .at(error.line, error.column),
                                );
                                diagnostics.push(Diagnostic::error(
                                    &file,
                                    pointer,
                                    format!("Unresolved reference {reference:?}: {target_file:?} cannot be read ({}).", error.message),
                                ));
                                continue;
                            }
                        }
                    }
                    if documents.get(&target_file, &target_pointer).is_none() {
                        diagnostics.push(Diagnostic::error(
                            &file,
                            pointer,
                            format!("Unresolved reference {reference:?}: nothing at {target_pointer:?} in {target_file:?}."),
                        ));
                    }
                }
            }
        }
    }
    (documents, diagnostics)
}

/// Why a reference to a file the input lacks cannot be followed: a project file that
/// is not there, or a published asset the caller could not supply.
fn not_in_input(reference: &str, target_file: &str) -> String {
    if is_dependency(target_file) {
        dependency::unavailable_message(reference, target_file)
    } else {
        format!(
            "Unresolved reference {reference:?}: the file {target_file:?} is not in the project."
        )
    }
}

/// The error for a chain of references in `file` that starts at `reference` and comes
/// back to itself (`A: {$ref: '#/B'}`, `B: {$ref: '#/A'}`), reported once per loop at
/// the first reference of the loop; `None` when the chain ends at a value.
fn reference_loop(
    documents: &Documents,
    file: &str,
    reference: &str,
    reported: &mut HashSet<Vec<String>>,
) -> Option<Diagnostic> {
    let mut chain: Vec<String> = Vec::new();
    let mut next = reference.to_owned();
    for _ in 0..MAX_HOPS {
        let Ok(Target::Local { pointer, .. }) = resolve_target(file, &next) else {
            return None;
        };
        if let Some(start) = chain.iter().position(|p| *p == pointer) {
            let mut members = chain[start..].to_vec();
            members.sort();
            if !reported.insert(members) {
                return None;
            }
            let shown: Vec<String> = chain[start..]
                .iter()
                .chain(std::iter::once(&pointer))
                .map(|p| format!("#{p}"))
                .collect();
            return Some(Diagnostic::error(
                file,
                format!("{pointer}/$ref"),
                format!(
                    "The references {} form a loop: none of them leads to a value.",
                    shown.join(" -> ")
                ),
            ));
        }
        let target = documents.get(file, &pointer)?;
        next = target.get("$ref")?.as_str()?.to_owned();
        if !next.starts_with('#') {
            return None;
        }
        chain.push(pointer);
    }
    None
}

/// How a reference relates to the tree it is written in.
enum Within {
    /// A pointer into the tree that exists, seen before or pointing at a value.
    Resolves,
    /// A pointer into the tree, seen for the first time, whose target is itself a
    /// reference: its chain has to be followed once to find loops.
    Chained,
    /// Anything else (another file, a URL, a pointer to nothing).
    Outside,
}

/// Whether `reference` is a pointer into `root` itself that exists (remembered in `resolved`).
fn resolves_within<'a>(
    root: &Value,
    reference: &'a str,
    resolved: &mut HashSet<&'a str>,
) -> Within {
    if resolved.contains(reference) {
        return Within::Resolves;
    }
    // Only `#…`: resolved from no file, it stays in the tree it was found in.
    let target = match reference
        .starts_with('#')
        .then(|| resolve_target("", reference))
    {
        Some(Ok(Target::Local { pointer, .. })) => root.pointer(&pointer),
        _ => None,
    };
    match target {
        None => Within::Outside,
        Some(target) => {
            resolved.insert(reference);
            if target.get("$ref").is_some_and(Value::is_string) {
                Within::Chained
            } else {
                Within::Resolves
            }
        }
    }
}

pub enum RefValue {
    Text(String),
    NotString(&'static str),
    /// A pointer into the same file whose target is another reference (checked for loops).
    Chained(String),
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

/// The references of a file: pointer, value, inside an opaque schema.
pub type References = Vec<(String, RefValue, bool)>;

/// Every reference in a tree with its pointer, skipping literal data and opaque schemas,
/// and skipping (after checking them here) the pointers into the same tree that resolve:
/// large documents repeat a few thousand of those tens of thousands of times.
pub fn collect<'a>(root: &'a Value) -> References {
    let mut out = Vec::new();
    let mut resolved = HashSet::new();
    let mut found = |reference: &'a Value| match reference {
        Value::String(text) => match resolves_within(root, text, &mut resolved) {
            Within::Resolves => None,
            Within::Chained => Some(RefValue::Chained(text.clone())),
            Within::Outside => Some(RefValue::Text(text.clone())),
        },
        other => Some(RefValue::NotString(type_name(other))),
    };
    let mut path = Path::default();
    // (value, depth of its parent, its token, children are names, inside an opaque schema)
    let mut pending: Vec<(&Value, usize, Option<Token>, bool, bool)> =
        vec![(root, 0, None, false, false)];
    while let Some((value, depth, token, names_level, opaque)) = pending.pop() {
        path.enter(depth, token);
        let depth = path.depth();
        match value {
            Value::Object(map) => {
                // One pass over the keys instead of two hashed lookups: most objects are
                // small, and the map's SipHash costs more than comparing a few keys.
                let mut opaque_schema = false;
                for (key, child) in map {
                    match key.as_str() {
                        "$ref" if !names_level => {
                            if let Some(reference) = found(child) {
                                let pointer = path.pointer_with(&[Token::Key("$ref")]);
                                out.push((pointer, reference, opaque));
                            }
                        }
                        "schemaFormat" => {
                            opaque_schema = child
                                .as_str()
                                .is_some_and(|format| !is_json_schema_format(format));
                        }
                        _ => {}
                    }
                }
                for (key, child) in map {
                    if is_scalar(child) {
                        continue;
                    }
                    if !names_level && (key == "$ref" || is_literal_key(key)) {
                        continue;
                    }
                    let child_opaque =
                        opaque || (opaque_schema && (key == "schema" || key == "payload"));
                    if !names_level && key == "examples" {
                        // JSON Schema and AsyncAPI message examples (lists) are literal
                        // data; OpenAPI Example Objects (or references) hold it in `value`.
                        if let Value::Object(examples) = child {
                            for (name, example) in examples {
                                if let Some(reference) = example.get("$ref")
                                    && let Some(reference) = found(reference)
                                {
                                    let pointer = path.pointer_with(&[
                                        Token::Key(key),
                                        Token::Key(name),
                                        Token::Key("$ref"),
                                    ]);
                                    out.push((pointer, reference, opaque));
                                }
                            }
                        }
                        continue;
                    }
                    let child_is_names = !names_level && is_name_map_key(key);
                    pending.push((
                        child,
                        depth,
                        Some(Token::Key(key)),
                        child_is_names,
                        child_opaque,
                    ));
                }
            }
            Value::Array(items) => {
                for (index, item) in items.iter().enumerate() {
                    if !is_scalar(item) {
                        pending.push((item, depth, Some(Token::Index(index)), false, opaque));
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// Strings, numbers, booleans and null: nothing to walk into (most nodes of a document).
pub(crate) fn is_scalar(value: &Value) -> bool {
    !matches!(value, Value::Object(_) | Value::Array(_))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_files_resolve_inside_the_project_only() {
        assert_eq!(
            resolve_target("api/main.yaml", "../schemas/a.yaml#/A").unwrap(),
            Target::Local {
                file: "schemas/a.yaml".into(),
                pointer: "/A".into()
            }
        );
        assert!(
            resolve_target("main.yaml", "../secret.yaml")
                .unwrap_err()
                .contains("leaves the project")
        );
        assert!(
            resolve_target("main.yaml", "/etc/passwd")
                .unwrap_err()
                .contains("absolute path")
        );
        assert_eq!(
            resolve_target("m.yaml", "https://x.test/a.json").unwrap(),
            Target::External("https://x.test/a.json".into())
        );
        assert_eq!(
            resolve_target("m.yaml", "file:///etc/passwd").unwrap(),
            Target::External("file:///etc/passwd".into())
        );
        assert_eq!(
            resolve_target("m.yaml", "#/paths/~1pets%7Bid%7D").unwrap(),
            Target::Local {
                file: "m.yaml".into(),
                pointer: "/paths/~1pets{id}".into()
            }
        );
    }

    #[test]
    fn published_assets_are_files_of_their_own() {
        assert_eq!(
            resolve_target(
                "api/main.yaml",
                "portico:acme/orders/%5E1.2#/components/schemas/Order"
            )
            .unwrap(),
            Target::Local {
                file: "portico:acme/orders/^1.2".into(),
                pointer: "/components/schemas/Order".into()
            }
        );
        // Inside a published document: itself, or other published assets; no files.
        let inside = "portico:acme/orders/^1.2";
        assert_eq!(
            resolve_target(inside, "#/components/schemas/Customer").unwrap(),
            Target::Local {
                file: inside.into(),
                pointer: "/components/schemas/Customer".into()
            }
        );
        assert!(
            resolve_target(inside, "portico:acme/customers/2.0.0#/components/schemas/C").is_ok()
        );
        assert!(
            resolve_target(inside, "customer.yaml#/C")
                .unwrap_err()
                .contains("single file")
        );
        assert!(
            resolve_target("m.yaml", "portico:acme#/x")
                .unwrap_err()
                .contains("names no published asset")
        );
        // A percent sign before a character of several bytes is kept as written.
        assert_eq!(percent_decode("%a\u{e9}"), "%a\u{e9}");
    }

    #[test]
    fn recursive_references_do_not_loop() {
        let mut documents = Documents::default();
        documents.files.insert(
            "m.yaml".into(),
            LoadedFile {
                value: serde_json::json!({"a": {"$ref": "#/b"}, "b": {"$ref": "#/a"}}),
                format: Format::Yaml,
            },
        );
        let a = documents.get("m.yaml", "/a").unwrap();
        assert!(documents.deref("m.yaml", a).is_none());
    }
}
