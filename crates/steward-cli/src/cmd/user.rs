use super::listing::{self, Fetched};
use crate::app::App;
use crate::args::{ListArgs, UserCmd, UserCreate};
use crate::exit;
use crate::output::{Table, opt};
use chrono::{DateTime, Utc};
use steward_domain::PersonRef;
use steward_domain::auth::{ExternalId, INVITATION_HOURS, Password, Role, User, Username};
use steward_domain::ops::account_list::{
    self, AccountFilter, AccountSort, AccountStatus, UserView,
};
use steward_domain::ops::invitations::{self, CreateInvited, Invited};
use steward_domain::ops::oidc;
use steward_domain::ops::users::{self, CreateUser, PasswordChange};

/// The password from the first line of standard input, without its line ending. Nothing else
/// is trimmed: spaces are allowed in passwords.
pub fn password_from_stdin(asked: bool) -> anyhow::Result<String> {
    if !asked {
        return Err(crate::Exit {
            code: exit::USAGE,
            message: "a password is needed: add --password-stdin and write the password on \
                      standard input (Steward never sets a default password)"
                .into(),
        }
        .into());
    }
    let password = crate::input::first_line(
        std::io::stdin().lock(),
        crate::input::PASSWORD_LINE,
        "The password",
    )?;
    if password.is_empty() {
        return Err(crate::Exit {
            code: exit::INVALID,
            message: "no password was given on standard input; write it as the first line, \
                      e.g. `steward user create ... --password-stdin < password.txt`"
                .into(),
        }
        .into());
    }
    Ok(password)
}

pub fn time(at: &DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M").to_string()
}

async fn create(app: &App, args: UserCreate) -> anyhow::Result<u8> {
    let username: Username = args.username.parse()?;
    let role: Role = match (&args.role, args.admin) {
        (Some(role), _) => role.parse()?,
        (None, _) => Role::Admin,
    };
    let person = args.person.as_deref().map(str::parse).transpose()?;
    if args.invite {
        return create_invited(app, username, role, person, args.email).await;
    }
    let password = Password::new(password_from_stdin(args.password_stdin)?, &username)?;
    let ctx = app.ctx();
    let mut tx = app.begin().await?;
    let council = app.council(&mut tx).await?;
    let req = CreateUser {
        username,
        role,
        person,
        password,
        must_change_password: args.temporary,
    };
    let user = users::create(&mut tx, &ctx, &council, req).await?;
    tx.commit().await?;
    app.out.emit(&user, || {
        created_text(&user, args.person.as_deref(), &council.name)
    })?;
    Ok(exit::OK)
}

pub(crate) fn created_text(user: &User, person: Option<&str>, council: &str) -> String {
    let linked = person
        .map(|p| format!(" acting as {p}"))
        .unwrap_or_default();
    format!(
        "Created {} account {}{linked} in {council}.\n",
        user.role, user.username
    )
}

pub(crate) fn invited_account_text(user: &User, invited: &Invited, council: &str) -> String {
    format!(
        "Created {} account {} in {council} with no password yet.\n{}",
        user.role,
        user.username,
        invited_text(invited)
    )
}

/// What an invitation's output says: where it goes and how long its link will work.
pub(crate) fn invited_text(invited: &Invited) -> String {
    format!(
        "Queued an invitation for {} to {} <{}> (message {}). Its link works once, for \
         {INVITATION_HOURS} hours from when the outbox sends it; any earlier link no longer \
         works.\n",
        invited.username, invited.to, invited.address, invited.message_id
    )
}

async fn create_invited(
    app: &App,
    username: Username,
    role: Role,
    person: Option<PersonRef>,
    email: Option<String>,
) -> anyhow::Result<u8> {
    let ctx = app.ctx();
    let mut tx = app.begin().await?;
    let council = app.council(&mut tx).await?;
    let req = CreateInvited {
        username,
        role,
        person,
        email,
    };
    let (user, invited) = invitations::create_invited(&mut tx, &ctx, &council, req).await?;
    tx.commit().await?;
    let body = serde_json::json!({ "user": user, "invitation": invited });
    app.out.emit(&body, || {
        invited_account_text(&user, &invited, &council.name)
    })?;
    Ok(exit::OK)
}

/// `user list` as a table.
pub(crate) fn users_table(fetched: &Fetched<UserView>) -> String {
    let mut t = Table::new(&["USERNAME", "ROLE", "PERSON", "STATUS", "LAST SIGN-IN"]);
    for v in fetched.items() {
        t.row(vec![
            v.user.username.to_string(),
            v.user.role.to_string(),
            opt(&v.person),
            v.status.label().to_lowercase(),
            v.user
                .last_sign_in_at
                .as_ref()
                .map(time)
                .unwrap_or("-".into()),
        ]);
    }
    t.render() + &fetched.footer()
}

/// The filters of `user list`.
pub(crate) fn filter_of(role: Option<&str>, status: Option<&str>) -> anyhow::Result<AccountFilter> {
    Ok(AccountFilter {
        role: role.map(str::parse::<Role>).transpose()?,
        status: status
            .map(|s| s.parse::<AccountStatus>())
            .transpose()
            .map_err(|e| crate::Exit {
                code: exit::INVALID,
                message: format!("--status: {e}"),
            })?,
    })
}

pub(crate) fn disabled_text(username: &Username, done: &users::Disabled) -> String {
    format!(
        "Disabled {username}; {} session(s) ended.\n",
        done.sessions_ended
    )
}

pub(crate) fn enabled_text(username: &Username) -> String {
    format!("{username} can sign in again.\n")
}

pub(crate) fn reset_text(username: &Username) -> String {
    format!(
        "Set a new password for {username}; they must choose their own at next sign-in, and \
         any sessions of theirs have ended.\n"
    )
}

/// `user list`: every account, or one page.
async fn list(
    app: &App,
    list: &ListArgs,
    role: Option<&str>,
    status: Option<&str>,
) -> anyhow::Result<u8> {
    let filter = filter_of(role, status)?;
    let query = listing::query::<AccountSort, _>(list, filter)?;
    let mut tx = app.store.read().await?;
    let council = app.council(&mut tx).await?;
    drop(tx);
    let council = &council;
    let fetched = listing::fetch(list, query, |q| async move {
        let mut tx = app.store.read().await?;
        Ok(account_list::accounts(&mut tx, council, &q).await?)
    })
    .await?;
    fetched.print(&app.out, ("account", "accounts"), || users_table(&fetched))?;
    Ok(exit::OK)
}

pub async fn run(app: &App, cmd: UserCmd) -> anyhow::Result<u8> {
    let ctx = app.ctx();
    match cmd {
        UserCmd::Create(args) => return create(app, args).await,
        UserCmd::List {
            list: args,
            role,
            status,
        } => {
            return list(app, &args, role.as_deref(), status.as_deref()).await;
        }
        UserCmd::Invite { username, email } => {
            let username: Username = username.parse()?;
            let mut tx = app.begin().await?;
            let council = app.council(&mut tx).await?;
            let invited =
                invitations::invite(&mut tx, &ctx, &council, &username, email.as_deref()).await?;
            tx.commit().await?;
            app.out.emit(&invited, || invited_text(&invited))?;
        }
        UserCmd::Disable { username } => {
            let username: Username = username.parse()?;
            let mut tx = app.begin().await?;
            let council = app.council(&mut tx).await?;
            let done = users::disable(&mut tx, &ctx, &council, &username).await?;
            tx.commit().await?;
            app.out.emit(&done, || disabled_text(&username, &done))?;
        }
        UserCmd::Enable { username } => {
            let username: Username = username.parse()?;
            let mut tx = app.begin().await?;
            let council = app.council(&mut tx).await?;
            let user = users::enable(&mut tx, &ctx, &council, &username).await?;
            tx.commit().await?;
            app.out.emit(&user, || enabled_text(&username))?;
        }
        UserCmd::Password {
            username,
            password_stdin,
        } => {
            let username: Username = username.parse()?;
            let password = password_from_stdin(password_stdin)?;
            let mut tx = app.begin().await?;
            let council = app.council(&mut tx).await?;
            let user = users::set_password(
                &mut tx,
                &ctx,
                &council,
                &username,
                PasswordChange::Reset,
                &password,
            )
            .await?;
            tx.commit().await?;
            app.out.emit(&user, || reset_text(&username))?;
        }
        UserCmd::Identity {
            username,
            subject,
            tenant,
            object,
            clear,
        } => {
            let username: Username = username.parse()?;
            let external = match (subject, tenant, object) {
                _ if clear => None,
                (Some(sub), _, _) => Some(ExternalId::subject(&sub)?),
                (None, Some(tid), Some(oid)) => Some(ExternalId::entra(&tid, &oid)?),
                _ => {
                    return Err(crate::Exit {
                        code: exit::USAGE,
                        message: "give --subject, or --tenant with --object, or --clear".into(),
                    }
                    .into());
                }
            };
            let mut tx = app.begin().await?;
            let council = app.council(&mut tx).await?;
            let linked = oidc::link(&mut tx, &ctx, &council, &username, external).await?;
            tx.commit().await?;
            app.out.emit(&linked, || match &linked.external {
                Some(e) => format!(
                    "{username} now signs in at the identity provider as {}.\n",
                    e.describe()
                ),
                None => format!("{username} is no longer linked to the identity provider.\n"),
            })?;
        }
        UserCmd::BreakGlass { username, off } => {
            let username: Username = username.parse()?;
            let mut tx = app.begin().await?;
            let council = app.council(&mut tx).await?;
            let set = oidc::set_break_glass(&mut tx, &ctx, &council, &username, !off).await?;
            tx.commit().await?;
            app.out.emit(&set, || {
                if set.break_glass {
                    format!("{username} keeps its password when passwords are switched off.\n")
                } else {
                    format!("{username} is no longer a break-glass account.\n")
                }
            })?;
        }
    }
    Ok(exit::OK)
}
