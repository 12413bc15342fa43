//! German public holidays for the 16 Länder, computed from rules: fixed dates, dates
//! relative to Easter Sunday, and the state-specific ones with the years they apply.
//! Holidays kept only in some municipalities of a state (Fronleichnam in parts of
//! Saxony and Thuringia, Mariä Himmelfahrt in Catholic Bavaria, the Augsburg peace
//! festival) are not state-wide and so not listed.

use jiff::civil::Date;

/// A German state (Bundesland), by its usual two-letter code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Land {
    BW,
    BY,
    BE,
    BB,
    HB,
    HH,
    HE,
    MV,
    NI,
    NW,
    RP,
    SL,
    SN,
    ST,
    SH,
    TH,
}

impl Land {
    pub const ALL: [Land; 16] = [
        Land::BW,
        Land::BY,
        Land::BE,
        Land::BB,
        Land::HB,
        Land::HH,
        Land::HE,
        Land::MV,
        Land::NI,
        Land::NW,
        Land::RP,
        Land::SL,
        Land::SN,
        Land::ST,
        Land::SH,
        Land::TH,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Land::BW => "BW",
            Land::BY => "BY",
            Land::BE => "BE",
            Land::BB => "BB",
            Land::HB => "HB",
            Land::HH => "HH",
            Land::HE => "HE",
            Land::MV => "MV",
            Land::NI => "NI",
            Land::NW => "NW",
            Land::RP => "RP",
            Land::SL => "SL",
            Land::SN => "SN",
            Land::ST => "ST",
            Land::SH => "SH",
            Land::TH => "TH",
        }
    }

    pub fn parse(s: &str) -> Option<Land> {
        Land::ALL
            .into_iter()
            .find(|l| l.as_str().eq_ignore_ascii_case(s.trim()))
    }
}

/// A public holiday: its date and a stable key for its name (`holiday-<key>` in the
/// translations).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Holiday {
    pub date: Date,
    pub key: &'static str,
}

/// Easter Sunday of a Gregorian year (the anonymous Gregorian algorithm).
pub fn easter_sunday(year: i16) -> Date {
    let y = i32::from(year);
    let a = y % 19;
    let b = y / 100;
    let c = y % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    Date::new(year, month as i8, day as i8).expect("Easter is a valid date")
}

/// Every state-wide public holiday of the Land in the year, in date order. Years
/// before 1995 (the current rules, Buß- und Bettag abolished outside Saxony) are not
/// supported and give the rules of 1995.
pub fn holidays(year: i16, land: Land) -> Vec<Holiday> {
    use Land::*;
    let easter = easter_sunday(year);
    let rel = |days: i64| {
        easter
            .checked_add(jiff::Span::new().days(days))
            .expect("near Easter")
    };
    let fixed = |month: i8, day: i8| Date::new(year, month, day).expect("a valid date");
    let mut out = vec![
        Holiday {
            date: fixed(1, 1),
            key: "new-year",
        },
        Holiday {
            date: rel(-2),
            key: "good-friday",
        },
        Holiday {
            date: rel(1),
            key: "easter-monday",
        },
        Holiday {
            date: fixed(5, 1),
            key: "labour-day",
        },
        Holiday {
            date: rel(39),
            key: "ascension",
        },
        Holiday {
            date: rel(50),
            key: "whit-monday",
        },
        Holiday {
            date: fixed(10, 3),
            key: "unity-day",
        },
        Holiday {
            date: fixed(12, 25),
            key: "christmas",
        },
        Holiday {
            date: fixed(12, 26),
            key: "boxing-day",
        },
    ];
    let mut add = |applies: bool, date: Date, key: &'static str| {
        if applies {
            out.push(Holiday { date, key });
        }
    };
    add(matches!(land, BW | BY | ST), fixed(1, 6), "epiphany");
    add(
        (land == BE && year >= 2019) || (land == MV && year >= 2023),
        fixed(3, 8),
        "womens-day",
    );
    add(land == BB, rel(0), "easter-sunday");
    // Berlin's one-off Liberation Day: the 75th and 80th anniversaries.
    add(
        land == BE && (year == 2020 || year == 2025),
        fixed(5, 8),
        "liberation-day",
    );
    add(land == BB, rel(49), "whit-sunday");
    add(
        matches!(land, BW | BY | HE | NW | RP | SL),
        rel(60),
        "corpus-christi",
    );
    add(land == SL, fixed(8, 15), "assumption");
    add(land == TH && year >= 2019, fixed(9, 20), "childrens-day");
    // Reformation Day: in the eastern states always, in the north since 2018, and
    // everywhere in 2017 (the 500th anniversary).
    add(
        matches!(land, BB | MV | SN | ST | TH)
            || (matches!(land, HB | HH | NI | SH) && year >= 2018)
            || year == 2017,
        fixed(10, 31),
        "reformation-day",
    );
    add(
        matches!(land, BW | BY | NW | RP | SL),
        fixed(11, 1),
        "all-saints",
    );
    add(land == SN, repentance_day(year), "repentance-day");
    out.sort_by_key(|h| h.date);
    out
}

/// Buß- und Bettag: the Wednesday before 23 November.
fn repentance_day(year: i16) -> Date {
    let mut d = Date::new(year, 11, 22).expect("a valid date");
    while d.weekday() != jiff::civil::Weekday::Wednesday {
        d = d.yesterday().expect("in range");
    }
    d
}

/// Whether the date is a public holiday in the Land.
pub fn is_holiday(date: Date, land: Land) -> bool {
    holidays(date.year(), land).iter().any(|h| h.date == date)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn easter_sundays_of_known_years() {
        for (year, month, day) in [
            (2000, 4, 23),
            (2008, 3, 23),
            (2011, 4, 24),
            (2019, 4, 21),
            (2024, 3, 31),
            (2025, 4, 20),
            (2026, 4, 5),
            (2027, 3, 28),
            (2038, 4, 25),
        ] {
            assert_eq!(easter_sunday(year), date(year, month, day), "{year}");
        }
    }

    /// The published holiday calendars: (year, Land, every date as MM-DD).
    #[test]
    fn state_calendars_match_the_published_ones() {
        let cases: &[(i16, Land, &[&str])] = &[
            (
                2025,
                Land::BY,
                &[
                    "01-01", "01-06", "04-18", "04-21", "05-01", "05-29", "06-09", "06-19",
                    "10-03", "11-01", "12-25", "12-26",
                ],
            ),
            (
                2025,
                Land::BE,
                &[
                    "01-01", "03-08", "04-18", "04-21", "05-01", "05-08", "05-29", "06-09",
                    "10-03", "12-25", "12-26",
                ],
            ),
            (
                2024,
                Land::SN,
                &[
                    "01-01", "03-29", "04-01", "05-01", "05-09", "05-20", "10-03", "10-31",
                    "11-20", "12-25", "12-26",
                ],
            ),
            (
                2026,
                Land::NW,
                &[
                    "01-01", "04-03", "04-06", "05-01", "05-14", "05-25", "06-04", "10-03",
                    "11-01", "12-25", "12-26",
                ],
            ),
            (
                2026,
                Land::HH,
                &[
                    "01-01", "04-03", "04-06", "05-01", "05-14", "05-25", "10-03", "10-31",
                    "12-25", "12-26",
                ],
            ),
            (
                2023,
                Land::TH,
                &[
                    "01-01", "04-07", "04-10", "05-01", "05-18", "05-29", "09-20", "10-03",
                    "10-31", "12-25", "12-26",
                ],
            ),
            (
                2024,
                Land::BB,
                &[
                    "01-01", "03-29", "03-31", "04-01", "05-01", "05-09", "05-19", "05-20",
                    "10-03", "10-31", "12-25", "12-26",
                ],
            ),
            (
                2025,
                Land::SL,
                &[
                    "01-01", "04-18", "04-21", "05-01", "05-29", "06-09", "06-19", "08-15",
                    "10-03", "11-01", "12-25", "12-26",
                ],
            ),
        ];
        for (year, land, expected) in cases {
            let got: Vec<String> = holidays(*year, *land)
                .iter()
                .map(|h| h.date.strftime("%m-%d").to_string())
                .collect();
            assert_eq!(got, *expected, "{year} {}", land.as_str());
        }
    }

    #[test]
    fn state_holidays_start_in_the_year_their_law_took_effect() {
        let on = |y, m, d, land| is_holiday(date(y, m, d), land);
        // Women's Day: Berlin since 2019, Mecklenburg-Vorpommern since 2023.
        assert!(!on(2018, 3, 8, Land::BE) && on(2019, 3, 8, Land::BE));
        assert!(!on(2022, 3, 8, Land::MV) && on(2023, 3, 8, Land::MV));
        // Children's Day in Thuringia since 2019.
        assert!(!on(2018, 9, 20, Land::TH) && on(2019, 9, 20, Land::TH));
        // Reformation Day in Lower Saxony: 2017 (everywhere), not 2016, again since 2018.
        assert!(!on(2016, 10, 31, Land::NI));
        assert!(on(2017, 10, 31, Land::NI) && on(2017, 10, 31, Land::BY));
        assert!(on(2018, 10, 31, Land::NI) && !on(2018, 10, 31, Land::BY));
        // Buß- und Bettag only in Saxony, always a Wednesday between 16 and 22 November.
        for year in 2020..2040 {
            let d = repentance_day(year);
            assert_eq!(d.weekday(), jiff::civil::Weekday::Wednesday);
            assert!((16..=22).contains(&d.day()) && d.month() == 11, "{d}");
            assert!(is_holiday(d, Land::SN) && !is_holiday(d, Land::BE));
        }
        // Every Land has the nine nationwide holidays.
        for land in Land::ALL {
            assert!(holidays(2026, land).len() >= 9, "{}", land.as_str());
        }
    }

    #[test]
    fn lands_read_their_codes() {
        assert_eq!(Land::parse("by"), Some(Land::BY));
        assert_eq!(Land::parse(" NW "), Some(Land::NW));
        assert_eq!(Land::parse("XX"), None);
    }
}
