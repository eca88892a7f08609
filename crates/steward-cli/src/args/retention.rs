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

#[derive(clap::Args, Debug)]
pub struct ReportArgs {
    /// overdue, signatures, refresh, requests, equipment, findings or compliance
    pub name: String,
    /// findings: the account that reads them (an office the policy names, or an auditor)
    #[command(flatten)]
    pub acting: super::Acting,
    /// findings and compliance: the first day (default: twelve months before --as-of for
    /// findings, twelve weeks for compliance); --as-of is the last
    #[arg(long, value_parser = super::parse_date, value_name = "DATE")]
    pub from: Option<chrono::NaiveDate>,
    /// Print the rows as CSV instead of a table (or JSON)
    #[arg(long)]
    pub csv: bool,
    /// Also write the report as a PDF to this file
    #[arg(long, value_name = "FILE")]
    pub pdf: Option<std::path::PathBuf>,
}
