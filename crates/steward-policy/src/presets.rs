//! The built-in policy packs: five councils' ICT policies, re-expressed as data.
//!
//! Each preset is a complete pack a council can adopt as it stands or copy and edit. The TOML
//! sources live in `presets/` beside this crate and are compiled into the binary, so a preset
//! needs no files at run time and cannot refer to any (acceptance text is inline).

use crate::check::{CheckError, LoadedPack, check_pack};

/// A built-in policy pack.
#[derive(Debug)]
pub struct Preset {
    /// The pack's `[pack] id`, which is also the file stem under `presets/`.
    pub id: &'static str,
    /// A short human name saying what kind of council and whom it covers.
    pub name: &'static str,
    /// The pack's TOML text.
    pub source: &'static str,
}

static PRESETS: [Preset; 5] = [
    Preset {
        id: "city-members-code",
        name: "City members' code (members only)",
        source: include_str!("../presets/city-members-code.toml"),
    },
    Preset {
        id: "county-members-policy",
        name: "County members' ICT policy (members and committee appointees)",
        source: include_str!("../presets/county-members-policy.toml"),
    },
    Preset {
        id: "city-aup",
        name: "City acceptable use policy (all users)",
        source: include_str!("../presets/city-aup.toml"),
    },
    Preset {
        id: "town-it-policy",
        name: "Town council IT policy (staff, members and other users)",
        source: include_str!("../presets/town-it-policy.toml"),
    },
    Preset {
        id: "borough-members-protocol",
        name: "Borough members' ICT protocol (councillors)",
        source: include_str!("../presets/borough-members-protocol.toml"),
    },
];

/// Every built-in preset, in a fixed order.
pub fn all() -> &'static [Preset] {
    &PRESETS
}

/// The preset with this id, if there is one.
pub fn find(id: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| p.id == id)
}

/// Parse and check a preset. Presets carry their acceptance text inline, so any reference to a
/// file is refused.
pub fn load(preset: &Preset) -> Result<LoadedPack, CheckError> {
    check_pack(
        &format!("preset:{}", preset.id),
        preset.source,
        &|name: &str| Err(format!("presets cannot refer to files ({name})")),
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::model::{
        Agreement, Charge, ConfidentialRoute, Forwarding, OfficeHolder, OfficeId, Outcome, Pack,
        PersonalCalls, PersonalUseAllowance, RefreshOrder, ReportKind, WebAction,
    };
    use crate::period::Period;
    use crate::vocab::{Audience, EquipmentKind, PersonKind};
    use chrono::{NaiveDate, NaiveTime, Weekday};

    fn pack(id: &str) -> Pack {
        let preset = find(id).unwrap_or_else(|| panic!("no preset {id}"));
        load(preset).unwrap_or_else(|e| panic!("{e}")).pack
    }

    fn offices(ids: &[&str]) -> Vec<OfficeId> {
        ids.iter().map(|id| OfficeId(id.to_string())).collect()
    }

    fn clause(c: &crate::model::Clause) -> &str {
        &c.0
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn time(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    const WEEKDAYS: [Weekday; 5] = [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
    ];

    #[test]
    fn presets_every_preset_passes_the_checker() {
        assert_eq!(all().len(), 5);
        for preset in all() {
            match load(preset) {
                Ok(loaded) => {
                    assert_eq!(loaded.pack.pack.id, preset.id, "pack id is the file stem");
                    assert_eq!(loaded.source, preset.source);
                    assert_eq!(loaded.hash.len(), 64);
                    assert!(!loaded.pack.pack.summary.trim().is_empty());
                    assert!(!preset.name.is_empty());
                }
                Err(e) => panic!("preset {} has problems:\n{e}", preset.id),
            }
        }
    }

    #[test]
    fn presets_ids_are_unique_and_findable() {
        for (i, preset) in all().iter().enumerate() {
            assert!(all()[..i].iter().all(|p| p.id != preset.id));
            assert!(all()[..i].iter().all(|p| p.name != preset.name));
            assert!(std::ptr::eq(find(preset.id).unwrap(), preset));
        }
        assert!(find("no-such-preset").is_none());
    }

    #[test]
    fn presets_acceptance_text_is_inline_and_ends_with_what_signing_means() {
        for preset in all() {
            let loaded = load(preset).unwrap();
            let Some(acceptance) = &loaded.pack.acceptance else {
                assert!(loaded.acceptance_text.is_empty());
                continue;
            };
            assert!(acceptance.text_file.is_none(), "{}", preset.id);
            assert_eq!(
                acceptance.text.as_deref(),
                Some(loaded.acceptance_text.as_str())
            );
            let words = loaded.acceptance_text.split_whitespace().count();
            assert!((150..=400).contains(&words), "{}: {words} words", preset.id);
            assert!(
                loaded.acceptance_text.trim_start().starts_with("# "),
                "{}",
                preset.id
            );
            let last_heading = loaded
                .acceptance_text
                .lines()
                .rfind(|l| l.starts_with("## "))
                .unwrap();
            assert!(
                last_heading.starts_with("## What "),
                "{}: {last_heading}",
                preset.id
            );
        }
    }

    #[test]
    fn presets_never_name_a_real_council() {
        for preset in all() {
            let text = preset.source.to_ascii_lowercase();
            let words: Vec<&str> = text.split(|c: char| !c.is_ascii_alphanumeric()).collect();
            for name in ["oxford", "oxfordshire", "lancashire", "wlbc", "occ", "lcc"] {
                assert!(!words.contains(&name), "{} mentions {name:?}", preset.id);
            }
            for fragment in ["gcsx.gov.uk", "oxford.gov.uk", "0300", "01695"] {
                assert!(
                    !text.contains(fragment),
                    "{} mentions {fragment:?}",
                    preset.id
                );
            }
        }
    }

    #[test]
    fn presets_loading_refuses_file_references() {
        let preset = Preset {
            id: "with-file",
            name: "test",
            source: r#"
[pack]
id = "with-file"
title = "T"
version = "1"
adopted = 2024-01-01
[scope]
kinds = ["councillor"]
clause = "1"
[acceptance]
form = "Form"
text_file = "acceptance.md"
clause = "1"
"#,
        };
        let err = load(&preset).unwrap_err();
        assert_eq!(err.file, "preset:with-file");
        assert!(
            err.to_string()
                .contains("presets cannot refer to files (acceptance.md)"),
            "{err}"
        );
    }

    #[test]
    fn presets_city_members_code() {
        let p = pack("city-members-code");
        assert_eq!(p.pack.title, "Code on use of IT equipment");
        assert_eq!(
            p.scope.kinds,
            [
                PersonKind::Councillor,
                PersonKind::CoOptedMember,
                PersonKind::IndependentMember
            ]
        );
        assert_eq!(clause(&p.scope.clause), "28.1");
        assert!(p.acceptance.is_none());
        assert_eq!(p.equipment.len(), 1);
        assert_eq!(p.equipment[0].kinds, [EquipmentKind::Laptop]);
        assert_eq!(p.equipment[0].audience, Audience::Members);
        assert_eq!(clause(&p.equipment[0].clause), "28.1");

        let leaving = p.loans.leaving_office.as_ref().unwrap();
        assert_eq!(leaving.return_within, Period::days(10));
        assert_eq!(clause(&leaving.clause), "28.9");
        match leaving.charge.as_ref().unwrap() {
            Charge::ReplacementCost { clause: c } => assert_eq!(clause(c), "28.9"),
            other => panic!("expected replacement cost, got {other:?}"),
        }
        assert_eq!(
            Period::days(10).after(date(2027, 5, 6)),
            Some(date(2027, 5, 16)),
            "the design brief's worked example"
        );

        let breaches = p.breaches.as_ref().unwrap();
        assert_eq!(breaches.routes.len(), 1);
        assert_eq!(breaches.routes[0].audience, Audience::Members);
        assert_eq!(
            breaches.routes[0].handlers,
            offices(&["monitoring_officer"])
        );
        assert_eq!(clause(&breaches.routes[0].clause), "28.10");
        let escalation = breaches.escalation.as_ref().unwrap();
        assert_eq!(escalation.to.as_str(), "standards_committee");
        assert_eq!(clause(&escalation.clause), "28.10");
        let committee = p.office(&OfficeId("standards_committee".into())).unwrap();
        assert_eq!(committee.holder, OfficeHolder::Body);

        let exceptions = p.web.as_ref().unwrap().exceptions.as_ref().unwrap();
        assert_eq!(exceptions.approver.as_str(), "business_systems");
        assert_eq!(clause(&exceptions.clause), "28.8");

        let software = p.software.as_ref().unwrap();
        assert!(!software.install.allowed);
        assert_eq!(clause(&software.install.clause), "28.6");

        let review = p.review.as_ref().unwrap();
        assert!(review.every.is_none());
        assert_eq!(
            review.owners,
            offices(&["head_of_business_transformation", "standards_committee"])
        );
        assert_eq!(clause(&review.clause), "Reviewing this code");
    }

    #[test]
    fn presets_county_members_policy() {
        let p = pack("county-members-policy");
        assert_eq!(p.pack.adopted, date(2009, 1, 1));
        assert_eq!(
            p.scope.kinds,
            [
                PersonKind::Councillor,
                PersonKind::CoOptedMember,
                PersonKind::CommitteeAppointee
            ]
        );
        assert_eq!(clause(&p.scope.clause), "1");

        let acceptance = p.acceptance.as_ref().unwrap();
        assert_eq!(acceptance.form, "Member acceptance form");
        assert!(acceptance.required_before_issue);
        assert!(acceptance.lapses_on_new_version);
        assert_eq!(
            acceptance.return_to,
            Some(OfficeId("ict_manager_councillors".into()))
        );
        assert!(acceptance.text.is_some());

        let authorisation = p.loans.authorisation.as_ref().unwrap();
        assert_eq!(authorisation.by, offices(&["democratic_support_manager"]));
        assert_eq!(clause(&authorisation.clause), "7");

        let leaving = p.loans.leaving_office.as_ref().unwrap();
        assert_eq!(leaving.return_within, Period::months(1));
        assert!(leaving.stop_use);
        assert!(leaving.charge.is_none());
        assert_eq!(clause(&leaving.clause), "27");

        let recall = p.loans.recall.as_ref().unwrap();
        assert_eq!(recall.by, offices(&["democratic_support_manager"]));
        assert_eq!(recall.notice, Period::days(7));
        assert_eq!(clause(&recall.clause), "28");

        let kinds: Vec<EquipmentKind> = p.equipment.iter().flat_map(|r| r.kinds.clone()).collect();
        assert_eq!(
            kinds,
            [
                EquipmentKind::Laptop,
                EquipmentKind::Tablet,
                EquipmentKind::MobilePhone
            ]
        );
        assert!(p.equipment.iter().all(|r| r.audience == Audience::Members));

        let family = p.family_use.as_ref().unwrap();
        assert!(!family.allowed);
        assert_eq!(clause(&family.clause), "10");
        let phones = p.phones.as_ref().unwrap();
        assert_eq!(phones.personal_calls, PersonalCalls::Reimburse);
        assert_eq!(clause(&phones.clause), "24");
        let confidential = p.mail.as_ref().unwrap().confidential.as_ref().unwrap();
        assert_eq!(confidential.route, ConfidentialRoute::Encrypted);
        assert_eq!(clause(&confidential.clause), "11");

        let install = &p.software.as_ref().unwrap().install;
        assert!(install.allowed);
        assert_eq!(install.approver, Some(OfficeId("service_desk".into())));

        let breaches = p.breaches.as_ref().unwrap();
        assert_eq!(
            breaches.routes[0].handlers,
            offices(&["assistant_head_of_finance_audit", "monitoring_officer"])
        );
        assert_eq!(clause(&breaches.routes[0].clause), "2");
        assert_eq!(
            breaches.escalation.as_ref().unwrap().to.as_str(),
            "standards_committee"
        );

        let review = p.review.as_ref().unwrap();
        assert_eq!(review.every, Some(Period::months(12)));
        assert_eq!(clause(&review.clause), "Review");
        assert!(p.office(&OfficeId("head_of_ict".into())).is_some());
    }

    #[test]
    fn presets_city_aup() {
        let p = pack("city-aup");
        assert_eq!(p.pack.title, "ICT Acceptable Use Policy");
        assert_eq!(p.scope.kinds.len(), PersonKind::ALL.len());
        for kind in PersonKind::ALL {
            assert!(p.scope.kinds.contains(kind), "{kind}");
        }
        assert_eq!(clause(&p.scope.clause), "Scope");

        let acceptance = p.acceptance.as_ref().unwrap();
        assert!(acceptance.required_before_issue);
        assert_eq!(
            clause(&acceptance.clause),
            "Government Connect & Information Protection"
        );

        let erasure = p.loans.erasure_before_reuse.as_ref().unwrap();
        assert!(erasure.kinds.is_empty());
        assert_eq!(clause(&erasure.clause), "Infrastructure security");
        assert!(!p.family_use.as_ref().unwrap().allowed);

        assert_eq!(p.equipment.len(), 1);
        assert_eq!(p.equipment[0].audience, Audience::Everyone);
        assert_eq!(
            p.equipment[0].kinds,
            [
                EquipmentKind::Laptop,
                EquipmentKind::Tablet,
                EquipmentKind::MobilePhone,
                EquipmentKind::Desktop,
                EquipmentKind::RemovableMedia,
            ]
        );

        let personal = p.personal_use.as_ref().unwrap();
        assert_eq!(personal.allowance, PersonalUseAllowance::OwnTime);
        let hours = personal.working_hours.as_ref().unwrap();
        assert_eq!(hours.days, WEEKDAYS);
        assert_eq!((hours.start, hours.end), (time(9, 0), time(17, 0)));
        assert_eq!(personal.own_time.len(), 1);
        let lunch = &personal.own_time[0];
        assert_eq!(lunch.days, WEEKDAYS);
        assert_eq!((lunch.start, lunch.end), (time(12, 0), time(14, 0)));
        assert_eq!(lunch.label, "lunch");
        assert_eq!(clause(&personal.clause), "Internet use");

        let web = p.web.as_ref().unwrap();
        let action = |category: &str| {
            web.rules
                .iter()
                .find(|r| r.categories.iter().any(|c| c == category))
                .map(|r| (r.action, r.clause.0.as_str()))
        };
        for category in [
            "adult",
            "p2p",
            "gambling",
            "gaming",
            "money_making",
            "media_downloads",
        ] {
            assert_eq!(
                action(category),
                Some((WebAction::Block, "Internet use")),
                "{category}"
            );
        }
        assert_eq!(
            action("shopping"),
            Some((WebAction::OwnTimeOnly, "Internet use"))
        );

        let mail = p.mail.as_ref().unwrap();
        let forwarding = mail.auto_forwarding.as_ref().unwrap();
        assert_eq!(forwarding.rule, Forwarding::Forbidden);
        assert_eq!(clause(&forwarding.clause), "Email");
        let official = mail.official_address.as_ref().unwrap();
        assert!(
            official
                .domains
                .iter()
                .all(|d| d.ends_with(".example.gov.uk"))
        );
        let confidential = mail.confidential.as_ref().unwrap();
        assert_eq!(confidential.route, ConfidentialRoute::SecureRoute);
        assert_eq!(confidential.marking.as_deref(), Some("OFFICIAL"));
        assert_eq!(clause(&confidential.clause), "Email");
        let disclaimer = mail.disclaimer.as_ref().unwrap();
        assert_eq!(disclaimer.marking, "OFFICIAL");
        assert_eq!(clause(&disclaimer.clause), "Email");

        let breaches = p.breaches.as_ref().unwrap();
        let handlers = |audience: Audience| {
            breaches
                .routes
                .iter()
                .find(|r| r.audience == audience)
                .map(|r| r.handlers.clone())
        };
        assert_eq!(
            handlers(Audience::Members),
            Some(offices(&["head_of_law_and_governance"]))
        );
        assert_eq!(handlers(Audience::Staff), Some(offices(&["line_manager"])));
        assert_eq!(
            p.software.as_ref().unwrap().purchase_via,
            Some(OfficeId("ict_services".into()))
        );
    }

    #[test]
    fn presets_town_it_policy() {
        let p = pack("town-it-policy");
        assert_eq!(p.scope.kinds.len(), PersonKind::ALL.len());
        assert_eq!(clause(&p.scope.clause), "2.1");
        assert!(p.acceptance.is_none());
        assert_eq!(p.equipment.len(), 1);
        assert_eq!(p.equipment[0].kinds, [EquipmentKind::Laptop]);
        assert_eq!(p.equipment[0].audience, Audience::Members);
        assert_eq!(clause(&p.equipment[0].clause), "4.5");

        let max = p.loans.max_period.as_ref().unwrap();
        assert_eq!(max.length, Period::months(3));
        assert_eq!(clause(&max.clause), "4.5");
        let extension = p.loans.extension.as_ref().unwrap();
        assert_eq!(extension.agreement, Agreement::All);
        assert_eq!(extension.approvers, offices(&["mayor", "town_clerk"]));
        assert!(extension.exceptional_only);
        assert_eq!(clause(&extension.clause), "4.5");
        let household = p.loans.household_limit.as_ref().unwrap();
        assert_eq!(household.max, 1);
        assert_eq!(household.kinds, [EquipmentKind::Laptop]);
        assert_eq!(clause(&household.clause), "4.5");
        assert_eq!(
            p.office(&OfficeId("mayor".into())).unwrap().holder,
            OfficeHolder::Member
        );

        let install = &p.software.as_ref().unwrap().install;
        assert!(install.allowed);
        assert_eq!(install.approver, Some(OfficeId("town_clerk".into())));
        assert_eq!(clause(&install.clause), "3.3");

        let web = p.web.as_ref().unwrap();
        let games = web
            .rules
            .iter()
            .find(|r| r.categories == ["games"])
            .unwrap();
        assert_eq!(games.action, WebAction::OutsideWorkingHours);
        assert_eq!(clause(&games.clause), "7.6");
        let hours = p
            .personal_use
            .as_ref()
            .unwrap()
            .working_hours
            .as_ref()
            .unwrap();
        assert_eq!(hours.days, WEEKDAYS);
        assert_eq!((hours.start, hours.end), (time(9, 0), time(17, 0)));

        let breaches = p.breaches.as_ref().unwrap();
        assert_eq!(breaches.routes.len(), 1);
        assert_eq!(breaches.routes[0].audience, Audience::Everyone);
        assert_eq!(breaches.routes[0].handlers, offices(&["town_clerk"]));
        assert_eq!(clause(&breaches.routes[0].clause), "1.2");
    }

    #[test]
    fn presets_borough_members_protocol() {
        let p = pack("borough-members-protocol");
        assert_eq!(p.pack.title, "Protocol on the use of ICT by Members");
        assert_eq!(p.pack.adopted, date(2019, 11, 4));
        assert_eq!(p.scope.kinds, [PersonKind::Councillor]);
        assert_eq!(clause(&p.scope.clause), "1.1");

        let acceptance = p.acceptance.as_ref().unwrap();
        assert_eq!(acceptance.form, "Signed protocol");
        assert!(acceptance.required_before_issue);
        assert_eq!(clause(&acceptance.clause), "1.2");

        let pat = p.loans.pat_test.as_ref().unwrap();
        assert_eq!(pat.kinds, [EquipmentKind::Laptop, EquipmentKind::Tablet]);
        assert_eq!(pat.retest_every, Some(Period::months(12)));
        assert_eq!(clause(&pat.clause), "2.5");

        let computers = &p.equipment[0];
        assert_eq!(
            computers.kinds,
            [EquipmentKind::Laptop, EquipmentKind::Tablet]
        );
        assert_eq!(computers.audience, Audience::Members);
        assert!(computers.offices.is_empty());
        let phone = p
            .equipment
            .iter()
            .find(|r| r.kinds == [EquipmentKind::MobilePhone])
            .unwrap();
        assert_eq!(
            phone.offices,
            offices(&[
                "cabinet_member",
                "leader_of_the_opposition",
                "deputy_leader_of_the_opposition"
            ])
        );
        assert_eq!(clause(&phone.clause), "1.6");
        let evaluation = phone.evaluation.as_ref().unwrap();
        assert_eq!(evaluation.every, Period::months(12));
        assert_eq!(
            evaluation.by,
            Some(OfficeId("legal_and_democratic_services_manager".into()))
        );
        assert_eq!(clause(&evaluation.clause), "3.6");
        for id in [
            "cabinet_member",
            "leader",
            "leader_of_the_opposition",
            "deputy_leader_of_the_opposition",
        ] {
            assert_eq!(
                p.office(&OfficeId(id.into())).unwrap().holder,
                OfficeHolder::Member,
                "{id}"
            );
        }

        let leaving = p.loans.leaving_office.as_ref().unwrap();
        assert!(leaving.return_within.is_zero());
        assert_eq!(clause(&leaving.clause), "8.3");
        let recall = p.loans.recall.as_ref().unwrap();
        assert_eq!(
            recall.by,
            offices(&["legal_and_democratic_services_manager"])
        );
        assert_eq!(recall.notice, Period::days(7));
        assert_eq!(clause(&recall.clause), "8.2");

        let refresh = p.refresh.as_ref().unwrap();
        assert_eq!(refresh.every, Period::years(4));
        assert_eq!(refresh.priority_offices, offices(&["cabinet_member"]));
        assert_eq!(refresh.order, RefreshOrder::OldestFirst);
        assert!(refresh.urgent_when_unfit);
        assert_eq!(clause(&refresh.clause), "3.5");

        let phones = p.phones.as_ref().unwrap();
        assert_eq!(phones.personal_calls, PersonalCalls::Reimburse);
        assert_eq!(clause(&phones.clause), "7.4");
        let family = p.family_use.as_ref().unwrap();
        assert!(family.allowed);
        assert!(!family.network_access);
        assert_eq!(clause(&family.clause), "4.1");
        let forwarding = p.mail.as_ref().unwrap().auto_forwarding.as_ref().unwrap();
        assert_eq!(forwarding.rule, Forwarding::AllowedWithControls);
        assert_eq!(clause(&forwarding.clause), "1.4");

        let software = p.software.as_ref().unwrap();
        let copies = software.copies.as_ref().unwrap();
        assert_eq!(copies.approver.as_str(), "chief_operating_officer");
        assert!(copies.in_writing);
        assert_eq!(clause(&copies.clause), "2.8");
        assert_eq!(
            clause(&software.licensed_only.as_ref().unwrap().clause),
            "3.2.3"
        );

        let fault_to = |kind: EquipmentKind| {
            p.reporting
                .iter()
                .find(|r| r.kind == ReportKind::Fault && r.equipment.contains(&kind))
                .map(|r| (r.report_to.as_str(), r.clause.0.as_str()))
        };
        assert_eq!(
            fault_to(EquipmentKind::Laptop),
            Some(("service_desk", "2.5"))
        );
        assert_eq!(
            fault_to(EquipmentKind::Tablet),
            Some(("member_services", "2.5"))
        );

        let outcomes: Vec<(Outcome, &str)> = p
            .breaches
            .as_ref()
            .unwrap()
            .outcomes
            .iter()
            .map(|o| (o.outcome, o.clause.0.as_str()))
            .collect();
        assert!(outcomes.contains(&(Outcome::RestrictSoftware, "10.1")));
        assert!(outcomes.contains(&(Outcome::RemoveInformation, "10.1")));

        let review = p.review.as_ref().unwrap();
        assert_eq!(review.every, Some(Period::months(12)));
        assert_eq!(
            review.owners,
            offices(&["legal_and_democratic_services_manager"])
        );
        assert_eq!(clause(&review.clause), "1.8");
    }

    #[test]
    fn presets_cover_the_rows_under_the_design_table() {
        use crate::model::DutyTopic;
        let topics =
            |id: &str| -> Vec<DutyTopic> { pack(id).duties.iter().map(|d| d.topic).collect() };
        let aup = topics("city-aup");
        for topic in [
            DutyTopic::RemovableMedia,
            DutyTopic::Disposal,
            DutyTopic::ProtectiveMarking,
        ] {
            assert!(aup.contains(&topic), "city-aup lacks {topic:?}");
        }
        let borough = topics("borough-members-protocol");
        for topic in [
            DutyTopic::Training,
            DutyTopic::Accessibility,
            DutyTopic::FreedomOfInformation,
            DutyTopic::DataProtection,
            DutyTopic::Inspection,
        ] {
            assert!(borough.contains(&topic), "borough protocol lacks {topic:?}");
        }
        assert!(topics("town-it-policy").contains(&DutyTopic::FreedomOfInformation));
        for preset in all() {
            let p = pack(preset.id);
            assert!(
                !p.posture.is_empty(),
                "{} has no security duties",
                preset.id
            );
            assert!(
                !p.reporting.is_empty(),
                "{} has no reporting routes",
                preset.id
            );
            assert!(p.breaches.is_some(), "{} has no breach route", preset.id);
        }
    }

    const FORMAT_GUIDE: &str = include_str!("../../../docs/policy-format.md");

    #[test]
    fn presets_format_guide_example_checks_clean_and_lists_every_preset() {
        let example = FORMAT_GUIDE
            .split("## A complete small example")
            .nth(1)
            .and_then(|rest| rest.split("```toml").nth(1))
            .and_then(|block| block.split("```").next())
            .expect("the guide ends with an example pack");
        let no_files = |name: &str| Err(format!("no files ({name})"));
        if let Err(e) = crate::check::check_pack("policy-format.md", example, &no_files) {
            panic!("the guide's example has problems:\n{e}");
        }
        for preset in all() {
            assert!(
                FORMAT_GUIDE.contains(&format!("| `{}` | {} |", preset.id, preset.name)),
                "{}",
                preset.id
            );
        }
    }

    #[test]
    fn presets_citations_read_as_clause_or_heading() {
        use crate::citation::Citation;
        let code = pack("city-members-code");
        let charge = code.loans.leaving_office.as_ref().unwrap();
        assert_eq!(
            Citation::new(&code, &charge.clause).to_string(),
            "clause 28.9, Code on use of IT equipment"
        );
        let aup = pack("city-aup");
        let forwarding = aup.mail.as_ref().unwrap().auto_forwarding.as_ref().unwrap();
        assert_eq!(
            Citation::new(&aup, &forwarding.clause).to_string(),
            "\u{201c}Email\u{201d}, ICT Acceptable Use Policy"
        );
    }
}
