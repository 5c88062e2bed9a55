//! The headers that keep pages to themselves: a Content-Security-Policy whose nonce is
//! the one on every inline script of the page, nothing else runs; API answers allow
//! nothing; no framing, no caching of what a signed-in user sees; Secure cookies when a
//! trusted proxy says the request came over https, and only then.

mod support;

use support::{TestServer, browser_like_client};

fn header<'a>(response: &'a reqwest::Response, name: &str) -> &'a str {
    response
        .headers()
        .get(name)
        .unwrap_or_else(|| panic!("{name} is set"))
        .to_str()
        .unwrap()
}

#[tokio::test]
async fn pages_run_only_their_own_scripts_and_answers_are_not_kept() {
    let data = tempfile::tempdir().unwrap();
    let site = tempfile::tempdir().unwrap();
    std::fs::create_dir(site.path().join("pkg")).unwrap();
    std::fs::write(site.path().join("pkg/portico.css"), "body {}").unwrap();
    let site_root = site.path().to_str().unwrap();
    let server =
        TestServer::start_with(data.path(), &["--demo", "false", "--site-root", site_root]);
    // `/exchange` twice: the repeat view comes from the page cache, with its nonce.
    for path in ["/", "/login", "/exchange", "/exchange", "/no-such-page"] {
        let response = reqwest::get(server.url(path)).await.unwrap();
        let policy = header(&response, "content-security-policy").to_owned();
        assert_eq!(header(&response, "x-frame-options"), "DENY");
        assert_eq!(header(&response, "cache-control"), "private, no-store");
        assert_eq!(header(&response, "x-content-type-options"), "nosniff");
        let html = response.text().await.unwrap();
        let nonce = policy
            .split("'nonce-")
            .nth(1)
            .and_then(|rest| rest.split('\'').next())
            .unwrap_or_else(|| panic!("{path}: a nonce in {policy}"));
        assert!(nonce.len() >= 16, "{path}: a nonce worth the name: {nonce}");
        assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
        assert!(
            !policy.contains("'unsafe-inline'; img")
                || !policy.contains("script-src 'self' 'unsafe-inline'")
        );
        // Every inline script of the page carries the nonce; none runs without it.
        let mut inline = 0;
        for script in html.split("<script").skip(1) {
            let tag = script.split('>').next().unwrap_or_default();
            if tag.contains("src=") {
                continue;
            }
            inline += 1;
            assert!(
                tag.contains(&format!("nonce=\"{nonce}\"")),
                "{path}: an inline script without the page's nonce: <script{tag}>"
            );
        }
        assert!(inline > 0, "{path}: the hydration script is inline");
    }
    // A second render gets another nonce.
    let first = reqwest::get(server.url("/login")).await.unwrap();
    let second = reqwest::get(server.url("/login")).await.unwrap();
    assert_ne!(
        header(&first, "content-security-policy"),
        header(&second, "content-security-policy")
    );

    let api = reqwest::get(server.url("/api/v1/assets")).await.unwrap();
    assert_eq!(api.status(), 401);
    assert!(header(&api, "content-security-policy").starts_with("default-src 'none'"));
    assert_eq!(header(&api, "cache-control"), "private, no-store");

    // The built site's files keep their own caching; a worker's answer is its policy.
    let css = reqwest::get(server.url("/pkg/portico.css")).await.unwrap();
    assert_eq!(css.status(), 200);
    assert!(css.headers().get("content-security-policy").is_none());
    assert_eq!(header(&css, "x-content-type-options"), "nosniff");
}

#[tokio::test]
async fn cookies_are_secure_when_a_trusted_proxy_says_https() {
    let data = tempfile::tempdir().unwrap();
    let sign_up = |server: &TestServer, name: &'static str, proto: Option<&'static str>| {
        let mut request = browser_like_client()
            .post(server.url("/rpc/sign_up"))
            .form(&[
                ("username", name),
                ("password", "long password"),
                ("password_confirm", "long password"),
            ]);
        if let Some(proto) = proto {
            request = request.header("x-forwarded-proto", proto);
        }
        async move {
            let response = request.send().await.unwrap();
            response
                .headers()
                .get_all("set-cookie")
                .iter()
                .map(|v| v.to_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    let untrusted = TestServer::start(data.path());
    let cookies = sign_up(&untrusted, "ursula", Some("https")).await;
    assert!(!cookies.is_empty(), "signing up sets the session cookie");
    assert!(
        cookies.iter().all(|c| !c.contains("Secure")),
        "anyone may send X-Forwarded-Proto: {cookies:?}"
    );
    untrusted.stop();

    let data = tempfile::tempdir().unwrap();
    let behind_proxy = TestServer::start_with(
        data.path(),
        &["--demo", "false", "--trusted-proxies", "127.0.0.1, ::1"],
    );
    let plain = sign_up(&behind_proxy, "petra", None).await;
    assert!(plain.iter().all(|c| !c.contains("Secure")), "{plain:?}");
    let secure = sign_up(&behind_proxy, "quinn", Some("https")).await;
    assert!(
        !secure.is_empty() && secure.iter().all(|c| c.contains("; Secure")),
        "{secure:?}"
    );
}
