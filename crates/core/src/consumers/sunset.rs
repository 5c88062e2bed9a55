//! The scheduled side of deprecation: a deprecated version's consumers are reminded once,
//! a configurable number of days before its sunset day.

use chrono::{Days, NaiveDate};

use crate::Result;
use crate::repo::Db;
use crate::repo::assets;

/// Records a `sunset.reminder` for each deprecated version whose sunset falls within
/// `lead_days` of `today` and whose consumers have not heard of that day; how many.
pub async fn remind_due(db: &Db, today: NaiveDate, lead_days: u32) -> Result<usize> {
    let due_by = today
        .checked_add_days(Days::new(u64::from(lead_days)))
        .unwrap_or(NaiveDate::MAX);
    let recorded = assets::remind_due_sunsets(db, &due_by.format("%Y-%m-%d").to_string()).await?;
    Ok(recorded)
}
