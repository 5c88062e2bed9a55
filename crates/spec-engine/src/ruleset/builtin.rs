//! The rulesets that ship with Portico, by name. Spectral's names for the rulesets they
//! mirror (`spectral:oas`, `spectral:asyncapi`, the OWASP package) name them too, so a
//! company's `.spectral.yaml` that extends those works unchanged.

/// Every built-in ruleset's name.
pub const NAMES: [&str; 4] = [
    "portico:oas",
    "portico:asyncapi",
    "portico:owasp",
    "portico:recommended",
];

/// The Portico name for a built-in ruleset named either way.
pub fn canonical_name(name: &str) -> &str {
    match name {
        "spectral:oas" => "portico:oas",
        "spectral:asyncapi" => "portico:asyncapi",
        "@stoplight/spectral-owasp-ruleset" | "spectral-owasp-ruleset" => "portico:owasp",
        other => other,
    }
}

/// Whether a name is in a built-in namespace (so it is never read as a file).
pub fn is_reserved(name: &str) -> bool {
    name.starts_with("portico:") || name.starts_with("spectral:")
}

/// The definition of a built-in ruleset (YAML), if there is one by that name.
pub fn text(name: &str) -> Option<&'static str> {
    match canonical_name(name) {
        "portico:recommended" => Some(include_str!("builtin/recommended.yaml")),
        "portico:oas" => Some(include_str!("builtin/oas.yaml")),
        "portico:asyncapi" => Some(include_str!("builtin/asyncapi.yaml")),
        "portico:owasp" => Some(include_str!("builtin/owasp.yaml")),
        _ => None,
    }
}
