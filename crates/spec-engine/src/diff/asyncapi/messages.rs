//! AsyncAPI messages: content type, schema format, name, correlation id, bindings, and
//! the payload and header schemas in the direction the message travels.

use crate::diff::differ::{Differ, Node, Report};
use crate::diff::report::{Direction, Group};
use crate::diff::schema::Usage;

impl<'a> Differ<'a> {
    /// Compares one message: content type, schema format, name, correlation id,
    /// bindings, headers and payload.
    pub(super) fn message(
        &mut self,
        old: Node<'a>,
        new: Node<'a>,
        flow: Direction,
        what: &str,
        group: &Group,
    ) {
        let (old, new) = (self.old.resolve(old), self.new.resolve(new));
        let field = |side: &crate::diff::differ::Side<'a>,
                     message: &Node<'a>,
                     key: &str|
         -> Option<Node<'a>> {
            message.get(key).or_else(|| {
                message
                    .get("traits")
                    .into_iter()
                    .flat_map(|t| t.items())
                    .find_map(|t| side.resolve(t).get(key))
            })
        };
        let report = |message: String, o: Option<Node<'a>>, n: Option<Node<'a>>| Report {
            direction: flow,
            message,
            old: Some(o.unwrap_or_else(|| old.clone()).spot()),
            new: Some(n.unwrap_or_else(|| new.clone()).spot()),
            group,
        };
        let content_type = |side: &crate::diff::differ::Side<'a>, message: &Node<'a>| {
            field(side, message, "contentType")
                .and_then(|n| n.value.as_str().map(str::to_ascii_lowercase))
                .or_else(|| {
                    side.root()
                        .and_then(|r| r.text("defaultContentType").map(str::to_ascii_lowercase))
                })
        };
        let (oc, nc) = (content_type(&self.old, &old), content_type(&self.new, &new));
        if let (Some(a), Some(b)) = (&oc, &nc)
            && a.split(';').next() != b.split(';').next()
        {
            self.report(
                "message-content-type-changed",
                report(
                    format!("The content type of {what} changed from `{a}` to `{b}`."),
                    field(&self.old, &old, "contentType"),
                    field(&self.new, &new, "contentType"),
                ),
            );
        }
        let (op, np) = (
            field(&self.old, &old, "payload"),
            field(&self.new, &new, "payload"),
        );
        let format = |side: &crate::diff::differ::Side<'a>,
                      message: &Node<'a>,
                      payload: &Option<Node<'a>>|
         -> String {
            let raw = payload
                .as_ref()
                .and_then(|p| p.text("schemaFormat"))
                .or_else(|| field(side, message, "schemaFormat").and_then(|n| n.value.as_str()))
                .unwrap_or("");
            schema_family(raw)
        };
        let (of, nf) = (format(&self.old, &old, &op), format(&self.new, &new, &np));
        if of != nf {
            self.report(
                "message-schema-format-changed",
                report(
                    format!("The schema format of {what} changed from {of} to {nf}."),
                    op.clone(),
                    np.clone(),
                ),
            );
        }
        if let (Some(a), Some(b)) = (
            field(&self.old, &old, "name"),
            field(&self.new, &new, "name"),
        ) && a.value != b.value
        {
            self.report(
                "message-name-changed",
                report(
                    format!(
                        "The name of {what} changed from {} to {}.",
                        a.value, b.value
                    ),
                    Some(a),
                    Some(b),
                ),
            );
        }
        let location = |side: &crate::diff::differ::Side<'a>, message: &Node<'a>| {
            field(side, message, "correlationId")
                .map(|c| side.resolve(c))
                .map(|c| (c.text("location").map(str::to_owned), c))
        };
        match (location(&self.old, &old), location(&self.new, &new)) {
            (Some((a, an)), Some((b, bn))) if a != b => self.report(
                "message-correlation-id-changed",
                report(
                    format!(
                        "The correlation id of {what} moved from {:?} to {:?}.",
                        a.unwrap_or_default(),
                        b.unwrap_or_default()
                    ),
                    Some(an),
                    Some(bn),
                ),
            ),
            (Some((_, an)), None) => self.report(
                "message-correlation-id-removed",
                report(
                    format!(
                        "{} no longer has a correlation id.",
                        crate::diff::schema::capitalize(what)
                    ),
                    Some(an),
                    None,
                ),
            ),
            (None, Some((_, bn))) => self.report(
                "message-correlation-id-added",
                report(
                    format!(
                        "{} now has a correlation id.",
                        crate::diff::schema::capitalize(what)
                    ),
                    None,
                    Some(bn),
                ),
            ),
            _ => {}
        }
        self.bindings(
            field(&self.old, &old, "bindings"),
            field(&self.new, &new, "bindings"),
            &old,
            &new,
            "message-bindings-changed",
            what,
            group,
        );
        self.descriptions(
            &old,
            &new,
            &["title", "summary", "description"],
            what,
            group,
        );
        let headers_context = format!("the headers of {what}");
        self.compare_schemas(
            field(&self.old, &old, "headers").map(|h| schema_of(&h)),
            field(&self.new, &new, "headers").map(|h| schema_of(&h)),
            &Usage {
                flow,
                context: &headers_context,
                group,
            },
        );
        if of == "JSON Schema" && nf == "JSON Schema" {
            let payload_context = format!("the payload of {what}");
            self.compare_schemas(
                op.map(|p| schema_of(&p)),
                np.map(|p| schema_of(&p)),
                &Usage {
                    flow,
                    context: &payload_context,
                    group,
                },
            );
        }
    }
}

/// The schema of a payload or headers: inside `{schemaFormat, schema}` (3.x) or as is.
pub(super) fn schema_of<'a>(node: &Node<'a>) -> Node<'a> {
    match (node.value.get("schemaFormat"), node.get("schema")) {
        (Some(_), Some(schema)) => schema,
        _ => node.clone(),
    }
}

/// The family of a schema format: JSON Schema in its AsyncAPI, OpenAPI and draft forms,
/// or the format's media type without its version.
pub(super) fn schema_family(format: &str) -> String {
    let lower = format.to_ascii_lowercase();
    if lower.is_empty()
        || lower.starts_with("application/vnd.aai.asyncapi")
        || lower.starts_with("application/schema+")
        || lower.starts_with("application/vnd.oai.openapi")
    {
        "JSON Schema".to_owned()
    } else {
        format!("`{}`", lower.split(';').next().unwrap_or(&lower))
    }
}
