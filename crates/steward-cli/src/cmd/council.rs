use crate::app::App;
use crate::args::{CouncilCmd, OidcCmd, OidcSet};
use crate::exit;
use crate::output::Table;
use steward_domain::CouncilSlug;
use steward_domain::auth::{
    AccountKey, Issuer, OidcSettings, RoleClaim, RoleMapping, SecretSource,
};
use steward_domain::ops::{council, oidc, policy};

pub async fn run(app: &App, cmd: CouncilCmd) -> anyhow::Result<u8> {
    match cmd {
        CouncilCmd::Create { slug, name, preset } => {
            let slug: CouncilSlug = slug.parse()?;
            let loaded = match &preset {
                Some(id) => Some(super::policy::load_preset(id)?),
                None => None,
            };
            let ctx = app.ctx();
            let mut tx = app.begin().await?;
            let created = council::create(&mut tx, &ctx, &slug, &name).await?;
            if let Some(loaded) = &loaded {
                policy::adopt(&mut tx, &ctx, &created, loaded, ctx.today).await?;
            }
            tx.commit().await?;
            app.out.emit(&created, || {
                let adopted = preset
                    .map(|p| format!(" and adopted the {p} policy"))
                    .unwrap_or_default();
                format!(
                    "Created council {} ({}){adopted}.\n",
                    created.name, created.slug
                )
            })?;
        }
        CouncilCmd::List => {
            let mut tx = app.begin().await?;
            let all = steward_domain::RegisterTx::councils(&mut tx).await?;
            app.out.emit(&all, || {
                let mut t = Table::new(&["SLUG", "NAME"]);
                for c in &all {
                    t.row(vec![c.slug.to_string(), c.name.clone()]);
                }
                t.render()
            })?;
        }
        CouncilCmd::Oidc(cmd) => return run_oidc(app, cmd).await,
    }
    Ok(exit::OK)
}

fn settings_from(args: OidcSet) -> anyhow::Result<OidcSettings> {
    let issuer = Issuer::parse(&args.issuer)?;
    let secret = match (&args.secret_file, &args.secret_env) {
        (Some(path), _) => SecretSource::file(path)?,
        (None, Some(name)) => SecretSource::env(name)?,
        (None, None) => anyhow::bail!("give --secret-file or --secret-env"),
    };
    let account_key = match &args.account_key {
        Some(k) => AccountKey::parse(k)?,
        None => AccountKey::for_issuer(&issuer),
    };
    let role_map = args
        .roles
        .iter()
        .map(|r| RoleMapping::parse(r))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(OidcSettings::new(
        &args.name,
        issuer,
        &args.client_id,
        secret,
        RoleClaim::parse(&args.role_claim)?,
        account_key,
        role_map,
        args.passwords_off,
    )?)
}

/// The council's sign-in settings, or that everyone uses a password.
pub(crate) fn shown_text(found: Option<&OidcSettings>, council: &str) -> String {
    match found {
        Some(s) => describe(s),
        None => format!(
            "{council} does not sign in with an identity provider; everyone uses a password.\n"
        ),
    }
}

/// The settings as an administrator reads them, a line each.
pub fn describe(s: &OidcSettings) -> String {
    let mut t = Table::new(&["SETTING", "VALUE"]);
    t.row(vec!["Provider".into(), s.provider_name.clone()]);
    t.row(vec!["Issuer".into(), s.issuer.to_string()]);
    t.row(vec!["Client id".into(), s.client_id.clone()]);
    t.row(vec!["Client secret read from".into(), s.secret.describe()]);
    t.row(vec![
        "Accounts linked by".into(),
        s.account_key.label().into(),
    ]);
    t.row(vec![
        "Roles from the claim".into(),
        s.role_claim.as_str().into(),
    ]);
    for m in &s.role_map {
        t.row(vec![format!("  {}", m.value), m.role.label().into()]);
    }
    t.row(vec![
        "Passwords".into(),
        if s.passwords_off {
            "Only administrators' break-glass accounts".into()
        } else {
            "Anyone with a password may still use it".into()
        },
    ]);
    t.render()
}

async fn run_oidc(app: &App, cmd: OidcCmd) -> anyhow::Result<u8> {
    let ctx = app.ctx();
    match cmd {
        OidcCmd::Set(args) => {
            let settings = settings_from(args)?;
            let mut tx = app.begin().await?;
            let council = app.council(&mut tx).await?;
            let saved = oidc::set(&mut tx, &ctx, &council, settings).await?;
            tx.commit().await?;
            app.out.emit(&saved, || {
                format!(
                    "{} now signs in with {}.\n{}",
                    council.name,
                    saved.provider_name,
                    describe(&saved)
                )
            })?;
        }
        OidcCmd::Show => {
            let mut tx = app.begin().await?;
            let council = app.council(&mut tx).await?;
            let found = oidc::settings(&mut tx, &council).await?;
            app.out
                .emit(&found, || shown_text(found.as_ref(), &council.name))?;
        }
        OidcCmd::Clear => {
            let mut tx = app.begin().await?;
            let council = app.council(&mut tx).await?;
            let cleared = oidc::clear(&mut tx, &ctx, &council).await?;
            tx.commit().await?;
            app.out
                .emit(&serde_json::json!({ "cleared": cleared }), || {
                    if cleared {
                        format!(
                            "{} no longer signs in with an identity provider; everyone uses a \
                         password again.\n",
                            council.name
                        )
                    } else {
                        format!("{} had no identity provider to clear.\n", council.name)
                    }
                })?;
        }
    }
    Ok(exit::OK)
}
