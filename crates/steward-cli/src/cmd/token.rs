use super::listing::{self, Fetched};
use super::user::time;
use crate::app::App;
use crate::args::{ListArgs, TokenCmd};
use crate::exit;
use crate::output::{Table, opt};
use steward_domain::Council;
use steward_domain::auth::{ApiToken, Role, TokenScope};
use steward_domain::ops::account_list::{self, TokenFilter, TokenSort, TokenStatus, TokenView};
use steward_domain::ops::tokens::{self, CreateToken};

pub async fn run(app: &App, cmd: TokenCmd) -> anyhow::Result<u8> {
    let ctx = app.ctx();
    let mut tx = app.begin().await?;
    let council = app.council(&mut tx).await?;
    match cmd {
        TokenCmd::Create {
            username,
            role,
            name,
            expires,
            scim,
        } => {
            let (role, scope) = role_and_scope(role.as_deref(), scim)?;
            let req = CreateToken {
                username: username.parse()?,
                role,
                name,
                expires_on: expires,
                scope,
            };
            let created = tokens::create(&mut tx, &ctx, &council, req).await?;
            tx.commit().await?;
            let body = serde_json::json!({
                "token": &created.token,
                "secret": created.secret.expose(),
            });
            app.out.emit(&body, || {
                created_text(&created.token, &username, created.secret.expose())
            })?;
        }
        TokenCmd::List { list, status } => {
            drop(tx);
            return token_list(app, &council, &list, status.as_deref()).await;
        }
        TokenCmd::Revoke { id } => {
            let token = tokens::revoke(&mut tx, &ctx, &council, id).await?;
            tx.commit().await?;
            app.out.emit(&token, || revoked_text(&token))?;
        }
    }
    Ok(exit::OK)
}

/// The role and scope `token create` asks for: a SCIM token acts with the admin role.
pub(crate) fn role_and_scope(role: Option<&str>, scim: bool) -> anyhow::Result<(Role, TokenScope)> {
    if scim {
        return Ok((Role::Admin, TokenScope::Scim));
    }
    let role = role.ok_or_else(|| crate::Exit {
        code: exit::INVALID,
        message: "give --role, or --scim for a provisioning token".into(),
    })?;
    Ok((role.parse::<Role>()?, TokenScope::Api))
}

/// What `token create` prints: the secret, once.
pub(crate) fn created_text(t: &ApiToken, username: &str, secret: &str) -> String {
    let expiry = t
        .expires_on
        .map(|d| format!(", stops working on {d}"))
        .unwrap_or_default();
    let what = match t.scope {
        TokenScope::Api => t.role.to_string(),
        TokenScope::Scim => "SCIM provisioning only".to_string(),
    };
    format!(
        "Created token {} \"{}\" for {username} ({what}{expiry}).\n\
         Copy it now; it cannot be shown again:\n\n{secret}\n",
        t.id, t.name,
    )
}

pub(crate) fn revoked_text(token: &ApiToken) -> String {
    format!("Revoked token {} \"{}\".\n", token.id, token.name)
}

/// Reads `--status` of `token list`.
pub(crate) fn status_of(status: Option<&str>) -> anyhow::Result<Option<TokenStatus>> {
    status
        .map(|s| s.parse::<TokenStatus>())
        .transpose()
        .map_err(|e| {
            crate::Exit {
                code: exit::INVALID,
                message: format!("--status: {e}"),
            }
            .into()
        })
}

/// `token list` as a table.
pub(crate) fn tokens_table(fetched: &Fetched<TokenView>) -> String {
    let mut table = Table::new(&[
        "ID",
        "NAME",
        "USER",
        "ROLE",
        "FOR",
        "STATUS",
        "CREATED",
        "LAST USED",
        "EXPIRES",
    ]);
    for v in fetched.items() {
        let t = &v.token;
        table.row(vec![
            t.id.to_string(),
            t.name.clone(),
            opt(&v.username),
            t.role.to_string(),
            t.scope.words().to_string(),
            v.status.as_str().to_string(),
            time(&t.created_at),
            t.last_used_at.as_ref().map(time).unwrap_or("-".into()),
            opt(&t.expires_on),
        ]);
    }
    table.render() + &fetched.footer()
}

/// `token list`: every token, or one page; never a secret.
async fn token_list(
    app: &App,
    council: &Council,
    list: &ListArgs,
    status: Option<&str>,
) -> anyhow::Result<u8> {
    let status = status_of(status)?;
    let query = listing::query::<TokenSort, _>(list, TokenFilter { status })?;
    let now = app.ctx().now;
    let fetched = listing::fetch(list, query, |q| async move {
        let mut tx = app.store.read().await?;
        Ok(account_list::tokens(&mut tx, council, &q, now).await?)
    })
    .await?;
    fetched.print(&app.out, ("token", "tokens"), || tokens_table(&fetched))?;
    Ok(exit::OK)
}
