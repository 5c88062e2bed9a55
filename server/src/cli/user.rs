//! `portico user create NAME --password-stdin [--admin]`.

use std::io::BufRead;

use anyhow::{Context, bail};
use clap::{Args, Subcommand};

use portico_core::accounts::create_account;
use portico_core::repo::Db;
use portico_types::names::{MAX_SLUG_LEN, check_slug};

use crate::config::DatabaseConfig;

/// Account administration.
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account (and its personal organisation).
    Create(CreateUser),
}

/// Arguments of `user create`.
#[derive(Debug, Args)]
pub struct CreateUser {
    /// The user name (lowercase letters, digits, '.', '_' and '-').
    pub name: String,
    /// Read the password from the first line of standard input.
    #[arg(long, required = true)]
    pub password_stdin: bool,
    /// Make the account a site administrator.
    #[arg(long)]
    pub admin: bool,
    #[command(flatten)]
    pub database: DatabaseConfig,
}

/// Runs a `user` subcommand.
pub async fn run(command: UserCommand) -> anyhow::Result<()> {
    match command {
        UserCommand::Create(args) => create(args).await,
    }
}

async fn create(args: CreateUser) -> anyhow::Result<()> {
    let name = args.name.trim().to_lowercase();
    if let Err(message) = check_slug("User name", &name, MAX_SLUG_LEN) {
        bail!(message);
    }
    let mut password = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut password)
        .context("cannot read the password from standard input")?;
    let password = password.trim_end_matches(['\r', '\n']);
    let url = args.database.url()?;
    let db = Db::open(&url)
        .await
        .with_context(|| format!("cannot open the database {url}"))?;
    let user = create_account(&db, &name, password, args.admin).await?;
    let role = if user.is_admin {
        "site administrator"
    } else {
        "user"
    };
    println!("Created {role} {name:?} with personal organisation {name:?}.");
    Ok(())
}
