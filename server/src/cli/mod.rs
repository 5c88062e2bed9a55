//! Subcommands besides `serve`: administration on the configured database, and
//! publishing through a server's REST API.

pub mod convert;
pub mod diff;
pub mod lint;
pub mod project;
pub mod publish;
pub mod remote;
pub mod routes;
pub mod token;
pub mod user;
