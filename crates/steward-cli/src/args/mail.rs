//! `steward mail ...`: forwarding snapshots and the outbound milter.

use super::ListArgs;
use clap::{Args, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Subcommand, Debug)]
pub enum MailCmd {
    /// Forwards set on the council's mailboxes, judged by the policy
    #[command(subcommand)]
    Forwarding(ForwardingCmd),
    /// Judge outbound mail for Postfix on the council's relay, over the milter protocol:
    /// marked mail to a domain that is not secure is refused or held, the disclaimer added,
    /// and every decision recorded
    Milter(MilterArgs),
    /// What the milter decided, newest first. Sorts: decided (the default), action
    Decisions(DecisionsArgs),
}

#[derive(Args, Debug)]
pub struct MilterArgs {
    /// Address to listen on; Postfix names it as smtpd_milters = inet:HOST:PORT
    #[arg(long, default_value = "127.0.0.1:8891")]
    pub listen: SocketAddr,
}

#[derive(Args, Debug)]
pub struct DecisionsArgs {
    #[command(flatten)]
    pub list: ListArgs,
    /// Only decisions of this action: accept, reject or hold
    #[arg(long)]
    pub action: Option<String>,
    /// Only messages flagged as council business sent from another domain
    #[arg(long)]
    pub flagged: bool,
}

#[derive(Subcommand, Debug)]
pub enum ForwardingCmd {
    /// Import a snapshot of mailbox forwarding; it replaces the forwards of the same kind
    /// from earlier snapshots, and a file with any problem imports nothing
    Import {
        file: PathBuf,
        /// graph (Microsoft Graph messageRules, JSON) or exchange (Get-InboxRule or
        /// Get-Mailbox exported as CSV)
        #[arg(long)]
        format: String,
    },
    /// The forwards of the latest snapshots and what the policy says of each. Sorts: mailbox
    /// (the default), outcome; --search finds the person's name or reference
    Findings(ForwardFindingsArgs),
}

#[derive(Args, Debug)]
pub struct ForwardFindingsArgs {
    #[command(flatten)]
    pub list: ListArgs,
    /// Only forwards with this outcome: breach, allowed_with_controls, allowed, internal or
    /// no_rule
    #[arg(long)]
    pub outcome: Option<String>,
    /// Only this person's mailboxes
    #[arg(long, value_name = "REF")]
    pub person: Option<String>,
}
