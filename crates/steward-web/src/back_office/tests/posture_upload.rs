//! Uploading device checks from the compliance page: a bad file is refused with its problems
//! by line and nothing is stored; a good one is checked (observations, items, devices the
//! register does not know) with nothing stored, then imported as it was checked, with its
//! audit record; a Fleet file needs its policy map; auditors read but do not import.

use super::*;
use steward_domain::posture::PostureTx;

const GOOD: &str = "device,check,result,observed_at,source,detail\n\
    LAP-1,antivirus,fail,2027-03-19T17:30:00Z,council script,real-time protection off\n\
    LAP-1,screen_lock,pass,2027-03-19T17:30:00Z,council script,\n\
    DESK-99,antivirus,pass,2027-03-19T17:30:00Z,council script,\n";

fn borrow<'a>(
    form: &'a [(&'static str, Option<&'static str>, String)],
) -> Vec<(&'a str, Option<&'a str>, &'a str)> {
    form.iter().map(|(n, f, v)| (*n, *f, v.as_str())).collect()
}

async fn observations(site: &Site) -> usize {
    let mut tx = site.state.store.begin().await.unwrap();
    let c = council::find(&mut tx, &"fenwold".parse().unwrap())
        .await
        .unwrap();
    tx.latest_observations(c.id, &[]).await.unwrap().len()
}

#[tokio::test]
async fn device_checks_are_checked_then_imported_as_they_were_checked() {
    let site = site().await;
    let (olive, token) = sign_in(&site, "olive").await;
    let uri = format!("{BASE}/compliance/upload");
    let (status, _, html) = get(&site, &format!("{BASE}/compliance"), &olive).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(&format!(r#"href="{uri}""#)), "{html}");
    let (status, _, html) = get(&site, &uri, &olive).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("A file may be up to 8 MB"), "{html}");
    assert!(
        html.contains("Microsoft Intune") && html.contains("Fleet"),
        "{html}"
    );

    // Nothing chosen: both fields are named in the summary.
    let (status, _, html) =
        post_multipart(&site, &uri, &olive, &[("csrf_token", None, &token)]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains(r##"href="#format""##), "{html}");
    assert!(html.contains(r##"href="#file""##), "{html}");

    // A bad line is named and nothing is stored.
    let bad = GOOD.replace("screen_lock,pass", "screen_lock,maybe");
    let (status, _, html) = post_multipart(
        &site,
        &uri,
        &olive,
        &[
            ("csrf_token", None, &token),
            ("format", None, "steward"),
            ("file", Some("checks.csv"), &bad),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("checks.csv has problems on 1 line"), "{html}");
    assert!(html.contains("Line 3</th>"), "{html}");
    assert_eq!(observations(&site).await, 0);

    // Fleet without its map is refused against the map's field.
    let (status, _, html) = post_multipart(
        &site,
        &uri,
        &olive,
        &[
            ("csrf_token", None, &token),
            ("format", None, "fleet"),
            ("file", Some("hosts.json"), "{}"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains(r##"href="#map""##), "{html}");

    // A good file is checked: what it gives, and nothing stored yet.
    let (status, _, html) = post_multipart(
        &site,
        &uri,
        &olive,
        &[
            ("csrf_token", None, &token),
            ("format", None, "steward"),
            ("file", Some("checks.csv"), GOOD),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(
        html.contains("Check the device checks before importing them"),
        "{html}"
    );
    assert!(html.contains("2, all new to the register"), "{html}");
    assert!(html.contains("<li>DESK-99</li>"), "{html}");
    assert_eq!(observations(&site).await, 0);
    let kept: Vec<(&str, String)> = ["kept_format", "file_name", "data", "map_name", "map"]
        .iter()
        .map(|f| (*f, hidden(&html, f)))
        .collect();
    let digest = hidden(&html, "digest");
    // The check page's form as it would be posted, with the digest given.
    let confirm = |digest: &str| {
        let mut form = vec![
            ("csrf_token", token.clone()),
            ("confirm", "yes".to_string()),
            ("digest", digest.to_string()),
        ];
        form.extend(kept.iter().cloned());
        form
    };
    let fields =
        |form: &[(&'static str, String)]| -> Vec<(&'static str, Option<&'static str>, String)> {
            form.iter().map(|(n, v)| (*n, None, v.clone())).collect()
        };

    // An auditor reads the page but may not import.
    let (audrey, audrey_token) = sign_in(&site, "audrey").await;
    let (status, _, html) = get(&site, &uri, &audrey).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!html.contains("Upload and check"), "{html}");
    let (status, _, _) = post_multipart(
        &site,
        &uri,
        &audrey,
        &[
            ("csrf_token", None, &audrey_token),
            ("format", None, "steward"),
            ("file", Some("checks.csv"), GOOD),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // A file changed after its check is refused.
    let forged = fields(&confirm(&"0".repeat(64)));
    let (status, _, html) = post_multipart(&site, &uri, &olive, &borrow(&forged)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("changed after it was checked"), "{html}");
    assert_eq!(observations(&site).await, 0);

    // Confirmed, the checks are stored with the import's audit record.
    let good = fields(&confirm(&digest));
    let (status, _, html) = post_multipart(&site, &uri, &olive, &borrow(&good)).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(
        html.contains("Device checks imported from checks.csv"),
        "{html}"
    );
    assert_eq!(observations(&site).await, 2);
    let (_, _, log) = get(&site, &format!("{BASE}/audit"), &olive).await;
    assert!(
        log.contains("imported device checks from checks.csv: 1 items of the register reported on, 1 devices not in it"),
        "{log}"
    );
    let (_, _, html) = get(&site, &format!("{BASE}/compliance"), &olive).await;
    assert!(html.contains("real-time protection off"), "{html}");
}
