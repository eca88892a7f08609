//! Reading one line of a Squid access log, in Squid's native format
//! (`time elapsed client code/status bytes method URL user hierarchy/from type`) or the
//! combined format (`client ident user [dd/Mon/yyyy:HH:MM:SS +zzzz] "METHOD URL HTTP/1.1" ...`).

/// The formats Squid writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    Squid,
    Combined,
}

/// What a log line says about a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LogEntry<'a> {
    /// When, in milliseconds since the Unix epoch (UTC).
    pub unix_ms: i64,
    pub client: &'a [u8],
    /// The proxy user name; `None` where the log has `-`.
    pub user: Option<&'a [u8]>,
    pub url: &'a [u8],
}

/// Which format a line is in: Squid's starts with a timestamp like `1767225600.002`, which no
/// client address looks like.
pub fn detect(line: &[u8]) -> LogFormat {
    let first = line.split(|&b| b == b' ').next().unwrap_or_default();
    let dots = first.iter().filter(|&&b| b == b'.').count();
    if dots == 1 && first.iter().all(|&b| b.is_ascii_digit() || b == b'.') {
        LogFormat::Squid
    } else {
        LogFormat::Combined
    }
}

pub fn parse(format: LogFormat, line: &[u8]) -> Result<LogEntry<'_>, &'static str> {
    match format {
        LogFormat::Squid => parse_squid(line),
        LogFormat::Combined => parse_combined(line),
    }
}

/// The words of a line, split at runs of spaces (Squid pads the elapsed-time column).
struct Words<'a> {
    rest: &'a [u8],
}

impl<'a> Iterator for Words<'a> {
    type Item = &'a [u8];

    #[inline]
    fn next(&mut self) -> Option<&'a [u8]> {
        let start = self.rest.iter().position(|&b| b != b' ')?;
        let rest = &self.rest[start..];
        let end = memchr::memchr(b' ', rest).unwrap_or(rest.len());
        self.rest = &rest[end..];
        Some(&rest[..end])
    }
}

fn user_field(word: &[u8]) -> Option<&[u8]> {
    (word != b"-").then_some(word)
}

fn number(digits: &[u8]) -> Option<i64> {
    if digits.is_empty() || digits.len() > 15 {
        return None;
    }
    digits.iter().try_fold(0i64, |n, &b| {
        b.is_ascii_digit().then(|| n * 10 + i64::from(b - b'0'))
    })
}

/// `1767225600.002` as milliseconds.
fn squid_time(word: &[u8]) -> Option<i64> {
    let (secs, frac) = match memchr::memchr(b'.', word) {
        Some(dot) => (&word[..dot], &word[dot + 1..]),
        None => (word, &b""[..]),
    };
    let mut ms = number(secs)? * 1000;
    let mut scale = 100;
    for &b in frac.iter().take(3) {
        if !b.is_ascii_digit() {
            return None;
        }
        ms += i64::from(b - b'0') * scale;
        scale /= 10;
    }
    Some(ms)
}

pub fn parse_squid(line: &[u8]) -> Result<LogEntry<'_>, &'static str> {
    let mut w = Words { rest: line };
    let time = w.next().ok_or("empty line")?;
    let unix_ms = squid_time(time).ok_or("the first field is not a time like 1767225600.002")?;
    let _elapsed = w.next();
    let client = w.next().ok_or("no client address")?;
    let _code = w.next();
    let _bytes = w.next();
    let _method = w.next();
    let url = w.next().ok_or("no URL (expected squid's native format)")?;
    let user = w.next().ok_or("no user field after the URL")?;
    Ok(LogEntry {
        unix_ms,
        client,
        user: user_field(user),
        url,
    })
}

const MONTHS: [&[u8; 3]; 12] = [
    b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov", b"Dec",
];

/// Days from 1970-01-01 to a date of the proleptic Gregorian calendar.
pub fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `28/Nov/2026:13:05:09 +0100` as milliseconds since the epoch.
fn combined_time(t: &[u8]) -> Option<i64> {
    if t.len() != 26 || t[2] != b'/' || t[6] != b'/' || t[11] != b':' || t[20] != b' ' {
        return None;
    }
    let day = number(&t[0..2])?;
    let month = MONTHS.iter().position(|m| &t[3..6] == *m)? as i64 + 1;
    let year = number(&t[7..11])?;
    let (h, m, s) = (
        number(&t[12..14])?,
        number(&t[15..17])?,
        number(&t[18..20])?,
    );
    if t[14] != b':' || t[17] != b':' || !(1..=31).contains(&day) || h > 23 || m > 59 || s > 60 {
        return None;
    }
    let sign = match t[21] {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let offset = sign * (number(&t[22..24])? * 3600 + number(&t[24..26])? * 60);
    let secs = days_from_civil(year, month, day) * 86_400 + h * 3600 + m * 60 + s - offset;
    Some(secs * 1000)
}

pub fn parse_combined(line: &[u8]) -> Result<LogEntry<'_>, &'static str> {
    let mut w = Words { rest: line };
    let client = w.next().ok_or("empty line")?;
    let _ident = w.next().ok_or("no ident field")?;
    let user = w.next().ok_or("no user field")?;
    let rest = w.rest;
    let open = memchr::memchr(b'[', rest).ok_or("no [time] field")?;
    let close = memchr::memchr(b']', &rest[open..]).ok_or("the [time] field is not closed")? + open;
    let unix_ms = combined_time(&rest[open + 1..close])
        .ok_or("the time is not like [28/Nov/2026:13:05:09 +0000]")?;
    let rest = &rest[close + 1..];
    let quote = memchr::memchr(b'"', rest).ok_or("no quoted request")?;
    let request = &rest[quote + 1..];
    let end = memchr::memchr(b'"', request).ok_or("the quoted request is not closed")?;
    let mut parts = Words {
        rest: &request[..end],
    };
    let _method = parts.next().ok_or("empty request")?;
    let url = parts.next().ok_or("no URL in the request")?;
    Ok(LogEntry {
        unix_ms,
        client,
        user: user_field(user),
        url,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn native_lines() {
        let line = b"1767225600.004    713 10.1.1.12 TCP_MISS/404 35464 GET http://a.example/x u0012 HIER_DIRECT/93.184.155.102 text/html";
        assert_eq!(detect(line), LogFormat::Squid);
        let e = parse_squid(line).unwrap();
        assert_eq!(e.unix_ms, 1_767_225_600_004);
        assert_eq!(e.client, b"10.1.1.12");
        assert_eq!(e.user, Some(&b"u0012"[..]));
        assert_eq!(e.url, b"http://a.example/x");
        let e = parse_squid(
            b"1767225600.5 1 ::1 TCP_TUNNEL/200 5 CONNECT a.example:443 - HIER_DIRECT/x -",
        )
        .unwrap();
        assert_eq!((e.unix_ms, e.user), (1_767_225_600_500, None));
        assert!(parse_squid(b"1767225600.004 713 10.1.1.12").is_err());
        assert!(parse_squid(b"yesterday 1 2 3 4 5 6 7").is_err());
    }

    #[test]
    fn combined_lines() {
        let line = b"10.0.0.1 - ada [01/Jan/2026:01:00:00 +0100] \"GET http://a.example/ HTTP/1.1\" 200 12 \"-\" \"UA x\" TCP_MISS:HIER_DIRECT";
        assert_eq!(detect(line), LogFormat::Combined);
        let e = parse_combined(line).unwrap();
        assert_eq!(e.unix_ms, 1_767_225_600_000);
        assert_eq!(e.user, Some(&b"ada"[..]));
        assert_eq!(e.url, b"http://a.example/");
        assert!(parse_combined(b"10.0.0.1 - - [01/Jan/2026:01:00:00 +0100] \"GET").is_err());
        assert!(parse_combined(b"10.0.0.1 - - [1/Jan/2026] \"GET / HTTP/1.1\"").is_err());
    }

    proptest! {
        #[test]
        fn civil_days_agree_with_chrono(days in -200_000i64..200_000) {
            let date = chrono::NaiveDate::from_num_days_from_ce_opt(719_163 + days as i32).unwrap();
            use chrono::Datelike;
            prop_assert_eq!(
                days_from_civil(i64::from(date.year()), i64::from(date.month()), i64::from(date.day())),
                days
            );
        }

        #[test]
        fn never_panics(line in proptest::collection::vec(any::<u8>(), 0..160)) {
            let _ = parse(detect(&line), &line);
            let _ = parse_squid(&line);
            let _ = parse_combined(&line);
        }
    }
}
