//! Starting points for a new design project, written by us: the Order Service of the demo
//! catalog, blank AsyncAPI and OpenAPI documents, and enterprise-integration-pattern
//! starters that each explain their pattern in the document's description.

use serde::{Deserialize, Serialize};

/// The Order Service (AsyncAPI 3.0); also the demo catalog's newest version.
pub const ORDER_SERVICE: &str = include_str!("templates/order-service.yaml");

/// A template as offered on the "new project" form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Template {
    pub id: String,
    pub title: String,
    pub summary: String,
}

struct TemplateSource {
    id: &'static str,
    title: &'static str,
    summary: &'static str,
    file_name: &'static str,
    text: &'static str,
}

const TEMPLATES: &[TemplateSource] = &[
    TemplateSource {
        id: "order-service",
        title: "Order Service",
        summary: "AsyncAPI 3.0: orders in, approvals and failures out, on the bundled broker.",
        file_name: "order-service.yaml",
        text: ORDER_SERVICE,
    },
    TemplateSource {
        id: "blank-asyncapi",
        title: "Blank AsyncAPI 3.0",
        summary: "One channel, one message, one operation.",
        file_name: "asyncapi.yaml",
        text: include_str!("templates/blank-asyncapi.yaml"),
    },
    TemplateSource {
        id: "blank-openapi",
        title: "Blank OpenAPI 3.1",
        summary: "One path, one schema.",
        file_name: "openapi.yaml",
        text: include_str!("templates/blank-openapi.yaml"),
    },
    TemplateSource {
        id: "publish-subscribe",
        title: "Publish-Subscribe Channel",
        summary: "One event, every subscriber gets a copy.",
        file_name: "asyncapi.yaml",
        text: include_str!("templates/publish-subscribe.yaml"),
    },
    TemplateSource {
        id: "point-to-point",
        title: "Point-to-Point Channel",
        summary: "Competing consumers: each job is handled by one worker.",
        file_name: "asyncapi.yaml",
        text: include_str!("templates/point-to-point.yaml"),
    },
    TemplateSource {
        id: "request-reply",
        title: "Request-Reply",
        summary: "A question and its answer, matched by a correlation id.",
        file_name: "asyncapi.yaml",
        text: include_str!("templates/request-reply.yaml"),
    },
    TemplateSource {
        id: "dead-letter",
        title: "Dead Letter Channel",
        summary: "Messages that cannot be processed go aside with the reason.",
        file_name: "asyncapi.yaml",
        text: include_str!("templates/dead-letter.yaml"),
    },
    TemplateSource {
        id: "content-based-router",
        title: "Content-Based Router",
        summary: "Each message goes to the channel that fits its content.",
        file_name: "asyncapi.yaml",
        text: include_str!("templates/content-based-router.yaml"),
    },
];

/// Every template, in the order the form shows them.
pub fn templates() -> Vec<Template> {
    TEMPLATES
        .iter()
        .map(|t| Template {
            id: t.id.to_owned(),
            title: t.title.to_owned(),
            summary: t.summary.to_owned(),
        })
        .collect()
}

/// The file name and text of a template.
pub fn template_file(id: &str) -> Option<(&'static str, &'static str)> {
    TEMPLATES
        .iter()
        .find(|t| t.id == id)
        .map(|t| (t.file_name, t.text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_is_a_valid_document() {
        for template in TEMPLATES {
            let analysis = spec_engine::analyze(&spec_engine::Input::single(
                template.file_name,
                template.text,
            ));
            let problems: Vec<String> = analysis
                .diagnostics
                .iter()
                .map(|d| format!("{}:{:?} {} ({})", template.id, d.line, d.message, d.pointer))
                .collect();
            assert!(problems.is_empty(), "{problems:#?}");
            assert!(analysis.model.is_some(), "{}", template.id);
        }
    }

    #[test]
    fn the_order_service_has_the_channels_of_the_story() {
        let model = spec_engine::analyze(&spec_engine::Input::single("o.yaml", ORDER_SERVICE))
            .model
            .expect("model");
        let addresses: Vec<_> = model
            .channels
            .iter()
            .filter_map(|c| c.address.clone())
            .collect();
        assert_eq!(addresses, ["order", "order-approved", "order-failed"]);
        let development = model
            .servers
            .iter()
            .find(|s| s.id == "development")
            .expect("server");
        assert_eq!(development.protocol.as_deref(), Some("mqtt"));
        assert!(
            development.url.contains("localhost:1883"),
            "{}",
            development.url
        );
        assert!(model.servers.iter().any(|s| s.id == "production"));
    }
}
