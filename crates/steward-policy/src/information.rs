//! Who handles information requests (freedom of information, environmental information and
//! subject access) and whose bank holidays count, from the pack's `[information_requests]`.

use crate::Citation;
use crate::model::{OfficeId, Pack};
use crate::workdays::Nation;
use serde::{Deserialize, Serialize};

/// Where a new information request goes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct InfoRoute {
    /// Any one of these offices handles it; empty when the pack names none, and then only
    /// administrators do.
    pub handlers: Vec<OfficeId>,
    /// The pack's nation, England and Wales when it names none.
    pub nation: Nation,
    /// The clause naming the handlers; none when the pack has no `[information_requests]`.
    pub citation: Option<Citation>,
}

pub fn info_route(pack: &Pack) -> InfoRoute {
    match &pack.information_requests {
        Some(section) => InfoRoute {
            handlers: section.handlers.clone(),
            nation: section.nation.unwrap_or_default(),
            citation: Some(Citation::new(pack, &section.clause)),
        },
        None => InfoRoute {
            handlers: Vec::new(),
            nation: Nation::default(),
            citation: None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets;

    #[test]
    fn presets_name_their_handlers_and_clause() {
        let pack = presets::load(presets::find("borough-members-protocol").unwrap())
            .unwrap()
            .pack;
        let route = info_route(&pack);
        assert_eq!(
            route.handlers[0].as_str(),
            "legal_and_democratic_services_manager"
        );
        assert_eq!(route.nation, Nation::EnglandWales);
        assert_eq!(route.citation.unwrap().clause, "9.3");
        let pack = presets::load(presets::find("city-members-code").unwrap())
            .unwrap()
            .pack;
        let route = info_route(&pack);
        assert!(route.handlers.is_empty() && route.citation.is_none());
    }
}
