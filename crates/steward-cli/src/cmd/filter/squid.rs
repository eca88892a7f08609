use crate::args::{HelperProtocol, SquidArgs};
use std::sync::Arc;
use steward_monitor::MonitorError;
use steward_monitor::helper::{
    self, BlockUrl, Decide, Engine, HelperOptions, ListsDecider, PackDecider, Protocol, Shared,
    Snapshot,
};
use steward_monitor::lists::ListSource;
use steward_policy::Pack;

/// Loads the lists and builds the decider for them; run at start and on every SIGHUP.
fn loader(
    source: ListSource,
    categories: Vec<String>,
    pack: Option<Pack>,
) -> impl Fn() -> Result<Engine, MonitorError> + Send + 'static {
    move || {
        let matcher = source.load()?;
        let order = if categories.is_empty() {
            steward_monitor::category::sorted_order(matcher.categories())
        } else {
            steward_monitor::category::resolve_order(&categories, matcher.categories())?
        };
        let decider: Box<dyn Decide> = match &pack {
            // People are not known to the filter yet: everyone is judged as unknown.
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

pub fn run(args: SquidArgs) -> anyhow::Result<u8> {
    let block_url = BlockUrl::parse(&args.block_url)?;
    let pack = match &args.policy {
        Some(p) if steward_policy::presets::find(p).is_some() => {
            Some(crate::cmd::policy::load_preset(p)?.pack)
        }
        Some(p) => Some(crate::cmd::policy::load_file(std::path::Path::new(p))?.pack),
        None => None,
    };
    let source = super::source(&args.source);
    let load = loader(source.clone(), args.categories.clone(), pack);
    let engine = load()?;
    eprintln!(
        "steward filter: {} domains and {} url hosts in {} categories from {}",
        engine.matcher.domain_count(),
        engine.matcher.url_host_count(),
        engine.matcher.categories().len(),
        source.describe()
    );
    let shared = Arc::new(Shared::new(engine));
    helper::reload_on_hangup(shared.clone(), Box::new(load))?;
    let options = HelperOptions {
        protocol: match args.protocol {
            HelperProtocol::Rewrite => Protocol::Rewrite,
            HelperProtocol::Acl => Protocol::Acl,
        },
        block_url,
    };
    // The one clock the helper reads: each batch of requests is judged at the time it arrived.
    let clock = || chrono::Utc::now().timestamp();
    let stats = helper::serve(
        std::io::stdin().lock(),
        std::io::stdout().lock(),
        &shared,
        &options,
        &clock,
    )?;
    eprintln!(
        "steward filter: {} requests, {} blocked, {} unreadable",
        stats.requests, stats.blocked, stats.unreadable
    );
    Ok(crate::exit::OK)
}
