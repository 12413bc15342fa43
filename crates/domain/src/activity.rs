//! Activities: calls, meetings, visit reports, emails and notes. Logging is light: only a
//! kind and one line are required.

use crate::{
    AccountId, ContactId, Instant,
    time::DAY_MS,
    validation::{Checker, Invalid},
};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    #[default]
    Call,
    Meeting,
    Visit,
    Email,
    Note,
}

impl Kind {
    pub const ALL: [Kind; 5] = [
        Kind::Call,
        Kind::Meeting,
        Kind::Visit,
        Kind::Email,
        Kind::Note,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Call => "call",
            Kind::Meeting => "meeting",
            Kind::Visit => "visit",
            Kind::Email => "email",
            Kind::Note => "note",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// What a user may set on an activity, as it arrives from a form or the API. Only
/// `kind` and `subject` are required.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActivityInput {
    /// call, meeting, visit, email or note
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    #[schema(max_length = 200)]
    pub subject: String,
    /// RFC 3339, or `YYYY-MM-DDTHH:MM` in German time (what a browser's date-time field
    /// sends); default now.
    #[serde(default)]
    pub occurred_at: Option<String>,
    #[serde(default)]
    #[schema(minimum = 0, maximum = 1440)]
    pub duration_minutes: Option<i64>,
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default)]
    pub outcome: Option<String>,
    #[serde(default)]
    pub next_step: Option<String>,
    #[serde(default)]
    pub key_conversation: bool,
    #[serde(default)]
    pub account_id: Option<AccountId>,
    /// the contact's account is used when `account_id` is not given
    #[serde(default)]
    pub contact_id: Option<ContactId>,
    /// the deal's account is used when neither `account_id` nor `contact_id` is given
    #[serde(default)]
    pub deal_id: Option<crate::DealId>,
}

/// A valid activity as it is stored.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ActivityData {
    pub kind: Kind,
    pub subject: String,
    pub occurred_at: Instant,
    pub duration_minutes: Option<i64>,
    pub summary: Option<String>,
    pub outcome: Option<String>,
    pub next_step: Option<String>,
    pub key_conversation: bool,
    pub account_id: Option<AccountId>,
    pub contact_id: Option<ContactId>,
    pub deal_id: Option<crate::DealId>,
}

impl ActivityData {
    pub fn to_input(&self) -> ActivityInput {
        ActivityInput {
            kind: self.kind.as_str().into(),
            subject: self.subject.clone(),
            occurred_at: Some(self.occurred_at.to_rfc3339()),
            duration_minutes: self.duration_minutes,
            summary: self.summary.clone(),
            outcome: self.outcome.clone(),
            next_step: self.next_step.clone(),
            key_conversation: self.key_conversation,
            account_id: self.account_id,
            contact_id: self.contact_id,
            deal_id: self.deal_id,
        }
    }
}

/// An instant from RFC 3339 or a German local date-time (`2026-11-23T09:30`).
pub fn parse_instant(s: &str) -> Option<Instant> {
    let s = s.trim();
    if let Ok(ts) = s.parse::<jiff::Timestamp>() {
        return Some(Instant(ts.as_millisecond()));
    }
    let dt = s.parse::<jiff::civil::DateTime>().ok()?;
    let tz = jiff::tz::TimeZone::get(crate::format::DISPLAY_ZONE).ok()?;
    dt.to_zoned(tz)
        .ok()
        .map(|z| Instant(z.timestamp().as_millisecond()))
}

/// The date-time field value for an instant, in German time.
pub fn local_input_value(at: Instant) -> String {
    let tz =
        jiff::tz::TimeZone::get(crate::format::DISPLAY_ZONE).unwrap_or(jiff::tz::TimeZone::UTC);
    at.timestamp()
        .to_zoned(tz)
        .strftime("%Y-%m-%dT%H:%M")
        .to_string()
}

impl ActivityInput {
    /// Checks every field; `now` is the default time and bounds how far ahead a planned
    /// activity may lie (two years).
    pub fn validate(&self, now: Instant) -> Result<ActivityData, Invalid> {
        let mut c = Checker::default();
        let kind = Kind::parse(self.kind.trim()).unwrap_or_else(|| {
            c.add(
                "kind",
                if self.kind.trim().is_empty() {
                    "required"
                } else {
                    "invalid_choice"
                },
            );
            Kind::default()
        });
        let subject = c.required("subject", &self.subject, 200);
        let occurred_at = match self
            .occurred_at
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => now,
            Some(s) => match parse_instant(s) {
                Some(at) if at.0 < 946_684_800_000 || at > now.plus_ms(730 * DAY_MS) => {
                    c.add("occurred_at", "date_out_of_range");
                    now
                }
                Some(at) => at,
                None => {
                    c.add("occurred_at", "invalid_date");
                    now
                }
            },
        };
        if let Some(d) = self.duration_minutes
            && !(0..=1440).contains(&d)
        {
            c.add("duration_minutes", "out_of_range");
        }
        let summary = c.optional("summary", self.summary.as_deref(), 10_000);
        let outcome = c.optional("outcome", self.outcome.as_deref(), 500);
        let next_step = c.optional("next_step", self.next_step.as_deref(), 500);
        c.finish()?;
        Ok(ActivityData {
            kind,
            subject,
            occurred_at,
            duration_minutes: self.duration_minutes,
            summary,
            outcome,
            next_step,
            key_conversation: self.key_conversation,
            account_id: self.account_id,
            contact_id: self.contact_id,
            deal_id: self.deal_id,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: Instant = Instant(1_795_000_000_000); // 2026-11-18

    #[test]
    fn a_kind_and_one_line_are_enough() {
        let a = ActivityInput {
            kind: "visit".into(),
            subject: "Besuch, neue Linie besprochen".into(),
            ..Default::default()
        }
        .validate(NOW)
        .unwrap();
        assert_eq!(a.kind, Kind::Visit);
        assert_eq!(a.occurred_at, NOW, "default: now");
    }

    #[test]
    fn times_come_as_rfc3339_or_german_local_time() {
        assert_eq!(
            parse_instant("2026-07-01T10:00:00Z"),
            Some(Instant(1_782_900_000_000))
        );
        assert_eq!(
            parse_instant("2026-07-01T12:00"),
            Some(Instant(1_782_900_000_000)),
            "summer time in Berlin"
        );
        assert_eq!(
            local_input_value(Instant(1_782_900_000_000)),
            "2026-07-01T12:00"
        );
        assert_eq!(parse_instant("gestern"), None);
    }

    #[test]
    fn every_invalid_field_is_named() {
        let bad = ActivityInput {
            kind: "fax".into(),
            subject: " ".into(),
            occurred_at: Some("2099-01-01T00:00".into()),
            duration_minutes: Some(-5),
            ..Default::default()
        };
        let Invalid(errors) = bad.validate(NOW).unwrap_err();
        let got: Vec<(&str, &str)> = errors.iter().map(|e| (e.field.as_str(), e.code)).collect();
        assert_eq!(
            got,
            vec![
                ("kind", "invalid_choice"),
                ("subject", "required"),
                ("occurred_at", "date_out_of_range"),
                ("duration_minutes", "out_of_range"),
            ]
        );
    }
}
