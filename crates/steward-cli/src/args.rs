use chrono::{NaiveDate, NaiveTime};
use clap::{Args, Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;

mod mail;
mod network;
mod phone;
mod posture;
pub use mail::*;
pub use network::*;
pub use phone::*;
pub use posture::*;
mod retention;
pub use retention::*;
mod records;
pub use records::*;
mod directory;
pub use directory::*;

/// Run the ICT side of a council by its own policy: equipment loans, policy signatures,
/// what is due, and an audit trail anyone can verify.
#[derive(Parser, Debug)]
#[command(name = "steward", version, about)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Args, Debug, Clone)]
pub struct Global {
    /// Database: sqlite://FILE or postgres://USER@HOST/DB
    #[arg(
        long,
        global = true,
        env = "STEWARD_DB",
        default_value = "sqlite://steward.db"
    )]
    pub db: String,
    /// Council short name; needed when the database holds more than one
    #[arg(long, global = true, env = "STEWARD_COUNCIL")]
    pub council: Option<String>,
    /// Print JSON instead of tables
    #[arg(long, global = true)]
    pub json: bool,
    /// Act as of this day (YYYY-MM-DD) instead of today
    #[arg(long, global = true, value_parser = parse_date, value_name = "DATE")]
    pub as_of: Option<NaiveDate>,
    /// Name recorded in the audit trail as the one who made the change
    #[arg(long, global = true, env = "STEWARD_ACTOR", default_value = "cli")]
    pub actor: String,
    /// Act on a remote Steward through its JSON API at this address (e.g.
    /// https://steward.council.example.gov.uk) instead of a database; the API token is read
    /// from STEWARD_TOKEN or --token-file
    #[arg(long, global = true, env = "STEWARD_SERVER", value_name = "URL")]
    pub server: Option<String>,
    /// A file holding the API token for --server (instead of STEWARD_TOKEN)
    #[arg(long, global = true, value_name = "FILE")]
    pub token_file: Option<PathBuf>,
    /// The subcommands given ("loan issue"), which `--json` output names.
    #[arg(skip)]
    pub command: String,
}

pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| format!("'{text}' is not a date; write it as YYYY-MM-DD, e.g. 2027-05-16"))
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Councils held in this database
    #[command(subcommand)]
    Council(CouncilCmd),
    /// Policy packs: presets, checking, adoption and versions
    #[command(subcommand)]
    Policy(PolicyCmd),
    /// People: members and staff, their terms and offices
    #[command(subcommand)]
    Person(PersonCmd),
    /// Equipment: laptops, tablets, phones and the rest
    #[command(subcommand)]
    Equipment(EquipmentCmd),
    /// Signatures of the council's policy
    #[command(subcommand)]
    Acceptance(AcceptanceCmd),
    /// Loans of equipment: issue, extend, recall, return, charge
    #[command(subcommand)]
    Loan(LoanCmd),
    /// What is due: overdue returns, charges, signatures, PAT tests, evaluations, replacements
    /// (sort by kind or due)
    Due(DueArgs),
    /// Council phones: lines, itemised bills, personal calls and what is owed for them
    #[command(subcommand)]
    Phone(PhoneCmd),
    /// Device compliance: import what Intune, osquery or Fleet report, and judge it by the
    /// policy
    #[command(subcommand)]
    Posture(PostureCmd),
    /// The audit trail
    #[command(subcommand)]
    Audit(AuditCmd),
    /// Accounts that sign in: administrators, auditors, officers and members
    #[command(subcommand)]
    User(UserCmd),
    /// API tokens for scripts and other systems
    #[command(subcommand)]
    Token(TokenCmd),
    /// The council's directory (LDAP or Microsoft Graph): settings, and keeping the register
    /// in step with it
    #[command(subcommand)]
    Directory(DirectoryCmd),
    /// Reports and requests: faults, incidents, approvals, follow-ups
    Request(RequestArgs),
    /// Breach cases: concerns about someone's use of council ICT
    Case(CaseArgs),
    /// Look for what is due today and queue its email notices (`serve` does this daily)
    Sweep(SweepArgs),
    /// The outbox of email notices: send what is due, list, retry, settle
    #[command(subcommand)]
    Outbox(OutboxCmd),
    /// Create a demo database with a council for each preset, then serve it
    Demo(ServeArgs),
    /// Serve an existing database over HTTP
    Serve(ServeArgs),
    /// The web filter: compile category lists, answer Squid, scan its logs
    #[command(subcommand)]
    Filter(FilterCmd),
    /// Retention: what is due for purging under the policy, and purging it
    #[command(subcommand)]
    Retention(RetentionCmd),
    /// A report with the figures its web page charts: overdue, signatures, refresh, requests,
    /// equipment, findings
    Report(ReportArgs),
    /// Freedom of information and environmental information requests, with their deadlines
    Foi(InfoArgs),
    /// Subject access requests, with their deadlines
    Sar(InfoArgs),
    /// Mail: forwards set on mailboxes, and the milter judging outbound mail
    #[command(subcommand)]
    Mail(MailCmd),
}

#[derive(Args, Debug)]
pub struct DueArgs {
    #[command(flatten)]
    pub list: ListArgs,
    /// Only items of this kind: overdue_return, charge_allowed, phone_costs_owed,
    /// return_soon, acceptance_missing, acceptance_lapsed, pat_retest, phone_evaluation,
    /// refresh or policy_review
    #[arg(long)]
    pub kind: Option<String>,
}

/// What every list command takes: a search, an order, and a page.
#[derive(Args, Debug, Clone, Default)]
pub struct ListArgs {
    /// Only rows with a word beginning with each of these words (names, references, asset
    /// tags, serial numbers)
    #[arg(long)]
    pub search: Option<String>,
    /// The order: each list names the ones it offers
    #[arg(long)]
    pub sort: Option<String>,
    /// Reverse the order
    #[arg(long)]
    pub desc: bool,
    /// Print one page of this many rows (1 to 200) and where the next starts, rather than
    /// every row
    #[arg(long)]
    pub limit: Option<u32>,
    /// Continue from the cursor an earlier page printed
    #[arg(long, requires = "limit")]
    pub cursor: Option<String>,
}

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Address to listen on
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Create the data and exit without serving (demo only)
    #[arg(long)]
    pub no_serve: bool,
    /// How big the demo register is: `county` grows the county council to 5,000 people and
    /// 10,000 items, `tenth` to a tenth of that (demo only)
    #[arg(long, value_enum, default_value = "small")]
    pub size: crate::cmd::demo::DemoSize,
    #[command(flatten)]
    pub mail: MailArgs,
    /// When the daily sweep runs, as HH:MM on the clock in London
    #[arg(long, default_value = "06:00", value_parser = parse_time, value_name = "HH:MM")]
    pub sweep_at: NaiveTime,
    /// Do not run the sweep (at start-up and daily)
    #[arg(long)]
    pub no_sweep: bool,
    /// Serve HTTPS with this certificate chain (PEM), rather than plain HTTP
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// The private key (PEM) of the --tls-cert certificate
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// A reverse proxy's address range, such as 127.0.0.1/32: from a peer in one, the
    /// Forwarded or X-Forwarded-For and X-Forwarded-Proto headers say who the client is and
    /// whether they used HTTPS (may be given more than once)
    #[arg(long, value_name = "CIDR")]
    pub trusted_proxy: Vec<steward_web::Cidr>,
}

pub fn parse_time(text: &str) -> Result<NaiveTime, String> {
    NaiveTime::parse_from_str(text.trim(), "%H:%M")
        .map_err(|_| format!("'{text}' is not a time of day; write it as HH:MM, e.g. 06:00"))
}

/// Where email notices go. The mail server's user name and password are read from
/// STEWARD_SMTP_USER and STEWARD_SMTP_PASSWORD (or STEWARD_SMTP_PASSWORD_FILE), never from
/// the command line.
#[derive(Args, Debug, Clone, Default)]
pub struct MailArgs {
    /// Mail server: smtp://HOST:PORT (unencrypted, for a relay on this machine),
    /// smtp+starttls://HOST:PORT or smtps://HOST:PORT
    #[arg(long, env = "STEWARD_SMTP", value_name = "URL")]
    pub smtp: Option<String>,
    /// The address notices come from, e.g. "ICT Team <it@council.example.gov.uk>"
    #[arg(long, env = "STEWARD_MAIL_FROM", value_name = "ADDRESS")]
    pub mail_from: Option<String>,
    /// The address people reach Steward at, e.g. https://steward.council.example.gov.uk, for
    /// the links in invitations (`serve` uses the address it listens on when it is not given)
    #[arg(long, env = "STEWARD_PUBLIC_URL", value_name = "URL")]
    pub public_url: Option<String>,
}

#[derive(Args, Debug)]
pub struct SweepArgs {
    /// Report what would be queued and charged, changing nothing
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Subcommand, Debug)]
pub enum OutboxCmd {
    /// Send every message that is due now, then exit (all councils unless --council is given)
    Send(MailArgs),
    /// List messages, oldest first. Sorts: queued (the default), state, attempts
    List {
        #[command(flatten)]
        list: ListArgs,
        /// Only messages in this state: queued, sending, sent, failed, uncertain or no_address
        #[arg(long)]
        state: Option<String>,
    },
    /// Show one message with its text
    Show { id: i64 },
    /// Queue a failed message, or one that had no address, to be tried again
    Retry { id: i64 },
    /// Settle a message that may have been sent: --sent if it arrived, --resend if it did not
    Resolve {
        id: i64,
        #[arg(long, conflicts_with = "resend", required_unless_present = "resend")]
        sent: bool,
        #[arg(long)]
        resend: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum CouncilCmd {
    /// Register a council
    Create {
        /// Short name used in URLs and --council (lower case, digits, hyphens)
        #[arg(long)]
        slug: String,
        /// The council's name as people know it
        #[arg(long)]
        name: String,
        /// Adopt this built-in policy at once (see `steward policy list`)
        #[arg(long)]
        preset: Option<String>,
    },
    /// List councils
    List,
    /// Signing in with the council's identity provider (OpenID Connect)
    #[command(subcommand)]
    Oidc(OidcCmd),
}

#[derive(Subcommand, Debug)]
pub enum OidcCmd {
    /// Set how the council signs in with its identity provider, replacing any settings before
    Set(OidcSet),
    /// Show the council's identity-provider settings (never the client secret)
    Show,
    /// Stop signing in with the identity provider: everyone uses passwords again
    Clear,
}

#[derive(Args, Debug)]
pub struct OidcSet {
    /// The provider's issuer address, as its discovery document gives it
    /// (for Entra ID, https://login.microsoftonline.com/TENANT/v2.0)
    #[arg(long)]
    pub issuer: String,
    /// The application (client) id the provider gave Steward
    #[arg(long)]
    pub client_id: String,
    /// A file holding the client secret on its first line
    #[arg(
        long,
        value_name = "PATH",
        conflicts_with = "secret_env",
        required_unless_present = "secret_env"
    )]
    pub secret_file: Option<String>,
    /// An environment variable of `steward serve` holding the client secret
    #[arg(long, value_name = "NAME")]
    pub secret_env: Option<String>,
    /// The name on the sign-in button: "Sign in with NAME"
    #[arg(long, default_value = "Microsoft")]
    pub name: String,
    /// A value of the token's role claim and the Steward role it gives, as VALUE=ROLE
    /// (repeat it; the first the token carries wins)
    #[arg(long = "role", value_name = "VALUE=ROLE", required = true)]
    pub roles: Vec<String>,
    /// The claim the mapping reads: roles (app roles) or groups
    #[arg(long, default_value = "roles")]
    pub role_claim: String,
    /// What accounts are linked by: subject, or tenant-object for Entra ID (the default for
    /// an Entra ID issuer)
    #[arg(long)]
    pub account_key: Option<String>,
    /// Refuse passwords to everyone but administrators' break-glass accounts
    #[arg(long)]
    pub passwords_off: bool,
}

#[derive(Subcommand, Debug)]
pub enum PolicyCmd {
    /// List built-in presets and, with a council, its adopted versions
    List,
    /// Show a policy's rules with their clauses
    Show {
        /// A preset id or a pack file; the council's policy in force when omitted
        source: Option<String>,
        /// Show this adopted version of the council's policy
        #[arg(long, conflicts_with = "source")]
        version: Option<i64>,
        /// Print the text people sign instead of the rules
        #[arg(long)]
        text: bool,
    },
    /// Check pack files and report every problem with file:line:column
    Check {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Adopt a pack as the council's next policy version
    Adopt {
        /// Pack file, or a preset id with --preset
        file: Option<PathBuf>,
        /// Adopt a built-in preset instead of a file
        #[arg(long, conflicts_with = "file")]
        preset: Option<String>,
        /// Day the version takes effect (default: today)
        #[arg(long, value_parser = parse_date)]
        effective: Option<NaiveDate>,
    },
    /// What adopting a pack would change, in words, rule by rule, and who must sign again;
    /// changes nothing
    Changes {
        /// Pack file, or a preset id with --preset
        file: Option<PathBuf>,
        /// A built-in preset instead of a file
        #[arg(long, conflicts_with = "file")]
        preset: Option<String>,
        /// Day it would take effect (default: today)
        #[arg(long, value_parser = parse_date)]
        effective: Option<NaiveDate>,
    },
    /// List the council's adopted versions
    Versions,
}

#[derive(Subcommand, Debug)]
pub enum PersonCmd {
    /// Register a person
    Add(PersonAdd),
    /// List people (sort by reference, name or kind)
    List {
        #[command(flatten)]
        list: ListArgs,
        /// Only people of this kind
        #[arg(long)]
        kind: Option<String>,
        /// Only people in office on the day (--as-of), or with --not-in-office only those who
        /// are not
        #[arg(long, conflicts_with = "not_in_office")]
        in_office: bool,
        #[arg(long)]
        not_in_office: bool,
    },
    /// Show a person with their terms, offices and loans
    Show { reference: String },
    /// Correct a person's name, email, kind or household; an empty --email or --household
    /// clears it
    Edit {
        reference: String,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        email: Option<String>,
        /// councillor, co_opted_member, independent_member, committee_appointee, employee,
        /// contractor, temporary_staff or volunteer
        #[arg(long)]
        kind: Option<String>,
        /// Key shared by people at the same address
        #[arg(long)]
        household: Option<String>,
    },
    /// Everything held about a person, other people redacted (subject access); producing it
    /// is audited. JSON with --json, a PDF with --out
    Export {
        reference: String,
        #[command(flatten)]
        acting: Acting,
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Import people from CSV; any bad row imports nothing
    Import { file: PathBuf },
    /// Offices a person holds
    #[command(subcommand)]
    Office(OfficeCmd),
    /// Start a new term of office (or engagement)
    Term {
        reference: String,
        #[arg(long, value_parser = parse_date)]
        from: NaiveDate,
        #[arg(long, value_parser = parse_date)]
        until: Option<NaiveDate>,
    },
    /// Record that a person left office; starts the return clock on what they hold
    Leave {
        reference: String,
        /// Day they left (default: today)
        #[arg(long, value_parser = parse_date)]
        on: Option<NaiveDate>,
        /// not_re_elected, stood_down, disqualified, died or term_ended
        #[arg(long)]
        reason: String,
    },
    /// Record many people leaving office at once from a CSV file (reference,left_on,reason);
    /// any bad row records nothing
    LeaveMany { file: PathBuf },
    /// Names the web proxy knows a person by
    #[command(subcommand)]
    WebIdentity(WebIdentityCmd),
}

#[derive(Args, Debug)]
pub struct PersonAdd {
    /// The council's reference for the person (the import's `reference` column)
    #[arg(long = "reference", alias = "ref")]
    pub reference: String,
    #[arg(long)]
    pub name: String,
    /// councillor, co_opted_member, independent_member, committee_appointee, employee,
    /// contractor, temporary_staff or volunteer
    #[arg(long)]
    pub kind: String,
    #[arg(long)]
    pub email: Option<String>,
    /// Key shared by people at the same address
    #[arg(long)]
    pub household: Option<String>,
    /// First day of the current term (default: today)
    #[arg(long, value_parser = parse_date)]
    pub term_start: Option<NaiveDate>,
    #[arg(long, value_parser = parse_date)]
    pub term_end: Option<NaiveDate>,
    /// An office the policy names (repeatable; the import's `offices` column)
    #[arg(long = "office", alias = "offices")]
    pub offices: Vec<String>,
}

#[derive(Subcommand, Debug)]
pub enum OfficeCmd {
    /// Give a person an office
    Add {
        reference: String,
        office: String,
        #[arg(long, value_parser = parse_date)]
        from: Option<NaiveDate>,
    },
    /// End a person's office
    End {
        reference: String,
        office: String,
        #[arg(long, value_parser = parse_date)]
        on: Option<NaiveDate>,
    },
}

#[derive(Subcommand, Debug)]
pub enum EquipmentCmd {
    /// Register an item
    Add(EquipmentAdd),
    /// List equipment with who holds each item (sort by tag, kind, model, state or
    /// purchased)
    List {
        #[command(flatten)]
        list: ListArgs,
        /// Only items of this kind (laptop, tablet, mobile_phone...)
        #[arg(long)]
        kind: Option<String>,
        /// Only items in this state (in_stock, issued, in_repair...)
        #[arg(long)]
        state: Option<String>,
    },
    /// Show an item and its loans
    Show { tag: String },
    /// Correct an item's model, serial number, replacement cost or purchase date; an empty
    /// --serial or --purchased-on clears it
    Edit {
        tag: String,
        #[arg(long)]
        model: Option<String>,
        #[arg(long)]
        serial: Option<String>,
        /// Replacement cost in pounds, e.g. 799.00
        #[arg(long = "replacement-cost", alias = "cost")]
        cost: Option<String>,
        /// Day it was bought (2027-05-16 or 16/05/2027)
        #[arg(long)]
        purchased_on: Option<String>,
    },
    /// Import equipment from CSV; any bad row imports nothing
    Import { file: PathBuf },
    /// Record a passed PAT test
    PatTest {
        tag: String,
        #[arg(long, value_parser = parse_date)]
        on: Option<NaiveDate>,
    },
    /// Change an item's state (in_stock, in_repair, awaiting_erasure, erased, disposed, lost, stolen)
    State { tag: String, state: String },
    /// Network addresses of an item, by which the web filter knows whoever has it on loan
    #[command(subcommand)]
    Address(AddressCmd),
}

#[derive(Args, Debug)]
pub struct EquipmentAdd {
    /// The import's `asset_tag` column
    #[arg(long = "asset-tag", alias = "tag")]
    pub tag: String,
    /// laptop, tablet, mobile_phone, desktop, removable_media or accessory
    #[arg(long)]
    pub kind: String,
    #[arg(long)]
    pub model: String,
    /// Replacement cost in pounds, e.g. 799.00
    #[arg(long = "replacement-cost", alias = "cost")]
    pub cost: String,
    #[arg(long)]
    pub serial: Option<String>,
    #[arg(long = "purchased-on", alias = "purchased", value_parser = parse_date)]
    pub purchased: Option<NaiveDate>,
    #[arg(long = "pat-tested-on", alias = "pat-tested", value_parser = parse_date)]
    pub pat_tested: Option<NaiveDate>,
    #[arg(long)]
    pub encrypted: bool,
}

#[derive(Subcommand, Debug)]
pub enum AcceptanceCmd {
    /// Sign the policy in force by typing your name
    Sign {
        reference: String,
        #[arg(long)]
        typed_name: String,
    },
    /// Print the acceptance form of the policy in force, pre-filled for a person, as PDF
    Form {
        /// The person's reference
        person: String,
        /// Where to write the PDF
        #[arg(long)]
        out: PathBuf,
    },
    /// Record a signed paper form on someone's behalf; with --reference, the form reference
    /// printed on it is checked against the person and the policy version in force
    RecordPaper {
        /// The person's reference (may be left out when --reference is given)
        #[arg(required_unless_present = "form")]
        reference: Option<String>,
        /// The form reference printed on the form, e.g. FENWOLD-BOROUGH/M1/V1/3F9A0C2B
        #[arg(long = "reference", id = "form")]
        form: Option<String>,
        #[arg(long, value_parser = parse_date)]
        signed_on: NaiveDate,
        /// The officer entering the form
        #[arg(long)]
        recorded_by: String,
    },
    /// Who has and has not signed the policy in force (sort by name, reference or kind)
    List {
        #[command(flatten)]
        list: ListArgs,
        /// Only those who still need to sign
        #[arg(long)]
        outstanding: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum LoanCmd {
    /// Ask whether an item may be lent, without lending it
    Check(IssueArgs),
    /// Lend an item, if the policy allows
    Issue(IssueArgs),
    /// List loans, open ones unless --show or --all says otherwise (sort by number,
    /// lent_on, return_by or returned_on)
    List {
        #[command(flatten)]
        list: ListArgs,
        /// Which loans: open, overdue, due-this-week (due back within 7 days, today
        /// included) or all
        #[arg(long, conflicts_with = "all")]
        show: Option<String>,
        /// Every loan, ended or not (the same as --show all)
        #[arg(long)]
        all: bool,
    },
    /// Show a loan
    Show { id: i64 },
    /// Extend a loan's due date with the approvals the policy needs
    Extend {
        id: i64,
        #[arg(long, value_parser = parse_date)]
        until: NaiveDate,
        /// Reference of an approver (repeatable)
        #[arg(long = "approved-by")]
        approved_by: Vec<String>,
        #[arg(long, default_value = "")]
        reason: String,
    },
    /// Ask for an item back
    Recall {
        id: i64,
        /// Reference of the officer recalling it
        #[arg(long)]
        by: String,
        #[arg(long, value_parser = parse_date)]
        return_by: Option<NaiveDate>,
    },
    /// Record an item's return
    Return { id: i64 },
    /// Raise the charge the policy allows for an item not returned in time
    Charge { id: i64 },
}

#[derive(Args, Debug)]
pub struct IssueArgs {
    /// Reference of the borrower
    pub reference: String,
    /// Asset tag of the item
    pub tag: String,
    /// Reference of the officer authorising the loan, where the policy needs one
    #[arg(long)]
    pub authorised_by: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum AuditCmd {
    /// Check the whole chain, and signed checkpoints against it; exits 7 naming the first
    /// record altered, removed or reordered, or the checkpoint that no longer holds
    Verify(AuditVerify),
    /// Show audit records, oldest first, each in words (records as stored with --json)
    Log(AuditLogArgs),
    /// The key that signs checkpoints (kept in a file, never in the database)
    #[command(subcommand)]
    Key(AuditKeyCmd),
    /// Sign the chain's current head into a checkpoint file, and note it in the chain
    Checkpoint {
        /// The private key file from `steward audit key create`
        #[arg(long, value_name = "FILE")]
        key: PathBuf,
        /// Directory for the checkpoint file (created if missing)
        #[arg(long, value_name = "DIR")]
        dir: PathBuf,
    },
    /// Record that the chain was quiet, if nothing was recorded for a while
    Heartbeat {
        /// How long without a record before a heartbeat is due, e.g. 24h, 90m, 7d
        #[arg(long, default_value = "24h", value_parser = parse_span, value_name = "SPAN")]
        quiet_for: chrono::Duration,
    },
    /// Write the whole chain as JSON lines, one record per line, for checking elsewhere
    Export {
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
}

#[derive(Args, Debug)]
pub struct AuditLogArgs {
    /// Only records of this kind, as recorded: person, equipment, loan, request, user...
    #[arg(long)]
    pub entity: Option<String>,
    /// Only records with this reference: a person's reference, an asset tag, a loan's number
    #[arg(long)]
    pub id: Option<String>,
    /// Only records of this action, as recorded: loan.issue, session.start...
    #[arg(long)]
    pub action: Option<String>,
    /// Only records made by this account or name, as recorded
    #[arg(long, value_name = "NAME")]
    pub by: Option<String>,
    /// Only records made on or after this day (in London); a range of days lists by time
    #[arg(long, value_parser = parse_date, value_name = "DATE")]
    pub from: Option<NaiveDate>,
    /// Only records made on or before this day (in London)
    #[arg(long, value_parser = parse_date, value_name = "DATE")]
    pub to: Option<NaiveDate>,
    /// Newest first
    #[arg(long)]
    pub desc: bool,
    /// At most this many records, read from the database a page at a time
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub limit: u32,
    /// Continue after the records an earlier run showed (the cursor it printed)
    #[arg(long)]
    pub cursor: Option<String>,
}

#[derive(Args, Debug)]
pub struct AuditVerify {
    /// Check signed checkpoint files in this directory against the chain
    #[arg(long, value_name = "DIR")]
    pub checkpoints: Option<PathBuf>,
    /// The public key the checkpoints must be signed with (else the first checkpoint's key)
    #[arg(long, value_name = "FILE", requires = "checkpoints")]
    pub public_key: Option<PathBuf>,
    /// Check an exported chain in this file instead of the database (needs no database)
    #[arg(long, value_name = "FILE")]
    pub file: Option<PathBuf>,
}

#[derive(Subcommand, Debug)]
pub enum AuditKeyCmd {
    /// Make a new signing key: FILE (private, mode 0600) and FILE.pub
    Create {
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
}

/// A span of time such as `24h`, `90m`, `7d` or `3600s`.
pub fn parse_span(text: &str) -> Result<chrono::Duration, String> {
    let text = text.trim();
    let bad =
        || format!("'{text}' is not a span of time; write a number and a unit, e.g. 24h, 90m, 7d");
    let split = text.find(|c: char| !c.is_ascii_digit()).ok_or_else(bad)?;
    let (number, unit) = text.split_at(split);
    let n: i64 = number.parse().map_err(|_| bad())?;
    let span = match unit {
        "s" => chrono::Duration::try_seconds(n),
        "m" => chrono::Duration::try_minutes(n),
        "h" => chrono::Duration::try_hours(n),
        "d" => chrono::Duration::try_days(n),
        _ => None,
    };
    span.filter(|s| *s > chrono::Duration::zero())
        .ok_or_else(bad)
}

#[derive(Subcommand, Debug)]
pub enum UserCmd {
    /// Create an account; its password is read from standard input
    Create(UserCreate),
    /// List the council's accounts. Sorts: username (the default), role, last_sign_in,
    /// created; --search finds usernames and the names or references of linked people
    List {
        #[command(flatten)]
        list: ListArgs,
        /// Only accounts with this role: admin, auditor, officer or member
        #[arg(long)]
        role: Option<String>,
        /// Only accounts in this status: active, must_change_password, invited or disabled
        #[arg(long)]
        status: Option<String>,
    },
    /// Email the account's holder a link to choose their own password (good once, for 72
    /// hours from when it is sent); any earlier link stops working
    Invite {
        username: String,
        /// Send it here rather than to the linked person's address in the register
        #[arg(long, value_name = "ADDRESS")]
        email: Option<String>,
    },
    /// Disable an account: it cannot sign in or use its tokens, and its sessions end now
    Disable { username: String },
    /// Let a disabled account sign in again
    Enable { username: String },
    /// Reset a password (read from standard input); the user must choose their own at next
    /// sign-in, and their sessions end now
    Password {
        username: String,
        /// Read the new password from the first line of standard input
        #[arg(long)]
        password_stdin: bool,
    },
    /// Link the account to the person's identity at the council's identity provider, or
    /// --clear the link; the person then signs in there
    Identity {
        username: String,
        /// The provider's subject identifier (`sub`)
        #[arg(long, conflicts_with_all = ["tenant", "clear"])]
        subject: Option<String>,
        /// Entra ID's directory (tenant) id; with --object
        #[arg(long, requires = "object", conflicts_with = "clear")]
        tenant: Option<String>,
        /// Entra ID's object id of the user; with --tenant
        #[arg(long, requires = "tenant")]
        object: Option<String>,
        /// Remove the link
        #[arg(long)]
        clear: bool,
    },
    /// Let an administrator's account keep its password when the council switches passwords
    /// off (--off to withdraw it)
    BreakGlass {
        username: String,
        #[arg(long)]
        off: bool,
    },
}

#[derive(Args, Debug)]
pub struct UserCreate {
    /// 3 to 64 lower-case letters, digits, '.', '_', '-' or '@'
    #[arg(long)]
    pub username: String,
    /// admin, auditor, officer or member
    #[arg(long, required_unless_present = "admin", conflicts_with = "admin")]
    pub role: Option<String>,
    /// Shorthand for --role admin
    #[arg(long)]
    pub admin: bool,
    /// Reference of the person the account acts as (needed for officers and members)
    #[arg(long = "person", value_name = "REF")]
    pub person: Option<String>,
    /// Read the password from the first line of standard input (there is no default password)
    #[arg(long, required_unless_present = "invite", conflicts_with = "invite")]
    pub password_stdin: bool,
    /// The user must choose their own password at first sign-in
    #[arg(long, conflicts_with = "invite")]
    pub temporary: bool,
    /// Give the account no password: email its holder a link to choose their own, good once
    /// for 72 hours from when it is sent (the outbox sends it; see `outbox send`)
    #[arg(long)]
    pub invite: bool,
    /// With --invite: send it here rather than to the linked person's address
    #[arg(long, value_name = "ADDRESS", requires = "invite")]
    pub email: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum TokenCmd {
    /// Create a token for an account; it is printed once and cannot be shown again
    Create {
        /// The account the token acts for
        #[arg(long)]
        username: String,
        /// What the token may do: no more than its account (admin, auditor, officer, member)
        #[arg(long, required_unless_present = "scim")]
        role: Option<String>,
        /// What the token is for
        #[arg(long)]
        name: String,
        /// The token stops working at the start of this day (UTC)
        #[arg(long, value_parser = parse_date, value_name = "DATE")]
        expires: Option<NaiveDate>,
        /// A token for the SCIM provisioning endpoint (/scim/v2) only, with the admin role;
        /// it does not work on the API
        #[arg(long, conflicts_with = "role")]
        scim: bool,
    },
    /// List tokens (never their secrets). Sorts: created (the default), name, last_used,
    /// expires; --search finds token names and their accounts' usernames
    List {
        #[command(flatten)]
        list: ListArgs,
        /// Only tokens in this status: active, expired or revoked
        #[arg(long)]
        status: Option<String>,
    },
    /// Revoke a token at once
    Revoke { id: i64 },
}

/// Where the category lists come from: list directories, or an index from `filter compile`.
#[derive(Args, Debug, Clone)]
#[group(required = true, multiple = false)]
pub struct ListsArgs {
    /// A directory of lists, <DIR>/<category>/{domains,hosts,urls} (repeatable; merged)
    #[arg(long, value_name = "DIR")]
    pub lists: Vec<PathBuf>,
    /// An index written by `steward filter compile`
    #[arg(long, value_name = "FILE")]
    pub index: Option<PathBuf>,
}

#[derive(Subcommand, Debug)]
pub enum FilterCmd {
    /// Compile category lists into an index that loads in a moment
    Compile {
        /// A directory of lists, <DIR>/<category>/{domains,hosts,urls} (repeatable; merged)
        #[arg(long, value_name = "DIR", required = true, num_args = 1..)]
        lists: Vec<PathBuf>,
        /// Where to write the index
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Answer Squid on standard input and output, as url_rewrite_program or external_acl_type
    Squid(SquidArgs),
    /// Sum up Squid access logs (plain or .gz): who reached which category, per day; with
    /// --council, record the findings in the register
    Scan(ScanArgs),
    /// What scanning recorded, for the offices the policy lets see it (and auditors)
    Findings(FindingsArgs),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum HelperProtocol {
    /// url_rewrite_program: OK status=302 url="..." to block, ERR to pass
    Rewrite,
    /// external_acl_type with FORMAT %>a %un %>ru: OK when blocked, ERR to pass
    Acl,
}

#[derive(Args, Debug)]
pub struct SquidArgs {
    #[command(flatten)]
    pub source: ListsArgs,
    /// Which categories to block, first named first (default: every category, by name)
    #[arg(long, value_delimiter = ',', value_name = "A,B,C")]
    pub categories: Vec<String>,
    /// The protocol Squid speaks to this helper
    #[arg(long, value_enum, default_value = "rewrite")]
    pub protocol: HelperProtocol,
    /// The block page; placeholders {category} {url} {host} {clause} {user} {client}, and
    /// {council} with --council [default: http://steward.invalid/blocked?category={category}&url={url},
    /// or http://steward.invalid/councils/{council}/blocked?... with --council]
    #[arg(long, value_name = "TEMPLATE")]
    pub block_url: Option<String>,
    /// Judge by this policy's [web] rules (a preset id or a pack file) instead of blocking
    /// every category; only rules for everyone apply, since nobody is known without the
    /// register (give --council to judge by the register instead)
    #[arg(long, value_name = "PRESET|FILE")]
    pub policy: Option<String>,
    /// Judge every request as at this moment (RFC 3339) instead of when it arrives, to try
    /// the rules out
    #[arg(long, value_parser = parse_moment, value_name = "MOMENT")]
    pub at: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormatArg {
    /// Decide line by line
    Auto,
    /// Squid's native format
    Squid,
    /// The combined (Apache-style) format
    Combined,
}

#[derive(Args, Debug)]
pub struct ScanArgs {
    /// Access logs; names ending .gz are decompressed
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    #[command(flatten)]
    pub source: ListsArgs,
    /// Which categories count, first named first (default: every category, by name)
    #[arg(long, value_delimiter = ',', value_name = "A,B,C")]
    pub categories: Vec<String>,
    /// The logs' format
    #[arg(long, value_enum, default_value = "auto")]
    pub format: LogFormatArg,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn sweep_times_are_hours_and_minutes() {
        assert_eq!(parse_time("06:00").ok(), NaiveTime::from_hms_opt(6, 0, 0));
        assert!(parse_time("6am").unwrap_err().contains("HH:MM"));
    }

    #[test]
    fn dates_must_be_iso() {
        assert!(parse_date("2027-05-16").is_ok());
        assert!(parse_date("16/05/2027").unwrap_err().contains("YYYY-MM-DD"));
    }

    #[test]
    fn spans_need_a_unit() {
        assert_eq!(parse_span("24h"), Ok(chrono::Duration::hours(24)));
        assert_eq!(parse_span("7d"), Ok(chrono::Duration::days(7)));
        assert!(parse_span("24").is_err());
        assert!(parse_span("0h").is_err());
        assert!(parse_span("h").is_err());
    }
}

/// The account a workflow command acts as: what it may see and do is that account's.
#[derive(Args, Debug)]
pub struct Acting {
    /// Username of the account to act as
    #[arg(
        long = "as",
        global = true,
        env = "STEWARD_AS",
        value_name = "USERNAME"
    )]
    pub as_user: Option<String>,
}

#[derive(Args, Debug)]
pub struct RequestArgs {
    #[command(flatten)]
    pub acting: Acting,
    #[command(subcommand)]
    pub command: RequestCmd,
}

#[derive(Args, Debug)]
pub struct RaiseArgs {
    /// fault, security_problem, virus, compromised_login, lost_or_stolen, accidental_access,
    /// misuse_by_others (opens a breach case), offensive_content, software_install,
    /// web_exception, third_party_access, loan_extension, training, accessibility,
    /// phone_evaluation, erasure or posture_exception
    #[arg(long)]
    pub kind: String,
    /// Officers: the person it is for (leave out for the council itself)
    #[arg(long = "for")]
    pub person: Option<String>,
    /// The item it is about
    #[arg(long)]
    pub equipment: Option<String>,
    #[arg(long)]
    pub summary: String,
    /// A longer loan, or web access, until this day
    #[arg(long)]
    pub until: Option<String>,
    #[arg(long)]
    pub software: Option<String>,
    #[arg(long)]
    pub licence: Option<String>,
    /// The website for a web exception
    #[arg(long)]
    pub host: Option<String>,
    /// The item was stolen rather than lost
    #[arg(long)]
    pub stolen: bool,
    #[arg(long)]
    pub noticed_on: Option<String>,
    #[arg(long)]
    pub place: Option<String>,
    #[arg(long)]
    pub police_reference: Option<String>,
    /// The address reached by accident
    #[arg(long)]
    pub address: Option<String>,
    /// An erasure ends in disposal
    #[arg(long)]
    pub dispose: bool,
    /// The security duty to be off for a posture exception (antivirus, firewall, ...);
    /// `--until` gives its last day
    #[arg(long)]
    pub duty: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum RequestCmd {
    /// Report a problem or ask for something
    Raise(Box<RaiseArgs>),
    /// Requests this account may see
    List {
        #[command(flatten)]
        list: ListArgs,
        /// Only requests in this state; open (not yet dealt with), or all for every state.
        /// Sorts: due (the default), raised, reference, state, office
        #[arg(long)]
        state: Option<String>,
        /// Only requests past their response time
        #[arg(long)]
        late: bool,
        /// Only requests taken up by you (me) or by nobody yet (nobody)
        #[arg(long)]
        assigned: Option<String>,
        /// Only requests this office handles
        #[arg(long)]
        office: Option<String>,
    },
    /// One request with its history, approvals and follow-ups
    Show { id: i64 },
    Comment {
        id: i64,
        text: String,
        /// A note for officers only
        #[arg(long)]
        internal: bool,
    },
    /// Take a request up, or give it to an officer of the handling office
    Assign {
        id: i64,
        /// The colleague's username or person reference; yourself when left out
        #[arg(long)]
        to: Option<String>,
    },
    Approve {
        id: i64,
        #[arg(long)]
        reason: String,
    },
    Refuse {
        id: i64,
        #[arg(long)]
        reason: String,
    },
    /// Mark a follow-up done
    Done {
        id: i64,
        task: i64,
        #[arg(long, default_value = "")]
        note: String,
    },
    Resolve {
        id: i64,
        #[arg(long)]
        outcome: String,
        /// For erasure requests: how the data was erased
        #[arg(long)]
        method: Option<String>,
        #[arg(long)]
        certificate: Option<String>,
        /// For erasure requests: the item was disposed of
        #[arg(long)]
        dispose: bool,
    },
    Withdraw {
        id: i64,
        #[arg(long, default_value = "")]
        reason: String,
    },
}

#[derive(Args, Debug)]
pub struct CaseArgs {
    #[command(flatten)]
    pub acting: Acting,
    #[command(subcommand)]
    pub command: CaseCmd,
}

#[derive(Subcommand, Debug)]
pub enum CaseCmd {
    /// Raise a concern; with --anonymous nothing about who raised it is kept
    Raise {
        /// The person it is about
        #[arg(long)]
        subject: Option<String>,
        #[arg(long)]
        summary: String,
        #[arg(long, default_value = "")]
        details: String,
        #[arg(long)]
        anonymous: bool,
    },
    /// Cases this account handles (auditors: all). Sorts: raised (the default), reference,
    /// state
    List {
        #[command(flatten)]
        list: ListArgs,
        /// Only cases in this state: open (open or escalated), escalated, closed or all
        #[arg(long)]
        state: Option<String>,
    },
    /// Open a case; the look is recorded in the audit trail
    Show {
        id: i64,
    },
    Note {
        id: i64,
        text: String,
    },
    /// Refer a serious case on where the policy sends them
    Escalate {
        id: i64,
        #[arg(long)]
        reason: String,
    },
    /// Close a case with an outcome the policy provides for
    Close {
        id: i64,
        /// no_action, advice, restrict_software, remove_information, withdraw_access,
        /// replacement_charge, disciplinary, code_of_conduct_complaint or police
        #[arg(long)]
        outcome: String,
        #[arg(long)]
        note: String,
        /// The item a restriction or charge is about
        #[arg(long)]
        equipment: Option<String>,
    },
    /// Lift the withdrawal of access the case made
    RestoreAccess {
        id: i64,
    },
}
