//! Administration subcommands that act on the configured database.

pub mod user;
