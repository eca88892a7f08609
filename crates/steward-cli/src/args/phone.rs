//! `steward phone ...`: lines, bills and statements for personal calls on council phones.

use super::parse_date;
use crate::args::ListArgs;
use chrono::NaiveDate;
use clap::Subcommand;
use std::path::PathBuf;

#[derive(Subcommand, Debug)]
pub enum PhoneCmd {
    /// Which number belongs to which council phone
    #[command(subcommand)]
    Line(PhoneLineCmd),
    /// Itemised bills: import, read, and the holder's marking of personal calls
    #[command(subcommand)]
    Bill(PhoneBillCmd),
    /// What holders owe for personal calls, and what they have paid
    #[command(subcommand)]
    Statement(PhoneStatementCmd),
}

#[derive(Subcommand, Debug)]
pub enum PhoneLineCmd {
    /// Register a number as the line of a mobile phone
    Add {
        /// Asset tag of the phone
        tag: String,
        /// The number, as 07700 900123 or +44 7700 900123
        number: String,
    },
    /// List lines (current ones unless --all)
    List {
        #[arg(long)]
        all: bool,
    },
    /// Stop a number being the line of its phone; imported bills keep it
    Remove { number: String },
}

#[derive(Subcommand, Debug)]
pub enum PhoneBillCmd {
    /// Import a month's itemised bill from CSV; any bad row imports nothing
    Import {
        file: PathBuf,
        /// The month the bill is for, as YYYY-MM
        #[arg(long)]
        period: String,
    },
    /// List bills. Sorts: month (the default), imported; --search finds a line's number or
    /// the name or reference of someone with calls on the bill
    List {
        #[command(flatten)]
        list: ListArgs,
        /// Only the bills for this month, as YYYY-MM
        #[arg(long)]
        month: Option<String>,
    },
    /// Show a bill with every item and each holder's share
    Show { id: i64 },
    /// A person's own items on their bills, as they see them
    Mine { reference: String },
    /// Mark which of the holder's items on a bill were personal; the rest are business
    Mark {
        id: i64,
        /// Reference of the holder marking their own calls
        #[arg(long)]
        person: String,
        /// Ids of the personal items, separated by commas (none clears every mark)
        #[arg(long, value_delimiter = ',')]
        personal: Vec<i64>,
    },
}

#[derive(Subcommand, Debug)]
pub enum PhoneStatementCmd {
    /// Issue the statement of what a holder owes for their personal calls on a bill
    Issue {
        /// The bill's id
        bill: i64,
        /// Reference of the holder
        #[arg(long)]
        person: String,
    },
    /// List statements (--outstanding: only those not yet paid in full). Sorts: issued (the
    /// default), owed; --search finds the holder's name or reference or the line's number
    List {
        #[command(flatten)]
        list: ListArgs,
        #[arg(long)]
        outstanding: bool,
    },
    /// Show a statement and its payments
    Show { id: i64 },
    /// Record a payment towards a statement
    Pay {
        id: i64,
        /// Pounds and pence, such as 1.05
        #[arg(long)]
        amount: String,
        /// Day it was paid (default: today)
        #[arg(long, value_parser = parse_date)]
        on: Option<NaiveDate>,
        /// A receipt or transaction reference
        #[arg(long)]
        reference: Option<String>,
    },
}
