//! The command line's side of a Portico server's REST API: one base URL and one optional
//! bearer token, shared by `publish` and `diff` so both address and authenticate alike.

use std::time::Duration;

/// How long one request to the server may take before the command gives up.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(120);

/// A Portico server reached through `/api/v1`.
pub struct Remote {
    client: reqwest::Client,
    base: String,
    token: Option<String>,
}

impl Remote {
    /// The server at `server` (with or without a trailing `/`), authenticating with
    /// `token` when there is one.
    pub fn new(server: &str, token: Option<&str>) -> anyhow::Result<Remote> {
        let client = reqwest::Client::builder()
            .timeout(REQUEST_TIMEOUT)
            .build()?;
        Ok(Remote {
            client,
            base: server.trim_end_matches('/').to_owned(),
            token: token
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_owned),
        })
    }

    /// The server's base URL, as messages name it.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// A request to `/api/v1{path}`, with the token when there is one.
    pub fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        let request = self
            .client
            .request(method, format!("{}/api/v1{path}", self.base));
        match &self.token {
            Some(token) => request.bearer_auth(token),
            None => request,
        }
    }
}
