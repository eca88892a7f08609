#![no_main]
// Fleet's answers and the council's policy map are outside data; the parsers must only ever report lines.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    // The map is read from the first line, the hosts from the rest, so both parsers are driven.
    let text = String::from_utf8_lossy(data);
    let (map, hosts) = text.split_once('\n').unwrap_or((&text, ""));
    let map = steward_domain::posture::parse::FleetMap::parse("fuzz.map", &map.replace(';', "\n"))
        .unwrap_or_default();
    let _ = steward_domain::posture::parse::parse_fleet("fuzz.json", hosts.as_bytes(), &map);
});
