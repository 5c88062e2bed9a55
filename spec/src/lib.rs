//! Portico's spec engine: parses AsyncAPI and OpenAPI documents, validates them and
//! builds one version-independent model. Pure: no I/O, no async, no global state.
