//! `Retry-After`: a number of seconds or an HTTP date (RFC 9110 §10.2.3).

use std::time::{Duration, SystemTime};

/// How long `Retry-After: value` asks to wait, seen at `now`.
///
/// A number of seconds, or an HTTP date (a date in the past is
/// [`Duration::ZERO`]). `None` for a value that is neither: the caller
/// then backs off by its own schedule.
pub(crate) fn parse(value: &[u8], now: SystemTime) -> Option<Duration> {
    let value = std::str::from_utf8(value).ok()?.trim();
    if !value.is_empty() && value.bytes().all(|byte| byte.is_ascii_digit()) {
        // More seconds than a u64 holds is no promise worth keeping.
        return value.parse().ok().map(Duration::from_secs);
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(secs)
    }

    #[test]
    fn seconds() {
        assert_eq!(parse(b"120", at(0)), Some(Duration::from_secs(120)));
        assert_eq!(parse(b" 0 ", at(0)), Some(Duration::ZERO));
    }

    #[test]
    fn an_http_date() {
        // RFC 9110's example date: Fri, 31 Dec 1999 23:59:59 GMT = 946684799.
        let value = b"Fri, 31 Dec 1999 23:59:59 GMT";
        assert_eq!(
            parse(value, at(946_684_799 - 30)),
            Some(Duration::from_secs(30))
        );
        // The obsolete forms a server may still send.
        assert_eq!(
            parse(b"Friday, 31-Dec-99 23:59:59 GMT", at(946_684_799 - 5)),
            Some(Duration::from_secs(5))
        );
        assert_eq!(
            parse(b"Fri Dec 31 23:59:59 1999", at(946_684_799 - 1)),
            Some(Duration::from_secs(1))
        );
    }

    #[test]
    fn a_date_in_the_past_is_no_wait() {
        let value = b"Fri, 31 Dec 1999 23:59:59 GMT";
        assert_eq!(parse(value, at(946_684_799 + 3600)), Some(Duration::ZERO));
    }

    proptest::proptest! {
        #[test]
        fn any_bytes_parse_without_panic(value in proptest::collection::vec(proptest::num::u8::ANY, 0..64)) {
            let _ = parse(&value, at(1_765_000_000));
        }

        #[test]
        fn seconds_round_trip(secs in 0u64..=u64::MAX) {
            proptest::prop_assert_eq!(
                parse(secs.to_string().as_bytes(), at(0)),
                Some(Duration::from_secs(secs))
            );
        }

        #[test]
        fn dates_round_trip(now in 0u64..4_000_000_000, ahead in 0u64..1_000_000) {
            let date = httpdate::fmt_http_date(at(now + ahead));
            proptest::prop_assert_eq!(
                parse(date.as_bytes(), at(now)),
                Some(Duration::from_secs(ahead))
            );
        }
    }

    #[test]
    fn nonsense_is_none() {
        for value in [&b""[..], b"soon", b"-5", b"1.5", b"12 s", b"\xff\xfe"] {
            assert_eq!(parse(value, at(0)), None, "{value:?}");
        }
        assert_eq!(parse(b"99999999999999999999999", at(0)), None);
    }
}
