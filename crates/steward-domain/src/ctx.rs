use chrono::{DateTime, NaiveDate, Utc};

/// Who is acting and when. Commands never read the clock: `today` and `now` come from here,
/// so every command can run "as of" another day.
#[derive(Clone, Debug)]
pub struct Ctx {
    pub actor: String,
    pub now: DateTime<Utc>,
    pub today: NaiveDate,
}

impl Ctx {
    pub fn new(actor: impl Into<String>, now: DateTime<Utc>, today: NaiveDate) -> Self {
        Ctx {
            actor: actor.into(),
            now,
            today,
        }
    }
}
