//! Uploading a mail forwarding snapshot: a bad file is refused with its problems by line
//! against the file's field and nothing is stored; a good one is checked (mailboxes, forwards,
//! how many break the policy) with nothing stored, then imported as it was checked, with its
//! audit record; a snapshot changed after its check is refused; auditors may not upload.

use super::*;

const RULES: &str = r#"{
  "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users('flo%40fenwold.example.gov.uk')/mailFolders('inbox')/messageRules",
  "value": [
    {"id": "AQAAAJ5dZqA=", "displayName": "Everything home", "sequence": 1, "isEnabled": true,
     "conditions": {}, "actions": {"forwardTo": [{"emailAddress": {"name": "Flo", "address": "flo.hart@mail.example.com"}}],
     "stopProcessingRules": true}}
  ]
}"#;

#[tokio::test]
async fn a_snapshot_is_checked_then_imported_as_it_was_checked() {
    let site = site().await;
    let (olive, token) = sign_in(&site, "olive").await;
    let uri = format!("{BASE}/monitoring/mail-forwards");
    let (status, _, html) = get(&site, &uri, &olive).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Upload and check"), "{html}");

    // Nothing chosen: both fields are named in the summary.
    let (status, _, html) =
        post_multipart(&site, &uri, &olive, &[("csrf_token", None, &token)]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains(r##"href="#format""##), "{html}");
    assert!(html.contains(r##"href="#file""##), "{html}");

    // A bad file: its problems against the field, and nothing stored.
    let bad =
        "PrimarySmtpAddress,ForwardingSmtpAddress\nflo@fenwold.example.gov.uk,not an address\n";
    let (status, _, html) = post_multipart(
        &site,
        &uri,
        &olive,
        &[
            ("csrf_token", None, &token),
            ("format", None, "exchange"),
            ("file", Some("mailboxes.csv"), bad),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{html}");
    assert!(html.contains(r##"href="#file""##), "{html}");
    assert!(html.contains("mailboxes.csv has problems"), "{html}");
    assert!(html.contains("Line 2</th>"), "{html}");

    // A good snapshot is checked: what it holds, and nothing stored yet.
    let (status, _, html) = post_multipart(
        &site,
        &uri,
        &olive,
        &[
            ("csrf_token", None, &token),
            ("format", None, "graph"),
            ("file", Some("rules.json"), RULES),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(
        html.contains("Check the snapshot before importing it"),
        "{html}"
    );
    assert!(html.contains("Mailboxes that forward mail"), "{html}");
    assert!(html.contains("Forwards that break the policy"), "{html}");
    assert!(html.contains("Microsoft Graph inbox rules"), "{html}");
    let (_, _, list) = get(&site, &uri, &olive).await;
    assert!(!list.contains("flo.hart@mail.example.com"), "{list}");
    let kept: Vec<(&'static str, String)> = ["kept_format", "file_name", "data"]
        .iter()
        .map(|f| (*f, hidden(&html, f)))
        .collect();
    let digest = hidden(&html, "digest");
    let confirm = |digest: &str| -> Vec<(&'static str, Option<&'static str>, String)> {
        let mut form = vec![
            ("csrf_token", None, token.clone()),
            ("confirm", None, "yes".to_string()),
            ("digest", None, digest.to_string()),
        ];
        form.extend(kept.iter().map(|(n, v)| (*n, None, v.clone())));
        form
    };

    // An auditor may not upload.
    let (audrey, audrey_token) = sign_in(&site, "audrey").await;
    let (status, _, _) = post_multipart(
        &site,
        &uri,
        &audrey,
        &[
            ("csrf_token", None, &audrey_token),
            ("format", None, "graph"),
            ("file", Some("rules.json"), RULES),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Changed after its check: refused, nothing stored.
    let forged = confirm(&"0".repeat(64));
    let forged: Vec<(&str, Option<&str>, &str)> = forged
        .iter()
        .map(|(n, f, v)| (*n, *f, v.as_str()))
        .collect();
    let (status, _, html) = post_multipart(&site, &uri, &olive, &forged).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("changed after it was checked"), "{html}");
    assert!(html.contains(r##"href="#file""##), "{html}");
    let (_, _, list) = get(&site, &uri, &olive).await;
    assert!(!list.contains("flo.hart@mail.example.com"), "{list}");

    // Confirmed: stored, with the import's audit record.
    let good = confirm(&digest);
    let good: Vec<(&str, Option<&str>, &str)> =
        good.iter().map(|(n, f, v)| (*n, *f, v.as_str())).collect();
    let (status, _, html) = post_multipart(&site, &uri, &olive, &good).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(
        html.contains("1 forwards imported from rules.json; 0 break the rule."),
        "{html}"
    );
    assert!(html.contains("flo.hart@mail.example.com"), "{html}");
    let (_, _, log) = get(&site, &format!("{BASE}/audit"), &olive).await;
    assert!(
        log.contains("imported 1 mail forward from rules.json"),
        "{log}"
    );
}
