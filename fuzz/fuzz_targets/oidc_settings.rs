#![no_main]
// The identity-provider settings come from an administrator's form or command line, and the
// identities from the provider's tokens: each parser must answer, never panic.
use steward_domain::auth::{ExternalId, Issuer, RoleMapping, SecretSource};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = Issuer::parse(&text);
    let _ = RoleMapping::parse(&text);
    let _ = text.parse::<ExternalId>();
    let _ = SecretSource::file(&text);
    let _ = SecretSource::env(&text);
    if let Some((tid, oid)) = text.split_once('\n') {
        let _ = ExternalId::entra(tid, oid);
    }
    let _ = ExternalId::subject(&text);
});
