//! The web filter's identities: proxy user names of people, network addresses of equipment,
//! and reading what scanning the proxy's logs found.

use super::{Acting, ListArgs, parse_date};
use chrono::{DateTime, NaiveDate, Utc};
use clap::{Args, Subcommand};

#[derive(Subcommand, Debug)]
pub enum WebIdentityCmd {
    /// Record a name the person signs in to the web proxy with
    Add {
        reference: String,
        /// The proxy user name, matched without regard to case
        username: String,
    },
    /// Forget one of a person's proxy user names
    Remove { reference: String, username: String },
    /// Who the web filter recognises today: proxy user names, and addresses of devices on loan.
    /// Without a person, everyone it knows, by reference; --search finds names and references
    List {
        /// Only this person
        reference: Option<String>,
        #[command(flatten)]
        list: ListArgs,
    },
}

#[derive(Subcommand, Debug)]
pub enum AddressCmd {
    /// Make these the item's network addresses (IPv4 or IPv6), replacing any it had
    Set {
        tag: String,
        #[arg(required = true, value_name = "ADDRESS")]
        addresses: Vec<String>,
    },
    /// Remove every network address of the item
    Clear { tag: String },
}

/// `steward filter findings`: what scanning found, for the offices the policy names, one
/// row per identity, category and day. Sorts: day (the default), category; --search finds the
/// name or reference of the person behind the identity.
#[derive(Args, Debug)]
pub struct FindingsArgs {
    #[command(flatten)]
    pub acting: Acting,
    #[command(flatten)]
    pub list: ListArgs,
    /// Only this person's findings
    #[arg(long, value_name = "REF")]
    pub person: Option<String>,
    #[arg(long)]
    pub category: Option<String>,
    /// From this day (YYYY-MM-DD)
    #[arg(long, value_parser = parse_date, value_name = "DATE")]
    pub from: Option<NaiveDate>,
    /// To this day (YYYY-MM-DD), inclusive
    #[arg(long, value_parser = parse_date, value_name = "DATE")]
    pub to: Option<NaiveDate>,
}

/// A moment as RFC 3339, like 2027-06-09T12:30:00Z.
pub fn parse_moment(text: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(text.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| {
            format!("'{text}' is not a moment; write it as RFC 3339, e.g. 2027-06-09T12:30:00Z")
        })
}
