//! What a model copies out of the document. Pages, the console and example checks read
//! schemas, examples and bindings from the model; the diff reads them from the documents
//! through the parts' sources, so its model leaves them out (on Stripe's spec the copies
//! were ~45 % of building the model and of freeing it).

use serde_json::Value;

use super::InlineBudget;
use super::inline::inline_schema;
use crate::refs::Documents;

/// How much of the document a model carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// Every part with its schemas (AsyncAPI's inlined), examples and bindings.
    Full,
    /// Every part with its names, flags and sources, without schemas, examples and
    /// bindings (`None`, and `null` for reusable schemas).
    Outline,
}

/// Copies values into a model at its [`Detail`]; in full, inlining within one analysis'
/// budget.
pub(crate) enum Copier<'a> {
    Full(&'a InlineBudget),
    Outline,
}

impl<'a> Copier<'a> {
    pub fn new(budget: &'a InlineBudget, detail: Detail) -> Copier<'a> {
        match detail {
            Detail::Full => Copier::Full(budget),
            Detail::Outline => Copier::Outline,
        }
    }

    /// The schema at `value` (written in `file`) with its references inlined.
    pub fn inlined(&self, documents: &Documents, file: &str, value: &Value) -> Option<Value> {
        match self {
            Copier::Full(budget) => Some(inline_schema(documents, file, value, budget)),
            Copier::Outline => None,
        }
    }

    /// A value as written (references intact).
    pub fn value(&self, value: Option<&Value>) -> Option<Value> {
        match self {
            Copier::Full(_) => value.cloned(),
            Copier::Outline => None,
        }
    }
}
