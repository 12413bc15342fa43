//! A workspace's business calendar — time zone, working hours per weekday, the Land
//! whose public holidays apply, company closure days — and SLA arithmetic in business
//! time: when a clock started at an instant runs out, and how much business time lies
//! between two instants. Correct across nights, weekends, holidays and DST changes,
//! because every working window is placed on the civil clock of the zone first and
//! only then turned into instants.

use crate::holidays::{Land, is_holiday};
use jiff::{
    SignedDuration, Timestamp,
    civil::{Date, Time, Weekday},
    tz::TimeZone,
};

/// The working hours of one weekday: from `start` until `end` (local clock).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Hours {
    pub start: Time,
    pub end: Time,
}

#[derive(Clone, Debug)]
pub struct BusinessCalendar {
    pub zone: TimeZone,
    /// Monday first; `None` is a day off.
    pub week: [Option<Hours>; 7],
    pub land: Land,
    /// Extra days the company is closed (between the years, a bridge day, …).
    pub closures: Vec<Date>,
}

/// Days a search for the next working window gives up after (a calendar without any
/// working day would loop forever).
const HORIZON_DAYS: i32 = 3_700;

impl BusinessCalendar {
    /// Monday to Friday 08:00–17:00 in Europe/Berlin, with the Land's holidays.
    pub fn standard(land: Land) -> BusinessCalendar {
        let day = Some(Hours {
            start: Time::constant(8, 0, 0, 0),
            end: Time::constant(17, 0, 0, 0),
        });
        BusinessCalendar {
            zone: TimeZone::get("Europe/Berlin").unwrap_or(TimeZone::UTC),
            week: [day, day, day, day, day, None, None],
            land,
            closures: vec![],
        }
    }

    /// The working window of a calendar day as instants, if it is a working day.
    pub fn window(&self, day: Date) -> Option<(Timestamp, Timestamp)> {
        let index = day.weekday().to_monday_zero_offset() as usize;
        let hours = self.week[index]?;
        if is_holiday(day, self.land) || self.closures.contains(&day) {
            return None;
        }
        let at = |t: Time| {
            day.to_datetime(t)
                .to_zoned(self.zone.clone())
                .ok()
                .map(|z| z.timestamp())
        };
        let (start, end) = (at(hours.start)?, at(hours.end)?);
        (start < end).then_some((start, end))
    }

    pub fn is_working_day(&self, day: Date) -> bool {
        self.window(day).is_some()
    }

    fn local_date(&self, at: Timestamp) -> Date {
        at.to_zoned(self.zone.clone()).date()
    }

    /// The instant a clock of `duration` business time, started at `start`, runs out.
    /// A clock started outside working hours starts with the next working window.
    /// `None` if the calendar has no working time for years ahead.
    pub fn add(&self, start: Timestamp, duration: SignedDuration) -> Option<Timestamp> {
        let mut left = duration.max(SignedDuration::ZERO);
        let mut day = self.local_date(start);
        for _ in 0..HORIZON_DAYS {
            if let Some((open, close)) = self.window(day) {
                let from = open.max(start);
                if from < close {
                    let available = close.duration_since(from);
                    if left <= available {
                        return from.checked_add(left).ok();
                    }
                    left -= available;
                }
            }
            day = day.tomorrow().ok()?;
        }
        None
    }

    /// The business time between two instants (zero if `to` is not after `from`).
    pub fn between(&self, from: Timestamp, to: Timestamp) -> SignedDuration {
        if to <= from {
            return SignedDuration::ZERO;
        }
        let mut total = SignedDuration::ZERO;
        let mut day = self.local_date(from);
        let last = self.local_date(to);
        while day <= last {
            if let Some((open, close)) = self.window(day) {
                let (a, b) = (open.max(from), close.min(to));
                if a < b {
                    total += b.duration_since(a);
                }
            }
            match day.tomorrow() {
                Ok(next) => day = next,
                Err(_) => break,
            }
        }
        total
    }

    /// Business time left until `due`, measured from `now` (negative once overdue:
    /// the business time since it passed).
    pub fn remaining(&self, now: Timestamp, due: Timestamp) -> SignedDuration {
        if now <= due {
            self.between(now, due)
        } else {
            -self.between(due, now)
        }
    }
}

/// A workspace's calendar as stored and edited: the zone by its IANA name.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Settings {
    pub time_zone: String,
    pub land: Land,
    pub week: [Option<Hours>; 7],
    pub closures: Vec<Date>,
}

impl Settings {
    /// What a workspace has until an admin sets its calendar: Monday to Friday
    /// 08:00–17:00 in Europe/Berlin, holidays of North Rhine-Westphalia.
    pub fn standard() -> Settings {
        let cal = BusinessCalendar::standard(Land::NW);
        Settings {
            time_zone: "Europe/Berlin".into(),
            land: cal.land,
            week: cal.week,
            closures: vec![],
        }
    }

    pub fn calendar(&self) -> BusinessCalendar {
        BusinessCalendar {
            zone: TimeZone::get(&self.time_zone).unwrap_or(TimeZone::UTC),
            week: self.week,
            land: self.land,
            closures: self.closures.clone(),
        }
    }
}

/// The calendar as a form sends it: times as `08:00`, an empty day is a day off,
/// closure days one per line (`2026-12-24` or `24.12.2026`).
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct SettingsInput {
    pub time_zone: String,
    pub land: String,
    /// Monday first: (start, end), both empty for a day off.
    pub week: [(String, String); 7],
    pub closures: String,
}

impl SettingsInput {
    pub fn validate(&self) -> Result<Settings, crate::Invalid> {
        let mut c = crate::validation::Checker::default();
        let zone = self.time_zone.trim();
        if zone.is_empty() {
            c.add("time_zone", "required");
        } else if TimeZone::get(zone).is_err() {
            c.add("time_zone", "unknown_time_zone");
        }
        let land = Land::parse(&self.land);
        if land.is_none() {
            c.add("land", "invalid_choice");
        }
        let mut week = [None; 7];
        for (i, (start, end)) in self.week.iter().enumerate() {
            let field = format!("week.{i}");
            match (start.trim(), end.trim()) {
                ("", "") => {}
                (a, b) => match (a.parse::<Time>(), b.parse::<Time>()) {
                    (Ok(start), Ok(end)) if start < end => week[i] = Some(Hours { start, end }),
                    (Ok(_), Ok(_)) => c.add(&field, "before_start"),
                    _ => c.add(&field, "not_a_time"),
                },
            }
        }
        if week.iter().all(Option::is_none) && !c.has("week.0") {
            c.add("week", "no_working_day");
        }
        let mut closures = vec![];
        for line in self
            .closures
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
        {
            let parsed = crate::validation::date(line)
                .ok()
                .or_else(|| Date::strptime("%d.%m.%Y", line).ok())
                .ok_or("invalid_date");
            match parsed {
                Ok(d) if !closures.contains(&d) => closures.push(d),
                Ok(_) => {}
                Err(_) => {
                    c.add("closures", "invalid_date");
                    break;
                }
            }
        }
        closures.sort();
        if closures.len() > 366 {
            c.add("closures", "too_many");
        }
        c.finish()?;
        Ok(Settings {
            time_zone: zone.to_string(),
            land: land.unwrap_or(Land::NW),
            week,
            closures,
        })
    }
}

/// Weekday names in the order of `BusinessCalendar::week`.
pub const WEEK: [Weekday; 7] = [
    Weekday::Monday,
    Weekday::Tuesday,
    Weekday::Wednesday,
    Weekday::Thursday,
    Weekday::Friday,
    Weekday::Saturday,
    Weekday::Sunday,
];

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    /// An instant given on the Berlin clock.
    fn berlin(y: i16, m: i8, d: i8, h: i8, min: i8) -> Timestamp {
        date(y, m, d)
            .at(h, min, 0, 0)
            .to_zoned(TimeZone::get("Europe/Berlin").unwrap())
            .unwrap()
            .timestamp()
    }

    fn hours(h: i64) -> SignedDuration {
        SignedDuration::from_hours(h)
    }

    #[test]
    fn clocks_run_only_in_working_hours() {
        let cal = BusinessCalendar::standard(Land::NW);
        // (start, business hours, due) on the Berlin clock; 9 working hours a day.
        let cases = [
            // Within one day.
            (berlin(2026, 11, 24, 9, 0), 2, berlin(2026, 11, 24, 11, 0)),
            // Over the night: Tuesday 16:00 + 2 h = Wednesday 09:00.
            (berlin(2026, 11, 24, 16, 0), 2, berlin(2026, 11, 25, 9, 0)),
            // Over the weekend: Friday 16:00 + 2 h = Monday 09:00.
            (berlin(2026, 11, 27, 16, 0), 2, berlin(2026, 11, 30, 9, 0)),
            // Started at night or on Sunday: the clock starts with the next window.
            (berlin(2026, 11, 24, 22, 30), 1, berlin(2026, 11, 25, 9, 0)),
            (berlin(2026, 11, 29, 12, 0), 9, berlin(2026, 11, 30, 17, 0)),
            // Two business days (18 h) from Thursday 10:00 = Monday 10:00.
            (berlin(2026, 11, 26, 10, 0), 18, berlin(2026, 11, 30, 10, 0)),
            // Over Easter 2026 (Good Friday 3.4., Easter Monday 6.4.).
            (berlin(2026, 4, 2, 16, 0), 2, berlin(2026, 4, 7, 9, 0)),
            // Over the DST change (29.3.2026, clocks go forward): still 09:00 local.
            (berlin(2026, 3, 27, 16, 0), 2, berlin(2026, 3, 30, 9, 0)),
            // And back (25.10.2026).
            (berlin(2026, 10, 23, 16, 0), 2, berlin(2026, 10, 26, 9, 0)),
            // Christmas: 24.12. is a working day, 25./26. are holidays, 27. a Sunday.
            (berlin(2026, 12, 24, 16, 0), 2, berlin(2026, 12, 28, 9, 0)),
        ];
        for (start, h, due) in cases {
            assert_eq!(cal.add(start, hours(h)), Some(due), "{start} + {h} h");
            assert_eq!(cal.between(start, due), hours(h), "{start} .. {due}");
        }
    }

    #[test]
    fn holidays_of_the_land_and_closures_count_as_days_off() {
        // All Saints (1.11.2027, a Monday) is a holiday in NRW, not in Hamburg.
        let start = berlin(2027, 10, 29, 16, 0);
        assert_eq!(
            BusinessCalendar::standard(Land::NW).add(start, hours(2)),
            Some(berlin(2027, 11, 2, 9, 0))
        );
        assert_eq!(
            BusinessCalendar::standard(Land::HH).add(start, hours(2)),
            Some(berlin(2027, 11, 1, 9, 0))
        );
        let mut closed = BusinessCalendar::standard(Land::HH);
        closed.closures = vec![date(2027, 11, 1)];
        assert_eq!(closed.add(start, hours(2)), Some(berlin(2027, 11, 2, 9, 0)));
    }

    #[test]
    fn remaining_time_counts_down_and_below_zero() {
        let cal = BusinessCalendar::standard(Land::BY);
        let due = berlin(2026, 11, 30, 12, 0); // Monday noon
        // From Friday 15:00: 2 h on Friday + 4 h on Monday.
        assert_eq!(cal.remaining(berlin(2026, 11, 27, 15, 0), due), hours(6));
        // Overdue since Monday noon, now Tuesday 10:00: 5 h + 2 h late.
        assert_eq!(cal.remaining(berlin(2026, 12, 1, 10, 0), due), -hours(7));
        assert_eq!(cal.between(due, due), SignedDuration::ZERO);
    }

    #[test]
    fn calendar_settings_are_checked() {
        let day = |a: &str, b: &str| (a.to_string(), b.to_string());
        let mut input = SettingsInput {
            time_zone: "Europe/Berlin".into(),
            land: "by".into(),
            week: std::array::from_fn(|i| {
                if i < 5 {
                    day("07:30", "16:00")
                } else {
                    day("", "")
                }
            }),
            closures: "24.12.2026\n2026-12-31\n\n24.12.2026".into(),
        };
        let ok = input.validate().unwrap();
        assert_eq!(ok.land, Land::BY);
        assert_eq!(ok.closures, vec![date(2026, 12, 24), date(2026, 12, 31)]);
        assert_eq!(ok.week[0].unwrap().start, Time::constant(7, 30, 0, 0));
        assert!(ok.week[6].is_none());
        assert_eq!(ok.calendar().land, Land::BY);
        input.time_zone = "Europe/Atlantis".into();
        input.land = "XX".into();
        input.week[0] = day("17:00", "08:00");
        input.week[1] = day("acht", "17:00");
        input.closures = "morgen".into();
        let codes: Vec<_> = input
            .validate()
            .unwrap_err()
            .0
            .into_iter()
            .map(|e| (e.field, e.code))
            .collect();
        assert_eq!(
            codes,
            vec![
                ("time_zone".to_string(), "unknown_time_zone"),
                ("land".to_string(), "invalid_choice"),
                ("week.0".to_string(), "before_start"),
                ("week.1".to_string(), "not_a_time"),
                ("closures".to_string(), "invalid_date"),
            ]
        );
        let closed = SettingsInput {
            time_zone: "UTC".into(),
            land: "HH".into(),
            ..Default::default()
        };
        assert_eq!(closed.validate().unwrap_err().0[0].code, "no_working_day");
    }

    #[test]
    fn a_week_without_working_days_gives_no_due_time() {
        let mut cal = BusinessCalendar::standard(Land::BE);
        cal.week = [None; 7];
        assert_eq!(cal.add(berlin(2026, 1, 5, 9, 0), hours(1)), None);
    }

    #[test]
    fn short_days_and_weekend_shifts() {
        let mut cal = BusinessCalendar::standard(Land::BE);
        // Friday 08:00–12:00, Saturday 09:00–13:00.
        cal.week[4] = Some(Hours {
            start: Time::constant(8, 0, 0, 0),
            end: Time::constant(12, 0, 0, 0),
        });
        cal.week[5] = Some(Hours {
            start: Time::constant(9, 0, 0, 0),
            end: Time::constant(13, 0, 0, 0),
        });
        // Friday 11:00 + 3 h = 1 h Friday + 2 h Saturday.
        assert_eq!(
            cal.add(berlin(2026, 11, 27, 11, 0), hours(3)),
            Some(berlin(2026, 11, 28, 11, 0))
        );
    }
}
