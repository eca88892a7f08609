//! The administrators' getting-started list: what a new council still has to do, each task
//! marked done from what the register holds, never from a box someone ticked.

use super::SetupTx;
use crate::ctx::Ctx;
use crate::error::DomainResult;
use crate::ops::{audit, policy};
use crate::records::Council;
use serde::Serialize;

/// What the list is marked from, counted in the database.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ProgressFacts {
    pub people: i64,
    pub equipment: i64,
    pub accounts: i64,
    pub loans: i64,
    pub policy_versions: i64,
    /// Whether an administrator has confirmed the policy in force fits the council's document.
    pub reviewed: bool,
}

/// One task on the list.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct Task {
    /// Also the id of its element on the page.
    pub id: &'static str,
    pub title: &'static str,
    pub hint: &'static str,
    pub done: bool,
}

#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct GettingStarted {
    pub tasks: Vec<Task>,
    pub done: usize,
    pub all_done: bool,
}

/// The list for a council, from its facts.
pub fn tasks(facts: &ProgressFacts) -> GettingStarted {
    let tasks = vec![
        Task {
            id: "people",
            title: "Import people",
            hint: "Councillors, staff and anyone else the policy covers, from a spreadsheet.",
            done: facts.people > 0,
        },
        Task {
            id: "equipment",
            title: "Import equipment",
            hint: "Laptops, tablets and phones the council lends, from its asset list.",
            done: facts.equipment > 0,
        },
        Task {
            id: "policy",
            title: "Review the policy",
            hint: "Check the preset's rules against your council's document, and adopt your own version if they differ.",
            // Adopting a version of one's own is a review too.
            done: facts.reviewed || facts.policy_versions > 1,
        },
        Task {
            id: "accounts",
            title: "Invite members or create accounts",
            hint: "So members can see their equipment and sign the policy, and officers can work.",
            done: facts.accounts > 1,
        },
        Task {
            id: "loan",
            title: "Issue the first item",
            hint: "Lend a piece of equipment to someone; the policy decides the return date.",
            done: facts.loans > 0,
        },
    ];
    let done = tasks.iter().filter(|t| t.done).count();
    GettingStarted {
        all_done: done == tasks.len(),
        done,
        tasks,
    }
}

/// The council's getting-started list as the register stands.
pub async fn getting_started<T: SetupTx>(
    tx: &mut T,
    council: &Council,
) -> DomainResult<GettingStarted> {
    Ok(tasks(&tx.progress_facts(council.id).await?))
}

/// Records that an administrator has read the policy in force and found it fits the council's
/// own document, naming the version.
pub async fn confirm_review<T: SetupTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
) -> DomainResult<()> {
    let active = policy::require(tx, council, ctx.today).await?;
    audit(
        tx,
        ctx,
        council.id,
        "policy.review",
        "policy",
        active.version.number,
        crate::ops::NONE,
        Some(&serde_json::json!({ "title": active.version.title })),
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_task_is_done_by_what_the_register_holds() {
        let none = tasks(&ProgressFacts {
            accounts: 1,
            policy_versions: 1,
            ..Default::default()
        });
        assert_eq!(none.done, 0);
        assert!(!none.all_done);
        let all = tasks(&ProgressFacts {
            people: 3,
            equipment: 2,
            accounts: 2,
            loans: 1,
            policy_versions: 1,
            reviewed: true,
        });
        assert!(all.all_done, "{all:?}");
        let adopted = tasks(&ProgressFacts {
            policy_versions: 2,
            ..Default::default()
        });
        assert!(adopted.tasks.iter().any(|t| t.id == "policy" && t.done));
    }
}
