use super::{NONE, audit};
use crate::ctx::Ctx;
use crate::error::{DomainError, DomainResult};
use crate::ids::CouncilSlug;
use crate::records::Council;
use crate::repo::RegisterTx;

pub async fn create<T: RegisterTx>(
    tx: &mut T,
    ctx: &Ctx,
    slug: &CouncilSlug,
    name: &str,
) -> DomainResult<Council> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(DomainError::invalid(
            "name",
            "give the council's name (1 to 200 characters)",
        ));
    }
    let council = tx.insert_council(slug, name).await?;
    audit(
        tx,
        ctx,
        council.id,
        "council.create",
        "council",
        &council.slug,
        NONE,
        Some(&council),
    )
    .await?;
    Ok(council)
}

pub async fn find<T: RegisterTx>(tx: &mut T, slug: &CouncilSlug) -> DomainResult<Council> {
    tx.council(slug)
        .await?
        .ok_or_else(|| DomainError::not_found("council", slug))
}

/// The council to act on: the one named, or the only one there is.
pub async fn resolve<T: RegisterTx>(
    tx: &mut T,
    slug: Option<&CouncilSlug>,
) -> DomainResult<Council> {
    if let Some(slug) = slug {
        return find(tx, slug).await;
    }
    let mut all = tx.councils().await?;
    match all.len() {
        1 => Ok(all.remove(0)),
        0 => Err(DomainError::invalid(
            "council",
            "there are no councils yet; create one with `steward council create`",
        )),
        _ => Err(DomainError::invalid(
            "council",
            format!(
                "this database holds several councils; name one with --council ({})",
                all.iter()
                    .map(|c| c.slug.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )),
    }
}
