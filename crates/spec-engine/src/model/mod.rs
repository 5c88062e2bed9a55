//! One version-independent view of a document: what the docs renderer, search index,
//! example generator and channel console read. One adapter per specification version
//! fills it, the way AsyncAPI's parser-js puts v2 and v3 behind one interface.

#[cfg(feature = "engine")]
mod asyncapi;
#[cfg(feature = "engine")]
mod copier;
#[cfg(feature = "engine")]
mod inline;
#[cfg(feature = "engine")]
pub(crate) mod openapi;

use serde::{Deserialize, Serialize};
use serde_json::Value;

#[cfg(feature = "engine")]
use crate::detect::Detected;
use crate::detect::Kind;
#[cfg(feature = "engine")]
use crate::refs::Documents;

#[cfg(feature = "engine")]
use copier::Copier;
#[cfg(feature = "engine")]
pub use copier::Detail;
#[cfg(feature = "engine")]
pub(crate) use inline::TRUNCATED_MARKER;
#[cfg(feature = "engine")]
pub use inline::{InlineBudget, inline_schema};

/// The model of a document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Model {
    pub kind: Kind,
    pub spec_version: String,
    pub info: Info,
    pub tags: Vec<Tag>,
    pub servers: Vec<Server>,
    /// AsyncAPI channels (empty for OpenAPI).
    pub channels: Vec<Channel>,
    /// AsyncAPI operations (send/receive) or OpenAPI operations (HTTP methods on paths).
    pub operations: Vec<Operation>,
    /// AsyncAPI messages, each once, by id.
    pub messages: Vec<Message>,
    /// Reusable schemas (`components.schemas`), as written.
    pub schemas: Vec<NamedSchema>,
    /// OpenAPI webhooks.
    pub webhooks: Vec<Operation>,
    pub security_schemes: Vec<SecurityScheme>,
}

/// Where a part of the model is written: the file of the project and the JSON pointer of
/// the object itself (after following `$ref`s). Tools that compare or annotate documents
/// (diff) use it to read details the model leaves out and to point at lines. Never
/// serialised: those tools run where the model is built, and the pages, which receive
/// the model from the engine worker on every keystroke, never read it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct Source {
    pub file: String,
    pub pointer: String,
}

impl Source {
    /// The source of a child: `pointer` extended by one token.
    pub fn child(&self, token: &str) -> Source {
        Source {
            file: self.file.clone(),
            pointer: format!(
                "{}/{}",
                self.pointer,
                token.replace('~', "~0").replace('/', "~1")
            ),
        }
    }
}

/// `info` of the document.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Info {
    pub title: String,
    pub version: String,
    pub description: Option<String>,
    pub terms_of_service: Option<String>,
    pub contact: Option<Contact>,
    pub license: Option<String>,
}

/// Who to ask about the API.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Contact {
    pub name: Option<String>,
    pub email: Option<String>,
    pub url: Option<String>,
}

/// A tag with its description.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tag {
    pub name: String,
    pub description: Option<String>,
}

/// A server (broker or HTTP base URL).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Server {
    pub id: String,
    /// `host` + `pathname` (AsyncAPI 3) or `url` (AsyncAPI 2, OpenAPI).
    pub url: String,
    pub protocol: Option<String>,
    pub protocol_version: Option<String>,
    pub description: Option<String>,
    /// Names of the security schemes that apply.
    pub security: Vec<String>,
    pub bindings: Option<Value>,
    pub variables: Vec<Parameter>,
    /// Where it is written (after following `$ref`s); absent in models from elsewhere.
    #[serde(skip)]
    pub source: Option<Source>,
}

/// A named parameter (channel address, path, query, header, cookie, server variable).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Parameter {
    pub name: String,
    /// `path`, `query`, `header`, `cookie` for OpenAPI; `channel` or `server` otherwise.
    pub location: String,
    pub description: Option<String>,
    pub required: bool,
    pub schema: Option<Value>,
    pub enum_values: Vec<String>,
    pub default: Option<String>,
    /// Where it is written (after following `$ref`s); absent in models from elsewhere.
    #[serde(skip)]
    pub source: Option<Source>,
}

/// An AsyncAPI channel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Channel {
    pub id: String,
    /// The address (topic); may contain `{parameters}`; `None` when dynamic.
    pub address: Option<String>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub parameters: Vec<Parameter>,
    /// Ids of the messages that may flow on this channel.
    pub messages: Vec<String>,
    /// Ids of the servers the channel is available on (all when empty).
    pub servers: Vec<String>,
    pub bindings: Option<Value>,
    /// Where it is written (after following `$ref`s); absent in models from elsewhere.
    #[serde(skip)]
    pub source: Option<Source>,
    /// Where each of `messages` is written, in the same order (when known).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub message_sources: Vec<Source>,
}

/// What an operation does.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// The application sends messages to the channel.
    Send,
    /// The application receives messages from the channel.
    Receive,
    /// An HTTP method (lowercase).
    Http(String),
}

/// An operation: AsyncAPI send/receive on a channel, or an HTTP method on a path.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Operation {
    pub id: String,
    pub action: Action,
    /// AsyncAPI: the channel id.
    pub channel: Option<String>,
    /// OpenAPI: the path template (or webhook name).
    pub path: Option<String>,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub tags: Vec<String>,
    pub deprecated: bool,
    /// AsyncAPI: message ids.
    pub messages: Vec<String>,
    pub reply: Option<Reply>,
    pub parameters: Vec<Parameter>,
    pub request_body: Option<Body>,
    pub responses: Vec<Response>,
    pub security: Vec<String>,
    /// Where it is written (after following `$ref`s); absent in models from elsewhere.
    #[serde(skip)]
    pub source: Option<Source>,
    /// Where each of `messages` is written, in the same order (when known).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub message_sources: Vec<Source>,
}

/// The reply of an AsyncAPI 3 request/reply operation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reply {
    pub channel: Option<String>,
    pub address: Option<String>,
    pub messages: Vec<String>,
    /// Where it is written (after following `$ref`s); absent in models from elsewhere.
    #[serde(skip)]
    pub source: Option<Source>,
    /// Where each of `messages` is written, in the same order (when known).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub message_sources: Vec<Source>,
}

/// An OpenAPI request body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Body {
    pub description: Option<String>,
    pub required: bool,
    pub content: Vec<MediaType>,
    /// Where it is written (after following `$ref`s); absent in models from elsewhere.
    #[serde(skip)]
    pub source: Option<Source>,
}

/// One media type of a body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MediaType {
    pub media_type: String,
    pub schema: Option<Value>,
    pub example: Option<Value>,
    /// Where it is written (after following `$ref`s); absent in models from elsewhere.
    #[serde(skip)]
    pub source: Option<Source>,
}

/// An OpenAPI response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Response {
    pub status: String,
    pub description: Option<String>,
    pub content: Vec<MediaType>,
    pub headers: Vec<Parameter>,
    /// Where it is written (after following `$ref`s); absent in models from elsewhere.
    #[serde(skip)]
    pub source: Option<Source>,
}

/// An AsyncAPI message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Message {
    /// The key it is known by (components or channel messages).
    pub id: String,
    pub name: Option<String>,
    pub title: Option<String>,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub content_type: Option<String>,
    /// The schema format of payload and headers; `None` means the AsyncAPI/JSON Schema default.
    pub schema_format: Option<String>,
    /// Headers schema, references inlined (recursion and size bounded).
    pub headers: Option<Value>,
    /// Payload schema, references inlined (recursion and size bounded).
    pub payload: Option<Value>,
    pub examples: Vec<MessageExample>,
    pub correlation_id: Option<String>,
    pub bindings: Option<Value>,
    /// Where it is written (after following `$ref`s); absent in models from elsewhere.
    #[serde(skip)]
    pub source: Option<Source>,
}

/// A documented example of a message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MessageExample {
    pub name: Option<String>,
    pub summary: Option<String>,
    pub headers: Option<Value>,
    pub payload: Option<Value>,
}

/// A reusable schema.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NamedSchema {
    pub name: String,
    /// The local reference that points at it (`#/components/schemas/Name`).
    pub reference: String,
    pub schema: Value,
}

/// A security scheme.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SecurityScheme {
    pub name: String,
    pub scheme_type: String,
    pub description: Option<String>,
    pub details: Value,
    /// Where it is written (after following `$ref`s); absent in models from elsewhere.
    #[serde(skip)]
    pub source: Option<Source>,
}

impl Message {
    /// The payload schema when payloads can be checked against it (its format is JSON
    /// Schema); `None` means the message accepts any payload.
    pub fn checkable_payload(&self) -> Option<&Value> {
        self.payload.as_ref().filter(|_| {
            self.schema_format
                .as_deref()
                .is_none_or(crate::payload::is_json_schema_format)
        })
    }

    /// The payload a console starts with and a mock publisher sends: the message's own
    /// first example, else one generated from its schema.
    pub fn example_payload(&self) -> Option<Value> {
        self.examples
            .iter()
            .find_map(|e| e.payload.clone())
            .or_else(|| self.payload.as_ref().map(crate::example::example_for))
    }
}

impl Model {
    /// A message by id.
    pub fn message(&self, id: &str) -> Option<&Message> {
        self.messages.iter().find(|m| m.id == id)
    }

    /// A channel by id.
    pub fn channel(&self, id: &str) -> Option<&Channel> {
        self.channels.iter().find(|c| c.id == id)
    }

    /// A reusable schema by its local reference.
    pub fn schema(&self, reference: &str) -> Option<&Value> {
        self.schemas
            .iter()
            .find(|s| s.reference == reference)
            .map(|s| &s.schema)
    }
}

/// Builds the model with the adapter for the document's version. Never fails: missing
/// or malformed parts are left out (the diagnostics say why).
#[cfg(feature = "engine")]
pub fn build(
    detected: &Detected,
    documents: &Documents,
    budget: &InlineBudget,
    detail: Detail,
) -> Model {
    let copier = Copier::new(budget, detail);
    match (detected.kind, detected.major) {
        (Kind::AsyncApi, 3) => asyncapi::build_v3(detected, documents, &copier),
        (Kind::AsyncApi, _) => asyncapi::build_v2(detected, documents, &copier),
        (Kind::OpenApi, _) => openapi::build(detected, documents, &copier),
    }
}

#[cfg(feature = "engine")]
mod readers;
#[cfg(feature = "engine")]
pub(crate) use readers::{
    component_schemas, info_of, security_names, source_at, strings, tags_of, text,
};
