//! `portico token create --user NAME --scope read|publish|admin [--name LABEL] [--expires DATE]`.

use anyhow::{Context, bail};
use clap::{Args, Subcommand, ValueEnum};

use portico_core::accounts::tokens;
use portico_core::auth::SignedInUser;
use portico_core::repo::Db;
use portico_core::repo::users::find_by_name;

use crate::config::DatabaseConfig;

/// Token administration.
#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create a personal access token for a user; prints it once.
    Create(CreateToken),
}

/// What a new token may do.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ScopeArg {
    Read,
    Publish,
    Admin,
}

/// Arguments of `token create`.
#[derive(Debug, Args)]
pub struct CreateToken {
    /// The user the token acts for.
    #[arg(long)]
    pub user: String,
    /// What the token may do.
    #[arg(long, value_enum)]
    pub scope: ScopeArg,
    /// A label to recognise the token by.
    #[arg(long, default_value = "created from the shell")]
    pub name: String,
    /// The day the token stops working (YYYY-MM-DD, UTC); 90 days from today by default.
    #[arg(long)]
    pub expires: Option<String>,
    #[command(flatten)]
    pub database: DatabaseConfig,
}

/// Runs a `token` subcommand.
pub async fn run(command: TokenCommand) -> anyhow::Result<()> {
    match command {
        TokenCommand::Create(args) => create(args).await,
    }
}

async fn create(args: CreateToken) -> anyhow::Result<()> {
    let url = args.database.url()?;
    let db = Db::open(&url)
        .await
        .with_context(|| format!("cannot open the database {url}"))?;
    let name = args.user.trim().to_lowercase();
    let Some(user) = find_by_name(&db, &name).await? else {
        bail!("there is no user {name:?}; create one with `portico user create`");
    };
    let user = SignedInUser {
        id: user.id,
        username: user.username,
        is_admin: user.is_admin,
    };
    let scope = match args.scope {
        ScopeArg::Read => "read",
        ScopeArg::Publish => "publish",
        ScopeArg::Admin => "admin",
    };
    let created = tokens::create(&db, &user, &args.name, scope, args.expires.as_deref()).await?;
    // The token alone on stdout, so scripts can capture it; it is never shown again.
    println!("{}", created.token);
    eprintln!(
        "Created a {} token for {name:?}, expiring at {}. Store it now: it cannot be shown again.",
        created.scope.as_str(),
        created.expires_at
    );
    Ok(())
}
