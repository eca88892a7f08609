use crate::args::Global;
use crate::output::Out;
use chrono::{DateTime, Local, NaiveDate, Utc};
use steward_domain::auth::{Principal, Username};
use steward_domain::ops::{council, people, users};
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
        // A command pinned to a day acts at midnight UTC of that day, whatever the hour it is
        // run at, so that what it decides (a response time in working hours, say) is the same
        // every time. Midnight UTC is that same day on London's clock too, in summer time as
        // out of it.
        let now = match global.as_of {
            Some(day) => day.and_time(chrono::NaiveTime::MIN).and_utc(),
            None => real_now,
        };
        Ok(App {
            store,
            out: Out::new(global.json, &global.command),
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

    /// The account a command acts as, with the offices its person holds today, as if it had
    /// signed in: the workflow's access rules then apply to the command line as to the web.
    pub async fn principal(
        &self,
        tx: &mut StoreTx,
        council: &Council,
        username: Option<&str>,
    ) -> anyhow::Result<Principal> {
        let Some(username) = username else {
            return Err(crate::Exit {
                code: crate::exit::USAGE,
                message: "say which account acts: add --as USERNAME (or set STEWARD_AS)".into(),
            }
            .into());
        };
        let username: Username = username.parse()?;
        let user = users::find(tx, council, &username).await?;
        if user.disabled {
            return Err(crate::Exit {
                code: crate::exit::FORBIDDEN,
                message: format!("account {username} is disabled"),
            }
            .into());
        }
        let offices = match user.person_id {
            Some(person) => people::offices_on(tx, council.id, person, self.today).await?,
            None => Vec::new(),
        };
        let role = user.role;
        Ok(Principal::new(user, role, offices))
    }

    /// The context of a command made as `principal`: the audit trail names its account.
    pub fn ctx_as(&self, principal: &Principal) -> Ctx {
        Ctx::new(principal.user.username.to_string(), self.now, self.today)
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }

    pub async fn council(&self, tx: &mut StoreTx) -> anyhow::Result<Council> {
        let slug: Option<CouncilSlug> = match &self.global.council {
            Some(s) => Some(s.parse()?),
            None => None,
        };
        Ok(council::resolve(tx, slug.as_ref()).await?)
    }
}
