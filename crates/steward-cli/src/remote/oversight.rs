//! Accounts, API tokens, the audit trail and the council's policy through the API.

use super::calls::{Ask, ListAt, seg};
use super::register::{Link, fetch};
use crate::args::{
    AuditCmd, AuditLogArgs, AuditVerify, OutboxCmd, PolicyCmd, ReportArgs, RetentionCmd, TokenCmd,
    UserCmd,
};
use crate::cmd::audit_log;
use crate::cmd::{audit_files, outbox, policy, token, user};
use crate::exit;
use serde::Deserialize;
use steward_domain::PackVersion;
use steward_domain::audit::{AuditRecord, ChainProblem, ChainReport};
use steward_domain::auth::{ApiToken, Role, User, Username};
use steward_domain::listing::{Cursor, MAX_LIMIT};
use steward_domain::ops::account_list::{AccountSort, TokenSort, TokenView, UserView};
use steward_domain::ops::audit_log::{london_day_end, london_day_start};
use steward_domain::ops::invitations::Invited;
use steward_domain::ops::outbox::list::MessageSort;
use steward_domain::ops::outbox::{MessageDetail, Resolution};
use steward_domain::ops::reports::{Chart, Column, Report, ReportName};
use steward_domain::ops::retention::RetentionPlan;
use steward_domain::ops::users::Disabled;
use steward_domain::outbox::{MessageState, OutboxMessage};

pub fn tokens(link: &Link<'_>, cmd: TokenCmd) -> anyhow::Result<u8> {
    let (remote, out) = (link.remote, link.out);
    match cmd {
        TokenCmd::Create {
            username,
            role,
            name,
            expires,
            scim,
        } => {
            username.parse::<Username>()?;
            let (role, scope) = token::role_and_scope(role.as_deref(), scim)?;
            #[derive(Deserialize, serde::Serialize)]
            struct Made {
                token: ApiToken,
                secret: String,
            }
            let made: Made = remote.send(&Ask::post(
                "/tokens",
                Some(serde_json::json!({
                    "username": username, "role": role.as_str(), "name": name,
                    "expires_on": expires, "scope": scope.as_str(),
                })),
            ))?;
            out.emit(&made, || {
                token::created_text(&made.token, &username, &made.secret)
            })?;
        }
        TokenCmd::List { list, status } => {
            let status = token::status_of(status.as_deref())?;
            crate::cmd::listing::query::<TokenSort, _>(&list, ())?;
            let mut call =
                ListAt::<TokenView>::new("/tokens").with("status", status.map(|s| s.as_str()));
            let fetched = fetch(&list, |w| {
                call.window = w;
                remote.send(&call)
            })?;
            fetched.print(out, ("token", "tokens"), || token::tokens_table(&fetched))?;
        }
        TokenCmd::Revoke { id } => {
            let revoked: ApiToken =
                remote.send(&Ask::post(format!("/tokens/{id}/revoke"), None))?;
            out.emit(&revoked, || token::revoked_text(&revoked))?;
        }
    }
    Ok(exit::OK)
}

pub fn users(link: &Link<'_>, cmd: UserCmd) -> anyhow::Result<Option<u8>> {
    let (remote, out) = (link.remote, link.out);
    match cmd {
        UserCmd::List { list, role, status } => {
            let filter = user::filter_of(role.as_deref(), status.as_deref())?;
            crate::cmd::listing::query::<AccountSort, _>(&list, ())?;
            let mut call = ListAt::<UserView>::new("/users")
                .with("role", filter.role)
                .with("status", filter.status.map(|s| s.as_str()));
            let fetched = fetch(&list, |w| {
                call.window = w;
                remote.send(&call)
            })?;
            fetched.print(out, ("account", "accounts"), || user::users_table(&fetched))?;
        }
        UserCmd::Invite { username, email } => {
            let name: Username = username.parse()?;
            let invited: Invited = remote.send(&Ask::post(
                format!("/users/{}/invite", seg(name.as_str())),
                Some(serde_json::json!({ "email": email })),
            ))?;
            out.emit(&invited, || user::invited_text(&invited))?;
        }
        UserCmd::Disable { username } => {
            let name: Username = username.parse()?;
            let done: Disabled = remote.send(&Ask::post(
                format!("/users/{}/disable", seg(name.as_str())),
                None,
            ))?;
            out.emit(&done, || user::disabled_text(&name, &done))?;
        }
        UserCmd::Enable { username } => {
            let name: Username = username.parse()?;
            let enabled: User = remote.send(&Ask::post(
                format!("/users/{}/enable", seg(name.as_str())),
                None,
            ))?;
            out.emit(&enabled, || user::enabled_text(&name))?;
        }
        UserCmd::Password {
            username,
            password_stdin,
        } => {
            let name: Username = username.parse()?;
            let password = user::password_from_stdin(password_stdin)?;
            let reset: User = remote.send(&Ask::post(
                format!("/users/{}/password", seg(name.as_str())),
                Some(serde_json::json!({ "password": password })),
            ))?;
            out.emit(&reset, || user::reset_text(&name))?;
        }
        UserCmd::Create(args) => return user_create(link, args).map(Some),
        // Links to the identity provider are set on the database, where the server reads them.
        UserCmd::Identity { .. } | UserCmd::BreakGlass { .. } => return Ok(None),
    }
    Ok(Some(exit::OK))
}

/// An account the API made, and its invitation when its holder was invited.
#[derive(Deserialize)]
struct MadeUser {
    #[serde(flatten)]
    user: User,
    invitation: Option<Invited>,
}

/// `user create` through the API: an invitation, or a temporary password read from standard
/// input; the server decides which it takes (invitations where it sends email).
fn user_create(link: &Link<'_>, args: crate::args::UserCreate) -> anyhow::Result<u8> {
    args.username.parse::<Username>()?;
    let role = match (&args.role, args.admin) {
        (Some(role), _) => role.parse::<Role>()?,
        (None, _) => Role::Admin,
    };
    if let Some(p) = &args.person {
        p.parse::<steward_domain::PersonRef>()?;
    }
    let password = match args.invite {
        true => None,
        false if !args.temporary => {
            return Err(crate::Exit {
                code: exit::USAGE,
                message: "with --server an account's password is always temporary, its holder \
                          choosing their own at first sign-in: add --temporary, or --invite"
                    .into(),
            }
            .into());
        }
        false => Some(user::password_from_stdin(args.password_stdin)?),
    };
    let made: MadeUser = link.remote.send(&Ask::post(
        "/users",
        Some(serde_json::json!({
            "username": args.username, "role": role.as_str(), "person": args.person,
            "password": password, "invite": args.invite, "email": args.email,
        })),
    ))?;
    let due: super::calls::DuePage = link.remote.send(&Ask::get("/due").with("limit", Some(1)))?;
    match &made.invitation {
        Some(invited) => {
            let body = serde_json::json!({ "user": made.user, "invitation": invited });
            link.out.emit(&body, || {
                user::invited_account_text(&made.user, invited, &due.council)
            })?;
        }
        None => link.out.emit(&made.user, || {
            user::created_text(&made.user, args.person.as_deref(), &due.council)
        })?,
    }
    Ok(exit::OK)
}

/// An audit record as the API lists it: as stored, with its words.
#[derive(Deserialize)]
struct Logged {
    #[serde(flatten)]
    record: AuditRecord,
    when: String,
    sentence: String,
}

/// What the API's check of the chain found.
#[derive(Deserialize)]
struct Checked {
    council: String,
    council_name: String,
    verified_through: i64,
    ok: bool,
    records: i64,
    problem: Option<ChainProblem>,
}

pub fn audit(link: &Link<'_>, cmd: AuditCmd) -> anyhow::Result<Option<u8>> {
    match cmd {
        AuditCmd::Log(args) => audit_log(link, &args).map(Some),
        AuditCmd::Verify(args) => audit_verify(link, &args),
        AuditCmd::Export { out } => audit_export(link, &out).map(Some),
        // A checkpoint is signed with a key kept beside the database, and a heartbeat is
        // noted there on a schedule.
        _ => Ok(None),
    }
}

fn audit_log(link: &Link<'_>, args: &AuditLogArgs) -> anyhow::Result<u8> {
    // The same checks as on a database, so that a mistake reads the same.
    audit_log::filter(args)?;
    let mut cursor = match args.cursor.as_deref() {
        Some(c) => Some(c.parse::<Cursor>().map_err(|_| crate::Exit {
            code: exit::INVALID,
            message: "--cursor: give the cursor an earlier run printed".into(),
        })?),
        None => None,
    }
    .map(|c| c.to_string());
    let limit = args.limit as usize;
    let mut rows: Vec<Logged> = Vec::new();
    let next = loop {
        let wanted = (limit - rows.len()).min(MAX_LIMIT as usize);
        let call = Ask::<super::calls::ApiPage<Logged>>::get("/audit")
            .with("limit", Some(wanted))
            .with("cursor", cursor.take())
            .with("dir", args.desc.then_some("desc"))
            .with("entity", args.entity.as_ref())
            .with("entity_id", args.id.as_ref())
            .with("action", args.action.as_ref())
            .with("actor", args.by.as_ref())
            .with("from", args.from.map(|d| london_day_start(d).to_rfc3339()))
            .with("to", args.to.map(|d| london_day_end(d).to_rfc3339()));
        let page = link.remote.send(&call)?;
        rows.extend(page.items);
        match page.next_cursor {
            Some(c) if rows.len() < limit => cursor = Some(c),
            next => break next,
        }
    };
    let records: Vec<&AuditRecord> = rows.iter().map(|r| &r.record).collect();
    link.out.emit(&records, || {
        let table: Vec<(i64, &str, &str)> = rows
            .iter()
            .map(|r| (r.record.seq, r.when.as_str(), r.sentence.as_str()))
            .collect();
        audit_log::rows_table(&table, next.as_deref())
    })?;
    Ok(exit::OK)
}

/// The whole chain as JSON lines, read a page at a time in sequence order and written to a
/// file beside `out` that takes its name only once it is whole.
fn audit_export(link: &Link<'_>, out: &std::path::Path) -> anyhow::Result<u8> {
    use anyhow::Context;
    use std::io::Write;
    use steward_domain::audit::export::ExportLine;
    use steward_domain::audit::{TimeBuf, timestamp_text};
    let dir = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        None | Some(_) => std::path::PathBuf::from("."),
    };
    let temp = tempfile::NamedTempFile::new_in(&dir)
        .with_context(|| format!("could not write in {}", dir.display()))?;
    let mut writer = std::io::BufWriter::with_capacity(1 << 20, temp);
    let mut time = TimeBuf::default();
    let (mut written, mut head) = (0i64, 0i64);
    let mut cursor: Option<String> = None;
    loop {
        let page: super::calls::ApiPage<Logged> = link.remote.send(
            &Ask::get("/audit")
                .with("limit", Some(MAX_LIMIT))
                .with("cursor", cursor.take()),
        )?;
        for logged in &page.items {
            let line = ExportLine::of(&logged.record, &mut time)
                .map_err(|problem| anyhow::anyhow!("{problem}; run `steward audit verify`"))?;
            serde_json::to_writer(&mut writer, &line)?;
            writer.write_all(b"\n")?;
            written += 1;
            head = logged.record.seq;
        }
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    // The council's name, as the words on a database give it.
    let due: super::calls::DuePage = link.remote.send(&Ask::get("/due").with("limit", Some(1)))?;
    let temp = writer
        .into_inner()
        .map_err(|e| anyhow::anyhow!("could not write {}: {}", out.display(), e.error()))?;
    temp.as_file().sync_all()?;
    temp.persist(out)
        .map_err(|e| anyhow::anyhow!("could not write {}: {}", out.display(), e.error))?;
    // The moment the export was taken, on this machine's clock or the day `--as-of` names.
    let now = match link.as_of {
        Some(day) => day.and_time(chrono::NaiveTime::MIN).and_utc(),
        None => chrono::Utc::now(),
    };
    let done = crate::cmd::audit::Exported {
        file: out.display().to_string(),
        records: written,
        head_seq: head,
        exported_at: timestamp_text(now),
    };
    done.emit(link.out, &due.council)?;
    Ok(exit::OK)
}

fn audit_verify(link: &Link<'_>, args: &AuditVerify) -> anyhow::Result<Option<u8>> {
    if args.checkpoints.is_some() {
        return Ok(None);
    }
    let checked: Checked = link.remote.send(&Ask::get("/audit/verify"))?;
    let report = ChainReport {
        outcome: match (checked.ok, checked.problem) {
            (false, Some(problem)) => Err(problem),
            _ => Ok(checked.records),
        },
        verified_through: checked.verified_through,
        council_id: None,
        observed: Vec::new(),
    };
    audit_files::verdict(
        &checked.council_name,
        checked.council,
        &report,
        None,
        Vec::new(),
    )
    .emit(link.out)
    .map(Some)
}

/// A policy version as the API shows it; the rules are read again from its text.
#[derive(Deserialize)]
struct PolicyView {
    version: PackVersion,
}

pub fn policy(link: &Link<'_>, cmd: PolicyCmd) -> anyhow::Result<Option<u8>> {
    let (remote, out) = (link.remote, link.out);
    match cmd {
        PolicyCmd::Show {
            source: None,
            version,
            text,
        } => {
            let view: PolicyView = match version {
                Some(n) => remote.send(&Ask::get(format!("/policy/versions/{n}")))?,
                None => remote.send(&Ask::get("/policy").with("as_of", link.as_of))?,
            };
            let loaded = policy::stored_pack(&view.version)?;
            policy::show(out, &loaded, text)?;
        }
        PolicyCmd::Versions => {
            let mut all = Vec::new();
            let mut cursor: Option<String> = None;
            loop {
                let page: super::calls::ApiPage<PackVersion> = remote.send(
                    &Ask::get("/policy/versions")
                        .with("limit", Some(MAX_LIMIT))
                        .with("cursor", cursor.take()),
                )?;
                all.extend(page.items);
                match page.next_cursor {
                    Some(c) => cursor = Some(c),
                    None => break,
                }
            }
            policy::versions_list(out, &all)?;
        }
        PolicyCmd::Adopt {
            file,
            preset,
            effective,
        } => {
            let body = adoption(file.as_deref(), preset.as_deref(), effective)?;
            let version: PackVersion = remote.send(&Ask::post("/policy/adopt", Some(body)))?;
            // The council's name, as the words on a database give it.
            let due: super::calls::DuePage =
                remote.send(&Ask::get("/due").with("limit", Some(1)))?;
            out.emit(&version, || policy::adopted_text(&due.council, &version))?;
        }
        PolicyCmd::Changes {
            file,
            preset,
            effective,
        } => {
            let body = adoption(file.as_deref(), preset.as_deref(), effective)?;
            let preview: steward_domain::ops::policy::AdoptionPreview =
                remote.send(&Ask::post("/policy/changes", Some(body)))?;
            out.emit(&preview, || policy::changes_text(&preview))?;
        }
        // Checking files, listing presets and showing a preset or file run here.
        _ => return Ok(None),
    }
    Ok(Some(exit::OK))
}

/// What `policy adopt` and `policy changes` send: a preset's id, or a file's text, checked
/// here first so that its problems name the file's lines.
fn adoption(
    file: Option<&std::path::Path>,
    preset: Option<&str>,
    effective: Option<chrono::NaiveDate>,
) -> anyhow::Result<serde_json::Value> {
    policy::named_pack(file, preset)?;
    let source = match file {
        Some(f) => Some(crate::input::read_text(f, crate::input::POLICY)?),
        None => None,
    };
    Ok(serde_json::json!({
        "preset": preset, "source": source, "effective_from": effective,
    }))
}

pub fn retention(link: &Link<'_>, cmd: RetentionCmd) -> anyhow::Result<u8> {
    let (plan, dry_run): (RetentionPlan, bool) = match cmd {
        RetentionCmd::Plan => (link.remote.send(&Ask::get("/retention"))?, false),
        RetentionCmd::Purge { dry_run: true } => (link.remote.send(&Ask::get("/retention"))?, true),
        RetentionCmd::Purge { dry_run: false } => (
            link.remote.send(&Ask::post("/retention/purge", None))?,
            false,
        ),
    };
    link.out
        .emit(&plan, || crate::cmd::retention::describe(&plan, dry_run))?;
    Ok(exit::OK)
}

/// A report as the API answers it: each row an object keyed by column.
#[derive(Deserialize)]
struct ReportRows {
    name: ReportName,
    title: String,
    council: String,
    as_of: chrono::NaiveDate,
    policy: Option<String>,
    notes: Vec<String>,
    columns: Vec<Column>,
    rows: Vec<serde_json::Map<String, serde_json::Value>>,
    chart: Chart,
}

pub fn report(link: &Link<'_>, args: ReportArgs) -> anyhow::Result<u8> {
    let name: ReportName = args.name.parse()?;
    // The token's account reads the report, as `--as` would name one on a database.
    let got: ReportRows = link.remote.send(
        &Ask::get(format!("/reports/{}", seg(name.as_str())))
            .with("as_of", link.as_of)
            .with("from", args.from),
    )?;
    let rows = got
        .rows
        .iter()
        .map(|row| {
            got.columns
                .iter()
                .map(|c| match row.get(&c.key) {
                    Some(serde_json::Value::String(s)) => s.clone(),
                    _ => String::new(),
                })
                .collect()
        })
        .collect();
    let report = Report {
        name: got.name,
        title: got.title,
        council: got.council,
        as_of: got.as_of,
        policy: got.policy,
        notes: got.notes,
        columns: got.columns,
        rows,
        chart: got.chart,
    };
    crate::cmd::report::print(link.out, &report, &args)
}

pub fn outbox(link: &Link<'_>, cmd: OutboxCmd) -> anyhow::Result<Option<u8>> {
    let (remote, out) = (link.remote, link.out);
    match cmd {
        OutboxCmd::List { list, state } => {
            if let Some(s) = &state {
                s.parse::<MessageState>()?;
            }
            crate::cmd::listing::query::<MessageSort, _>(&list, ())?;
            let mut call = ListAt::<OutboxMessage>::new("/notifications").with("state", state);
            let fetched = fetch(&list, |w| {
                call.window = w;
                remote.send(&call)
            })?;
            fetched.print(out, ("message", "messages"), || {
                outbox::table(fetched.items()) + &fetched.footer()
            })?;
        }
        OutboxCmd::Show { id } => {
            let d: MessageDetail = remote.send(&Ask::get(format!("/notifications/{id}")))?;
            out.emit(&d, || outbox::show_text(&d))?;
        }
        OutboxCmd::Retry { id } => {
            let m: OutboxMessage =
                remote.send(&Ask::post(format!("/notifications/{id}/retry"), None))?;
            out.emit(&m, || outbox::settled_text(&m, Resolution::Resend))?;
        }
        OutboxCmd::Resolve { id, sent, .. } => {
            let resolution = if sent {
                Resolution::Sent
            } else {
                Resolution::Resend
            };
            let word = if sent { "sent" } else { "resend" };
            let m: OutboxMessage = remote.send(&Ask::post(
                format!("/notifications/{id}/resolve"),
                Some(serde_json::json!({ "outcome": word })),
            ))?;
            out.emit(&m, || outbox::settled_text(&m, resolution))?;
        }
        // Sending speaks to the mail server with the server's own credentials; the server
        // sends its outbox itself.
        OutboxCmd::Send(_) => return Ok(None),
    }
    Ok(Some(exit::OK))
}

/// How the council signs in with its identity provider, as `council oidc show` prints it on
/// the database; an administrator's token reads it, and the secret never leaves the server.
pub fn sign_in(link: &Link<'_>) -> anyhow::Result<u8> {
    #[derive(serde::Deserialize)]
    struct SignIn {
        council: String,
        settings: Option<steward_domain::auth::OidcSettings>,
    }
    let got: SignIn = link.remote.send(&Ask::get("/oidc"))?;
    let found = got.settings;
    link.out.emit(&found, || {
        crate::cmd::council::shown_text(found.as_ref(), &got.council)
    })?;
    Ok(exit::OK)
}

/// The directory settings, as `directory show` prints them on the database; an
/// administrator's token reads them, and secrets never leave the server.
pub fn directory(link: &Link<'_>) -> anyhow::Result<u8> {
    let settings: steward_domain::directory::settings::DirectorySettings =
        link.remote.send(&Ask::get("/directory"))?;
    link.out.show(&settings, "the directory settings", || {
        crate::cmd::directory::describe(&settings)
    })?;
    Ok(exit::OK)
}
