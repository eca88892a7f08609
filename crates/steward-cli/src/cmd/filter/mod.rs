//! `steward filter`: the web filter's commands. None of them opens the database.

mod compile;
mod scan;
mod squid;

use crate::args::{FilterCmd, ListsArgs};
use std::path::PathBuf;
use steward_monitor::category::{resolve_order, sorted_order};
use steward_monitor::lists::ListSource;
use steward_monitor::{CategoryId, Matcher};

pub fn run(cmd: FilterCmd, json: bool) -> anyhow::Result<u8> {
    match cmd {
        FilterCmd::Compile { lists, out } => compile::run(&lists, &out, json),
        FilterCmd::Squid(args) => squid::run(args),
        FilterCmd::Scan(args) => scan::run(args, json),
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
