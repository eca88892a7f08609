//! `steward filter`: the web filter's commands. Compiling lists needs no database; the helper
//! and the log scanner read the register when given a council, and the findings always do.

mod compile;
pub(crate) mod findings;
mod register;
mod scan;
mod squid;

use crate::args::{FilterCmd, Global, ListsArgs};
use std::path::PathBuf;
use steward_monitor::category::{resolve_order, sorted_order};
use steward_monitor::lists::ListSource;
use steward_monitor::{CategoryId, Matcher};

pub fn run(cmd: FilterCmd, global: &Global) -> anyhow::Result<u8> {
    let printer = crate::output::Out::new(global.json, &global.command);
    match cmd {
        FilterCmd::Compile { lists, out } => compile::run(&lists, &out, &printer),
        FilterCmd::Squid(args) => squid::run(args, global),
        FilterCmd::Scan(args) => scan::run(args, global),
        FilterCmd::Findings(args) => findings::run(args, global),
    }
}

fn source(args: &ListsArgs) -> ListSource {
    match &args.index {
        Some(index) => ListSource::Index(index.clone()),
        None => ListSource::Dirs(args.lists.clone()),
    }
}

/// The categories to judge, in order: as named, or every one by name.
fn order(matcher: &Matcher, names: &[String]) -> anyhow::Result<Vec<CategoryId>> {
    if names.is_empty() {
        Ok(sorted_order(matcher.categories()))
    } else {
        Ok(resolve_order(names, matcher.categories())?)
    }
}

fn display(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(" ")
}
