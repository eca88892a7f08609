#![no_main]
// Exports from members' systems arrive in every shape; the parser must only ever report rows.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = steward_domain::import::parse_people("fuzz.csv", data);
});
