#![no_main]
// Graph's rule snapshots come from scripts councils write; the parser must only ever report.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = steward_domain::mail::snapshot::graph::parse("fuzz.json", data);
});
