//! The bits of JavaScript semantics Spectral's functions rely on: truthiness, `Number()`,
//! strict equality, string length in UTF-16 units, `localeCompare`, and regular
//! expressions written as `/source/flags` or as a bare source.

use std::cmp::Ordering;

use serde_json::Value;

/// JavaScript truthiness (`undefined` is `None`).
pub fn truthy(value: Option<&Value>) -> bool {
    match value {
        None | Some(Value::Null) => false,
        Some(Value::Bool(flag)) => *flag,
        Some(Value::Number(number)) => number.as_f64().is_some_and(|n| n != 0.0 && !n.is_nan()),
        Some(Value::String(text)) => !text.is_empty(),
        Some(Value::Array(_) | Value::Object(_)) => true,
    }
}

/// `Number(value)` for the values JSON has (`NaN` for what does not convert).
pub fn number(value: &Value) -> f64 {
    match value {
        Value::Number(number) => number.as_f64().unwrap_or(f64::NAN),
        Value::Bool(flag) => f64::from(u8::from(*flag)),
        Value::Null => 0.0,
        Value::String(text) => {
            let trimmed = text.trim();
            if trimmed.is_empty() {
                0.0
            } else if let Some(hex) = trimmed
                .strip_prefix("0x")
                .or_else(|| trimmed.strip_prefix("0X"))
            {
                u64::from_str_radix(hex, 16).map_or(f64::NAN, |n| n as f64)
            } else if trimmed == "Infinity" || trimmed == "+Infinity" {
                f64::INFINITY
            } else if trimmed == "-Infinity" {
                f64::NEG_INFINITY
            } else if trimmed
                .bytes()
                .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'))
            {
                trimmed.parse::<f64>().unwrap_or(f64::NAN)
            } else {
                f64::NAN
            }
        }
        Value::Array(_) | Value::Object(_) => f64::NAN,
    }
}

/// `===` between two JSON values (numbers by value, containers never equal).
pub fn strict_equals(left: &Value, right: &Value) -> bool {
    match (left, right) {
        (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
        (Value::String(a), Value::String(b)) => a == b,
        (Value::Bool(a), Value::Bool(b)) => a == b,
        (Value::Null, Value::Null) => true,
        _ => false,
    }
}

/// `JSON.stringify(value)`: members in JavaScript's property order (array-index keys first,
/// ascending, then the others as written) and numbers as JavaScript prints them, so two
/// values compare as Spectral's functions compare their strings.
pub fn json_stringify(value: &Value) -> String {
    match value {
        Value::Number(number) => match number.as_f64() {
            Some(n) if n.fract() == 0.0 && n.abs() < 1e21 => format!("{n:.0}"),
            _ => number.to_string(),
        },
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(json_stringify).collect();
            format!("[{}]", items.join(","))
        }
        Value::Object(map) => {
            let mut members: Vec<(&String, &Value)> = map.iter().collect();
            // Stable: the other keys keep the order they were written in.
            members.sort_by_key(|(key, _)| array_index(key).map_or((1, 0), |i| (0, i)));
            let members: Vec<String> = members
                .into_iter()
                .map(|(key, value)| {
                    format!("{}:{}", Value::from(key.as_str()), json_stringify(value))
                })
                .collect();
            format!("{{{}}}", members.join(","))
        }
        other => other.to_string(),
    }
}

/// A key JavaScript orders as an array index (`"0"`, `"12"`; not `"01"` or `"-1"`).
fn array_index(key: &str) -> Option<u32> {
    let canonical =
        key == "0" || (!key.starts_with('0') && key.bytes().all(|b| b.is_ascii_digit()));
    canonical
        .then(|| key.parse::<u32>().ok())
        .flatten()
        .filter(|i| *i < u32::MAX)
}

/// `string.length`: UTF-16 code units.
pub fn length(text: &str) -> usize {
    text.encode_utf16().count()
}

/// `a.localeCompare(b)` as an ordering, after the default (CLDR root) collation for the
/// characters API documents use: white space, then punctuation and symbols in CLDR's
/// order, then digits, then letters without regard to case; then lower case before
/// upper case; then code points.
pub fn locale_compare(a: &str, b: &str) -> Ordering {
    let primary = |text: &str| -> Vec<u32> { text.chars().map(primary_weight).collect() };
    primary(a)
        .cmp(&primary(b))
        .then_with(|| {
            a.chars()
                .zip(b.chars())
                .map(|(x, y)| match (x.is_lowercase(), y.is_lowercase()) {
                    (true, false) if y.is_uppercase() => Ordering::Less,
                    (false, true) if x.is_uppercase() => Ordering::Greater,
                    _ => Ordering::Equal,
                })
                .find(|ordering| ordering.is_ne())
                .unwrap_or(Ordering::Equal)
        })
        .then_with(|| a.cmp(b))
}

/// CLDR root's order of the ASCII characters that are not letters.
const NON_LETTERS: &str = "\t\n\u{b}\u{c}\r _-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$0123456789";

fn primary_weight(c: char) -> u32 {
    if let Some(position) = NON_LETTERS.chars().position(|n| n == c) {
        return position as u32;
    }
    let base = NON_LETTERS.chars().count() as u32;
    let lower = c.to_lowercase().next().unwrap_or(c);
    if lower.is_ascii_lowercase() {
        base + (lower as u32 - 'a' as u32)
    } else {
        base + 26 + lower as u32
    }
}

/// A JavaScript regular expression: `/source/flags` or a bare source, as Spectral's
/// `pattern` function reads its options.
pub fn regex(pattern: &str) -> Result<fancy_regex::Regex, String> {
    let (source, flags) = match pattern
        .strip_prefix('/')
        .and_then(|rest| rest.rfind('/').map(|end| (&rest[..end], &rest[end + 1..])))
    {
        Some((source, flags))
            if !source.is_empty() && flags.bytes().all(|b| b.is_ascii_lowercase()) =>
        {
            (source, flags)
        }
        _ => (pattern, ""),
    };
    compile(source, flags)
}

/// Compiles a JavaScript regex source with its flags (`g` and `y` change nothing for a test).
pub fn compile(source: &str, flags: &str) -> Result<fancy_regex::Regex, String> {
    let mut inline = String::new();
    for flag in flags.chars() {
        match flag {
            'i' => inline.push('i'),
            'm' => inline.push('m'),
            's' => inline.push('s'),
            'g' | 'y' | 'u' | 'd' | 'v' => {}
            other => return Err(format!("unknown regular expression flag \"{other}\"")),
        }
    }
    let translated = translate(source);
    let full = if inline.is_empty() {
        translated
    } else {
        format!("(?{inline}){translated}")
    };
    fancy_regex::Regex::new(&full)
        .map_err(|error| format!("invalid regular expression /{source}/: {error}"))
}

/// Rewrites the JavaScript-only parts of a regex source: `\/` is `/`, `\d` and `\w` are
/// ASCII-only, and `[^]` matches anything.
fn translate(source: &str) -> String {
    let mut out = String::with_capacity(source.len() + 8);
    let mut chars = source.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('/') => out.push('/'),
                Some('d') => out.push_str("[0-9]"),
                Some('D') => out.push_str("[^0-9]"),
                Some('w') => out.push_str("[A-Za-z0-9_]"),
                Some('W') => out.push_str("[^A-Za-z0-9_]"),
                Some(other) => {
                    out.push('\\');
                    out.push(other);
                }
                None => out.push_str("\\\\"),
            },
            '[' if chars.peek() == Some(&'^') => {
                chars.next();
                if chars.peek() == Some(&']') {
                    chars.next();
                    out.push_str("(?s:.)");
                } else {
                    out.push_str("[^");
                }
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn truthiness_is_javascripts() {
        for falsy in [json!(null), json!(false), json!(0), json!(""), json!(0.0)] {
            assert!(!truthy(Some(&falsy)), "{falsy}");
        }
        for truthy_value in [json!([]), json!({}), json!("0"), json!(-1), json!(true)] {
            assert!(truthy(Some(&truthy_value)), "{truthy_value}");
        }
        assert!(!truthy(None));
    }

    #[test]
    fn json_is_stringified_in_javascripts_key_order() {
        let value: Value =
            serde_json::from_str(r#"{"b": [1.0, "x"], "10": null, "2": {}, "01": true}"#).unwrap();
        assert_eq!(
            json_stringify(&value),
            r#"{"2":{},"10":null,"b":[1,"x"],"01":true}"#
        );
    }

    #[test]
    fn numbers_convert_as_number_does() {
        assert_eq!(number(&json!(" 12 ")), 12.0);
        assert_eq!(number(&json!("")), 0.0);
        assert!(number(&json!("12px")).is_nan());
        assert_eq!(number(&json!("0x10")), 16.0);
    }

    #[test]
    fn regexes_take_both_spellings_and_flags() {
        assert!(regex("/^abc$/i").unwrap().is_match("ABC").unwrap());
        assert!(regex("^a/b$").unwrap().is_match("a/b").unwrap());
        assert!(regex("/^a\\/b$/").unwrap().is_match("a/b").unwrap());
        assert!(!regex("\\d").unwrap().is_match("٣").unwrap());
        assert!(regex("/x/q").is_err());
        assert!(regex("(").is_err());
    }

    #[test]
    fn locale_compare_ignores_case_first_and_puts_punctuation_before_letters() {
        assert_eq!(locale_compare("apple", "Banana"), Ordering::Less);
        assert_eq!(locale_compare("a", "A"), Ordering::Less);
        assert_eq!(locale_compare("b", "a"), Ordering::Greater);
        assert_eq!(locale_compare("/v1", "https://x"), Ordering::Less);
        assert_eq!(
            locale_compare("https://{user}", "https://production"),
            Ordering::Less
        );
        assert_eq!(locale_compare("item2", "item10"), Ordering::Greater);
        assert_eq!(locale_compare("a_b", "ab"), Ordering::Less);
    }
}
