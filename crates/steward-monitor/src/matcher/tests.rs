use super::*;
use crate::url::path_covers;
use proptest::prelude::*;

fn build(domains: &[(&str, &str)], urls: &[(&str, &str)]) -> Matcher {
    let mut b = MatcherBuilder::default();
    for (cat, host) in domains {
        let id = b.category(cat).unwrap();
        b.add_domain(id, host.as_bytes());
    }
    for (cat, entry) in urls {
        let id = b.category(cat).unwrap();
        let (host, path) = crate::entry::url_line(entry.as_bytes()).unwrap().unwrap();
        b.add_url(id, host, path);
    }
    b.build()
}

fn names(m: &Matcher, set: CategorySet) -> Vec<&str> {
    let mut v: Vec<&str> = set.iter().map(|id| m.category_name(id)).collect();
    v.sort();
    v
}

#[test]
fn overlapping_domains_still_catch_their_other_subdomains() {
    let m = build(
        &[("adult", "example.com"), ("adult", "vip.example.com")],
        &[],
    );
    for host in [
        "static.example.com",
        "example.com",
        "a.vip.example.com",
        "EXAMPLE.COM",
    ] {
        assert_eq!(
            names(&m, m.host_categories(host.as_bytes())),
            ["adult"],
            "{host}"
        );
    }
    assert!(m.host_categories(b"badexample.com").is_empty());
    assert!(m.host_categories(b"com").is_empty());
}

#[test]
fn a_host_in_several_categories_reports_them_all() {
    let m = build(
        &[
            ("webmail", "mail.example"),
            ("adult", "example"),
            ("games", "mail.example"),
        ],
        &[],
    );
    assert_eq!(
        names(&m, m.url_of_request(b"http://x.mail.example/")),
        ["adult", "games", "webmail"]
    );
}

#[test]
fn url_entries_match_on_path_boundaries() {
    let m = build(
        &[],
        &[("p2p", "example.com/foo"), ("games", "www.host.example/")],
    );
    let cats = |u: &str| names(&m, m.url_of_request(u.as_bytes()));
    assert_eq!(cats("http://example.com/foo"), ["p2p"]);
    assert_eq!(cats("http://www.example.com/foo/bar"), ["p2p"]);
    assert_eq!(cats("http://example.com/foo?x"), ["p2p"]);
    assert!(cats("http://example.com/foobar").is_empty());
    assert!(cats("http://sub.example.com/foo").is_empty());
    assert!(cats("example.com:443").is_empty());
    assert_eq!(cats("http://web2.host.example/anything"), ["games"]);
    assert_eq!(cats("http://host.example"), ["games"]);
}

#[test]
fn addresses_match_whole() {
    let m = build(&[("adult", "2.3"), ("p2p", "192.0.2.7")], &[]);
    assert!(m.host_categories(b"10.1.2.3").is_empty());
    assert_eq!(names(&m, m.host_categories(b"192.0.2.7")), ["p2p"]);
}

/// The matcher's answer worked out the slow, obvious way.
fn naive(domains: &[(usize, String)], urls: &[(usize, String, String)], url: &str) -> u64 {
    let Some(t) = split_url(url.as_bytes()) else {
        return 0;
    };
    let host = String::from_utf8_lossy(t.host).to_ascii_lowercase();
    let mut mask = 0;
    for (cat, d) in domains {
        let d = d.to_ascii_lowercase();
        let under = host == d || (!is_address(host.as_bytes()) && host.ends_with(&format!(".{d}")));
        if under {
            mask |= 1 << cat;
        }
    }
    if let Some(path) = t.path {
        let bare = String::from_utf8_lossy(strip_www(host.as_bytes())).into_owned();
        for (cat, h, p) in urls {
            if bare == h.to_ascii_lowercase() && path_covers(p.as_bytes(), path) {
                mask |= 1 << cat;
            }
        }
    }
    mask
}

fn host_strategy() -> impl Strategy<Value = String> {
    let label = prop_oneof!["a", "b", "ab", "www", "x1", "A", "7"];
    proptest::collection::vec(label, 1..5).prop_map(|l| l.join("."))
}

proptest! {
    #[test]
    fn agrees_with_the_naive_matcher(
        domains in proptest::collection::vec((0usize..4, host_strategy()), 0..25),
        urls in proptest::collection::vec(
            (0usize..4, host_strategy(), prop_oneof!["", "/", "/p", "/p/", "/p/q", "/pq"]),
            0..10,
        ),
        requests in proptest::collection::vec(
            (host_strategy(), prop_oneof!["", "/", "/p", "/p/q", "/pq", "/p?x", "/P"], any::<bool>()),
            1..20,
        ),
    ) {
        let mut b = MatcherBuilder::default();
        let ids: Vec<_> = ["c0", "c1", "c2", "c3"].iter().map(|c| b.category(c).unwrap()).collect();
        for (cat, host) in &domains {
            b.add_domain(ids[*cat], host.as_bytes());
        }
        let mut cleaned = Vec::new();
        for (cat, host, path) in &urls {
            let line = format!("{host}{path}");
            let (h, p) = crate::entry::url_line(line.as_bytes()).unwrap().unwrap();
            b.add_url(ids[*cat], h, p);
            cleaned.push((
                *cat,
                String::from_utf8_lossy(h).into_owned(),
                String::from_utf8_lossy(p).into_owned(),
            ));
        }
        let m = b.build();
        for (host, path, connect) in &requests {
            let url = if *connect { format!("{host}:443") } else { format!("http://{host}{path}") };
            prop_assert_eq!(
                m.url_of_request(url.as_bytes()).0,
                naive(&domains, &cleaned, &url),
                "{}", url
            );
        }
    }
}
