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
    // Phones are not covered by either fault route.
    let phone = route(
        &borough,
        &facts(ReportKind::Fault, Some(EquipmentKind::MobilePhone)),
    )
    .unwrap_err();
    assert!(phone.message.contains("mobile phone"), "{phone}");
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
