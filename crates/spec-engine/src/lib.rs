//! Portico's spec engine: text -> Document -> Model for AsyncAPI (2.0-2.6, 3.0, 3.1) and
//! OpenAPI (3.0, 3.1, 3.2). Pure: no I/O, no async, no global state beyond lazily compiled
//! official schemas; compiles for the server and for
//! `wasm32-unknown-unknown`.
//!
//! Entry points (feature `engine`, on by default; without it the crate is the model's
//! types, [`ProjectAnalysis`] and [`Converted`]: what a page needs to show an analysis
//! made elsewhere):
//! - [`analyze`]`(&Input) -> Analysis`: parse (JSON or YAML), detect kind and version,
//!   resolve `$ref`s inside the project (never fetching), validate against the official
//!   JSON Schema plus the rules a schema cannot express, locate every diagnostic
//!   (file, line, column, JSON pointer), and build the [`Model`].
//! - [`analyze_cached`]`(&Input, &mut ParseCache)`: the same for an editor, which parses
//!   the main file again only where it changed (see `reparse`).
//! - [`Input::single`] / [`Input::project`]: one document, or a design project.
//! - [`dependency`]: references to published assets (`portico:group/asset/^1#/…`), whose
//!   documents the caller supplies as read-only files of the input.
//! - [`PayloadSchema`]: check message payloads against their schema.
//! - [`example_for`]: a deterministic example value for a schema.
//! - [`completion::completions_at`]: what the editor offers at the cursor.
//! - [`content_index`]: the names inside a document, for search.
//! - [`channel_sides`]: the channels a document's application sends and receives on.
//! - [`to_json`] / [`to_yaml`]: convert a document between syntaxes.
//! - [`convert_asyncapi_to_v3`]: upgrade an AsyncAPI 2.x document to 3.0.
//! - [`diff`]`(&old, &new, &DiffOptions) -> DiffReport`: what changed between two
//!   versions, direction-aware, with the rule catalog in [`diff::rules`].

#[cfg(feature = "engine")]
mod analysis;
mod answer;
#[cfg(feature = "engine")]
mod bundle;
#[cfg(feature = "engine")]
pub mod completion;
#[cfg(feature = "engine")]
mod convert;
pub mod dependency;
mod detect;
mod diagnostic;
#[cfg(feature = "engine")]
mod dialect;
#[cfg(feature = "engine")]
pub mod diff;
mod example;
#[cfg(feature = "engine")]
mod fast_hash;
#[cfg(feature = "engine")]
mod index;
#[cfg(feature = "engine")]
mod input;
#[cfg(feature = "engine")]
mod json;
mod model;
#[cfg(feature = "engine")]
mod parse;
#[cfg(feature = "engine")]
mod path;
mod payload;
#[cfg(feature = "engine")]
mod position;
#[cfg(feature = "engine")]
mod refs;
#[cfg(feature = "engine")]
mod reparse;
#[cfg(feature = "engine")]
mod rules;
#[cfg(feature = "engine")]
pub mod ruleset;
#[cfg(feature = "engine")]
mod schemas;
mod sides;
#[cfg(feature = "engine")]
mod upgrade;
#[cfg(feature = "engine")]
mod validate;

#[cfg(feature = "engine")]
pub use analysis::{
    Analysis, analyze, analyze_cached, analyze_outline, apply_ruleset, check, ruleset_findings,
};
pub use answer::{Converted, ProjectAnalysis};
#[cfg(feature = "engine")]
pub use convert::{to_json, to_yaml};
pub use detect::{Detected, Kind, SchemaId, detect};
pub use diagnostic::{Diagnostic, Severity};
#[cfg(feature = "engine")]
pub use diff::{DiffError, DiffOptions, DiffReport, diff, diff_analyzed};
pub use example::example_for;
#[cfg(feature = "engine")]
pub use index::{ContentIndex, content_index};
#[cfg(feature = "engine")]
pub use input::{Input, Limits};
pub use model::*;
#[cfg(feature = "engine")]
pub use parse::{Format, ParseError, parse_text};
pub use payload::is_json_schema_format;
#[cfg(feature = "engine")]
pub use payload::{PayloadProblem, PayloadSchema, closest_problems};
#[cfg(feature = "engine")]
pub use refs::Documents;
#[cfg(feature = "engine")]
pub use reparse::ParseCache;
#[cfg(feature = "engine")]
pub use schemas::schema_json;
pub use sides::{ChannelSide, channel_sides};
#[cfg(feature = "engine")]
pub use upgrade::convert_asyncapi_to_v3;
