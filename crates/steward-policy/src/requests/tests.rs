use super::*;
use crate::presets;

fn pack(id: &str) -> Pack {
    presets::load(presets::find(id).unwrap()).unwrap().pack
}

fn facts(kind: ReportKind, equipment: Option<EquipmentKind>) -> RequestFacts {
    RequestFacts {
        kind,
        requester: Some(PersonKind::Councillor),
        equipment,
    }
}

#[test]
fn the_borough_sends_laptop_faults_to_the_help_desk_and_ipads_to_member_services() {
    let borough = pack("borough-members-protocol");
    let laptop = route(
        &borough,
        &facts(ReportKind::Fault, Some(EquipmentKind::Laptop)),
    )
    .unwrap();
    assert_eq!(laptop.handler.as_str(), "service_desk");
    assert_eq!(laptop.citation.clause, "2.5");
    let ipad = route(
        &borough,
        &facts(ReportKind::Fault, Some(EquipmentKind::Tablet)),
    )
    .unwrap();
    assert_eq!(ipad.handler.as_str(), "member_services");
    assert_eq!(ipad.handler_name, "Member Services");
    // Phones are not covered by either fault route, and the protocol names no default: the
    // council's administrators receive the report.
    let phone = route(
        &borough,
        &facts(ReportKind::Fault, Some(EquipmentKind::MobilePhone)),
    )
    .unwrap();
    assert_eq!(phone.routing, Routing::Administrators);
    assert!(phone.handler.is_administrators());
    assert_eq!(phone.handler_name, "Council administrators");
    assert!(phone.approval.is_none());
    let training = route(&borough, &facts(ReportKind::Training, None)).unwrap();
    assert_eq!(training.citation.clause, "3.7");
}

#[test]
fn the_town_needs_both_the_mayor_and_the_clerk_for_a_longer_loan() {
    let town = pack("town-it-policy");
    let r = route(&town, &facts(ReportKind::LoanExtension, None)).unwrap();
    assert_eq!(r.handler.as_str(), "town_clerk");
    let a = r.approval.unwrap();
    assert_eq!(a.agreement, Agreement::All);
    assert!(a.exceptional_only);
    assert_eq!(a.citation.clause, "4.5");
    let mayor = OfficeId("mayor".into());
    let clerk = OfficeId("town_clerk".into());
    assert!(!approved(&a, std::slice::from_ref(&mayor)));
    assert!(approved(&a, &[clerk, mayor]));
    let install = route(&town, &facts(ReportKind::SoftwareInstall, None)).unwrap();
    assert_eq!(
        install.approval.unwrap().approvers,
        [OfficeId("town_clerk".into())]
    );
}

#[test]
fn installs_the_policy_forbids_are_refused_with_the_clause() {
    let city = pack("city-members-code");
    let refused = route(&city, &facts(ReportKind::SoftwareInstall, None)).unwrap_err();
    assert_eq!(refused.citation.unwrap().clause, "28.6");
    let aup = pack("city-aup");
    let refused = route(&aup, &facts(ReportKind::SoftwareInstall, None)).unwrap_err();
    assert_eq!(refused.citation.unwrap().clause, "Software policy");
}

#[test]
fn web_exceptions_go_to_business_systems_in_the_city() {
    let city = pack("city-members-code");
    let r = route(&city, &facts(ReportKind::WebException, None)).unwrap();
    assert_eq!(r.handler.as_str(), "business_systems");
    let a = r.approval.unwrap();
    assert_eq!(a.approvers, [OfficeId("business_systems".into())]);
    assert_eq!(a.citation.clause, "28.8");
    // The borough provides for no web exceptions at all.
    let borough = pack("borough-members-protocol");
    assert!(route(&borough, &facts(ReportKind::WebException, None)).is_err());
    // Nor for longer loans.
    let refused = route(&borough, &facts(ReportKind::LoanExtension, None)).unwrap_err();
    assert!(refused.message.contains("extension"), "{refused}");
}

#[test]
fn lost_devices_are_urgent_and_phone_replacements_need_the_manager() {
    let city = pack("city-members-code");
    let lost = route(
        &city,
        &facts(ReportKind::LostOrStolen, Some(EquipmentKind::Laptop)),
    )
    .unwrap();
    assert_eq!(lost.urgency, Urgency::Immediately);
    assert_eq!(lost.handler.as_str(), "service_desk");
    assert!(
        lost.respond_within.is_some(),
        "the preset sets response times"
    );
    let borough = pack("borough-members-protocol");
    let eval = route(
        &borough,
        &facts(
            ReportKind::PhoneEvaluation,
            Some(EquipmentKind::MobilePhone),
        ),
    )
    .unwrap();
    let a = eval.approval.unwrap();
    assert_eq!(
        a.approvers,
        [OfficeId("legal_and_democratic_services_manager".into())]
    );
    assert_eq!(a.citation.clause, "3.6");
    // Only phones are evaluated: a tablet has no such route.
    let tablet = facts(ReportKind::PhoneEvaluation, Some(EquipmentKind::Tablet));
    assert!(route(&borough, &tablet).is_err());
}

#[test]
fn routes_follow_the_requesters_audience() {
    let aup = pack("city-aup");
    let staff = RequestFacts {
        kind: ReportKind::MisuseByOthers,
        requester: Some(PersonKind::Employee),
        equipment: None,
    };
    assert_eq!(
        route(&aup, &staff).unwrap().handler.as_str(),
        "line_manager"
    );
    let member = RequestFacts {
        requester: Some(PersonKind::Councillor),
        ..staff
    };
    assert_eq!(
        route(&aup, &member).unwrap().handler.as_str(),
        "head_of_law_and_governance"
    );
    let third = route(&aup, &facts(ReportKind::ThirdPartyAccess, None)).unwrap();
    assert_eq!(third.approval.unwrap().citation.clause, "ICT access");
}

#[test]
fn a_held_phones_fault_the_borough_routes_nowhere_goes_to_the_administrators_and_says_so() {
    let borough = pack("borough-members-protocol");
    let facts = facts(ReportKind::Fault, Some(EquipmentKind::MobilePhone));
    let r = route(&borough, &facts).unwrap();
    assert_eq!(
        r.citation.to_string(),
        "Protocol on the use of ICT by Members names no one for this"
    );
    assert_eq!(
        instead_words(&facts, &r).unwrap(),
        "The policy names no one to receive a fault about a mobile phone, and names no one to \
         receive reports nothing else covers, so it goes instead to the council's administrators."
    );
    // What is routed by name says nothing of the kind.
    let laptop = route(
        &borough,
        &self::facts(ReportKind::Fault, Some(EquipmentKind::Laptop)),
    )
    .unwrap();
    assert_eq!(laptop.routing, Routing::Named);
    assert_eq!(
        instead_words(&self::facts(ReportKind::Fault, None), &laptop),
        None
    );
    // Only faults, losses and thefts are always received: a virus the protocol routes nowhere
    // is still refused.
    let virus = route(&borough, &self::facts(ReportKind::Virus, None)).unwrap_err();
    assert!(virus.message.contains("suspected virus"), "{virus}");
}

fn with_default(id: &str, default: &str) -> Pack {
    let source = presets::find(id).unwrap().source.to_string() + default;
    crate::check_pack("pack.toml", &source, &|_| Err("no files".into()))
        .unwrap_or_else(|e| panic!("{e}"))
        .pack
}

#[test]
fn the_packs_default_receives_what_no_entry_covers_with_its_clause_and_time() {
    let borough = with_default(
        "borough-members-protocol",
        "\n[reporting_default]\nreport_to = \"member_services\"\nurgency = \"promptly\"\n\
         respond_within = \"2 hours\"\nclause = \"2.3\"\n",
    );
    let facts = facts(ReportKind::Fault, Some(EquipmentKind::MobilePhone));
    let r = route(&borough, &facts).unwrap();
    assert_eq!(r.routing, Routing::Default);
    assert_eq!(r.handler.as_str(), "member_services");
    assert_eq!(r.urgency, Urgency::Promptly);
    assert_eq!(r.respond_within.unwrap().to_string(), "2 hours");
    assert_eq!(r.citation.clause, "2.3");
    assert_eq!(
        instead_words(&facts, &r).unwrap(),
        "The policy names no one to receive a fault about a mobile phone, so it goes instead \
         to Member Services, whom the policy names to receive reports nothing else covers \
         (clause 2.3, Protocol on the use of ICT by Members)."
    );
    // Without a time of its own, the default takes the council's time for its urgency.
    let routine = with_default(
        "borough-members-protocol",
        "\n[reporting_default]\nreport_to = \"service_desk\"\nclause = \"2.5\"\n",
    );
    let r = route(&routine, &facts).unwrap();
    assert_eq!(r.urgency, Urgency::Routine);
    let times = routine.response_times.clone().unwrap_or_default();
    assert_eq!(r.respond_within, times.for_urgency(Urgency::Routine));
    // A route the pack names still wins over its default.
    let laptop = route(
        &routine,
        &self::facts(ReportKind::Fault, Some(EquipmentKind::Laptop)),
    )
    .unwrap();
    assert_eq!(laptop.routing, Routing::Named);
}

/// Each preset's faults, losses and thefts of the kinds of item it lends that no entry covers.
fn unrouted(id: &str) -> Vec<String> {
    let pack = pack(id);
    let mut kinds: Vec<EquipmentKind> = pack
        .equipment
        .iter()
        .flat_map(|e| e.kinds.iter().copied())
        .collect();
    kinds.dedup();
    let mut out = Vec::new();
    for report in [ReportKind::Fault, ReportKind::LostOrStolen] {
        for kind in &kinds {
            let r = route(&pack, &facts(report, Some(*kind))).unwrap();
            if r.routing != Routing::Named {
                out.push(format!("{report:?} {}", kind.as_str()));
            }
        }
    }
    out
}

#[test]
fn which_presets_leave_a_held_kind_without_a_route() {
    // The city's members' code routes every fault and loss; the borough misses phone faults;
    // the city's AUP, the county's policy and the town's policy route neither.
    assert!(unrouted("city-members-code").is_empty());
    assert_eq!(unrouted("borough-members-protocol"), ["Fault mobile_phone"]);
    assert_eq!(
        unrouted("town-it-policy"),
        ["Fault laptop", "LostOrStolen laptop"]
    );
    assert_eq!(unrouted("county-members-policy").len(), 6);
    assert_eq!(unrouted("city-aup").len(), 10);
}

#[test]
fn only_the_town_lets_an_office_authorise_antivirus_off() {
    let town = pack("town-it-policy");
    let r = posture_exception_route(&town, PostureCheck::Antivirus, Some(EquipmentKind::Laptop))
        .unwrap();
    assert_eq!(r.handler.as_str(), "town_clerk");
    let approval = r.approval.unwrap();
    assert_eq!(approval.approvers, [OfficeId("town_clerk".into())]);
    assert_eq!(approval.citation.clause, "2.2");
    assert!(route(&town, &facts(ReportKind::PostureException, None)).is_ok());
    // The password duty has no exception in the town's policy.
    let refused = posture_exception_route(&town, PostureCheck::PasswordOrPin, None).unwrap_err();
    assert_eq!(refused.citation.unwrap().clause, "2.2");
    for id in [
        "city-members-code",
        "borough-members-protocol",
        "county-members-policy",
    ] {
        let other = pack(id);
        let refused =
            posture_exception_route(&other, PostureCheck::Antivirus, Some(EquipmentKind::Laptop))
                .unwrap_err();
        assert!(refused.citation.is_some(), "{id}");
        assert!(route(&other, &facts(ReportKind::PostureException, None)).is_err());
    }
}
