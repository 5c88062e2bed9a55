//! Small readers shared by the version adapters.

use serde_json::Value;

use super::{Contact, Copier, Info, NamedSchema, Tag};

pub(crate) fn text(value: &Value, key: &str) -> Option<String> {
    value.get(key).and_then(Value::as_str).map(str::to_owned)
}

pub(crate) fn strings(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

pub(crate) fn info_of(root: &Value) -> Info {
    let info = root.get("info").cloned().unwrap_or(Value::Null);
    Info {
        title: text(&info, "title").unwrap_or_default(),
        version: text(&info, "version").unwrap_or_default(),
        description: text(&info, "description"),
        terms_of_service: text(&info, "termsOfService"),
        contact: info.get("contact").map(|c| Contact {
            name: text(c, "name"),
            email: text(c, "email"),
            url: text(c, "url"),
        }),
        license: info.get("license").and_then(|l| text(l, "name")),
    }
}

pub(crate) fn tags_of(value: Option<&Value>) -> Vec<Tag> {
    value
        .and_then(Value::as_array)
        .map(|tags| {
            tags.iter()
                .filter_map(|t| {
                    Some(Tag {
                        name: text(t, "name")?,
                        description: text(t, "description"),
                    })
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Names of the schemes in a list of security requirements (`[{name: [...]}, …]`), or of
/// AsyncAPI 3 security references (`[{$ref: '#/components/securitySchemes/name'}]`).
pub(crate) fn security_names(value: Option<&Value>) -> Vec<String> {
    let mut names = Vec::new();
    for item in value.and_then(Value::as_array).into_iter().flatten() {
        if let Some(reference) = item.get("$ref").and_then(Value::as_str) {
            if let Some(name) = reference.rsplit('/').next() {
                names.push(name.to_owned());
            }
        } else if let Some(map) = item.as_object() {
            names.extend(map.keys().cloned());
        }
    }
    names
}

/// Where the value at `file#pointer` is written once its `$ref`s are followed.
pub(crate) fn source_at(
    documents: &crate::refs::Documents,
    file: &str,
    pointer: &str,
) -> Option<super::Source> {
    documents
        .locate(file, pointer)
        .map(|(file, pointer)| super::Source { file, pointer })
}

/// `components.schemas`, each with its local reference (the schema as written, or `null`
/// in an outline).
pub(crate) fn component_schemas(root: &Value, copier: &Copier) -> Vec<NamedSchema> {
    root.pointer("/components/schemas")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(name, schema)| NamedSchema {
            name: name.clone(),
            reference: format!(
                "#/components/schemas/{}",
                crate::diagnostic::escape_token(name)
            ),
            schema: copier.value(Some(schema)).unwrap_or(Value::Null),
        })
        .collect()
}
