//! A rule's `message` template, filled in as Spectral fills it: `{{error}}` (what the
//! function said), `{{path}}` (the location as a URI fragment), `{{property}}` (the last
//! key of the location), `{{value}}` (the value there, as JavaScript's `String()` prints
//! it), `{{description}}` (the rule's), and `#{{print("property")}}` /
//! `#{{print("value")}}` (a phrase naming the property, a short form of the value).
//! Anything else in braces becomes empty text, as in Spectral.

use serde_json::Value;

/// What a template can name.
pub struct Vars<'a> {
    pub error: &'a str,
    pub path: &'a str,
    pub property: &'a str,
    pub value: Option<&'a Value>,
    pub description: Option<&'a str>,
}

impl Vars<'_> {
    fn named(&self, name: &str) -> Option<String> {
        Some(match name {
            "error" => self.error.to_owned(),
            "path" => self.path.to_owned(),
            "property" => self.property.to_owned(),
            "value" => js_string(self.value),
            "description" => self.description.unwrap_or("null").to_owned(),
            _ => return None,
        })
    }

    /// Spectral's `print(...)` helper.
    fn print(&self, what: &str) -> String {
        match what {
            "property" if !self.property.is_empty() => format!("\"{}\" property ", self.property),
            "property" => "The document ".to_owned(),
            "value" => print_value(self.value),
            other => self.named(other).unwrap_or_default(),
        }
    }
}

/// Fills in `template`.
pub fn render(template: &str, vars: &Vars<'_>) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        let evaluate = start > 0 && rest.as_bytes()[start - 1] == b'#';
        let before = &rest[..if evaluate { start - 1 } else { start }];
        let inner_start = start + 2;
        let Some(length) = rest[inner_start..].find("}}") else {
            break;
        };
        let inner = &rest[inner_start..inner_start + length];
        if inner.is_empty() || inner.contains(['}', '\n']) {
            out.push_str(&rest[..inner_start]);
            rest = &rest[inner_start..];
            continue;
        }
        out.push_str(before);
        if evaluate {
            out.push_str(&evaluate_expression(inner.trim(), vars));
        } else {
            out.push_str(&vars.named(inner).unwrap_or_default());
        }
        rest = &rest[inner_start + length + 2..];
    }
    out.push_str(rest);
    out
}

/// `print("…")` calls joined by `+`, as the built-in rulesets write them.
fn evaluate_expression(expression: &str, vars: &Vars<'_>) -> String {
    expression
        .split('+')
        .map(|part| {
            let part = part.trim();
            if let Some(argument) = part
                .strip_prefix("print(")
                .and_then(|rest| rest.strip_suffix(')'))
            {
                vars.print(argument.trim().trim_matches(['"', '\'']))
            } else if let Some(literal) = part
                .strip_prefix('"')
                .and_then(|rest| rest.strip_suffix('"'))
                .or_else(|| {
                    part.strip_prefix('\'')
                        .and_then(|rest| rest.strip_suffix('\''))
                })
            {
                literal.to_owned()
            } else {
                vars.named(part).unwrap_or_default()
            }
        })
        .collect()
}

/// JavaScript's `String(value)`.
pub fn js_string(value: Option<&Value>) -> String {
    match value {
        None => "undefined".to_owned(),
        Some(Value::Null) => "null".to_owned(),
        Some(Value::String(text)) => text.clone(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| match item {
                Value::Null => String::new(),
                other => js_string(Some(other)),
            })
            .collect::<Vec<_>>()
            .join(","),
        Some(Value::Object(_)) => "[object Object]".to_owned(),
        Some(other) => other.to_string(),
    }
}

/// Spectral's `printValue`: JSON for scalars, `Array[]` and `Object{}` for the rest.
pub fn print_value(value: Option<&Value>) -> String {
    match value {
        None => "undefined".to_owned(),
        Some(Value::Array(_)) => "Array[]".to_owned(),
        Some(Value::Object(_)) => "Object{}".to_owned(),
        Some(other) => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn vars(value: &Value) -> Vars<'_> {
        Vars {
            error: "is wrong",
            path: "#/info/title",
            property: "title",
            value: Some(value),
            description: Some("Titles matter."),
        }
    }

    #[test]
    fn placeholders_are_filled_in() {
        let value = json!("Pets");
        assert_eq!(
            render(
                "{{property}} at {{path}}: {{error}} ({{value}}). {{description}}",
                &vars(&value)
            ),
            "title at #/info/title: is wrong (Pets). Titles matter."
        );
        assert_eq!(render("{{unknown}}!", &vars(&value)), "!");
        assert_eq!(render("no braces", &vars(&value)), "no braces");
    }

    #[test]
    fn print_names_the_property_and_shortens_values() {
        let value = json!({"a": 1});
        assert_eq!(
            render(
                "#{{print(\"property\")}}must be set; got #{{print(\"value\")}}",
                &vars(&value)
            ),
            "\"title\" property must be set; got Object{}"
        );
        let list = json!([1, null, "x"]);
        assert_eq!(render("{{value}}", &vars(&list)), "1,,x");
    }
}
