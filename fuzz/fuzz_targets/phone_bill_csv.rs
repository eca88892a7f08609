#![no_main]
// Itemised bills come from each network's own export; any bytes must give rows or row errors.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = steward_domain::phones::bill::parse_bill("fuzz.csv", data);
});
