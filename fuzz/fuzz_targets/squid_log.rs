#![no_main]
// Access logs are written by Squid but read back after rotation, truncation and copying.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    use steward_monitor::scan::logline;
    let _ = logline::parse_squid(data);
    let _ = logline::parse(logline::detect(data), data);
});
