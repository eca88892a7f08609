//! Personal calls on council phones: whether the holder pays them back, and how much is owed.
//!
//! The pack's `[phones]` section decides. Under `reimburse` the holder marks the personal calls
//! on each bill and repays their cost; under `own_time_only` private calls are kept to the
//! holder's own time and nothing is repaid; a pack without the section says nothing about them.

use crate::citation::Citation;
use crate::decide::{Gate, Refusal};
use crate::model::{Pack, PersonalCalls};
use serde::{Deserialize, Serialize};

/// What the pack says about personal calls.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case", tag = "rule")]
pub enum CallsRule {
    /// The holder pays for personal calls.
    Reimburse { citation: Citation },
    /// Personal calls only in the holder's own time; nothing to repay.
    OwnTimeOnly { citation: Citation },
    /// The pack has no `[phones]` section.
    Silent,
}

pub fn calls_rule(pack: &Pack) -> CallsRule {
    match &pack.phones {
        Some(p) => {
            let citation = Citation::new(pack, &p.clause);
            match p.personal_calls {
                PersonalCalls::Reimburse => CallsRule::Reimburse { citation },
                PersonalCalls::OwnTimeOnly => CallsRule::OwnTimeOnly { citation },
            }
        }
        None => CallsRule::Silent,
    }
}

/// Why nothing is repaid under a rule other than `reimburse`.
fn nothing_to_repay(rule: CallsRule, what: &str) -> Refusal {
    match rule {
        CallsRule::OwnTimeOnly { citation } => Refusal {
            gate: Gate::NoProvision,
            message: format!(
                "personal calls are to be kept to the holder's own time and are not repaid, \
                 so {what}"
            ),
            citation: Some(citation),
        },
        CallsRule::Silent | CallsRule::Reimburse { .. } => Refusal {
            gate: Gate::NoProvision,
            message: format!(
                "the policy says nothing about personal calls on council phones, so {what}"
            ),
            citation: None,
        },
    }
}

/// Whether holders mark their personal calls for repayment, and the clause that asks them to.
pub fn marking(pack: &Pack) -> Result<Citation, Refusal> {
    match calls_rule(pack) {
        CallsRule::Reimburse { citation } => Ok(citation),
        other => Err(nothing_to_repay(
            other,
            "there are no personal calls to mark",
        )),
    }
}

/// The sum a statement asks for, and the clause that makes it owed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Owed {
    pub amount_pence: i64,
    pub citation: Citation,
}

/// What the holder owes for the calls they marked personal: the sum of their costs in pence.
/// A sum too large to hold is refused rather than wrapped.
pub fn amount_owed(
    pack: &Pack,
    personal_costs: impl IntoIterator<Item = i64>,
) -> Result<Owed, Refusal> {
    let citation = match calls_rule(pack) {
        CallsRule::Reimburse { citation } => citation,
        other => return Err(nothing_to_repay(other, "no statement is raised")),
    };
    let mut total: i64 = 0;
    for cost in personal_costs {
        total = total.checked_add(cost).ok_or_else(|| Refusal {
            gate: Gate::NoProvision,
            message: "the calls marked personal add up to more than can be recorded".into(),
            citation: Some(citation.clone()),
        })?;
    }
    Ok(Owed {
        amount_pence: total,
        citation,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::presets;
    use proptest::prelude::*;

    fn preset(id: &str) -> Pack {
        presets::load(presets::find(id).unwrap()).unwrap().pack
    }

    #[test]
    fn county_and_borough_repay_with_their_clauses() {
        let county = preset("county-members-policy");
        let owed = amount_owed(&county, [35, 120, 0]).unwrap();
        assert_eq!(owed.amount_pence, 155);
        assert_eq!(owed.citation.clause, "24");
        let borough = preset("borough-members-protocol");
        assert_eq!(marking(&borough).unwrap().clause, "7.4");
        assert_eq!(amount_owed(&borough, []).unwrap().amount_pence, 0);
    }

    #[test]
    fn own_time_only_raises_nothing_and_says_why() {
        let city = preset("city-aup");
        let refusal = amount_owed(&city, [100]).unwrap_err();
        assert_eq!(refusal.gate, Gate::NoProvision);
        assert!(refusal.message.contains("own time"), "{}", refusal.message);
        assert_eq!(
            refusal.citation.unwrap().clause,
            "Use of fixed line phone, mobile phones and smart phones"
        );
        assert!(marking(&city).is_err());
    }

    #[test]
    fn a_pack_without_phones_says_nothing() {
        let town = preset("town-it-policy");
        assert_eq!(calls_rule(&town), CallsRule::Silent);
        let refusal = amount_owed(&town, [1]).unwrap_err();
        assert!(refusal.citation.is_none());
        assert!(
            refusal.message.contains("says nothing"),
            "{}",
            refusal.message
        );
    }

    #[test]
    fn an_impossible_sum_is_refused() {
        let county = preset("county-members-policy");
        assert!(amount_owed(&county, [i64::MAX, 1]).is_err());
    }

    proptest! {
        #[test]
        fn the_amount_is_the_sum_of_the_costs(costs in proptest::collection::vec(0i64..1_000_000, 0..200)) {
            let county = preset("county-members-policy");
            let owed = amount_owed(&county, costs.iter().copied()).unwrap();
            prop_assert_eq!(owed.amount_pence, costs.iter().sum::<i64>());
        }
    }
}
