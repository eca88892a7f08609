#![no_main]
// A pack file comes from a council officer's editor: any text must give problems, never a panic.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = steward_policy::check_pack("fuzz.toml", text, &|name| Ok(name.to_string()));
    }
});
