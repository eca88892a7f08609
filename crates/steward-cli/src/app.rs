use crate::args::Global;
use crate::output::Out;
use chrono::{DateTime, Local, NaiveDate, Utc};
use steward_domain::ops::council;
use steward_domain::{Council, CouncilSlug, Ctx};
use steward_store::{Store, StoreTx};

/// What every command needs: the store, who is acting, and when.
pub struct App {
    pub store: Store,
    pub global: Global,
    pub out: Out,
    today: NaiveDate,
    now: DateTime<Utc>,
}

impl App {
    pub async fn open(global: Global) -> anyhow::Result<App> {
        let store = Store::open(&global.db).await?;
        // The one place the clock is read; everything below takes these as arguments.
        let real_now = Utc::now();
        let today = global.as_of.unwrap_or_else(|| Local::now().date_naive());
        let now = match global.as_of {
            Some(day) => day.and_time(real_now.time()).and_utc(),
            None => real_now,
        };
        Ok(App {
            store,
            out: Out { json: global.json },
            global,
            today,
            now,
        })
    }

    pub fn today(&self) -> NaiveDate {
        self.today
    }

    pub fn ctx(&self) -> Ctx {
        Ctx::new(self.global.actor.clone(), self.now, self.today)
    }

    pub async fn begin(&self) -> anyhow::Result<StoreTx> {
        Ok(self.store.begin().await?)
    }

    pub async fn council(&self, tx: &mut StoreTx) -> anyhow::Result<Council> {
        let slug: Option<CouncilSlug> = match &self.global.council {
            Some(s) => Some(s.parse()?),
            None => None,
        };
        Ok(council::resolve(tx, slug.as_ref()).await?)
    }
}
