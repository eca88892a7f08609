#![no_main]
// Graph exports and report CSVs arrive from outside; the parser must only ever report rows.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = steward_domain::posture::parse::parse_intune("fuzz.json", data);
});
