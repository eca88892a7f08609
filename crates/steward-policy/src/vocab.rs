//! The fixed vocabulary shared by packs, the register and the wire: kinds of person and
//! equipment, lifecycle states, and how a term of office ended.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// An unknown word for one of the vocabularies below, with the words that would have been accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{found}' is not {what}; expected one of: {}", expected.join(", "))]
pub struct UnknownWord {
    pub what: &'static str,
    pub found: String,
    pub expected: Vec<&'static str>,
}

macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident, $what:literal, { $($variant:ident => $word:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $word),+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = UnknownWord;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let wanted = s.trim().to_ascii_lowercase().replace([' ', '-'], "_");
                match wanted.as_str() {
                    $($word => Ok($name::$variant),)+
                    _ => Err(UnknownWord {
                        what: $what,
                        found: s.to_string(),
                        expected: vec![$($word),+],
                    }),
                }
            }
        }
    };
}

vocabulary!(
    /// Who a person is to the council.
    PersonKind, "a kind of person", {
        Councillor => "councillor",
        CoOptedMember => "co_opted_member",
        IndependentMember => "independent_member",
        CommitteeAppointee => "committee_appointee",
        Employee => "employee",
        Contractor => "contractor",
        TemporaryStaff => "temporary_staff",
        Volunteer => "volunteer",
    }
);

impl PersonKind {
    /// Members are those who sit on the council or its committees; everyone else is staff.
    pub fn is_member(self) -> bool {
        matches!(
            self,
            PersonKind::Councillor
                | PersonKind::CoOptedMember
                | PersonKind::IndependentMember
                | PersonKind::CommitteeAppointee
        )
    }
}

vocabulary!(
    /// What a piece of equipment is.
    EquipmentKind, "a kind of equipment", {
        Laptop => "laptop",
        Tablet => "tablet",
        MobilePhone => "mobile_phone",
        Desktop => "desktop",
        RemovableMedia => "removable_media",
        Accessory => "accessory",
    }
);

vocabulary!(
    /// Where a piece of equipment is in its life.
    EquipmentState, "an equipment state", {
        InStock => "in_stock",
        Issued => "issued",
        InRepair => "in_repair",
        Returned => "returned",
        AwaitingErasure => "awaiting_erasure",
        Erased => "erased",
        Disposed => "disposed",
        Lost => "lost",
        Stolen => "stolen",
    }
);

impl EquipmentState {
    /// Only equipment on the shelf, checked and clean, can go out on loan.
    pub fn is_issuable(self) -> bool {
        matches!(
            self,
            EquipmentState::InStock | EquipmentState::Returned | EquipmentState::Erased
        )
    }
}

vocabulary!(
    /// How a term of office (or a staff engagement) came to an end.
    TermEndReason, "a reason a term ended", {
        NotReElected => "not_re_elected",
        StoodDown => "stood_down",
        Disqualified => "disqualified",
        Died => "died",
        TermEnded => "term_ended",
    }
);

vocabulary!(
    /// Which group of people a rule applies to.
    Audience, "an audience", {
        Everyone => "everyone",
        Members => "members",
        Staff => "staff",
    }
);

impl Audience {
    pub fn includes(self, kind: PersonKind) -> bool {
        match self {
            Audience::Everyone => true,
            Audience::Members => kind.is_member(),
            Audience::Staff => !kind.is_member(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_round_trip() {
        for k in PersonKind::ALL {
            assert_eq!(k.as_str().parse::<PersonKind>(), Ok(*k));
        }
        for k in EquipmentState::ALL {
            assert_eq!(k.as_str().parse::<EquipmentState>(), Ok(*k));
        }
    }

    #[test]
    fn unknown_word_lists_choices() {
        let err = "tablet pc".parse::<EquipmentKind>().unwrap_err();
        assert!(err.to_string().contains("expected one of: laptop, tablet"));
        assert_eq!("Co-opted member".parse(), Ok(PersonKind::CoOptedMember));
    }
}
