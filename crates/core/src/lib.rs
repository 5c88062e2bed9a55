//! Portico's core, without Leptos: the database (reached only through [`repo`], whose
//! writes retire its caches), who is signed in and what they may do ([`auth`]), the one
//! bounded pool for CPU-heavy work ([`cpu`]) and each user's share of it for analyses
//! ([`analysis`]), and the use-cases ([`exchange`], [`design`], [`accounts`]) that server
//! functions and REST handlers both call, so each rule and each limit is written once.
//!
//! Errors are [`portico_types::Error`]: a message a person can act on and the HTTP
//! status it maps to.
pub mod accounts;
pub mod analysis;
pub mod auth;
pub mod consumers;
pub mod context;
pub mod cpu;
pub mod design;
pub mod exchange;
pub mod outbound;
pub mod repo;

pub use context::ServerContext;
pub use portico_types::Error;

/// What every use-case answers.
pub type Result<T, E = Error> = std::result::Result<T, E>;
