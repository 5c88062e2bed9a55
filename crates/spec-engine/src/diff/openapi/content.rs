//! OpenAPI request bodies and responses: presence, required, status codes, headers and
//! media types, and the schemas of each media type.

use super::{is_success, label, spot};
use crate::diff::differ::{Differ, Report, Spot};
use crate::diff::report::{Direction, Group};
use crate::diff::schema::Usage;
use crate::model::{MediaType, Operation};

impl<'a> Differ<'a> {
    pub(super) fn request_body(
        &mut self,
        old: &Operation,
        new: &Operation,
        group: &Group,
        flow: Direction,
    ) {
        let name = label(new);
        match (&old.request_body, &new.request_body) {
            (None, Some(body)) => {
                let rule = if body.required {
                    "request-body-added-required"
                } else {
                    "request-body-added"
                };
                let kind = if body.required {
                    "A required"
                } else {
                    "An optional"
                };
                self.report(
                    rule,
                    Report {
                        direction: flow,
                        message: format!("{kind} request body was added to `{name}`."),
                        old: spot(old),
                        new: body.source.as_ref().map(Spot::from),
                        group,
                    },
                );
            }
            (Some(body), None) => self.report(
                "request-body-removed",
                Report {
                    direction: flow,
                    message: format!("The request body of `{name}` was removed."),
                    old: body.source.as_ref().map(Spot::from),
                    new: spot(new),
                    group,
                },
            ),
            (Some(ob), Some(nb)) => {
                let spots = (
                    ob.source.as_ref().map(Spot::from),
                    nb.source.as_ref().map(Spot::from),
                );
                match (ob.required, nb.required) {
                    (false, true) => self.report(
                        "request-body-became-required",
                        Report {
                            direction: flow,
                            message: format!("The request body of `{name}` became required."),
                            old: spots.0.clone(),
                            new: spots.1.clone(),
                            group,
                        },
                    ),
                    (true, false) => self.report(
                        "request-body-became-optional",
                        Report {
                            direction: flow,
                            message: format!("The request body of `{name}` became optional."),
                            old: spots.0.clone(),
                            new: spots.1.clone(),
                            group,
                        },
                    ),
                    _ => {}
                }
                if let (Some(on), Some(nn)) = (
                    self.old.at(ob.source.as_ref()),
                    self.new.at(nb.source.as_ref()),
                ) {
                    self.descriptions(
                        &on,
                        &nn,
                        &["description"],
                        &format!("the request body of `{name}`"),
                        group,
                    );
                }
                let context = format!("the request body of `{name}`");
                self.media_types(
                    &ob.content,
                    &nb.content,
                    flow,
                    group,
                    &context,
                    ("request-media-type-added", "request-media-type-removed"),
                );
            }
            (None, None) => {}
        }
    }

    pub(super) fn responses(
        &mut self,
        old: &Operation,
        new: &Operation,
        group: &Group,
        flow: Direction,
    ) {
        let name = label(new);
        for or in &old.responses {
            let ospot = or.source.as_ref().map(Spot::from);
            let Some(nr) = new
                .responses
                .iter()
                .find(|r| r.status.eq_ignore_ascii_case(&or.status))
            else {
                let rule = if is_success(&or.status) {
                    "response-success-status-removed"
                } else {
                    "response-status-removed"
                };
                self.report(
                    rule,
                    Report {
                        direction: flow,
                        message: format!("The `{}` response of `{name}` was removed.", or.status),
                        old: ospot,
                        new: spot(new),
                        group,
                    },
                );
                continue;
            };
            let nspot = nr.source.as_ref().map(Spot::from);
            let context = format!("the `{}` response of `{name}`", nr.status);
            if or.description != nr.description {
                self.report(
                    "description-changed",
                    Report {
                        direction: Direction::None,
                        message: format!("The description of {context} changed."),
                        old: ospot.clone(),
                        new: nspot.clone(),
                        group,
                    },
                );
            }
            self.media_types(
                &or.content,
                &nr.content,
                flow,
                group,
                &context,
                ("response-media-type-added", "response-media-type-removed"),
            );
            for oh in &or.headers {
                let hspot = (oh.source.as_ref().map(Spot::from), ospot.clone());
                match nr
                    .headers
                    .iter()
                    .find(|h| h.name.eq_ignore_ascii_case(&oh.name))
                {
                    None => {
                        let rule = if oh.required {
                            "response-required-header-removed"
                        } else {
                            "response-header-removed"
                        };
                        self.report(
                            rule,
                            Report {
                                direction: flow,
                                message: format!(
                                    "Header `{}` was removed from {context}.",
                                    oh.name
                                ),
                                old: hspot.0,
                                new: nspot.clone(),
                                group,
                            },
                        );
                    }
                    Some(nh) => {
                        let spots = (
                            oh.source.as_ref().map(Spot::from),
                            nh.source.as_ref().map(Spot::from),
                        );
                        match (oh.required, nh.required) {
                            (true, false) => self.report(
                                "response-header-became-optional",
                                Report {
                                    direction: flow,
                                    message: format!(
                                        "Header `{}` of {context} became optional.",
                                        oh.name
                                    ),
                                    old: spots.0.clone(),
                                    new: spots.1.clone(),
                                    group,
                                },
                            ),
                            (false, true) => self.report(
                                "response-header-became-required",
                                Report {
                                    direction: flow,
                                    message: format!(
                                        "Header `{}` of {context} became required.",
                                        oh.name
                                    ),
                                    old: spots.0.clone(),
                                    new: spots.1.clone(),
                                    group,
                                },
                            ),
                            _ => {}
                        }
                        let header_context = format!("header `{}` of {context}", nh.name);
                        let usage = Usage {
                            flow,
                            context: &header_context,
                            group,
                        };
                        let (on, nn) = (
                            self.old.at(oh.source.as_ref()),
                            self.new.at(nh.source.as_ref()),
                        );
                        self.compare_schemas(
                            on.and_then(|n| n.get("schema")),
                            nn.and_then(|n| n.get("schema")),
                            &usage,
                        );
                    }
                }
            }
            for nh in nr.headers.iter().filter(|h| {
                !or.headers
                    .iter()
                    .any(|o| o.name.eq_ignore_ascii_case(&h.name))
            }) {
                self.report(
                    "response-header-added",
                    Report {
                        direction: flow,
                        message: format!("Header `{}` was added to {context}.", nh.name),
                        old: ospot.clone(),
                        new: nh.source.as_ref().map(Spot::from),
                        group,
                    },
                );
            }
        }
        for nr in new.responses.iter().filter(|r| {
            !old.responses
                .iter()
                .any(|o| o.status.eq_ignore_ascii_case(&r.status))
        }) {
            self.report(
                "response-status-added",
                Report {
                    direction: flow,
                    message: format!("A `{}` response was added to `{name}`.", nr.status),
                    old: spot(old),
                    new: nr.source.as_ref().map(Spot::from),
                    group,
                },
            );
        }
    }

    /// Media types matched by name (parameters such as `charset` aside), then their
    /// schemas compared.
    pub(super) fn media_types<'m>(
        &mut self,
        olds: &'m [MediaType],
        news: &'m [MediaType],
        flow: Direction,
        group: &Group,
        context: &str,
        (added, removed): (&'static str, &'static str),
    ) {
        for om in olds {
            match find(news, &om.media_type) {
                Some(nm) => {
                    let with_type = if olds.len() > 1 || news.len() > 1 {
                        format!("{context} ({})", nm.media_type)
                    } else {
                        context.to_owned()
                    };
                    let usage = Usage {
                        flow,
                        context: &with_type,
                        group,
                    };
                    let (on, nn) = (
                        self.old.at(om.source.as_ref()),
                        self.new.at(nm.source.as_ref()),
                    );
                    self.compare_schemas(
                        on.as_ref().and_then(|n| n.get("schema")),
                        nn.as_ref().and_then(|n| n.get("schema")),
                        &usage,
                    );
                }
                None => self.report(
                    removed,
                    Report {
                        direction: flow,
                        message: format!(
                            "Media type `{}` was removed from {context}.",
                            om.media_type
                        ),
                        old: om.source.as_ref().map(Spot::from),
                        new: None,
                        group,
                    },
                ),
            }
        }
        for nm in news
            .iter()
            .filter(|nm| find(olds, &nm.media_type).is_none())
        {
            self.report(
                added,
                Report {
                    direction: flow,
                    message: format!("Media type `{}` was added to {context}.", nm.media_type),
                    old: None,
                    new: nm.source.as_ref().map(Spot::from),
                    group,
                },
            );
        }
    }
}

/// The media type of `list` named `name`, or with the same type and subtype.
pub(super) fn find<'m>(list: &'m [MediaType], name: &str) -> Option<&'m MediaType> {
    let essence = |m: &str| m.split(';').next().unwrap_or(m).trim().to_ascii_lowercase();
    list.iter().find(|m| m.media_type == name).or_else(|| {
        list.iter()
            .find(|m| essence(&m.media_type) == essence(name))
    })
}
