//! Tasks: something to do by a date, for someone, maybe about an account or contact,
//! maybe again and again.

use crate::{
    AccountId, ContactId, UserId,
    validation::{Checker, Invalid},
};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    Low,
    #[default]
    Normal,
    High,
}

impl Priority {
    pub const ALL: [Priority; 3] = [Priority::High, Priority::Normal, Priority::Low];

    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Low => "low",
            Priority::Normal => "normal",
            Priority::High => "high",
        }
    }

    pub fn parse(s: &str) -> Option<Priority> {
        Priority::ALL.into_iter().find(|p| p.as_str() == s)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Recurrence {
    #[default]
    None,
    Daily,
    Weekly,
    Monthly,
}

impl Recurrence {
    pub const ALL: [Recurrence; 4] = [
        Recurrence::None,
        Recurrence::Daily,
        Recurrence::Weekly,
        Recurrence::Monthly,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Recurrence::None => "none",
            Recurrence::Daily => "daily",
            Recurrence::Weekly => "weekly",
            Recurrence::Monthly => "monthly",
        }
    }

    pub fn parse(s: &str) -> Option<Recurrence> {
        Recurrence::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// The due date of the next occurrence after a task due `due` was done `done_on`:
    /// the first date in the rhythm that lies after both (a task done late does not
    /// pile up missed occurrences). Monthly keeps the day, clamped to the month's end.
    pub fn next_due(self, due: Date, done_on: Date) -> Option<Date> {
        let step = match self {
            Recurrence::None => return None,
            Recurrence::Daily => jiff::Span::new().days(1),
            Recurrence::Weekly => jiff::Span::new().weeks(1),
            Recurrence::Monthly => jiff::Span::new().months(1),
        };
        let mut next = due;
        for n in 1..=1000 {
            next = due.checked_add(step.checked_mul(n).ok()?).ok()?;
            if next > done_on {
                break;
            }
        }
        Some(next)
    }
}

/// What a user may set on a task, as it arrives from a form or the API. Only `title`
/// is required; the assignee defaults to the caller.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TaskInput {
    #[serde(default)]
    pub title: String,
    /// `YYYY-MM-DD`
    #[serde(default)]
    pub due_on: Option<String>,
    /// low, normal (default) or high
    #[serde(default)]
    pub priority: Option<String>,
    #[serde(default)]
    pub assignee_id: Option<UserId>,
    #[serde(default)]
    pub account_id: Option<AccountId>,
    #[serde(default)]
    pub contact_id: Option<ContactId>,
    #[serde(default)]
    pub deal_id: Option<crate::DealId>,
    /// none (default), daily, weekly or monthly; needs `due_on`
    #[serde(default)]
    pub recurrence: Option<String>,
    #[serde(default)]
    pub notes: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TaskData {
    pub title: String,
    pub due_on: Option<Date>,
    pub priority: Priority,
    pub assignee_id: Option<UserId>,
    pub account_id: Option<AccountId>,
    pub contact_id: Option<ContactId>,
    #[serde(default)]
    pub deal_id: Option<crate::DealId>,
    pub recurrence: Recurrence,
    pub notes: Option<String>,
}

impl TaskData {
    pub fn to_input(&self) -> TaskInput {
        TaskInput {
            title: self.title.clone(),
            due_on: self.due_on.map(|d| d.to_string()),
            priority: Some(self.priority.as_str().into()),
            assignee_id: self.assignee_id,
            account_id: self.account_id,
            contact_id: self.contact_id,
            deal_id: self.deal_id,
            recurrence: Some(self.recurrence.as_str().into()),
            notes: self.notes.clone(),
        }
    }
}

impl TaskInput {
    pub fn validate(&self) -> Result<TaskData, Invalid> {
        let mut c = Checker::default();
        let title = c.required("title", &self.title, 200);
        let due_on = c.date("due_on", self.due_on.as_deref());
        let priority = c.choice("priority", self.priority.as_deref(), Priority::parse);
        let recurrence = c.choice("recurrence", self.recurrence.as_deref(), Recurrence::parse);
        if recurrence != Recurrence::None && due_on.is_none() && !c.has("due_on") {
            c.add("due_on", "recurrence_needs_due_date");
        }
        let notes = c.optional("notes", self.notes.as_deref(), 10_000);
        c.finish()?;
        Ok(TaskData {
            title,
            due_on,
            priority,
            assignee_id: self.assignee_id,
            account_id: self.account_id,
            contact_id: self.contact_id,
            deal_id: self.deal_id,
            recurrence,
            notes,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn the_next_occurrence_follows_the_rhythm_and_skips_what_was_missed() {
        let table = [
            (
                Recurrence::Daily,
                date(2026, 11, 20),
                date(2026, 11, 20),
                Some(date(2026, 11, 21)),
            ),
            (
                Recurrence::Weekly,
                date(2026, 11, 20),
                date(2026, 11, 19),
                Some(date(2026, 11, 27)),
            ),
            (
                Recurrence::Weekly,
                date(2026, 11, 6),
                date(2026, 11, 22),
                Some(date(2026, 11, 27)),
            ),
            (
                Recurrence::Monthly,
                date(2026, 1, 31),
                date(2026, 1, 31),
                Some(date(2026, 2, 28)),
            ),
            (Recurrence::None, date(2026, 1, 31), date(2026, 1, 31), None),
        ];
        for (r, due, done, next) in table {
            assert_eq!(r.next_due(due, done), next, "{r:?} {due} {done}");
        }
    }

    #[test]
    fn a_recurring_task_needs_a_due_date() {
        let t = TaskInput {
            title: "Bericht".into(),
            recurrence: Some("weekly".into()),
            ..Default::default()
        };
        assert_eq!(
            t.validate().unwrap_err().0[0].code,
            "recurrence_needs_due_date"
        );
        let bad = TaskInput {
            title: " ".into(),
            priority: Some("urgent".into()),
            due_on: Some("morgen".into()),
            ..Default::default()
        };
        let codes: Vec<_> = bad
            .validate()
            .unwrap_err()
            .0
            .iter()
            .map(|e| (e.field.clone(), e.code))
            .collect();
        assert_eq!(
            codes,
            vec![
                ("title".into(), "required"),
                ("due_on".into(), "invalid_date"),
                ("priority".into(), "invalid_choice")
            ]
        );
    }
}
