//! Requests between field and inside sales: their status rules, request types with an
//! SLA in business time, and the SLA clock — due time, reminder time, and the pause
//! while the request waits for its requester.

use crate::calendar::BusinessCalendar;
use crate::validation::Checker;
use crate::{Invalid, Locale};
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    #[default]
    Open,
    InProgress,
    /// Waiting for the requester: the SLA clock pauses.
    Waiting,
    Done,
    Cancelled,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::Open,
        Status::InProgress,
        Status::Waiting,
        Status::Done,
        Status::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::InProgress => "in_progress",
            Status::Waiting => "waiting",
            Status::Done => "done",
            Status::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// Done and cancelled requests are closed for good.
    pub fn is_closed(self) -> bool {
        matches!(self, Status::Done | Status::Cancelled)
    }

    /// Whether a request in this status with this due time is late at `now` (a paused
    /// or closed request never is).
    pub fn overdue(self, due: Option<crate::Instant>, now: crate::Instant) -> bool {
        self.clock_runs() && due.is_some_and(|d| d < now)
    }

    /// Whether the SLA clock runs in this status.
    pub fn clock_runs(self) -> bool {
        matches!(self, Status::Open | Status::InProgress)
    }

    /// The allowed moves: work starts, waits for the requester and resumes, is handed
    /// back to the queue, ends done or cancelled; closed requests stay closed.
    pub fn can_move_to(self, next: Status) -> bool {
        use Status::*;
        matches!(
            (self, next),
            (Open, InProgress | Waiting | Done | Cancelled)
                | (InProgress, Open | Waiting | Done | Cancelled)
                | (Waiting, InProgress | Done | Cancelled)
        )
    }
}

/// Who is told when a request misses its SLA, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EscalationStep {
    TeamLead,
    /// Take it from its assignee and put it back in the inside team's queue, so that
    /// whoever is free takes it.
    Queue,
    Manager,
}

impl EscalationStep {
    pub const ALL: [EscalationStep; 3] = [
        EscalationStep::TeamLead,
        EscalationStep::Queue,
        EscalationStep::Manager,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EscalationStep::TeamLead => "team_lead",
            EscalationStep::Queue => "queue",
            EscalationStep::Manager => "manager",
        }
    }

    pub fn parse(s: &str) -> Option<EscalationStep> {
        EscalationStep::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// A kind of request with its service level.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestTypeData {
    pub name: String,
    /// Business minutes until the request is due.
    pub sla_minutes: i64,
    /// When the assignee is reminded, in basis points of the SLA (7500 = at 75 %).
    pub reminder_bp: i64,
    pub escalation: Vec<EscalationStep>,
}

/// A request type as a form or the API sends it.
#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RequestTypeInput {
    #[serde(default)]
    pub name: String,
    /// Business hours; decimals allowed (`0.5` = 30 minutes).
    pub sla_hours: Option<f64>,
    /// Percent of the SLA at which the assignee is reminded; default 75.
    pub reminder_percent: Option<i64>,
    #[serde(default)]
    pub escalation: Vec<String>,
}

/// The longest SLA a request type may have: ten working weeks of 40 hours.
pub const MAX_SLA_MINUTES: i64 = 400 * 60;

impl RequestTypeInput {
    pub fn validate(&self) -> Result<RequestTypeData, Invalid> {
        let mut c = Checker::default();
        let name = c.required("name", &self.name, 100);
        let sla_minutes = match self.sla_hours {
            None => {
                c.add("sla_hours", "required");
                0
            }
            Some(h) if !h.is_finite() || h <= 0.0 => {
                c.add("sla_hours", "must_be_positive");
                0
            }
            Some(h) => {
                let minutes = (h * 60.0).round() as i64;
                if minutes > MAX_SLA_MINUTES {
                    c.add("sla_hours", "out_of_range");
                }
                minutes.max(1)
            }
        };
        let reminder = self.reminder_percent.unwrap_or(75);
        if !(1..=99).contains(&reminder) {
            c.add("reminder_percent", "out_of_range");
        }
        let mut escalation = vec![];
        for step in &self.escalation {
            match EscalationStep::parse(step.trim()) {
                Some(s) if !escalation.contains(&s) => escalation.push(s),
                Some(_) => {}
                None => c.add("escalation", "invalid_choice"),
            }
        }
        c.finish()?;
        Ok(RequestTypeData {
            name,
            sla_minutes,
            reminder_bp: reminder * 100,
            escalation,
        })
    }
}

/// A new request as a form or the API sends it.
#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RequestInput {
    pub type_id: Option<crate::RequestTypeId>,
    #[serde(default)]
    pub description: String,
    pub account_id: Option<crate::AccountId>,
    /// The deal's account is taken when `account_id` is left out.
    pub deal_id: Option<crate::DealId>,
}

pub const DESCRIPTION_MAX: usize = 4_000;

impl RequestInput {
    /// The shape: a type and a description; the service checks what the ids name.
    pub fn validate(&self) -> Result<String, Invalid> {
        let mut c = Checker::default();
        if self.type_id.is_none() {
            c.add("type_id", "required");
        }
        let description = c.required("description", &self.description, DESCRIPTION_MAX);
        c.finish()?;
        Ok(description)
    }
}

/// A corrected description: required, at most `DESCRIPTION_MAX` characters.
pub fn description(text: &str) -> Result<String, Invalid> {
    let mut c = Checker::default();
    let t = c.required("description", text, DESCRIPTION_MAX);
    c.finish()?;
    Ok(t)
}

/// A comment's text: required, at most `DESCRIPTION_MAX` characters.
pub fn comment_text(text: &str) -> Result<String, Invalid> {
    let mut c = Checker::default();
    let t = c.required("text", text, DESCRIPTION_MAX);
    c.finish()?;
    Ok(t)
}

/// The request types a new workspace starts with, named in its language.
/// The special role a request type can have.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    /// Its requests are answered with a quote; sending the quote completes them.
    Quote,
    /// A discount above the guardrail, for an approver to decide.
    Approval,
    /// A lead handed to sales, to accept or reject; made from the lead only.
    Lead,
}

impl Purpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::Quote => "quote",
            Purpose::Approval => "approval",
            Purpose::Lead => "lead",
        }
    }

    pub fn parse(s: &str) -> Option<Purpose> {
        [Purpose::Quote, Purpose::Approval, Purpose::Lead]
            .into_iter()
            .find(|p| p.as_str() == s)
    }
}

/// The approval type a workspace gets when its first quote needs an approval: a
/// working day to decide, then the team lead and the sales manager hear of it.
pub fn approval_type(locale: Locale) -> RequestTypeData {
    RequestTypeData {
        name: if locale == Locale::De {
            "Rabattfreigabe"
        } else {
            "Discount approval"
        }
        .to_string(),
        sla_minutes: 8 * 60,
        reminder_bp: 7_500,
        escalation: vec![EscalationStep::Manager],
    }
}

/// The lead type a workspace gets with its first handoff: sales accepts or rejects
/// within the policy's hours (`accept_sla_hours`), then the sales manager hears of it.
pub fn lead_type(locale: Locale, sla_hours: i64) -> RequestTypeData {
    RequestTypeData {
        name: if locale == Locale::De {
            "Lead-Übergabe"
        } else {
            "Lead handoff"
        }
        .to_string(),
        sla_minutes: sla_hours * 60,
        reminder_bp: 7_500,
        escalation: vec![EscalationStep::Manager],
    }
}

/// The types a workspace starts with; the first answers with a quote.
pub fn default_types(locale: Locale) -> Vec<RequestTypeData> {
    let de = locale == Locale::De;
    let t = |de_name: &str, en_name: &str, hours: i64| RequestTypeData {
        name: if de { de_name } else { en_name }.to_string(),
        sla_minutes: hours * 60,
        reminder_bp: 7_500,
        escalation: vec![EscalationStep::TeamLead, EscalationStep::Manager],
    };
    vec![
        t("Angebot erstellen", "Quote", 16),
        t("Liefertermin prüfen", "Delivery date check", 4),
        t("Auftragsbestätigung", "Order confirmation", 8),
        t("Technische Klärung", "Technical clarification", 16),
        t("Sonstige Anfrage", "Other request", 16),
    ]
}

/// When a request started at `start` with this SLA is due.
pub fn due_at(cal: &BusinessCalendar, start: Timestamp, sla_minutes: i64) -> Option<Timestamp> {
    cal.add(start, SignedDuration::from_mins(sla_minutes))
}

/// When the assignee is reminded: after `reminder_bp` of the SLA's business time.
pub fn remind_at(
    cal: &BusinessCalendar,
    start: Timestamp,
    sla_minutes: i64,
    reminder_bp: i64,
) -> Option<Timestamp> {
    let minutes = (i128::from(sla_minutes) * i128::from(reminder_bp) / 10_000) as i64;
    cal.add(start, SignedDuration::from_mins(minutes))
}

/// Pausing the clock (the request waits for its requester): the business time it had
/// left, negative if it was overdue already.
pub fn pause(cal: &BusinessCalendar, due: Timestamp, at: Timestamp) -> SignedDuration {
    cal.remaining(at, due)
}

/// Resuming the clock with the business time it had left: the new due time. An
/// overdue request stays overdue by the same business time.
pub fn resume(cal: &BusinessCalendar, left: SignedDuration, at: Timestamp) -> Option<Timestamp> {
    if left >= SignedDuration::ZERO {
        cal.add(at, left)
    } else {
        // As far back in business time as it was late: find the instant `-left`
        // business time before `at` by stepping back day by day.
        let mut probe = at;
        for _ in 0..3_700 {
            probe = probe.checked_sub(SignedDuration::from_hours(24)).ok()?;
            if cal.between(probe, at) >= -left {
                let start = probe;
                let overshoot = cal.between(start, at) + left;
                return cal.add(start, overshoot);
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::holidays::Land;
    use jiff::{civil::date, tz::TimeZone};

    fn berlin(y: i16, m: i8, d: i8, h: i8, min: i8) -> Timestamp {
        date(y, m, d)
            .at(h, min, 0, 0)
            .to_zoned(TimeZone::get("Europe/Berlin").unwrap())
            .unwrap()
            .timestamp()
    }

    #[test]
    fn statuses_move_only_along_the_workflow() {
        use Status::*;
        let allowed = [
            (Open, InProgress),
            (Open, Waiting),
            (Open, Done),
            (Open, Cancelled),
            (InProgress, Open),
            (InProgress, Waiting),
            (InProgress, Done),
            (Waiting, InProgress),
            (Waiting, Cancelled),
        ];
        for (from, to) in allowed {
            assert!(from.can_move_to(to), "{from:?} -> {to:?}");
        }
        let refused = [
            (Done, Open),
            (Done, InProgress),
            (Cancelled, Open),
            (Waiting, Open),
            (Open, Open),
            (Waiting, Waiting),
        ];
        for (from, to) in refused {
            assert!(!from.can_move_to(to), "{from:?} -> {to:?}");
        }
        assert!(Open.clock_runs() && InProgress.clock_runs() && !Waiting.clock_runs());
        assert_eq!(Status::parse("in_progress"), Some(InProgress));
        assert_eq!(Status::parse("later"), None);
    }

    #[test]
    fn a_quote_due_in_two_business_days() {
        let cal = BusinessCalendar::standard(Land::BY);
        let quote = &default_types(Locale::De)[0];
        assert_eq!(quote.name, "Angebot erstellen");
        // Thursday 10:00 + 16 business hours (Mon–Fri 8–17):
        // Thu 10–17 (7 h) + Fri 8–17 (9 h) = Friday 17:00.
        let start = berlin(2026, 11, 26, 10, 0);
        assert_eq!(
            due_at(&cal, start, quote.sla_minutes),
            Some(berlin(2026, 11, 27, 17, 0))
        );
        // Reminded at 75 %: 12 business hours = Friday 13:00.
        assert_eq!(
            remind_at(&cal, start, quote.sla_minutes, quote.reminder_bp),
            Some(berlin(2026, 11, 27, 13, 0))
        );
    }

    #[test]
    fn waiting_for_the_requester_pauses_the_clock() {
        let cal = BusinessCalendar::standard(Land::BY);
        let due = berlin(2026, 11, 27, 17, 0); // Friday 17:00
        // Paused on Thursday 15:00 with 11 business hours left …
        let left = pause(&cal, due, berlin(2026, 11, 26, 15, 0));
        assert_eq!(left, SignedDuration::from_hours(11));
        // … resumed on Monday 08:00: due Tuesday 10:00.
        assert_eq!(
            resume(&cal, left, berlin(2026, 11, 30, 8, 0)),
            Some(berlin(2026, 12, 1, 10, 0))
        );
        // Paused two hours late, resumed the next morning: still two hours late.
        let late = pause(&cal, due, berlin(2026, 11, 30, 10, 0));
        assert_eq!(late, -SignedDuration::from_hours(2));
        assert_eq!(
            resume(&cal, late, berlin(2026, 12, 1, 11, 0)),
            Some(berlin(2026, 12, 1, 9, 0))
        );
    }

    #[test]
    fn request_types_are_checked() {
        let ok = RequestTypeInput {
            name: "Muster anfordern".into(),
            sla_hours: Some(4.5),
            reminder_percent: Some(80),
            escalation: vec!["team_lead".into(), "team_lead".into()],
        }
        .validate()
        .unwrap();
        assert_eq!(ok.sla_minutes, 270);
        assert_eq!(ok.reminder_bp, 8_000);
        assert_eq!(ok.escalation, vec![EscalationStep::TeamLead]);
        let bad = RequestTypeInput {
            name: " ".into(),
            sla_hours: Some(0.0),
            reminder_percent: Some(100),
            escalation: vec!["ceo".into()],
        }
        .validate()
        .unwrap_err();
        let codes: Vec<_> = bad.0.iter().map(|e| (e.field.as_str(), e.code)).collect();
        assert_eq!(
            codes,
            vec![
                ("name", "required"),
                ("sla_hours", "must_be_positive"),
                ("reminder_percent", "out_of_range"),
                ("escalation", "invalid_choice"),
            ]
        );
        let missing = RequestTypeInput {
            name: "X".into(),
            ..Default::default()
        }
        .validate()
        .unwrap_err();
        assert_eq!(missing.0[0].field, "sla_hours");
    }
}

/// A change to a request through the API: its description, its assignee and its
/// status, any of them, with the version last read. All of it is applied, or none.
#[derive(Clone, Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RequestChange {
    /// The version last read; a stale one gets 409.
    pub version: i64,
    /// The requester corrects the description.
    #[serde(default)]
    pub description: Option<String>,
    /// The assignee, a manager or an admin hands it on; `null` puts it back in the queue.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, format = Uuid)]
    pub assignee_id: Option<Option<crate::UserId>>,
    /// in_progress, waiting, done, cancelled, or back to open
    #[serde(default)]
    pub status: Option<String>,
}

/// A field that is there (even as `null`) is `Some`; one left out is `None`.
fn present<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(d).map(Some)
}

/// What happened to a request: one entry of its timeline. Stored as its kind and the
/// rest as data (see [`Event::parts`]); names are kept as they were at the time.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Event {
    /// Asked for; `route` is how it found its assignee: partner, deputy, approver,
    /// territory, round_robin or queue.
    Created {
        route: String,
        #[serde(default)]
        assignee: Option<String>,
        #[serde(default)]
        due: Option<String>,
    },
    Status {
        from: String,
        to: String,
        #[serde(default)]
        due: Option<String>,
    },
    /// Taken from the queue.
    Claimed {
        #[serde(default)]
        assignee: Option<String>,
    },
    /// Handed on; `reason` is hand_over or absence (then `absence` names its kind).
    Reassigned {
        reason: String,
        #[serde(default)]
        from: Option<String>,
        #[serde(default)]
        to: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        absence: Option<String>,
    },
    Reminded {
        #[serde(default)]
        assignee: Option<String>,
    },
    /// A step of the escalation path: who was told (`to`), or back to the queue.
    Escalated {
        step: String,
        #[serde(default)]
        to: Vec<String>,
        #[serde(default)]
        from: Option<String>,
    },
    Description {},
    Comment {
        text: String,
    },
    QuoteSent {
        number: String,
        quote_id: crate::QuoteId,
    },
    /// A kind this version does not know.
    #[serde(other)]
    Unknown,
}

impl Event {
    /// The event as it is stored: its kind, and its other fields as data.
    pub fn parts(&self) -> (String, serde_json::Value) {
        let mut value = serde_json::to_value(self).unwrap_or_default();
        let kind = value
            .as_object_mut()
            .and_then(|o| o.remove("kind"))
            .and_then(|k| k.as_str().map(str::to_string))
            .unwrap_or_default();
        (kind, value)
    }

    /// The event from its stored kind and data; one that does not parse is `Unknown`.
    pub fn from_parts(kind: &str, data: serde_json::Value) -> Event {
        let mut value = match data {
            serde_json::Value::Object(o) => o,
            _ => serde_json::Map::new(),
        };
        value.insert("kind".into(), kind.into());
        serde_json::from_value(serde_json::Value::Object(value)).unwrap_or(Event::Unknown)
    }
}

#[cfg(test)]
mod event_tests {
    use super::Event;

    #[test]
    fn an_event_is_stored_as_its_kind_and_data_and_read_back() {
        let e = Event::Reassigned {
            reason: "absence".into(),
            from: Some("Klaus Becker".into()),
            to: None,
            absence: Some("sick".into()),
        };
        let (kind, data) = e.parts();
        assert_eq!(kind, "reassigned");
        assert_eq!(data["from"], "Klaus Becker");
        assert_eq!(Event::from_parts(&kind, data), e);
        // What an older version wrote without the optional fields still reads.
        let old = serde_json::json!({"reason": "hand_over", "from": "A", "to": "B"});
        assert!(matches!(
            Event::from_parts("reassigned", old),
            Event::Reassigned { absence: None, .. }
        ));
        assert_eq!(
            Event::from_parts("teleported", serde_json::json!({})),
            Event::Unknown
        );
    }
}
