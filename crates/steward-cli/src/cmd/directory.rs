//! `steward directory`: the council's directory settings, and syncing the register with it.

use crate::app::App;
use crate::args::{DirectoryCmd, DirectorySource, MappingArgs, SyncArgs};
use crate::exit;
use crate::output::Table;
use steward_domain::directory::DirectoryTx;
use steward_domain::directory::settings::{
    Attributes, DirectorySettings, GroupMapping, SecretFrom, SourceSettings,
};
use steward_domain::directory::{Plan, apply};
use steward_domain::{Ctx, DomainError};
use steward_policy::PersonKind;
use steward_store::Store;

pub async fn run(app: &App, cmd: DirectoryCmd) -> anyhow::Result<u8> {
    match cmd {
        DirectoryCmd::Set(source) => set(app, *source).await,
        DirectoryCmd::Show => show(app).await,
        DirectoryCmd::Sync(args) => sync(app, &args).await,
    }
}

fn secret(file: Option<String>, env: Option<String>) -> anyhow::Result<Option<SecretFrom>> {
    Ok(match (file, env) {
        (Some(path), _) => Some(format!("file:{path}").parse()?),
        (None, Some(name)) => Some(format!("env:{name}").parse()?),
        (None, None) => None,
    })
}

fn mapping(
    m: &MappingArgs,
    mut attributes: Attributes,
) -> anyhow::Result<(Attributes, Option<PersonKind>, Vec<GroupMapping>)> {
    if let Some(reference) = &m.reference_attribute {
        attributes.reference = reference.clone();
    }
    attributes.name = m.name_attribute.clone();
    attributes.email = m.email_attribute.clone();
    attributes.kind = m.kind_attribute.clone();
    let default_kind = parse_kind(m.default_kind.as_deref())?;
    let groups = parse_groups(&m.groups)?;
    Ok((attributes, default_kind, groups))
}

fn parse_kind(kind: Option<&str>) -> Result<Option<PersonKind>, DomainError> {
    kind.map(|k| {
        k.parse::<PersonKind>()
            .map_err(|e| DomainError::invalid("default_kind", e.to_string()))
    })
    .transpose()
}

fn parse_groups(groups: &[String]) -> Result<Vec<GroupMapping>, DomainError> {
    groups.iter().map(|g| g.parse::<GroupMapping>()).collect()
}

async fn set(app: &App, source: DirectorySource) -> anyhow::Result<u8> {
    let settings = match source {
        DirectorySource::Ldap(a) => {
            let mut defaults = Attributes::ldap_defaults();
            defaults.external_id = a.id_attribute.clone();
            let (attributes, default_kind, groups) = mapping(&a.mapping, defaults)?;
            DirectorySettings {
                source: SourceSettings::Ldap {
                    url: a.url,
                    base_dn: a.base_dn,
                    bind_dn: a.bind_dn,
                    password: secret(a.password_file, a.password_env)?,
                    filter: a.filter,
                },
                attributes,
                default_kind,
                groups,
                scheduled: a.mapping.daily,
            }
        }
        DirectorySource::Scim(s) => {
            let attributes = Attributes {
                external_id: s.id_attribute,
                reference: s.reference_attribute,
                name: s.name_attribute,
                email: s.email_attribute,
                kind: s.kind_attribute,
            };
            DirectorySettings {
                source: SourceSettings::Scim,
                attributes,
                default_kind: parse_kind(s.default_kind.as_deref())?,
                groups: parse_groups(&s.groups)?,
                scheduled: false,
            }
        }
        DirectorySource::Graph(g) => {
            let (attributes, default_kind, groups) =
                mapping(&g.mapping, Attributes::graph_defaults())?;
            let token_url = match (g.token_url, g.tenant) {
                (Some(url), _) => url,
                (None, Some(tenant)) => {
                    if !tenant
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
                    {
                        return Err(DomainError::invalid(
                            "tenant",
                            "give the tenant's id (a GUID) or its domain name",
                        )
                        .into());
                    }
                    format!("https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token")
                }
                (None, None) => {
                    return Err(
                        DomainError::invalid("tenant", "give --tenant or --token-url").into(),
                    );
                }
            };
            let client_secret =
                secret(g.client_secret_file, g.client_secret_env)?.ok_or_else(|| {
                    DomainError::invalid(
                        "client_secret",
                        "give --client-secret-file or --client-secret-env",
                    )
                })?;
            DirectorySettings {
                source: SourceSettings::Graph {
                    base_url: g.base_url,
                    token_url,
                    client_id: g.client_id,
                    client_secret,
                },
                attributes,
                default_kind,
                groups,
                scheduled: g.mapping.daily,
            }
        }
    };
    let ctx = app.ctx();
    let mut tx = app.begin().await?;
    let council = app.council(&mut tx).await?;
    apply::save_settings(&mut tx, &ctx, &council, &settings).await?;
    tx.commit().await?;
    app.out.emit(&settings, || {
        format!("Saved the directory settings of {}.\n", council.name)
    })?;
    Ok(exit::OK)
}

/// The settings in lines of words.
pub fn describe(s: &DirectorySettings) -> String {
    s.summary()
        .into_iter()
        .map(|(label, value)| format!("{:<16} {value}\n", format!("{label}:")))
        .collect()
}

async fn show(app: &App) -> anyhow::Result<u8> {
    let mut tx = app.store.read().await?;
    let council = app.council(&mut tx).await?;
    let settings = apply::settings(&mut tx, &council).await?;
    drop(tx);
    app.out
        .show(&settings, "the directory settings", || describe(&settings))?;
    Ok(exit::OK)
}

/// The plan as a table, with the entries that could not be read after it.
pub fn plan_table(plan: &Plan) -> String {
    let mut table = Table::new(&["CHANGE", "REFERENCE", "NAME", "WHAT HAPPENS"]);
    for row in plan.rows() {
        table.row(vec![
            row.change,
            row.reference.to_string(),
            row.name,
            row.what,
        ]);
    }
    let mut out = table.render();
    if !plan.problems.is_empty() {
        out.push_str("\nEntries that could not be read (their people are left as they are):\n");
        for p in &plan.problems {
            out.push_str(&format!("  {}: {}\n", p.entry, p.message));
        }
    }
    out
}

async fn sync(app: &App, args: &SyncArgs) -> anyhow::Result<u8> {
    let settings = {
        let mut tx = app.store.read().await?;
        let council = app.council(&mut tx).await?;
        apply::settings(&mut tx, &council).await?
    };
    // The directory is read before the register's transaction starts, so a slow directory
    // holds no lock on the register.
    let raw = steward_directory::read(&settings)
        .await
        .map_err(|e| crate::Exit {
            code: exit::INTERNAL,
            message: e.to_string(),
        })?;
    let ctx = app.ctx();
    let mut tx = app.begin().await?;
    let council = app.council(&mut tx).await?;
    let plan = apply::sync(&mut tx, &ctx, &council, &settings, &raw).await?;
    let outcome = if args.apply {
        tx.commit().await?;
        format!("Synced with the directory: {}", plan.summary())
    } else {
        drop(tx);
        format!(
            "Would sync with the directory: {} (nothing changed)",
            plan.summary()
        )
    };
    app.out.show(&plan, outcome.clone(), || {
        format!("{}\n{outcome}.\n", plan_table(&plan))
    })?;
    Ok(exit::OK)
}

/// The daily sync of every council whose settings ask for one, as `steward serve` runs it
/// after the sweep. The directory is read before the register's transaction begins; one
/// council's failure is logged and does not stop the others'.
pub async fn sync_scheduled(store: &Store, ctx: &Ctx) -> anyhow::Result<()> {
    for council in super::outbox::councils(store).await? {
        let settings = {
            let mut tx = store.read().await?;
            tx.directory_settings(council.id).await?
        };
        let Some(settings) = settings.filter(|s| s.scheduled) else {
            continue;
        };
        let raw = match steward_directory::read(&settings).await {
            Ok(raw) => raw,
            Err(e) => {
                tracing::error!(council = %council.slug, error = %e, "the directory could not be read");
                continue;
            }
        };
        let mut tx = store.begin().await?;
        match apply::sync_daily(&mut tx, ctx, &council, &settings, &raw).await {
            Ok(Some(plan)) => {
                tx.commit().await?;
                eprintln!(
                    "Directory sync for {} on {}: {}.",
                    council.name,
                    ctx.today,
                    plan.summary()
                );
            }
            Ok(None) => tx.rollback().await?,
            Err(e) => {
                tracing::error!(council = %council.slug, error = %e, "the directory sync failed");
            }
        }
    }
    Ok(())
}
