#![no_main]
// Category lists come from outside sources; a bad line is skipped, never a crash.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let mut b = steward_monitor::MatcherBuilder::default();
    let Ok(id) = b.category("list") else {
        return;
    };
    for line in data.split(|&c| c == b'\n') {
        let _ = steward_monitor::entry::domain_line(line, &mut |h| b.add_domain(id, h));
        if let Ok(Some((host, path))) = steward_monitor::entry::url_line(line) {
            b.add_url(id, host, path);
        }
    }
    let m = b.build();
    for line in data.split(|&c| c == b'\n') {
        let _ = m.url_of_request(line);
    }
});
