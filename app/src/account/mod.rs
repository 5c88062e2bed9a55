//! Accounts: sign up, log in, log out and the account page (organisations and members,
//! broker credentials, password and sessions, tokens, invitations). Types, server
//! functions and components live together here, as in the Leptos examples.

pub mod broker_credentials;
pub mod invitations;
pub mod members;
mod pages;
pub mod security;
mod server;
pub mod state;
pub mod tokens;
pub mod webhooks;

pub use pages::{AccountPage, LoginPage, LogoutButton, SignUpPage};
pub use server::{CurrentUser, LogIn, LogOut, SignUp, current_user, log_in, log_out, sign_up};

/// Only local paths may be used as a post-login destination (no open redirects).
pub fn safe_next_path(next: Option<&str>) -> &str {
    match next {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.contains('\\')
                && !path.chars().any(char::is_control) =>
        {
            path
        }
        _ => "/account",
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next_path;

    #[test]
    fn next_path_stays_on_this_site() {
        assert_eq!(safe_next_path(Some("/account")), "/account");
        assert_eq!(safe_next_path(Some("//evil.example")), "/account");
        assert_eq!(safe_next_path(Some("https://evil.example")), "/account");
        assert_eq!(safe_next_path(Some("/\\evil.example")), "/account");
        assert_eq!(safe_next_path(None), "/account");
    }
}
