#![no_main]
// Squid hands the helper whatever a browser asked for; every line must get exactly one reply
// line and the helper must never stop.
use std::io::Cursor;
use steward_monitor::category::sorted_order;
use steward_monitor::helper::{
    BlockUrl, Engine, HelperOptions, ListsDecider, Protocol, Shared, protocol, serve,
};
use steward_monitor::MatcherBuilder;

fn engine() -> Engine {
    let mut b = MatcherBuilder::default();
    let adult = b.category("adult").unwrap_or_default();
    let games = b.category("games").unwrap_or_default();
    b.add_domain(adult, b"example.com");
    b.add_domain(games, b"a.example.com");
    b.add_url(games, b"host.example", b"/play");
    let matcher = b.build();
    let decider = ListsDecider::new(matcher.categories(), sorted_order(matcher.categories()));
    Engine {
        matcher,
        decider: Box::new(decider),
    }
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let shared = Shared::new(engine());
    let Ok(block_url) = BlockUrl::parse("http://b.example/?c={category}&u={url}&h={host}") else {
        return;
    };
    let lines = if data.is_empty() {
        0
    } else {
        data.split(|&b| b == b'\n').count() - usize::from(data.ends_with(b"\n"))
    };
    for protocol in [Protocol::Rewrite, Protocol::Acl] {
        let _ = protocol::parse_line(protocol, data);
        let options = HelperOptions {
            protocol,
            block_url: block_url.clone(),
        };
        let mut out = Vec::new();
        if serve(Cursor::new(data), &mut out, &shared, &options, &|| 1_767_225_600).is_err() {
            panic!("the helper failed on in-memory input");
        }
        let replies = out.iter().filter(|&&b| b == b'\n').count();
        assert_eq!(replies, lines, "one reply per request line");
        assert!(out.is_empty() || out.ends_with(b"\n"));
    }
});
