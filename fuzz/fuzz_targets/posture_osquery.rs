#![no_main]
// An agent's results log is outside data; the parser must only ever report lines.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = steward_domain::posture::parse::parse_osquery("fuzz.log", data);
});
