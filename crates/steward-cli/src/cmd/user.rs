use crate::app::App;
use crate::args::{UserCmd, UserCreate};
use crate::exit;
use crate::output::{Table, opt};
use chrono::{DateTime, Utc};
use std::io::BufRead;
use steward_domain::auth::{Password, Role, User, Username};
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
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    let password = line
        .strip_suffix('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .unwrap_or(&line)
        .to_string();
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

fn status(user: &User) -> &'static str {
    if user.disabled {
        "disabled"
    } else if user.must_change_password {
        "must change password"
    } else {
        "active"
    }
}

async fn create(app: &App, args: UserCreate) -> anyhow::Result<u8> {
    let username: Username = args.username.parse()?;
    let role: Role = match (&args.role, args.admin) {
        (Some(role), _) => role.parse()?,
        (None, _) => Role::Admin,
    };
    let person = args.person.as_deref().map(str::parse).transpose()?;
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
        let linked = args
            .person
            .as_ref()
            .map(|p| format!(" acting as {p}"))
            .unwrap_or_default();
        format!(
            "Created {} account {}{linked} in {}.\n",
            user.role, user.username, council.name
        )
    })?;
    Ok(exit::OK)
}

pub async fn run(app: &App, cmd: UserCmd) -> anyhow::Result<u8> {
    let ctx = app.ctx();
    match cmd {
        UserCmd::Create(args) => return create(app, args).await,
        UserCmd::List => {
            let mut tx = app.begin().await?;
            let council = app.council(&mut tx).await?;
            let all = users::list(&mut tx, &council).await?;
            app.out.emit(&all, || {
                let mut t = Table::new(&["USERNAME", "ROLE", "PERSON", "STATUS", "LAST SIGN-IN"]);
                for v in &all {
                    t.row(vec![
                        v.user.username.to_string(),
                        v.user.role.to_string(),
                        opt(&v.person),
                        status(&v.user).to_string(),
                        v.user
                            .last_sign_in_at
                            .as_ref()
                            .map(time)
                            .unwrap_or("-".into()),
                    ]);
                }
                t.render()
            })?;
        }
        UserCmd::Disable { username } => {
            let username: Username = username.parse()?;
            let mut tx = app.begin().await?;
            let council = app.council(&mut tx).await?;
            let done = users::disable(&mut tx, &ctx, &council, &username).await?;
            tx.commit().await?;
            app.out.emit(&done, || {
                format!(
                    "Disabled {username}; {} session(s) ended.\n",
                    done.sessions_ended
                )
            })?;
        }
        UserCmd::Enable { username } => {
            let username: Username = username.parse()?;
            let mut tx = app.begin().await?;
            let council = app.council(&mut tx).await?;
            let user = users::enable(&mut tx, &ctx, &council, &username).await?;
            tx.commit().await?;
            app.out
                .emit(&user, || format!("{username} can sign in again.\n"))?;
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
            app.out.emit(&user, || {
                format!(
                    "Set a new password for {username}; they must choose their own at next \
                     sign-in, and any sessions of theirs have ended.\n"
                )
            })?;
        }
    }
    Ok(exit::OK)
}
