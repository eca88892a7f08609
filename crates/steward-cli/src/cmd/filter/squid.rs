use super::register;
use crate::args::{Global, HelperProtocol, SquidArgs};
use crate::exit;
use chrono::{DateTime, Utc};
use std::sync::Arc;
use steward_monitor::MonitorError;
use steward_monitor::helper::{
    self, BlockUrl, Decide, Engine, HelperOptions, ListsDecider, PackDecider, Protocol, Shared,
    Snapshot,
};
use steward_monitor::lists::ListSource;
use steward_monitor::{CategoryId, Matcher};
use steward_policy::Pack;

fn categories_in_order(
    matcher: &Matcher,
    categories: &[String],
) -> Result<Vec<CategoryId>, MonitorError> {
    if categories.is_empty() {
        Ok(steward_monitor::category::sorted_order(
            matcher.categories(),
        ))
    } else {
        steward_monitor::category::resolve_order(categories, matcher.categories())
    }
}

/// Loads the lists and builds the decider for them; run at start and on every SIGHUP.
fn loader(
    source: ListSource,
    categories: Vec<String>,
    pack: Option<Pack>,
) -> impl Fn() -> Result<Engine, MonitorError> + Send + 'static {
    move || {
        let matcher = source.load()?;
        let order = categories_in_order(&matcher, &categories)?;
        let decider: Box<dyn Decide> = match &pack {
            // Without the register nobody is known: everyone is judged as unknown.
            Some(pack) => Box::new(PackDecider::new(
                matcher.categories(),
                order,
                Snapshot::new(pack.clone()),
            )),
            None => Box::new(ListsDecider::new(matcher.categories(), order)),
        };
        Ok(Engine { matcher, decider })
    }
}

/// Loads the lists and the people behind requests from the register, as of the helper's
/// clock; run at start and on every SIGHUP, so a newly approved exception or a new loan is
/// picked up without a restart.
fn register_loader(
    source: ListSource,
    categories: Vec<String>,
    global: &Global,
    clock: Arc<dyn Fn() -> i64 + Send + Sync>,
) -> anyhow::Result<impl Fn() -> anyhow::Result<Engine> + Send + 'static> {
    let rt = register::runtime()?;
    let app = register::open(&rt, global)?;
    let store = app.store.clone();
    let council = rt.block_on(async {
        let mut tx = app.store.read().await?;
        let council = app.council(&mut tx).await?;
        tx.rollback().await?;
        anyhow::Ok(council)
    })?;
    Ok(move || {
        let matcher = source.load()?;
        let order = categories_in_order(&matcher, &categories)?;
        let now = DateTime::<Utc>::from_timestamp(clock(), 0).unwrap_or_default();
        let facts = rt.block_on(register::facts(&store, &council, now))?;
        eprintln!(
            "steward filter: {} people known to the filter under {} version {} for {}",
            facts.people.len(),
            facts.pack.pack.title,
            facts.pack.pack.version,
            council.slug
        );
        let decider = PackDecider::new(matcher.categories(), order, register::snapshot(facts));
        Ok(Engine {
            matcher,
            decider: Box::new(decider),
        })
    })
}

fn block_url(args: &SquidArgs, council: Option<&str>) -> anyhow::Result<BlockUrl> {
    let template = match (&args.block_url, council) {
        (Some(t), _) => t.clone(),
        (None, Some(_)) => {
            "http://steward.invalid/councils/{council}/blocked?category={category}&url={url}".into()
        }
        (None, None) => "http://steward.invalid/blocked?category={category}&url={url}".into(),
    };
    let template = match council {
        // A council's short name is lower case letters, digits and hyphens: safe in a URL.
        Some(slug) => template.replace("{council}", slug),
        None if template.contains("{council}") => {
            return Err(crate::Exit {
                code: exit::USAGE,
                message: "the block page template names {council}; give --council".into(),
            }
            .into());
        }
        None => template,
    };
    Ok(BlockUrl::parse(&template)?)
}

pub fn run(args: SquidArgs, global: &Global) -> anyhow::Result<u8> {
    let council = global.council.as_deref();
    let block_url = block_url(&args, council)?;
    if council.is_some() && args.policy.is_some() {
        return Err(crate::Exit {
            code: exit::USAGE,
            message: "with --council the filter judges by the council's policy in force; \
                      leave out --policy"
                .into(),
        }
        .into());
    }
    // The one clock the helper reads: each batch of requests is judged at the time it arrived,
    // unless the rules are being tried out at a fixed moment.
    let at = args.at;
    let clock: Arc<dyn Fn() -> i64 + Send + Sync> =
        Arc::new(move || at.unwrap_or_else(Utc::now).timestamp());
    let source = super::source(&args.source);
    let (engine, shared) = if council.is_some() {
        let load = register_loader(
            source.clone(),
            args.categories.clone(),
            global,
            clock.clone(),
        )?;
        let engine = load()?;
        let shared = Arc::new(Shared::new(engine));
        helper::reload_on_hangup(shared.clone(), Box::new(load))?;
        (shared.current().1, shared)
    } else {
        let pack = match &args.policy {
            Some(p) if steward_policy::presets::find(p).is_some() => {
                Some(crate::cmd::policy::load_preset(p)?.pack)
            }
            Some(p) => Some(crate::cmd::policy::load_file(std::path::Path::new(p))?.pack),
            None => None,
        };
        let load = loader(source.clone(), args.categories.clone(), pack);
        let engine = load()?;
        let shared = Arc::new(Shared::new(engine));
        helper::reload_on_hangup(shared.clone(), Box::new(load))?;
        (shared.current().1, shared)
    };
    eprintln!(
        "steward filter: {} domains and {} url hosts in {} categories from {}",
        engine.matcher.domain_count(),
        engine.matcher.url_host_count(),
        engine.matcher.categories().len(),
        source.describe()
    );
    drop(engine);
    let options = HelperOptions {
        protocol: match args.protocol {
            HelperProtocol::Rewrite => Protocol::Rewrite,
            HelperProtocol::Acl => Protocol::Acl,
        },
        block_url,
    };
    let stats = helper::serve(
        std::io::stdin().lock(),
        std::io::stdout().lock(),
        &shared,
        &options,
        &*clock,
    )?;
    eprintln!(
        "steward filter: {} requests, {} blocked, {} unreadable",
        stats.requests, stats.blocked, stats.unreadable
    );
    Ok(exit::OK)
}
