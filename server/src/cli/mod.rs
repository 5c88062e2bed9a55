//! Subcommands besides `serve`: administration on the configured database, and
//! publishing through a server's REST API.

pub mod convert;
pub mod lint;
pub mod publish;
pub mod token;
pub mod user;
