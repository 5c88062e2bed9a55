//! The Content-Security-Policy of every page, sent with the nonce of its render: only
//! Portico's own scripts and the inline scripts it wrote itself (hydration, resource data,
//! the theme) run; WASM may compile; workers, connections (WebSockets included) and
//! forms stay on this origin; no page may be framed. Styles may be inline: the editor
//! and the `style:` attributes of components set them.
//!
//! The server sends it (`server::security_headers`): it makes the nonce before the page
//! renders and hands it to the render, so the header and the page always agree.

/// The policy for a page rendered with `nonce`.
pub fn page_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data: https:; font-src 'self'; \
         connect-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_names_the_nonce_and_forbids_framing() {
        let policy = page_policy("abc123");
        assert!(policy.contains("script-src 'self' 'nonce-abc123' 'wasm-unsafe-eval'"));
        assert!(policy.contains("frame-ancestors 'none'"));
        assert!(!policy.contains("'unsafe-eval'") || policy.contains("'wasm-unsafe-eval'"));
        assert!(!policy.contains("script-src 'self' 'unsafe-inline'"));
    }
}
