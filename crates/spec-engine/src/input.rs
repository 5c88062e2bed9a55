//! What the engine reads: one document, or a design project (relative path -> text, plus
//! the main file), and the limits that keep hostile input cheap.

use std::collections::BTreeMap;

/// Bounds on what one analysis may cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest file accepted, in bytes.
    pub max_file_bytes: usize,
    /// Deepest nesting of mappings and sequences accepted.
    pub max_depth: usize,
    /// Most nodes one YAML file may produce, counting what aliases expand to.
    pub max_nodes: usize,
    /// How many times its own size a document may grow to in memory: a YAML file when
    /// its aliases are expanded (counting the bytes of scalars and keys), and the
    /// schemas the model and the rules inline from `$ref`s over a whole analysis (64
    /// bytes a node plus its keys and strings). What bounds a large scalar aliased many
    /// times, or many messages that each reference one large schema. See
    /// [`Limits::max_expanded_bytes`].
    pub max_expansion_ratio: usize,
}

/// Bytes any document may expand to, however small: a short document may repeat a
/// schema (through aliases or `$ref`s) more than ten times.
const EXPANSION_ALLOWANCE_BYTES: usize = 1024 * 1024;

impl Limits {
    /// The most bytes a document of `source_bytes` may expand to.
    pub fn max_expanded_bytes(&self, source_bytes: usize) -> usize {
        source_bytes
            .saturating_mul(self.max_expansion_ratio)
            .max(EXPANSION_ALLOWANCE_BYTES)
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 32 * 1024 * 1024,
            max_depth: 200,
            max_nodes: 4_000_000,
            max_expansion_ratio: 10,
        }
    }
}

/// The files of a design project and which one is the main document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    /// Project-relative paths (with `/`) to file contents.
    pub files: BTreeMap<String, String>,
    /// The path of the main document in `files`.
    pub main: String,
    pub limits: Limits,
}

impl Input {
    /// A single document named `name`.
    pub fn single(name: &str, text: &str) -> Input {
        let mut files = BTreeMap::new();
        files.insert(name.to_owned(), text.to_owned());
        Input {
            files,
            main: name.to_owned(),
            limits: Limits::default(),
        }
    }

    /// A project of several files with `main` as the root document.
    pub fn project(files: BTreeMap<String, String>, main: &str) -> Input {
        Input {
            files,
            main: main.to_owned(),
            limits: Limits::default(),
        }
    }
}
