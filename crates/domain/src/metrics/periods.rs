//! Periods (week, month, quarter, year) and their days.

use super::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodKind {
    Week,
    Month,
    Quarter,
    Year,
}

impl PeriodKind {
    pub const ALL: [PeriodKind; 4] = [
        PeriodKind::Week,
        PeriodKind::Month,
        PeriodKind::Quarter,
        PeriodKind::Year,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PeriodKind::Week => "week",
            PeriodKind::Month => "month",
            PeriodKind::Quarter => "quarter",
            PeriodKind::Year => "year",
        }
    }

    pub fn parse(s: &str) -> Option<PeriodKind> {
        PeriodKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// The years periods may lie in: figures before 2000 or after 2100 are a typo.
pub const FIRST_YEAR: i16 = 2000;
pub const LAST_YEAR: i16 = 2100;

/// A calendar week (ISO, Monday first), month, quarter or year on the company's clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Period {
    pub kind: PeriodKind,
    /// The first day.
    pub start: Date,
}

impl Period {
    /// The period of `kind` that contains `day`.
    pub fn containing(kind: PeriodKind, day: Date) -> Period {
        let start = match kind {
            PeriodKind::Week => {
                let back = day.weekday().to_monday_zero_offset() as i64;
                day.checked_sub(jiff::Span::new().days(back)).unwrap_or(day)
            }
            PeriodKind::Month => day.first_of_month(),
            PeriodKind::Quarter => {
                let m = ((day.month() - 1) / 3) * 3 + 1;
                Date::new(day.year(), m, 1).unwrap_or(day)
            }
            PeriodKind::Year => day.first_of_year(),
        };
        Period { kind, start }
    }

    /// `2026-W49`, `2026-12`, `2026-Q4` or `2026`; `None` for anything else, including
    /// years outside 2000–2100.
    pub fn parse(s: &str) -> Option<Period> {
        let s = s.trim();
        let year = |y: &str| {
            let digits = y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit());
            y.parse::<i16>()
                .ok()
                .filter(|y| digits && (FIRST_YEAR..=LAST_YEAR).contains(y))
        };
        let (kind, start) = if let Some((y, w)) = s.split_once("-W") {
            let week: i8 = w.parse().ok().filter(|_| w.len() == 2)?;
            let d = ISOWeekDate::new(year(y)?, week, Weekday::Monday).ok()?;
            (PeriodKind::Week, d.date())
        } else if let Some((y, q)) = s.split_once("-Q") {
            let q: i8 = q.parse().ok().filter(|q| (1..=4).contains(q))?;
            (
                PeriodKind::Quarter,
                Date::new(year(y)?, (q - 1) * 3 + 1, 1).ok()?,
            )
        } else if let Some((y, m)) = s.split_once('-') {
            let m: i8 = m.parse().ok().filter(|_| m.len() == 2)?;
            (PeriodKind::Month, Date::new(year(y)?, m, 1).ok()?)
        } else {
            (PeriodKind::Year, Date::new(year(s)?, 1, 1).ok()?)
        };
        Some(Period { kind, start })
    }

    /// The form `parse` reads.
    pub fn key(&self) -> String {
        match self.kind {
            PeriodKind::Week => {
                let w = self.start.iso_week_date();
                format!("{:04}-W{:02}", w.year(), w.week())
            }
            PeriodKind::Month => format!("{:04}-{:02}", self.start.year(), self.start.month()),
            PeriodKind::Quarter => format!(
                "{:04}-Q{}",
                self.start.year(),
                (self.start.month() - 1) / 3 + 1
            ),
            PeriodKind::Year => format!("{:04}", self.start.year()),
        }
    }

    fn span(&self) -> jiff::Span {
        match self.kind {
            PeriodKind::Week => jiff::Span::new().weeks(1),
            PeriodKind::Month => jiff::Span::new().months(1),
            PeriodKind::Quarter => jiff::Span::new().months(3),
            PeriodKind::Year => jiff::Span::new().years(1),
        }
    }

    /// The first day after the period.
    pub fn end(&self) -> Date {
        self.start.checked_add(self.span()).unwrap_or(Date::MAX)
    }

    /// The last day of the period.
    pub fn last_day(&self) -> Date {
        self.end().yesterday().unwrap_or(self.start)
    }

    pub fn previous(&self) -> Period {
        Period {
            kind: self.kind,
            start: self.start.checked_sub(self.span()).unwrap_or(self.start),
        }
    }

    pub fn next(&self) -> Period {
        Period {
            kind: self.kind,
            start: self.end(),
        }
    }

    /// The period and the `n - 1` before it, oldest first.
    pub fn last_n(&self, n: usize) -> Vec<Period> {
        let mut out = vec![*self];
        while out.len() < n {
            let p = out[0].previous();
            out.insert(0, p);
        }
        out
    }

    pub fn days(&self) -> i64 {
        (self.end() - self.start).get_days() as i64
    }

    /// The first instant of the period and the first after it.
    pub fn bounds(&self) -> (Instant, Instant) {
        (day_bounds(self.start).0, day_bounds(self.end()).0)
    }

    pub fn contains(&self, day: Date) -> bool {
        self.start <= day && day < self.end()
    }
}
