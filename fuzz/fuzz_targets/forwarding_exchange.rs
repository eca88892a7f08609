#![no_main]
// Exchange exports of mailboxes and inbox rules, in any shape; the parser must only ever report.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = steward_domain::mail::snapshot::exchange::parse("fuzz.csv", data);
});
