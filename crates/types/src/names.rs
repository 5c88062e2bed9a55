//! Rules for the identifiers people choose (user names, organisation slugs, asset ids).
//! Shared so the browser can say what is wrong before a round trip.

/// Longest user name or organisation slug we accept.
pub const MAX_SLUG_LEN: usize = 39;

/// Checks an identifier against `[a-z0-9][a-z0-9._-]*` and a length limit, returning a
/// sentence that says what is wrong and names the field.
pub fn check_slug(field: &str, value: &str, max_len: usize) -> Result<(), String> {
    if value.is_empty() {
        return Err(format!("{field} is required."));
    }
    if value.len() > max_len {
        return Err(format!(
            "{field} is {} characters long; at most {max_len} are allowed.",
            value.len()
        ));
    }
    let first = value.as_bytes()[0];
    if !(first.is_ascii_lowercase() || first.is_ascii_digit()) {
        return Err(format!(
            "{field} must start with a lowercase letter or a digit."
        ));
    }
    if let Some(bad) = value
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-')))
    {
        return Err(format!(
            "{field} may contain only lowercase letters, digits, '.', '_' and '-' (found {bad:?})."
        ));
    }
    Ok(())
}

/// Shortest password we accept; long passphrases beat complexity rules.
pub const MIN_PASSWORD_LEN: usize = 8;
/// Longest password we hash, so nobody can make the server hash megabytes.
pub const MAX_PASSWORD_LEN: usize = 1024;

/// Checks a new password's length and says what is wrong.
pub fn check_new_password(password: &str) -> Result<(), String> {
    let len = password.chars().count();
    if len < MIN_PASSWORD_LEN {
        return Err(format!(
            "Password must be at least {MIN_PASSWORD_LEN} characters long."
        ));
    }
    if password.len() > MAX_PASSWORD_LEN {
        return Err(format!(
            "Password must be at most {MAX_PASSWORD_LEN} bytes long."
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ordinary_slugs() {
        for ok in ["alice", "team-a", "a.b_c", "0day"] {
            assert_eq!(check_slug("User name", ok, MAX_SLUG_LEN), Ok(()), "{ok}");
        }
    }

    #[test]
    fn rejects_bad_slugs_with_a_reason() {
        let err = check_slug("User name", "Alice", MAX_SLUG_LEN).unwrap_err();
        assert!(err.contains("start with a lowercase"), "{err}");
        let err = check_slug("User name", "al ice", MAX_SLUG_LEN).unwrap_err();
        assert!(err.contains("' '"), "{err}");
        let err = check_slug("User name", "", MAX_SLUG_LEN).unwrap_err();
        assert!(err.contains("required"), "{err}");
        let err = check_slug("User name", &"a".repeat(40), MAX_SLUG_LEN).unwrap_err();
        assert!(err.contains("at most 39"), "{err}");
    }

    #[test]
    fn password_length_is_bounded_both_ways() {
        assert!(check_new_password("short").is_err());
        assert!(check_new_password("long enough").is_ok());
        assert!(check_new_password(&"x".repeat(MAX_PASSWORD_LEN + 1)).is_err());
    }
}
