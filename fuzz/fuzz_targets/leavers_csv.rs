#![no_main]
// An election result or a batch of resignations arrives as a spreadsheet export; whatever it
// holds, the parser must only ever report rows or problems.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = steward_domain::import::parse_leavers("fuzz.csv", data);
});
