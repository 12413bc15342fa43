//! The rules of handoffs between field and inside sales: absences, who a new request
//! goes to (tandem partner, deputy, team queue), what the SLA clock asks for at a given
//! moment (reminder, escalation steps), and the turnaround figures.

use crate::validation::Checker;
use crate::{Invalid, UserId};
use jiff::{SignedDuration, civil::Date};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AbsenceKind {
    #[default]
    Vacation,
    Sick,
    Other,
}

impl AbsenceKind {
    pub const ALL: [AbsenceKind; 3] =
        [AbsenceKind::Vacation, AbsenceKind::Sick, AbsenceKind::Other];

    pub fn as_str(self) -> &'static str {
        match self {
            AbsenceKind::Vacation => "vacation",
            AbsenceKind::Sick => "sick",
            AbsenceKind::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<AbsenceKind> {
        AbsenceKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// A user's absence, whole days from `from` to `to` inclusive.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Absence {
    pub user_id: UserId,
    pub kind: AbsenceKind,
    pub from: Date,
    pub to: Date,
    pub note: Option<String>,
}

impl Absence {
    pub fn covers(&self, day: Date) -> bool {
        self.from <= day && day <= self.to
    }
}

/// The fields a client sends. `user_id` defaults to the caller; managers may enter
/// absences for their team, admins for anyone.
#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AbsenceInput {
    pub user_id: Option<UserId>,
    /// vacation (default), sick or other
    #[serde(default)]
    pub kind: String,
    pub from: Option<String>,
    /// `YYYY-MM-DD`, not before `from`, at most 366 days later
    pub to: Option<String>,
    pub note: Option<String>,
}

/// The longest absence one entry may cover.
pub const MAX_ABSENCE_DAYS: i32 = 366;

impl AbsenceInput {
    /// Checks the entry; `user_id` must have been filled in (the service puts in the
    /// signed-in user when a user enters their own absence).
    pub fn validate(&self) -> Result<Absence, Invalid> {
        let mut c = Checker::default();
        if self.user_id.is_none() {
            c.add("user_id", "required");
        }
        let kind = c.choice("kind", Some(&self.kind), AbsenceKind::parse);
        let from = c.date("from", self.from.as_deref());
        let to = c.date("to", self.to.as_deref());
        if self.from.as_deref().is_none_or(|s| s.trim().is_empty()) && !c.has("from") {
            c.add("from", "required");
        }
        if self.to.as_deref().is_none_or(|s| s.trim().is_empty()) && !c.has("to") {
            c.add("to", "required");
        }
        if let (Some(f), Some(t)) = (from, to) {
            if t < f {
                c.add("to", "before_start");
            } else if (t - f).get_days() >= MAX_ABSENCE_DAYS {
                c.add("to", "out_of_range");
            }
        }
        let note = c.optional("note", self.note.as_deref(), 500);
        c.finish()?;
        Ok(Absence {
            user_id: self.user_id.unwrap_or_default(),
            kind,
            from: from.unwrap_or_default(),
            to: to.unwrap_or_default(),
            note,
        })
    }
}

/// A field rep and an inside rep who work together, with the inside rep's deputy.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tandem {
    pub field_id: UserId,
    pub inside_id: UserId,
    pub deputy_id: Option<UserId>,
}

/// A tandem as a form or the API sends it.
#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TandemInput {
    pub field_id: Option<UserId>,
    pub inside_id: Option<UserId>,
    pub deputy_id: Option<UserId>,
    pub agreement: Option<String>,
    /// The tandem's own deadlines per request type, in business hours (the type's
    /// deadline where none is given).
    #[serde(default)]
    #[schema(value_type = Object)]
    pub sla_hours: std::collections::BTreeMap<crate::RequestTypeId, f64>,
}

/// A tandem with its working agreement and its own deadlines.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TandemData {
    pub tandem: Tandem,
    pub agreement: Option<String>,
    /// Business minutes per request type that replace the type's deadline.
    #[serde(default)]
    pub sla_minutes: std::collections::BTreeMap<crate::RequestTypeId, i64>,
}

impl TandemInput {
    /// Checks the shape: both partners named, three different people. That the field
    /// rep works in the field and partner and deputy in inside sales is the service's
    /// check (it knows the users).
    pub fn validate(&self) -> Result<TandemData, Invalid> {
        let mut c = Checker::default();
        if self.field_id.is_none() {
            c.add("field_id", "required");
        }
        if self.inside_id.is_none() {
            c.add("inside_id", "required");
        }
        if self.field_id.is_some() && self.field_id == self.inside_id {
            c.add("inside_id", "same_person");
        }
        if self.deputy_id.is_some()
            && (self.deputy_id == self.inside_id || self.deputy_id == self.field_id)
        {
            c.add("deputy_id", "same_person");
        }
        let agreement = c.optional("agreement", self.agreement.as_deref(), 2_000);
        let mut sla_minutes = std::collections::BTreeMap::new();
        for (kind, hours) in &self.sla_hours {
            let minutes = (hours * 60.0).round();
            if !hours.is_finite() || minutes < 1.0 {
                c.add("sla_hours", "must_be_positive");
            } else if minutes as i64 > crate::request::MAX_SLA_MINUTES {
                c.add("sla_hours", "out_of_range");
            } else {
                sla_minutes.insert(*kind, minutes as i64);
            }
        }
        c.finish()?;
        Ok(TandemData {
            tandem: Tandem {
                field_id: self.field_id.unwrap_or_default(),
                inside_id: self.inside_id.unwrap_or_default(),
                deputy_id: self.deputy_id,
            },
            agreement,
            sla_minutes,
        })
    }
}

/// Where a new request goes, and why (shown on the request's timeline).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Route {
    /// The requester's tandem partner.
    Partner(UserId),
    /// The partner is absent: their deputy.
    Deputy(UserId),
    /// Nobody in the tandem is there (or the requester has no tandem): the inside
    /// team's queue, where anyone may claim it.
    Queue,
}

impl Route {
    pub fn assignee(self) -> Option<UserId> {
        match self {
            Route::Partner(u) | Route::Deputy(u) => Some(u),
            Route::Queue => None,
        }
    }
}

/// Routes a request of `requester`: to their tandem partner, if absent to the deputy,
/// otherwise to the queue. `absent` tells whether a user is away right now.
pub fn route(requester: UserId, tandems: &[Tandem], absent: impl Fn(UserId) -> bool) -> Route {
    let Some(t) = tandems
        .iter()
        .find(|t| t.field_id == requester || t.inside_id == requester)
    else {
        return Route::Queue;
    };
    let partner = if t.field_id == requester {
        t.inside_id
    } else {
        t.field_id
    };
    if !absent(partner) {
        return Route::Partner(partner);
    }
    match t.deputy_id {
        Some(d) if d != requester && !absent(d) => Route::Deputy(d),
        _ => Route::Queue,
    }
}

/// Where the open requests of someone who is now absent go: their deputy, if one is
/// named for them in a tandem and present, otherwise the queue.
pub fn stand_in(absent_user: UserId, tandems: &[Tandem], absent: impl Fn(UserId) -> bool) -> Route {
    tandems
        .iter()
        .filter(|t| t.inside_id == absent_user)
        .filter_map(|t| t.deputy_id)
        .find(|d| *d != absent_user && !absent(*d))
        .map_or(Route::Queue, Route::Deputy)
}

/// What the SLA clock of an open request asks for now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Due {
    Nothing,
    Remind,
    /// Take the escalation step with this index (0 = the first of the path).
    Escalate(usize),
}

/// The state of a running SLA clock at a moment, in business time.
pub struct Clock {
    /// Business time since the request was due (negative while it is not yet due).
    pub overdue: SignedDuration,
    /// Business time elapsed since the reminder threshold (negative before it).
    pub past_reminder: SignedDuration,
    pub reminded: bool,
    /// Escalation steps taken so far.
    pub escalated: usize,
    /// Steps on the type's escalation path.
    pub path: usize,
    /// Business time between two escalation steps.
    pub step_every: SignedDuration,
}

impl Clock {
    /// The clock of a running request at `now`, from its due time and SLA terms. The
    /// reminder threshold counts back from the due time; `terms` are the SLA minutes and
    /// the reminder threshold in basis points (so a pause moves it along);
    /// escalation steps follow one SLA apart.
    pub fn at(
        cal: &crate::calendar::BusinessCalendar,
        now: jiff::Timestamp,
        due: jiff::Timestamp,
        (sla_minutes, reminder_bp): (i64, i64),
        reminded: bool,
        escalated: usize,
        path: usize,
    ) -> Clock {
        let remaining = cal.remaining(now, due);
        let sla = SignedDuration::from_mins(sla_minutes);
        let before_due = SignedDuration::from_secs(
            sla.as_secs() * (10_000 - reminder_bp.clamp(0, 10_000)) / 10_000,
        );
        Clock {
            overdue: -remaining,
            past_reminder: before_due - remaining,
            reminded,
            escalated,
            path,
            step_every: sla,
        }
    }
}

/// The next thing to do for a clock; the job runs this until it says `Nothing`, so a
/// job that missed a cycle catches up one step at a time and never repeats one.
pub fn due_action(c: &Clock) -> Due {
    if c.overdue >= SignedDuration::ZERO && c.escalated < c.path {
        let reached = if c.step_every > SignedDuration::ZERO {
            (c.overdue.as_secs() / c.step_every.as_secs().max(1)) as usize + 1
        } else {
            c.path
        };
        if c.escalated < reached.min(c.path) {
            return Due::Escalate(c.escalated);
        }
    }
    if !c.reminded && c.past_reminder >= SignedDuration::ZERO && c.overdue < SignedDuration::ZERO {
        return Due::Remind;
    }
    Due::Nothing
}

/// Median and 90th percentile of turnaround times (nearest rank); `None` without data.
pub fn turnaround(mut times: Vec<SignedDuration>) -> Option<(SignedDuration, SignedDuration)> {
    if times.is_empty() {
        return None;
    }
    times.sort();
    let rank = |p: f64| {
        let i = ((p * times.len() as f64).ceil() as usize).clamp(1, times.len()) - 1;
        times[i]
    };
    Some((rank(0.5), rank(0.9)))
}

/// The share of requests done in time, in basis points; `None` without done requests.
pub fn hit_rate(in_time: u64, done: u64) -> Option<i64> {
    (done > 0).then(|| ((in_time * 10_000 + done / 2) / done) as i64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn user(n: u8) -> UserId {
        UserId(uuid::Uuid::from_bytes([n; 16]))
    }

    #[test]
    fn the_clock_reminds_before_due_and_escalates_one_sla_apart() {
        let cal = crate::calendar::BusinessCalendar::standard(crate::holidays::Land::NW);
        let at = |d: i8, h: i8| {
            date(2026, 11, d)
                .at(h, 0, 0, 0)
                .to_zoned(jiff::tz::TimeZone::get("Europe/Berlin").unwrap())
                .unwrap()
                .timestamp()
        };
        // Due Tuesday 12:00, SLA 8 h, reminder at 75 % = 2 h before due.
        let due = at(24, 12);
        let clock = |now, reminded, escalated| {
            due_action(&Clock::at(
                &cal,
                now,
                due,
                (480, 7_500),
                reminded,
                escalated,
                2,
            ))
        };
        let table = [
            (at(24, 9), false, 0, Due::Nothing),
            (at(24, 10), false, 0, Due::Remind),
            (at(24, 11), true, 0, Due::Nothing),
            (at(24, 12), true, 0, Due::Escalate(0)),
            (at(24, 12), false, 0, Due::Escalate(0)),
            (at(24, 16), true, 1, Due::Nothing),
            // One SLA (8 business hours) after due: Wednesday 11:00.
            (at(25, 11), true, 1, Due::Escalate(1)),
            (at(27, 11), true, 2, Due::Nothing),
        ];
        for (now, reminded, escalated, want) in table {
            assert_eq!(clock(now, reminded, escalated), want, "{now}");
        }
    }

    #[test]
    fn requests_go_to_the_partner_the_deputy_or_the_queue() {
        let (dieter, klaus, petra, solo) = (user(1), user(2), user(3), user(9));
        let tandems = [Tandem {
            field_id: dieter,
            inside_id: klaus,
            deputy_id: Some(petra),
        }];
        assert_eq!(route(dieter, &tandems, |_| false), Route::Partner(klaus));
        assert_eq!(
            route(dieter, &tandems, |u| u == klaus),
            Route::Deputy(petra)
        );
        assert_eq!(
            route(dieter, &tandems, |u| u == klaus || u == petra),
            Route::Queue
        );
        assert_eq!(route(solo, &tandems, |_| false), Route::Queue);
        // An inside rep's request goes to the field partner.
        assert_eq!(route(klaus, &tandems, |_| false), Route::Partner(dieter));
        // When Klaus falls ill, his open requests go to Petra, or to the queue.
        assert_eq!(
            stand_in(klaus, &tandems, |u| u == klaus),
            Route::Deputy(petra)
        );
        assert_eq!(stand_in(klaus, &tandems, |_| true), Route::Queue);
        assert_eq!(Route::Deputy(petra).assignee(), Some(petra));
        assert_eq!(Route::Queue.assignee(), None);
    }

    #[test]
    fn tandems_need_two_different_partners_and_a_third_deputy() {
        let (a, b, d) = (user(1), user(2), user(3));
        let input = |f: Option<UserId>, i: Option<UserId>, dep: Option<UserId>| TandemInput {
            field_id: f,
            inside_id: i,
            deputy_id: dep,
            agreement: Some("  Angebote binnen 2 Tagen  ".into()),
            sla_hours: Default::default(),
        };
        let ok = input(Some(a), Some(b), Some(d)).validate().unwrap();
        assert_eq!(ok.agreement.as_deref(), Some("Angebote binnen 2 Tagen"));
        // Own deadlines: hours to minutes; none, negative or endless ones are refused.
        let quote = crate::RequestTypeId::new();
        let mut own = input(Some(a), Some(b), None);
        own.sla_hours.insert(quote, 8.5);
        assert_eq!(own.validate().unwrap().sla_minutes[&quote], 510);
        for bad in [0.0, -2.0, f64::NAN, 10_000.0] {
            own.sla_hours.insert(quote, bad);
            assert_eq!(own.validate().unwrap_err().0[0].field, "sla_hours", "{bad}");
        }
        let codes = |i: TandemInput| -> Vec<(String, &'static str)> {
            i.validate()
                .unwrap_err()
                .0
                .into_iter()
                .map(|e| (e.field, e.code))
                .collect()
        };
        assert_eq!(
            codes(input(None, None, None)),
            vec![
                ("field_id".into(), "required"),
                ("inside_id".into(), "required")
            ]
        );
        assert_eq!(
            codes(input(Some(a), Some(a), None)),
            vec![("inside_id".into(), "same_person")]
        );
        assert_eq!(
            codes(input(Some(a), Some(b), Some(b))),
            vec![("deputy_id".into(), "same_person")]
        );
    }

    #[test]
    fn absences_are_checked() {
        let me = user(1);
        let input = |from: &str, to: &str, kind: &str| AbsenceInput {
            user_id: Some(me),
            kind: kind.into(),
            from: Some(from.into()),
            to: Some(to.into()),
            note: None,
        };
        let ok = input("2026-12-21", "2027-01-04", "vacation")
            .validate()
            .unwrap();
        assert!(ok.covers(date(2026, 12, 24)) && !ok.covers(date(2027, 1, 5)));
        let one_day = input("2026-12-01", "2026-12-01", "sick")
            .validate()
            .unwrap();
        assert_eq!(one_day.kind, AbsenceKind::Sick);
        let fields = |i: AbsenceInput| -> Vec<(String, &'static str)> {
            i.validate()
                .unwrap_err()
                .0
                .into_iter()
                .map(|e| (e.field, e.code))
                .collect()
        };
        assert_eq!(
            fields(input("2026-12-10", "2026-12-01", "vacation")),
            vec![("to".into(), "before_start")]
        );
        assert_eq!(
            fields(input("2026-01-01", "2027-06-01", "vacation")),
            vec![("to".into(), "out_of_range")]
        );
        assert_eq!(
            fields(input("31.12.2026", "", "holiday"))
                .into_iter()
                .map(|(f, _)| f)
                .collect::<Vec<_>>(),
            vec!["kind", "from", "to"]
        );
        let nobody = AbsenceInput {
            user_id: None,
            ..input("2026-12-01", "2026-12-01", "other")
        };
        assert_eq!(fields(nobody), vec![("user_id".into(), "required")]);
    }

    #[test]
    fn the_clock_reminds_once_then_escalates_step_by_step() {
        let h = SignedDuration::from_hours;
        let clock = |overdue: i64, past_reminder: i64, reminded: bool, escalated: usize| Clock {
            overdue: h(overdue),
            past_reminder: h(past_reminder),
            reminded,
            escalated,
            path: 2,
            step_every: h(8),
        };
        // Before the threshold: nothing; after it: remind once.
        assert_eq!(due_action(&clock(-6, -2, false, 0)), Due::Nothing);
        assert_eq!(due_action(&clock(-3, 1, false, 0)), Due::Remind);
        assert_eq!(due_action(&clock(-3, 1, true, 0)), Due::Nothing);
        // Due passed: the first step (team lead); 8 business hours later the second.
        assert_eq!(due_action(&clock(0, 4, true, 0)), Due::Escalate(0));
        assert_eq!(due_action(&clock(3, 7, true, 1)), Due::Nothing);
        assert_eq!(due_action(&clock(8, 12, true, 1)), Due::Escalate(1));
        assert_eq!(due_action(&clock(30, 34, true, 2)), Due::Nothing);
        // A job that slept through the reminder escalates instead of reminding late.
        assert_eq!(due_action(&clock(1, 5, false, 0)), Due::Escalate(0));
        // Catching up after a long outage: one step per run, never skipping one.
        assert_eq!(due_action(&clock(20, 24, true, 0)), Due::Escalate(0));
    }

    #[test]
    fn turnaround_and_hit_rate() {
        let h = SignedDuration::from_hours;
        let times = vec![h(5), h(1), h(3), h(2), h(4), h(10), h(6), h(7), h(8), h(9)];
        assert_eq!(turnaround(times), Some((h(5), h(9))));
        assert_eq!(turnaround(vec![h(2)]), Some((h(2), h(2))));
        assert_eq!(turnaround(vec![]), None);
        assert_eq!(hit_rate(2, 3), Some(6_667));
        assert_eq!(hit_rate(0, 0), None);
    }
}
