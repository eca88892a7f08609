#![no_main]
// Councils' own scripts write this format; the parser must only ever report rows.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = steward_domain::posture::parse::parse_native("fuzz.csv", data);
});
