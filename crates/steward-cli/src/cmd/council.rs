use crate::app::App;
use crate::args::CouncilCmd;
use crate::exit;
use crate::output::Table;
use steward_domain::CouncilSlug;
use steward_domain::ops::{council, policy};

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
    }
    Ok(exit::OK)
}
