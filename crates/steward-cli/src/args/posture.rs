//! `steward posture`: device compliance, from the checks management tools report.

use clap::Subcommand;
use std::path::PathBuf;

#[derive(Subcommand, Debug)]
pub enum PostureCmd {
    /// Take in a file of device checks; any bad row imports nothing. Devices are matched to
    /// items by serial number, else by asset tag
    Import {
        file: PathBuf,
        /// What made the file: intune (Graph managedDevices JSON or the compliance report
        /// CSV), osquery (its results log), fleet (hosts with policies, JSON) or steward (CSV
        /// or JSON Lines)
        #[arg(long)]
        format: String,
        /// For fleet: a file of "policy name = check" lines saying which check each Fleet
        /// policy verifies
        #[arg(long, value_name = "FILE")]
        policy_map: Option<PathBuf>,
    },
    /// Each reported item's compliance with the policy in force, by duty, with the clause
    Findings {
        /// Only this item (its asset tag)
        #[arg(long, value_name = "TAG")]
        item: Option<String>,
        /// Items with nothing to act on too
        #[arg(long)]
        all: bool,
    },
}
