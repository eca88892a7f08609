//! `steward foi ...` and `steward sar ...`: the register of information requests.

use super::{Acting, parse_date};
use chrono::NaiveDate;
use clap::{Args, Subcommand};

#[derive(Args, Debug)]
pub struct InfoArgs {
    #[command(flatten)]
    pub acting: Acting,
    #[command(subcommand)]
    pub command: InfoCmd,
}

#[derive(Subcommand, Debug)]
pub enum InfoCmd {
    /// Record a request received
    Add {
        /// Who made the request, as they gave it
        #[arg(long)]
        requester: String,
        /// What was asked for (a subject access request may leave it out)
        #[arg(long, default_value = "")]
        summary: String,
        /// The day it was received (YYYY-MM-DD)
        #[arg(long, value_parser = parse_date)]
        received: NaiveDate,
        /// Environmental information (EIR) rather than freedom of information (foi only)
        #[arg(long)]
        eir: bool,
        /// The person the data is about (sar only)
        #[arg(long)]
        subject: Option<String>,
        /// Whose bank holidays count: england_wales, scotland or northern_ireland; the
        /// policy's [information_requests] nation (England and Wales) when left out
        #[arg(long)]
        nation: Option<String>,
    },
    /// Requests this account handles (auditors: all), with their deadlines. Sorts: received
    /// (the default), reference, kind
    List {
        #[command(flatten)]
        list: super::ListArgs,
        /// Closed ones too
        #[arg(long)]
        all: bool,
    },
    /// One request: deadline, pauses, people asked to help
    Show { request: String },
    /// Stop the clock: clarification was asked for
    Pause {
        request: String,
        #[arg(long, value_parser = parse_date)]
        asked_on: NaiveDate,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Restart the clock: the requester clarified
    Resume {
        request: String,
        #[arg(long, value_parser = parse_date)]
        answered_on: NaiveDate,
    },
    /// Extend the deadline; EIR and subject access take the date the law gives, an FOI
    /// public-interest extension needs --to
    Extend {
        request: String,
        #[arg(long, value_parser = parse_date)]
        to: Option<NaiveDate>,
        #[arg(long)]
        reason: String,
    },
    /// Ask someone in the register to search for what they hold
    Ask {
        request: String,
        /// Reference of the person asked
        #[arg(long)]
        person: String,
        #[arg(long, value_parser = parse_date)]
        on: Option<NaiveDate>,
    },
    /// Record an answer: with --helper for a handler recording it, without for one's own
    Answer {
        /// The request, or (for one's own answer) left out with --helper naming the ask
        request: Option<String>,
        /// The id of the request for help
        #[arg(long)]
        helper: i64,
        #[arg(long)]
        text: String,
        #[arg(long, value_parser = parse_date)]
        on: Option<NaiveDate>,
    },
    /// Record that the requester's identity was checked (subject access)
    Identity {
        request: String,
        #[arg(long, value_parser = parse_date)]
        on: NaiveDate,
    },
    /// Close a request answered or refused
    Close {
        request: String,
        #[arg(long, value_parser = parse_date)]
        on: NaiveDate,
        #[arg(long)]
        outcome: String,
    },
    /// What this account's person was asked to help with
    Mine,
}
