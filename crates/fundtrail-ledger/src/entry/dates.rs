//! Days and instants as entries write them (SPEC.md §2.1, §2.2): `YYYY-MM-DD` dates and
//! `recorded_at` times, checked without chrono's parser and formatted without its pattern
//! interpreter (both tested against chrono). Years run from 0000 to 9999 in the proleptic
//! Gregorian calendar (0000 is a leap year); seconds from 00 to 59, never a leap second.

/// Reports whether `s` is a calendar date written exactly `YYYY-MM-DD`.
///
/// Accepts exactly the strings that chrono parses with `%Y-%m-%d` and formats back to the
/// same text (checked against chrono in the tests), without chrono's cost.
pub fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10 && date_ok(b)
}

/// The value of the ASCII decimal digits `b`, or `None` when any byte is not a digit.
fn digits(b: &[u8]) -> Option<u32> {
    b.iter().try_fold(0u32, |n, &c| {
        c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
    })
}

/// `b` (10 bytes) is `YYYY-MM-DD`, a day of the proleptic Gregorian calendar.
fn date_ok(b: &[u8]) -> bool {
    if b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let (Some(y), Some(m), Some(d)) = (digits(&b[0..4]), digits(&b[5..7]), digits(&b[8..10]))
    else {
        return false;
    };
    let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d)
}

/// Formats a time as `recorded_at` is written: UTC, microseconds, `Z`. The same text as
/// chrono's `%Y-%m-%dT%H:%M:%S%.6fZ` (tested), without parsing that pattern on each call
/// for the usual case (years 0 to 9999, no leap second).
pub fn format_recorded_at(t: chrono::DateTime<chrono::Utc>) -> String {
    use chrono::{Datelike, Timelike};
    let (year, nanos) = (t.year(), t.nanosecond());
    if !(0..=9999).contains(&year) || nanos >= 1_000_000_000 {
        return t.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string();
    }
    format!(
        "{year:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z",
        t.month(),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        nanos / 1000
    )
}

/// Reports whether `s` is a `recorded_at` value in the one fixed format.
///
/// Accepts exactly the strings that chrono parses with `%Y-%m-%dT%H:%M:%S%.6fZ` and
/// formats back to the same text, except leap seconds (second 60), which chrono accepts at
/// any minute but SPEC.md §2.1 does not (checked against chrono in the tests).
pub fn is_recorded_at(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 27
        && date_ok(&b[..10])
        && b[10] == b'T'
        && b[13] == b':'
        && b[16] == b':'
        && b[19] == b'.'
        && b[26] == b'Z'
        && digits(&b[11..13]).is_some_and(|h| h <= 23)
        && digits(&b[14..16]).is_some_and(|m| m <= 59)
        && digits(&b[17..19]).is_some_and(|s| s <= LAST_SECOND)
        && digits(&b[20..26]).is_some()
}

/// The largest seconds value: no leap second (which would be written 60) is a valid
/// `recorded_at`. The clocks fundtrail reads never report one.
const LAST_SECOND: u32 = 59;

#[cfg(test)]
mod tests {
    use super::*;

    /// The definitions these fast checks replace: a chrono parse and format round trip.
    fn is_date_chrono(s: &str) -> bool {
        s.len() == 10
            && chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .is_ok_and(|d| d.format("%Y-%m-%d").to_string() == s)
    }

    #[test]
    fn recorded_at_is_formatted_as_chrono_formats_it() {
        let chrono_text =
            |t: chrono::DateTime<chrono::Utc>| t.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string();
        let mut micros: i64 = -62_167_219_200_000_000; // 0000-01-01T00:00:00Z
        let step = 7_777_777_777_777; // about 90 days and some odd microseconds
        let last = 253_402_300_799_999_999; // 9999-12-31T23:59:59.999999Z
        let mut checked = 0;
        while micros <= last {
            let t = chrono::DateTime::from_timestamp_micros(micros).expect("in range");
            assert_eq!(format_recorded_at(t), chrono_text(t), "{micros}");
            checked += 1;
            micros += step;
        }
        assert!(checked > 40_000);
        for extreme in [
            -62_167_219_200_000_001, // year -1
            253_402_300_800_000_000, // year 10000
            0,
            1_764_000_000_123_456,
        ] {
            let t = chrono::DateTime::from_timestamp_micros(extreme).expect("in range");
            assert_eq!(format_recorded_at(t), chrono_text(t), "{extreme}");
        }
        let leap = chrono::NaiveDate::from_ymd_opt(2016, 12, 31)
            .and_then(|d| d.and_hms_micro_opt(23, 59, 59, 1_500_000))
            .expect("a leap second")
            .and_utc();
        assert_eq!(format_recorded_at(leap), chrono_text(leap));
    }

    /// The chrono round trip, without the leap seconds it accepts at any minute.
    fn is_recorded_at_chrono(s: &str) -> bool {
        s.len() == 27
            && s.get(17..19) != Some("60")
            && chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.6fZ")
                .is_ok_and(|t| format_recorded_at(t.and_utc()) == s)
    }

    #[test]
    fn a_leap_second_is_not_a_recorded_at_and_year_zero_is() {
        for leap in ["2016-12-31T23:59:60.000000Z", "2026-06-30T12:34:60.123456Z"] {
            assert!(!is_recorded_at(leap), "{leap}");
        }
        for t in ["0000-01-01T00:00:00.000000Z", "0000-02-29T23:59:59.999999Z"] {
            assert!(is_recorded_at(t), "{t}");
        }
        assert!(is_date("0000-02-29"));
        assert!(!is_date("1900-02-29"));
    }

    /// A small deterministic generator (xorshift), so failures reproduce.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
    }

    /// Bytes that make interesting mutations of dates and times.
    const NOISE: &[u8] = b"0123456789-:.TZ +/aZ\x00\xff";

    fn mutate(rng: &mut Rng, s: &str) -> String {
        let mut b = s.as_bytes().to_vec();
        for _ in 0..=rng.below(2) {
            match rng.below(4) {
                0 if !b.is_empty() => {
                    let i = rng.below(b.len() as u64) as usize;
                    b[i] = NOISE[rng.below(NOISE.len() as u64) as usize];
                }
                1 if !b.is_empty() => {
                    b.remove(rng.below(b.len() as u64) as usize);
                }
                2 => {
                    let i = rng.below(b.len() as u64 + 1) as usize;
                    b.insert(i, NOISE[rng.below(NOISE.len() as u64) as usize]);
                }
                _ => {
                    let i = rng.below(b.len() as u64 + 1) as usize;
                    b.insert(i, b'0' + rng.below(10) as u8);
                }
            }
        }
        String::from_utf8_lossy(&b).into_owned()
    }

    #[test]
    fn fast_date_checks_agree_with_the_chrono_round_trip_on_edge_cases() {
        for s in [
            "2024-02-29",
            "2023-02-29",
            "2000-02-29",
            "1900-02-29",
            "2100-02-29",
            "2400-02-29",
            "0000-02-29",
            "0000-01-01",
            "9999-12-31",
            "2026-13-01",
            "2026-00-10",
            "2026-04-31",
            "2026-04-30",
            "2026-01-00",
            "2026-01-32",
            "2026-1-01",
            "2026-01-1",
            "+2026-01-01",
            "20260-01-01",
            "2026/01/01",
            "2026-01-01 ",
            " 2026-01-01",
            "２026-01-01",
            "",
        ] {
            assert_eq!(is_date(s), is_date_chrono(s), "{s:?}");
        }
        for s in [
            "2026-11-24T10:00:00.000000Z",
            "2024-02-29T23:59:59.999999Z",
            "2023-02-29T00:00:00.000000Z",
            "2026-12-31T23:59:60.000000Z",
            "2026-06-30T12:34:60.123456Z",
            "2026-06-30T23:59:61.000000Z",
            "2026-06-30T24:00:00.000000Z",
            "2026-06-30T23:60:00.000000Z",
            "2026-13-01T00:00:00.000000Z",
            "2026-06-30T12:00:00.00000Z",
            "2026-06-30T12:00:00.0000000Z",
            "2026-06-30T12:00:00.000000",
            "2026-06-30T12:00:00.000000z",
            "2026-06-30t12:00:00.000000Z",
            "2026-06-30 12:00:00.000000Z",
            "2026-06-30T12:00:00,000000Z",
            "2026-06-30T12:00:00.00000aZ",
            "2026-06-30T1:00:00.0000000Z",
            "2026-06-30T12:00:00.000000+00",
            "0000-01-01T00:00:00.000000Z",
            "9999-12-31T23:59:59.999999Z",
        ] {
            assert_eq!(is_recorded_at(s), is_recorded_at_chrono(s), "{s:?}");
        }
    }

    #[test]
    fn fast_date_check_agrees_with_chrono_on_every_day_of_some_years() {
        for y in [0, 1, 4, 100, 400, 1900, 1999, 2000, 2023, 2024, 2100, 9999] {
            for m in 0..=13 {
                for d in 0..=32 {
                    let s = format!("{y:04}-{m:02}-{d:02}");
                    assert_eq!(is_date(&s), is_date_chrono(&s), "{s:?}");
                }
            }
        }
    }

    #[test]
    fn fast_time_check_agrees_with_chrono_on_every_time_of_day() {
        for h in 0..=25 {
            for m in 0..=61 {
                for s in [0, 1, 30, 58, 59, 60, 61, 99] {
                    let t = format!("2024-02-29T{h:02}:{m:02}:{s:02}.000500Z");
                    assert_eq!(is_recorded_at(&t), is_recorded_at_chrono(&t), "{t:?}");
                }
            }
        }
    }

    #[test]
    fn fast_date_checks_agree_with_chrono_on_generated_strings() {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        let mut accepted = [0usize; 2];
        for _ in 0..200_000 {
            let (y, m, d) = (rng.below(10_000), 1 + rng.below(12), 1 + rng.below(31));
            let date = format!("{y:04}-{m:02}-{d:02}");
            let (h, mi, s, f) = (
                rng.below(24),
                rng.below(60),
                rng.below(61),
                rng.below(1_000_000),
            );
            let time = format!("{date}T{h:02}:{mi:02}:{s:02}.{f:06}Z");
            for (i, s) in [date.clone(), mutate(&mut rng, &date)].iter().enumerate() {
                assert_eq!(is_date(s), is_date_chrono(s), "{s:?}");
                accepted[0] += usize::from(i == 0 && is_date(s));
            }
            for (i, s) in [time.clone(), mutate(&mut rng, &time)].iter().enumerate() {
                assert_eq!(is_recorded_at(s), is_recorded_at_chrono(s), "{s:?}");
                accepted[1] += usize::from(i == 0 && is_recorded_at(s));
            }
        }
        // The generator must exercise both answers.
        assert!(
            accepted.iter().all(|n| (100_000..200_000).contains(n)),
            "{accepted:?}"
        );
    }
}
