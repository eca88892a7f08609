#![no_main]
// The combined format quotes browser-supplied text (referer, user agent), so anything can be in it.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = steward_monitor::scan::logline::parse_combined(data);
});
