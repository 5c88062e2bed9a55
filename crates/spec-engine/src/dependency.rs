//! References to published assets: `portico:GROUP/ASSET/VERSION#/pointer`, or with a
//! semver range instead of the version (`portico:acme/orders/^1.2#/components/schemas/Order`).
//!
//! The engine fetches nothing. A coordinate names a read-only file of the input,
//! `portico:GROUP/ASSET/REQUIREMENT` in one canonical spelling ([`Coordinate::file`]),
//! which the caller (the server at publish and on the asset page, the editor) supplies
//! with the document of the version it resolved the coordinate to. A file it could not
//! supply stays in [`crate::Documents::missing`], and the reference says that no such
//! version could be read. A published document is one file: inside it, references are
//! pointers into itself (`#/…`) or to other published assets, never relative files.

use serde::{Deserialize, Serialize};

/// The scheme of a reference to a published asset.
pub const SCHEME: &str = "portico:";

/// Most published documents one analysis reads (nested dependencies included): what
/// bounds both how many a document may depend on and how deep they nest.
pub const MAX_DEPENDENCY_DOCUMENTS: usize = 32;

/// Longest coordinate accepted (group, asset and requirement as written).
const MAX_COORDINATE_CHARS: usize = 300;

/// A published asset and the versions of it a reference accepts.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Coordinate {
    pub group: String,
    pub asset: String,
    /// An exact version (`1.2.0`) or a semver requirement in its canonical spelling
    /// (`^1.2`, `~1.4`, `>=1.0, <2`).
    pub requirement: String,
    /// Whether `requirement` is one exact version.
    pub exact: bool,
}

impl Coordinate {
    /// Reads `GROUP/ASSET/REQUIREMENT` (what follows `portico:`, before any `#`); the
    /// requirement may be percent-encoded (`%3E%3D1.0%2C%20%3C2`). Says what is wrong.
    pub fn parse(text: &str) -> Result<Coordinate, String> {
        if text.chars().count() > MAX_COORDINATE_CHARS {
            return Err(format!(
                "the coordinate is longer than {MAX_COORDINATE_CHARS} characters"
            ));
        }
        let mut parts = text.splitn(3, '/');
        let (Some(group), Some(asset), Some(requirement)) =
            (parts.next(), parts.next(), parts.next())
        else {
            return Err(
                "write it as portico:GROUP/ASSET/VERSION#/pointer (the version may be a range such as ^1.2)"
                    .into(),
            );
        };
        let max = portico_types::coordinates::MAX_GAV_LEN;
        portico_types::names::check_slug("the group", group, max)?;
        portico_types::names::check_slug("the asset id", asset, max)?;
        let decoded = percent_decode(requirement);
        let requirement = decoded.trim();
        if requirement.is_empty() {
            return Err("the version is missing (write 1.2.0, or a range such as ^1.2)".into());
        }
        if requirement.contains('+') {
            return Err(format!(
                "the version {requirement:?} has build metadata ('+…'); published versions have none"
            ));
        }
        if semver::Version::parse(requirement).is_ok() {
            return Ok(Coordinate {
                group: group.to_owned(),
                asset: asset.to_owned(),
                requirement: requirement.to_owned(),
                exact: true,
            });
        }
        match semver::VersionReq::parse(requirement) {
            Ok(range) => Ok(Coordinate {
                group: group.to_owned(),
                asset: asset.to_owned(),
                requirement: range.to_string(),
                exact: false,
            }),
            Err(error) => Err(format!(
                "{requirement:?} is neither a version such as 1.2.0 nor a range such as ^1.2, ~1.4 or >=1.0, <2 ({error})"
            )),
        }
    }

    /// The coordinate of a dependency file's name (`portico:acme/orders/^1`).
    pub fn of_file(file: &str) -> Option<Coordinate> {
        Coordinate::parse(file.strip_prefix(SCHEME)?).ok()
    }

    /// The name of the read-only file that holds the document this coordinate resolves
    /// to: one spelling for every way of writing it.
    pub fn file(&self) -> String {
        format!("{SCHEME}{}/{}/{}", self.group, self.asset, self.requirement)
    }

    /// Whether the published version `version` is one this coordinate accepts. A range
    /// takes a pre-release only when it names one of the same major.minor.patch, as
    /// Cargo and npm do.
    pub fn accepts(&self, version: &str) -> bool {
        if self.exact {
            return version == self.requirement;
        }
        match (
            semver::VersionReq::parse(&self.requirement),
            semver::Version::parse(version),
        ) {
            (Ok(range), Ok(version)) => range.matches(&version),
            _ => false,
        }
    }

    /// The versions it names, in words: `acme/orders 1.2.0`, `acme/orders matching ^1`.
    pub fn describe(&self) -> String {
        if self.exact {
            format!("{}/{} {}", self.group, self.asset, self.requirement)
        } else {
            format!(
                "{}/{} matching {}",
                self.group, self.asset, self.requirement
            )
        }
    }
}

/// Whether a file of an analysis is a published asset's document (supplied by the caller
/// for a `portico:` reference), not a file of the project.
pub fn is_dependency(file: &str) -> bool {
    file.starts_with(SCHEME)
}

/// Why a reference to a published asset could not be followed: no version the reader
/// may see matches (the same words whether it does not exist or is not theirs to read).
pub fn unavailable_message(reference: &str, file: &str) -> String {
    match Coordinate::of_file(file) {
        Some(coordinate) if coordinate.exact => format!(
            "Unresolved reference {reference:?}: no published version {} that you may read.",
            coordinate.describe()
        ),
        Some(coordinate) => format!(
            "Unresolved reference {reference:?}: no published version of {} that you may read.",
            coordinate.describe()
        ),
        None => format!("Unresolved reference {reference:?}: {file:?} cannot be read."),
    }
}

/// Decodes `%XX` escapes (invalid UTF-8 keeps the text as written).
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(byte) = hex_byte(bytes.get(i + 1..i + 3))
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

/// The byte two hex digits spell.
pub(crate) fn hex_byte(digits: Option<&[u8]>) -> Option<u8> {
    let digits = digits.filter(|d| d.iter().all(u8::is_ascii_hexdigit))?;
    u8::from_str_radix(std::str::from_utf8(digits).ok()?, 16).ok()
}

/// One `$ref` to a published asset, where it is written and what it names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DependencyReference {
    /// The file it is written in: a project file, or a dependency's document for a
    /// nested one.
    pub file: String,
    /// The JSON pointer of the `$ref` in that file.
    pub pointer: String,
    /// The reference as written.
    pub reference: String,
    /// The dependency file it names ([`Coordinate::file`]).
    pub target_file: String,
    /// The JSON pointer it names in that document.
    pub target_pointer: String,
}

#[cfg(feature = "engine")]
mod engine {
    use super::*;
    use crate::refs::{self, Documents, RefValue, Target};

    /// Every reference to a published asset in the files of `documents` (project files
    /// first, then the dependencies' own), each once, in the order of their files.
    pub fn dependency_references(documents: &Documents) -> Vec<DependencyReference> {
        let mut files: Vec<&String> = documents.files.keys().collect();
        files.sort_by_key(|file| (is_dependency(file), *file != &documents.main));
        let mut out = Vec::new();
        for file in files {
            let Some(loaded) = documents.files.get(file) else {
                continue;
            };
            for (pointer, reference, _) in refs::collect(&loaded.value) {
                let RefValue::Text(reference) = reference else {
                    continue;
                };
                if !reference.starts_with(SCHEME) {
                    continue;
                }
                if let Ok(Target::Local {
                    file: target_file,
                    pointer: target_pointer,
                }) = refs::resolve_target(file, &reference)
                {
                    out.push(DependencyReference {
                        file: file.clone(),
                        pointer,
                        reference,
                        target_file,
                        target_pointer,
                    });
                }
            }
        }
        out
    }

    /// The dependency files the input lacks: what a caller resolves and adds before it
    /// analyses again. Reads only as much as finding them takes (parsing and following
    /// references, no validation, no model); nothing for a main file that does not parse.
    pub fn missing_dependencies(input: &crate::Input) -> Vec<String> {
        let Some(text) = input.files.get(&input.main) else {
            return Vec::new();
        };
        // Most documents name no published asset: no need to parse them for it.
        if !input.files.values().any(|text| text.contains(SCHEME)) {
            return Vec::new();
        }
        let Ok((root, format)) = crate::parse::parse_text(text, &input.limits) else {
            return Vec::new();
        };
        let references = refs::collect(&root);
        let (documents, _) = refs::load(
            input,
            root,
            format,
            references,
            refs::ExternalPolicy::Warning,
        );
        documents
            .missing
            .into_iter()
            .filter(|file| is_dependency(file))
            .collect()
    }
}

#[cfg(feature = "engine")]
pub use engine::{dependency_references, missing_dependencies};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coordinates_have_one_spelling() {
        let exact = Coordinate::parse("acme/orders/1.2.0").unwrap();
        assert!(exact.exact);
        assert_eq!(exact.file(), "portico:acme/orders/1.2.0");
        let caret = Coordinate::parse("acme/orders/^1").unwrap();
        assert_eq!(caret.file(), "portico:acme/orders/^1");
        let encoded = Coordinate::parse("acme/orders/%3E%3D1.0%2C%20%3C2").unwrap();
        let spaced = Coordinate::parse("acme/orders/>=1.0,<2").unwrap();
        assert_eq!(encoded.file(), spaced.file());
        assert_eq!(encoded.file(), "portico:acme/orders/>=1.0, <2");
        assert_eq!(
            Coordinate::parse("acme/orders/1.2").unwrap().file(),
            "portico:acme/orders/^1.2"
        );
        assert_eq!(
            Coordinate::of_file("portico:acme/orders/~1.4"),
            Some(Coordinate {
                group: "acme".into(),
                asset: "orders".into(),
                requirement: "~1.4".into(),
                exact: false
            })
        );
    }

    #[test]
    fn a_malformed_coordinate_says_what_is_wrong() {
        assert!(
            Coordinate::parse("acme/orders")
                .unwrap_err()
                .contains("portico:GROUP/ASSET/VERSION")
        );
        assert!(
            Coordinate::parse("Acme/orders/1.0.0")
                .unwrap_err()
                .starts_with("the group")
        );
        assert!(
            Coordinate::parse("acme/or ders/1.0.0")
                .unwrap_err()
                .starts_with("the asset id")
        );
        assert!(
            Coordinate::parse("acme/orders/latest")
                .unwrap_err()
                .contains("neither a version")
        );
        assert!(
            Coordinate::parse("acme/orders/1.0.0+b1")
                .unwrap_err()
                .contains("build metadata")
        );
        assert!(
            Coordinate::parse("acme/orders/")
                .unwrap_err()
                .contains("missing")
        );
        assert!(Coordinate::parse("acme/orders/1.0.0/x").is_err());
    }

    #[test]
    fn ranges_accept_what_cargo_would() {
        let caret = Coordinate::parse("acme/orders/^1.1").unwrap();
        assert!(caret.accepts("1.1.0"));
        assert!(caret.accepts("1.9.3"));
        assert!(!caret.accepts("2.0.0"));
        assert!(!caret.accepts("1.0.9"));
        assert!(!caret.accepts("1.2.0-rc.1"));
        let exact = Coordinate::parse("acme/orders/1.2.0-rc.1").unwrap();
        assert!(exact.accepts("1.2.0-rc.1"));
        assert!(!exact.accepts("1.2.0"));
    }

    #[test]
    fn the_unavailable_message_names_the_versions() {
        assert_eq!(
            unavailable_message(
                "portico:acme/orders/^9#/components/schemas/Order",
                "portico:acme/orders/^9"
            ),
            "Unresolved reference \"portico:acme/orders/^9#/components/schemas/Order\": no published version of acme/orders matching ^9 that you may read."
        );
        assert!(
            unavailable_message("portico:acme/orders/1.0.0", "portico:acme/orders/1.0.0")
                .contains("no published version acme/orders 1.0.0 that you may read")
        );
    }
}
