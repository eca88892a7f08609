#![no_main]
// Asset lists come from spreadsheets; any bytes must give rows or row errors, never a panic.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = steward_domain::import::parse_equipment("fuzz.csv", data);
});
