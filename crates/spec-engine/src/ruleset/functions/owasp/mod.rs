//! The functions of the built-in OWASP ruleset (`portico:owasp`, Stoplight's
//! `@stoplight/spectral-owasp-ruleset`), written natively after its JavaScript ones: same
//! inputs ignored, same messages, same result paths, so findings compare one for one. The
//! rest of the ruleset is Spectral's core functions.

mod security;

use serde_json::{Map, Value};

use super::{Failure, Lookup, Target, only_known, type_error};

/// An OWASP function with its options checked.
pub enum Owasp {
    CheckSecurity(security::Required),
    DifferentSecuritySchemes { admin_url: String },
}

impl Owasp {
    /// The function by its ruleset name and its options checked; `None` when the name is
    /// not one of these.
    pub fn prepare(name: &str, options: Option<&Value>) -> Option<Result<Owasp, String>> {
        let prepared = match name {
            "checkSecurity" => check_security_options(options),
            "differentSecuritySchemes" => different_schemes_options(options),
            _ => return None,
        };
        Some(prepared)
    }

    pub fn call(&self, target: Target<'_>, lookup: &dyn Lookup) -> Vec<Failure> {
        let Some(value) = target.value else {
            return Vec::new();
        };
        match self {
            Owasp::CheckSecurity(required) => security::unprotected(value, required, lookup),
            Owasp::DifferentSecuritySchemes { admin_url } => {
                security::admin_shared(value, admin_url, lookup)
            }
        }
    }
}

fn check_security_options(options: Option<&Value>) -> Result<Owasp, String> {
    let name = "checkSecurity";
    let map = object_options(name, options)?;
    only_known(name, map, &["schemesPath", "nullable", "methods"])?;
    let methods = match map.get("methods") {
        None => None,
        Some(Value::Array(methods)) => Some(methods.clone()),
        Some(_) => return Err(type_error(name, "methods", "array")),
    };
    let schemes_path = match map.get("schemesPath") {
        None => None,
        Some(path @ Value::Array(_)) => Some(path.clone()),
        Some(_) => return Err(type_error(name, "schemesPath", "array")),
    };
    Ok(Owasp::CheckSecurity(security::Required {
        schemes_path,
        // Only `nullable: false` reports empty requirements, as the JavaScript compares.
        empty_allowed: map.get("nullable") != Some(&Value::Bool(false)),
        methods,
    }))
}

fn different_schemes_options(options: Option<&Value>) -> Result<Owasp, String> {
    let name = "differentSecuritySchemes";
    let map = object_options(name, options)?;
    only_known(name, map, &["adminUrl"])?;
    let admin_url = match map.get("adminUrl") {
        None => "/admin".to_owned(),
        Some(Value::String(url)) => url.clone(),
        Some(_) => return Err(type_error(name, "adminUrl", "string")),
    };
    Ok(Owasp::DifferentSecuritySchemes { admin_url })
}

/// The options object, or Ajv's type error when there is none (these functions' options
/// schemas have no example to show).
fn object_options<'a>(
    function: &str,
    options: Option<&'a Value>,
) -> Result<&'a Map<String, Value>, String> {
    match options {
        Some(Value::Object(map)) => Ok(map),
        _ => Err(type_error(function, "", "object")),
    }
}

#[cfg(test)]
mod tests;
