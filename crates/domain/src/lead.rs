//! Leads from marketing: their life cycle, the score (fit rules plus engagement that
//! fades with a half-life, with its explanation) and the qualification gate a lead
//! must pass before sales gets it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Where a lead stands.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    #[default]
    New,
    Nurturing,
    Mql,
    HandedOver,
    Accepted,
    Rejected,
    Converted,
    Disqualified,
}

impl Status {
    pub const ALL: [Status; 8] = [
        Status::New,
        Status::Nurturing,
        Status::Mql,
        Status::HandedOver,
        Status::Accepted,
        Status::Rejected,
        Status::Converted,
        Status::Disqualified,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::New => "new",
            Status::Nurturing => "nurturing",
            Status::Mql => "mql",
            Status::HandedOver => "handed_over",
            Status::Accepted => "accepted",
            Status::Rejected => "rejected",
            Status::Converted => "converted",
            Status::Disqualified => "disqualified",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// Whether the lead may be handed to sales (the gate then decides whether it is ready).
    pub fn open_for_handoff(self) -> bool {
        use Status::*;
        matches!(self, New | Nurturing | Mql | Rejected)
    }

    /// The moves a lead can make. A rejected lead goes back to marketing (nurturing);
    /// the handoff itself is the gate's business, not a plain status change.
    pub fn can_move_to(self, next: Status) -> bool {
        use Status::*;
        matches!(
            (self, next),
            (New, Nurturing | Mql | Disqualified)
                | (Nurturing, Mql | Disqualified)
                | (Mql, Nurturing | HandedOver | Disqualified)
                | (HandedOver, Accepted | Rejected)
                | (Rejected, Nurturing | Disqualified)
                | (Accepted, Converted)
        )
    }
}

/// What a fit rule compares.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", content = "value", rename_all = "snake_case")]
pub enum Condition {
    /// The field has any value.
    Present,
    /// The field equals the value (case-insensitive).
    Equals(String),
    /// The field is one of the values (case-insensitive).
    OneOf(Vec<String>),
    /// The field is a number at least this big.
    AtLeast(i64),
}

/// Points for a lead whose field meets a condition (e.g. industry is mechanical
/// engineering: +20; more than 50 employees: +15).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FitRule {
    pub label: String,
    pub field: String,
    pub condition: Condition,
    pub points: i64,
}

impl FitRule {
    fn matches(&self, fields: &BTreeMap<String, String>) -> bool {
        let Some(value) = fields
            .get(&self.field)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
        else {
            return false;
        };
        match &self.condition {
            Condition::Present => true,
            Condition::Equals(want) => value.to_lowercase() == want.trim().to_lowercase(),
            Condition::OneOf(wants) => wants
                .iter()
                .any(|w| value.to_lowercase() == w.trim().to_lowercase()),
            Condition::AtLeast(n) => value.replace('.', "").parse::<i64>().is_ok_and(|v| v >= *n),
        }
    }
}

/// Something the lead did, posted by marketing tools.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Engagement {
    FormSubmitted,
    EmailClicked,
    Visit,
    EventAttended,
}

impl Engagement {
    pub const ALL: [Engagement; 4] = [
        Engagement::FormSubmitted,
        Engagement::EmailClicked,
        Engagement::Visit,
        Engagement::EventAttended,
    ];

    pub fn parse(s: &str) -> Option<Engagement> {
        Engagement::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Engagement::FormSubmitted => "form_submitted",
            Engagement::EmailClicked => "email_clicked",
            Engagement::Visit => "visit",
            Engagement::EventAttended => "event_attended",
        }
    }

    /// Points when it has just happened.
    pub fn default_points(self) -> i64 {
        match self {
            Engagement::FormSubmitted => 15,
            Engagement::EmailClicked => 3,
            Engagement::Visit => 2,
            Engagement::EventAttended => 20,
        }
    }
}

/// One engagement event: what, when (ms since the epoch), worth how many points new.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub kind: Engagement,
    pub at_ms: i64,
    pub points: i64,
}

/// One line of a score's explanation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Part {
    /// The fit rule's label, or the engagement kind.
    pub reason: String,
    pub points: i64,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Score {
    pub total: i64,
    pub parts: Vec<Part>,
}

const DAY_MS: f64 = 86_400_000.0;

/// The score now: every matching fit rule's points, plus each event's points halved
/// per `half_life_days` of age (events of one kind summed, rounded once). Future
/// events (clock skew) count as new.
pub fn score(
    fields: &BTreeMap<String, String>,
    rules: &[FitRule],
    events: &[Event],
    now_ms: i64,
    half_life_days: f64,
) -> Score {
    let mut parts: Vec<Part> = rules
        .iter()
        .filter(|r| r.matches(fields))
        .map(|r| Part {
            reason: r.label.clone(),
            points: r.points,
        })
        .collect();
    for kind in Engagement::ALL {
        let faded: f64 = events
            .iter()
            .filter(|e| e.kind == kind)
            .map(|e| {
                let age_days = ((now_ms - e.at_ms).max(0) as f64) / DAY_MS;
                e.points as f64 * 0.5_f64.powf(age_days / half_life_days.max(0.01))
            })
            .sum();
        let points = faded.round() as i64;
        if points != 0 {
            parts.push(Part {
                reason: kind.as_str().to_string(),
                points,
            });
        }
    }
    Score {
        total: parts.iter().map(|p| p.points).sum(),
        parts,
    }
}

/// The qualification criteria a workspace asks for before a handoff; BANT by default.
pub fn default_criteria() -> Vec<String> {
    ["budget", "authority", "need", "timing"]
        .into_iter()
        .map(String::from)
        .collect()
}

/// What keeps a lead from being handed to sales.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "missing", rename_all = "snake_case")]
pub enum Missing {
    /// The score is below the threshold.
    Score { have: i64, need: i64 },
    /// A qualification criterion is not answered.
    Criterion { key: String },
}

/// The gate: the score reaches the threshold and every criterion has an answer.
/// Everything missing is listed, not just the first thing.
pub fn gate(
    score: i64,
    threshold: i64,
    criteria: &[String],
    answers: &BTreeMap<String, String>,
) -> Result<(), Vec<Missing>> {
    let mut missing = vec![];
    if score < threshold {
        missing.push(Missing::Score {
            have: score,
            need: threshold,
        });
    }
    for c in criteria {
        if answers.get(c).is_none_or(|a| a.trim().is_empty()) {
            missing.push(Missing::Criterion { key: c.clone() });
        }
    }
    if missing.is_empty() {
        Ok(())
    } else {
        Err(missing)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn rules() -> Vec<FitRule> {
        vec![
            FitRule {
                label: "Maschinenbau".into(),
                field: "industry".into(),
                condition: Condition::OneOf(vec!["Maschinenbau".into(), "Anlagenbau".into()]),
                points: 20,
            },
            FitRule {
                label: "ab 50 Mitarbeitende".into(),
                field: "employees".into(),
                condition: Condition::AtLeast(50),
                points: 15,
            },
            FitRule {
                label: "Telefonnummer".into(),
                field: "phone".into(),
                condition: Condition::Present,
                points: 5,
            },
        ]
    }

    #[test]
    fn fit_rules_add_up_and_explain_themselves() {
        type Case<'a> = (&'a [(&'a str, &'a str)], i64, Vec<&'a str>);
        let cases: [Case; 4] = [
            (
                &[
                    ("industry", "maschinenbau"),
                    ("employees", "1.200"),
                    ("phone", "0251 1"),
                ],
                40,
                vec!["Maschinenbau", "ab 50 Mitarbeitende", "Telefonnummer"],
            ),
            (&[("industry", "Handel"), ("employees", "49")], 0, vec![]),
            (
                &[("employees", "50"), ("phone", "  ")],
                15,
                vec!["ab 50 Mitarbeitende"],
            ),
            (&[("employees", "viele")], 0, vec![]),
        ];
        for (f, total, reasons) in cases {
            let s = score(&fields(f), &rules(), &[], 0, 30.0);
            assert_eq!(s.total, total, "{f:?}");
            let got: Vec<&str> = s.parts.iter().map(|p| p.reason.as_str()).collect();
            assert_eq!(got, reasons, "{f:?}");
        }
    }

    #[test]
    fn engagement_fades_with_the_half_life() {
        let day = 86_400_000;
        let now = 100 * day;
        let ev = |kind: Engagement, days_ago: i64| Event {
            kind,
            at_ms: now - days_ago * day,
            points: kind.default_points(),
        };
        let cases = [
            (vec![ev(Engagement::FormSubmitted, 0)], 15),
            (vec![ev(Engagement::FormSubmitted, 30)], 8), // 7.5 rounds half away from zero
            (vec![ev(Engagement::EventAttended, 60)], 5),
            (
                vec![
                    ev(Engagement::Visit, 0),
                    ev(Engagement::Visit, 0),
                    ev(Engagement::Visit, 30),
                ],
                5,
            ),
            (vec![ev(Engagement::EmailClicked, 365)], 0),
            // A timestamp from the future counts as new, not as more than new.
            (vec![ev(Engagement::FormSubmitted, -3)], 15),
        ];
        for (events, total) in cases {
            let s = score(&BTreeMap::new(), &[], &events, now, 30.0);
            assert_eq!(s.total, total, "{events:?}");
        }
    }

    #[test]
    fn the_gate_lists_everything_missing() {
        let criteria = default_criteria();
        let answers = fields(&[("budget", "50.000 €"), ("need", "  ")]);
        assert_eq!(
            gate(42, 60, &criteria, &answers),
            Err(vec![
                Missing::Score { have: 42, need: 60 },
                Missing::Criterion {
                    key: "authority".into()
                },
                Missing::Criterion { key: "need".into() },
                Missing::Criterion {
                    key: "timing".into()
                },
            ])
        );
        let all = fields(&[
            ("budget", "50.000 €"),
            ("authority", "Geschäftsführer"),
            ("need", "Ersatz der Altanlage"),
            ("timing", "Q2"),
        ]);
        assert_eq!(gate(60, 60, &criteria, &all), Ok(()));
    }

    #[test]
    fn leads_move_only_along_the_funnel() {
        use Status::*;
        assert!(Mql.can_move_to(HandedOver));
        assert!(!New.can_move_to(HandedOver), "only an MQL is handed over");
        assert!(HandedOver.can_move_to(Rejected) && Rejected.can_move_to(Nurturing));
        assert!(!Converted.can_move_to(Nurturing));
        assert!(
            Status::ALL
                .iter()
                .all(|s| Status::parse(s.as_str()) == Some(*s))
        );
    }
}
