use crate::app::App;
use crate::exit;
use crate::output::{Table, opt};
use steward_domain::ops::due;

pub async fn run(app: &App) -> anyhow::Result<u8> {
    let mut tx = app.begin().await?;
    let council = app.council(&mut tx).await?;
    let report = due::report(&mut tx, &council, app.today()).await?;
    app.out.emit(&report, || {
        let mut text = format!(
            "What is due at {} on {}\nPolicy: {}\n\n",
            report.council,
            report.as_of,
            report.policy.as_deref().unwrap_or("none adopted")
        );
        let mut t = Table::new(&["WHAT", "DUE", "WHO", "ITEM", "DETAIL", "CLAUSE"]);
        for item in &report.items {
            t.row(vec![
                item.kind.label().to_string(),
                opt(&item.due_on),
                item.person_name.clone().unwrap_or_else(|| "-".into()),
                opt(&item.asset_tag),
                item.detail.clone(),
                opt(&item.citation),
            ]);
        }
        text.push_str(&t.render());
        text
    })?;
    Ok(exit::OK)
}
