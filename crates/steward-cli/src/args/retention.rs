use clap::Subcommand;

#[derive(Subcommand, Debug)]
pub enum RetentionCmd {
    /// What the policy's retention periods make due on --as-of (or today); changes nothing
    Plan,
    /// Purge everything due: personal data removed, audit data erased, the purge recorded
    Purge {
        /// Show what would be purged, changing nothing
        #[arg(long)]
        dry_run: bool,
    },
}
