//! What a posted form must be before any of it is read: sent as a browser sends a form, and
//! from one of this server's own pages. The CSRF token already ties a form to its session;
//! these checks refuse a cross-site post before it gets that far, and refuse bodies that are
//! not forms at all (a cross-site `text/plain` post, a script's JSON) whatever they hold.

use crate::WebError;
use crate::client::{Client, normal_origin};
use axum::extract::Request;
use axum::http::{StatusCode, header};

/// The kinds of body a form may come as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Accepts {
    /// `application/x-www-form-urlencoded` only.
    UrlEncoded,
    /// That, or `multipart/form-data` where a file may be chosen.
    UrlEncodedOrMultipart,
}

/// What the 415 page says.
pub const NOT_A_FORM: &str = "This address takes only a form sent from one of Steward's own \
pages. Go back to the page and send the form again.";

/// The media type of the request's body, lower-cased and without parameters.
fn media_type(req: &Request) -> Option<String> {
    let value = req.headers().get(header::CONTENT_TYPE)?.to_str().ok()?;
    let media = value.split(';').next()?.trim().to_ascii_lowercase();
    (!media.is_empty()).then_some(media)
}

fn is_accepted(media: Option<&str>, accepts: Accepts) -> bool {
    match media {
        Some("application/x-www-form-urlencoded") => true,
        Some("multipart/form-data") => accepts == Accepts::UrlEncodedOrMultipart,
        _ => false,
    }
}

/// Whether the request comes from a page of this server. With `Origin`, it must be this
/// server's own origin as the client sees it (`Client::origin`, which honours a trusted
/// proxy). Without it, `Sec-Fetch-Site` must say `same-origin` or `none` (typed or
/// bookmarked) if the browser sends it; a client that sends neither is not a browser that
/// could be tricked into posting, so it passes, and the CSRF token still applies.
fn is_same_origin(req: &Request) -> bool {
    let headers = req.headers();
    if let Some(origin) = headers.get(header::ORIGIN) {
        let own = req.extensions().get::<Client>().and_then(Client::origin);
        return match (origin.to_str(), own) {
            (Ok(origin), Some(own)) => normal_origin(origin) == own,
            _ => false,
        };
    }
    match headers.get("sec-fetch-site").map(|v| v.to_str()) {
        None => true,
        Some(Ok(site)) => {
            let site = site.trim();
            site.eq_ignore_ascii_case("same-origin") || site.eq_ignore_ascii_case("none")
        }
        Some(Err(_)) => false,
    }
}

/// Refuses a form that is not one (415) or comes from elsewhere (the "form has expired"
/// page, 403), before its body is read.
pub fn check(req: &Request, accepts: Accepts) -> Result<(), WebError> {
    if !is_accepted(media_type(req).as_deref(), accepts) {
        return Err(WebError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            NOT_A_FORM,
        ));
    }
    if !is_same_origin(req) {
        return Err(WebError::form_expired());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;

    fn post(pairs: &[(&str, &str)], https: bool) -> Request {
        let mut builder = Request::post("/councils/x/sign-in");
        for (name, value) in pairs {
            builder = builder.header(*name, *value);
        }
        let mut req = builder.body(Body::empty()).unwrap();
        req.extensions_mut().insert(Client {
            address: "192.0.2.1".parse().unwrap(),
            https,
            host: Some("steward.example".into()),
        });
        req
    }

    fn status(req: &Request, accepts: Accepts) -> u16 {
        match check(req, accepts) {
            Ok(()) => 200,
            Err(refusal) => refusal.status.as_u16(),
        }
    }

    const FORM: (&str, &str) = ("content-type", "application/x-www-form-urlencoded");

    #[test]
    fn only_form_bodies_are_read() {
        use Accepts::*;
        let with = |t: &str| post(&[("content-type", t)], false);
        assert_eq!(
            status(&with("application/x-www-form-urlencoded"), UrlEncoded),
            200
        );
        assert_eq!(
            status(
                &with("Application/X-WWW-Form-Urlencoded; charset=UTF-8"),
                UrlEncoded
            ),
            200
        );
        assert_eq!(
            status(&with("multipart/form-data; boundary=x"), UrlEncoded),
            415
        );
        assert_eq!(
            status(
                &with("multipart/form-data; boundary=x"),
                UrlEncodedOrMultipart
            ),
            200
        );
        for other in [
            "text/plain",
            "application/json",
            "application/x-www-form-urlencodedx",
        ] {
            assert_eq!(status(&with(other), UrlEncodedOrMultipart), 415, "{other}");
        }
        assert_eq!(status(&post(&[], false), UrlEncoded), 415);
    }

    #[test]
    fn forms_must_come_from_this_servers_own_origin() {
        let from = |pairs: &[(&str, &str)], https| status(&post(pairs, https), Accepts::UrlEncoded);
        assert_eq!(
            from(&[FORM, ("origin", "http://steward.example")], false),
            200
        );
        assert_eq!(
            from(&[FORM, ("origin", "https://Steward.Example:443")], true),
            200
        );
        // The right host over the wrong scheme, another host or port, or an opaque origin.
        for origin in [
            "http://steward.example",
            "https://evil.example",
            "https://steward.example:8443",
            "null",
        ] {
            assert_eq!(from(&[FORM, ("origin", origin)], true), 403, "{origin}");
        }
        assert_eq!(from(&[FORM, ("sec-fetch-site", "same-origin")], true), 200);
        assert_eq!(from(&[FORM, ("sec-fetch-site", "none")], true), 200);
        assert_eq!(from(&[FORM, ("sec-fetch-site", "cross-site")], true), 403);
        assert_eq!(from(&[FORM, ("sec-fetch-site", "same-site")], true), 403);
        assert_eq!(from(&[FORM], true), 200);
    }
}
