//! The functions of the built-in OpenAPI ruleset (`portico:oas`, Spectral's `spectral:oas`),
//! written natively after Spectral's JavaScript ones: same inputs ignored, same messages,
//! same result paths, so findings compare one for one.

mod components;
mod document_schema;
mod examples;
mod operations;
mod path_params;
mod security;
pub(super) mod servers;

use serde_json::{Map, Value};

use super::{
    Failure, Lookup, Target, join, key, keys, only_known, options_object, without_options,
};

/// An OpenAPI function with its options checked.
pub enum Oas {
    OpSuccessResponse,
    OpFormDataConsumeCheck,
    OpIdUnique,
    OpParams,
    TagDefined,
    PathParam,
    Discriminator,
    SecurityDefined { version: u8 },
    Example(examples::ExampleOptions),
    Schema(Box<examples::FixedSchema>),
    DocumentSchema,
    UnusedComponent,
    UniquenessTags,
    RefSiblings,
    ServerVariables(servers::Options),
}

impl Oas {
    /// The function by its ruleset name and its options checked; `None` when the name is
    /// not one of these.
    pub fn prepare(name: &str, options: Option<&Value>) -> Option<Result<Oas, String>> {
        let none = |oas: Oas| without_options(name, options, oas);
        let prepared = match name {
            "oasOpSuccessResponse" => none(Oas::OpSuccessResponse),
            "oasOpFormDataConsumeCheck" => none(Oas::OpFormDataConsumeCheck),
            "oasOpIdUnique" => none(Oas::OpIdUnique),
            "oasOpParams" => none(Oas::OpParams),
            "oasTagDefined" => none(Oas::TagDefined),
            "oasPathParam" => none(Oas::PathParam),
            "oasDiscriminator" => none(Oas::Discriminator),
            "oasDocumentSchema" => none(Oas::DocumentSchema),
            "oasUnusedComponent" => none(Oas::UnusedComponent),
            "uniquenessTags" => none(Oas::UniquenessTags),
            "refSiblings" => none(Oas::RefSiblings),
            "oasSecurityDefined" => security_options(options),
            "oasExample" => examples::ExampleOptions::prepare(options).map(Oas::Example),
            "oasSchema" => schema_options(options),
            "serverVariables" => servers::Options::prepare(options).map(Oas::ServerVariables),
            _ => return None,
        };
        Some(prepared)
    }

    pub fn call(&self, target: Target<'_>, lookup: &dyn Lookup) -> Vec<Failure> {
        let Some(value) = target.value else {
            return match self {
                // `schema` reports a missing value; the others take objects only.
                Oas::Schema(schema) => schema.call(None, target.path, lookup),
                _ => Vec::new(),
            };
        };
        let path = target.path;
        match self {
            Oas::OpSuccessResponse => operations::success_response(value, lookup),
            Oas::OpFormDataConsumeCheck => operations::form_data_consume(value, lookup),
            Oas::OpIdUnique => operations::operation_id_unique(value, lookup),
            Oas::OpParams => operations::parameters(value, path, lookup),
            Oas::TagDefined => operations::tag_defined(value, lookup),
            Oas::PathParam => path_params::check(value, lookup),
            Oas::Discriminator => components::discriminator(value, path, lookup),
            Oas::SecurityDefined { version } => security::defined(value, path, *version, lookup),
            Oas::Example(options) => examples::example(value, options, path, lookup),
            Oas::Schema(schema) => schema.call(Some(value), path, lookup),
            Oas::DocumentSchema => document_schema::check(value, lookup),
            Oas::UnusedComponent => components::unused(value, lookup),
            Oas::UniquenessTags => components::uniqueness_tags(value, path, lookup),
            Oas::RefSiblings => components::ref_siblings(path, lookup),
            Oas::ServerVariables(options) => servers::check(value, options, path, lookup),
        }
    }
}

fn security_options(options: Option<&Value>) -> Result<Oas, String> {
    let map = options_object("oasSecurityDefined", options, r#"{ "oasVersion": 3 }"#)?;
    only_known("oasSecurityDefined", map, &["oasVersion"])?;
    let version = match map.get("oasVersion") {
        None => 3,
        Some(version) if *version == 2 => 2,
        Some(version) if *version == 3 => 3,
        Some(_) => {
            return Err("\"oasSecurityDefined\" function and its \"oasVersion\" option accepts only the following values: 2, 3".into());
        }
    };
    Ok(Oas::SecurityDefined { version })
}

fn schema_options(options: Option<&Value>) -> Result<Oas, String> {
    let map = options_object("oasSchema", options, r#"{ "schema": { "type": "array" } }"#)?;
    only_known("oasSchema", map, &["schema"])?;
    match map.get("schema") {
        Some(schema @ Value::Object(_)) => Ok(Oas::Schema(Box::new(examples::FixedSchema::new(
            schema.clone(),
        )))),
        _ => Err(
            "\"oasSchema\" function and its \"schema\" option accepts only the following types: object"
                .into(),
        ),
    }
}

/// The HTTP methods an OpenAPI path item holds operations under.
const METHODS: [&str; 8] = [
    "get", "head", "post", "put", "patch", "delete", "options", "trace",
];

/// Every operation of `paths` as Spectral's `getAllOperations` lists them: (path, method,
/// operation), path items and operations that are objects only. The OWASP ruleset's
/// functions list them the same way.
pub(super) fn operations<'v>(
    paths: &'v Value,
    lookup: &'v dyn Lookup,
) -> Vec<(&'v str, &'v str, &'v Map<String, Value>)> {
    let mut out = Vec::new();
    let Value::Object(paths) = lookup.follow(paths) else {
        return out;
    };
    for (path, item) in paths {
        let Value::Object(item) = lookup.follow(item) else {
            continue;
        };
        for (method, operation) in item {
            if let (Value::Object(operation), true) =
                (lookup.follow(operation), METHODS.contains(&method.as_str()))
            {
                out.push((path.as_str(), method.as_str(), operation));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests;
