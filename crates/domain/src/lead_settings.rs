//! A workspace's lead policy — the playbook's qualification part: the score threshold,
//! the criteria, the fit rules, how fast engagement fades, how long sales has to
//! accept a lead — and the territory rules that decide which field rep gets it.

use crate::holidays::Land;
use crate::lead::{Condition, FitRule, default_criteria};
use crate::lead_record::FIT_FIELDS;
use crate::validation::Checker;
use crate::{Invalid, UserId};
use serde::{Deserialize, Serialize};

/// A qualification criterion: a key (what the answers are stored under) and its label.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Criterion {
    pub key: String,
    pub label: String,
}

/// A field rep's territory: postal-code ranges (`48000`–`48999`; a shorter prefix
/// stands for every code that starts with it) and/or Bundesländer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Territory {
    pub user_id: UserId,
    #[serde(default)]
    pub postal_from: Option<String>,
    #[serde(default)]
    pub postal_to: Option<String>,
    #[serde(default)]
    pub states: Vec<String>,
}

impl Territory {
    /// Whether a lead with this postal code and Bundesland lies in the territory.
    pub fn covers(&self, postal_code: Option<&str>, state: Option<&str>) -> bool {
        if let Some(s) = state
            && self.states.iter().any(|t| t.eq_ignore_ascii_case(s))
        {
            return true;
        }
        let (Some(code), Some(from)) = (postal_code, self.postal_from.as_deref()) else {
            return false;
        };
        let to = self.postal_to.as_deref().unwrap_or(from);
        let width = code.len();
        let low = pad(from, width, '0');
        let high = pad(to, width, '9');
        low.as_str() <= code && code <= high.as_str()
    }
}

fn pad(prefix: &str, width: usize, with: char) -> String {
    let mut s: String = prefix.chars().take(width).collect();
    while s.len() < width {
        s.push(with);
    }
    s
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LeadSettings {
    /// The score a lead needs before it can be handed to sales.
    pub threshold: i64,
    pub criteria: Vec<Criterion>,
    pub fit_rules: Vec<FitRule>,
    /// Engagement points halve every so many days.
    pub half_life_days: i64,
    /// Business hours sales has to accept or reject a handed-over lead.
    pub accept_sla_hours: i64,
    pub territories: Vec<Territory>,
}

impl LeadSettings {
    /// What a new workspace starts with: BANT, a threshold of 50, a few fit rules for
    /// a typical Mittelstand target (industry, size, a phone number to call).
    pub fn standard(de: bool) -> LeadSettings {
        let label = |de_text: &str, en_text: &str| if de { de_text } else { en_text }.to_string();
        let criteria = default_criteria()
            .into_iter()
            .map(|key| {
                let label = match key.as_str() {
                    "budget" => label("Budget", "Budget"),
                    "authority" => label("Entscheider", "Authority"),
                    "need" => label("Bedarf", "Need"),
                    _ => label("Zeitrahmen", "Timing"),
                };
                Criterion { key, label }
            })
            .collect();
        LeadSettings {
            threshold: 50,
            criteria,
            fit_rules: vec![
                FitRule {
                    label: label("ab 50 Mitarbeitende", "50 employees or more"),
                    field: "employees".into(),
                    condition: Condition::AtLeast(50),
                    points: 20,
                },
                FitRule {
                    label: label("Telefonnummer bekannt", "Phone number known"),
                    field: "phone".into(),
                    condition: Condition::Present,
                    points: 10,
                },
                FitRule {
                    label: label("Position bekannt", "Position known"),
                    field: "position".into(),
                    condition: Condition::Present,
                    points: 10,
                },
                FitRule {
                    label: label("Empfehlung oder Messe", "Referral or trade fair"),
                    field: "source".into(),
                    condition: Condition::OneOf(vec!["referral".into(), "trade_fair".into()]),
                    points: 15,
                },
            ],
            half_life_days: 30,
            accept_sla_hours: 8,
            territories: vec![],
        }
    }

    pub fn criteria_keys(&self) -> Vec<String> {
        self.criteria.iter().map(|c| c.key.clone()).collect()
    }

    pub fn criterion_label(&self, key: &str) -> String {
        self.criteria
            .iter()
            .find(|c| c.key == key)
            .map_or_else(|| key.to_string(), |c| c.label.clone())
    }

    /// Checks a whole policy; errors name the field (`criteria[1].key`,
    /// `territories[0].postal_to`, …). Users named by territories are checked by the
    /// service.
    pub fn validate(mut self) -> Result<LeadSettings, Invalid> {
        let mut c = Checker::default();
        if !(0..=1_000).contains(&self.threshold) {
            c.add("threshold", "out_of_range");
        }
        if !(1..=365).contains(&self.half_life_days) {
            c.add("half_life_days", "out_of_range");
        }
        if !(1..=400).contains(&self.accept_sla_hours) {
            c.add("accept_sla_hours", "out_of_range");
        }
        if self.criteria.len() > 20 {
            c.add("criteria", "too_many");
        }
        let mut keys = vec![];
        for (i, cr) in self.criteria.iter_mut().enumerate() {
            cr.key = cr.key.trim().to_lowercase();
            let key_ok = !cr.key.is_empty()
                && cr.key.len() <= 40
                && cr
                    .key
                    .chars()
                    .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_');
            if !key_ok {
                c.add(&format!("criteria[{i}].key"), "invalid_key");
            } else if keys.contains(&cr.key) {
                c.add(&format!("criteria[{i}].key"), "duplicate");
            }
            keys.push(cr.key.clone());
            cr.label = c.required(&format!("criteria[{i}].label"), &cr.label, 100);
        }
        if self.fit_rules.len() > 50 {
            c.add("fit_rules", "too_many");
        }
        for (i, r) in self.fit_rules.iter_mut().enumerate() {
            r.label = c.required(&format!("fit_rules[{i}].label"), &r.label, 100);
            if !FIT_FIELDS.contains(&r.field.as_str()) {
                c.add(&format!("fit_rules[{i}].field"), "invalid_choice");
            }
            if !(-1_000..=1_000).contains(&r.points) {
                c.add(&format!("fit_rules[{i}].points"), "out_of_range");
            }
            let empty = match &r.condition {
                Condition::Present | Condition::AtLeast(_) => false,
                Condition::Equals(v) => v.trim().is_empty(),
                Condition::OneOf(vs) => vs.iter().all(|v| v.trim().is_empty()),
            };
            if empty {
                c.add(&format!("fit_rules[{i}].value"), "required");
            }
        }
        if self.territories.len() > 500 {
            c.add("territories", "too_many");
        }
        for (i, t) in self.territories.iter_mut().enumerate() {
            let f = |name: &str| format!("territories[{i}].{name}");
            for code in [&mut t.postal_from, &mut t.postal_to] {
                *code = code
                    .take()
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty());
            }
            for (name, code) in [("postal_from", &t.postal_from), ("postal_to", &t.postal_to)] {
                if code
                    .as_deref()
                    .is_some_and(|s| s.len() > 5 || !s.chars().all(|ch| ch.is_ascii_digit()))
                {
                    c.add(&f(name), "invalid_postal_code");
                }
            }
            if t.postal_to.is_some() && t.postal_from.is_none() {
                c.add(&f("postal_from"), "required");
            }
            if let (Some(a), Some(b)) = (&t.postal_from, &t.postal_to)
                && pad(a, 5, '0') > pad(b, 5, '9')
            {
                c.add(&f("postal_to"), "before_start");
            }
            let mut states = vec![];
            for s in &t.states {
                match Land::parse(s) {
                    Some(l) => states.push(l.as_str().to_string()),
                    None => c.add(&f("states"), "invalid_choice"),
                }
            }
            t.states = states;
            if t.postal_from.is_none() && t.states.is_empty() {
                c.add(&f("postal_from"), "required");
            }
        }
        c.finish()?;
        Ok(self)
    }
}

/// How a handed-over lead found its rep.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Routed {
    /// The rep whose territory covers the lead.
    Territory(UserId),
    /// The next available rep in turn (no territory, or its rep is away).
    RoundRobin(UserId),
}

impl Routed {
    pub fn user(self) -> UserId {
        match self {
            Routed::Territory(u) | Routed::RoundRobin(u) => u,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Routed::Territory(_) => "territory",
            Routed::RoundRobin(_) => "round_robin",
        }
    }
}

/// Picks the field rep for a lead: the first available rep whose territory covers it;
/// otherwise round robin over the available reps (`reps` in turn order: whoever got a
/// lead longest ago first). `None` when every rep is away.
pub fn route(
    territories: &[Territory],
    postal_code: Option<&str>,
    state: Option<&str>,
    reps: &[UserId],
    available: impl Fn(UserId) -> bool,
) -> Option<Routed> {
    territories
        .iter()
        .filter(|t| t.covers(postal_code, state))
        .map(|t| t.user_id)
        .find(|u| available(*u))
        .map(Routed::Territory)
        .or_else(|| {
            reps.iter()
                .copied()
                .find(|u| available(*u))
                .map(Routed::RoundRobin)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(n: u128) -> UserId {
        UserId(uuid::Uuid::from_u128(n))
    }

    fn territory(u: u128, from: Option<&str>, to: Option<&str>, states: &[&str]) -> Territory {
        Territory {
            user_id: user(u),
            postal_from: from.map(String::from),
            postal_to: to.map(String::from),
            states: states.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn territories_cover_postal_ranges_and_laender() {
        let cases = [
            (
                territory(1, Some("48"), None, &[]),
                Some("48143"),
                None,
                true,
            ),
            (
                territory(1, Some("48"), None, &[]),
                Some("49143"),
                None,
                false,
            ),
            (
                territory(1, Some("40000"), Some("48999"), &[]),
                Some("45127"),
                None,
                true,
            ),
            (
                territory(1, Some("40"), Some("48"), &[]),
                Some("48999"),
                None,
                true,
            ),
            (
                territory(1, Some("40"), Some("48"), &[]),
                Some("39999"),
                None,
                false,
            ),
            (
                territory(1, None, None, &["BY"]),
                Some("80331"),
                Some("BY"),
                true,
            ),
            (
                territory(1, None, None, &["BY"]),
                Some("80331"),
                None,
                false,
            ),
            (territory(1, Some("48"), None, &[]), None, Some("NW"), false),
        ];
        for (t, code, state, want) in cases {
            assert_eq!(t.covers(code, state), want, "{t:?} {code:?} {state:?}");
        }
    }

    #[test]
    fn the_territory_rep_gets_the_lead_unless_away() {
        let ts = vec![territory(1, Some("48"), None, &[])];
        let reps = [user(2), user(1), user(3)];
        let all = |_| true;
        assert_eq!(
            route(&ts, Some("48143"), None, &reps, all),
            Some(Routed::Territory(user(1)))
        );
        // Outside every territory: the rep whose turn it is.
        assert_eq!(
            route(&ts, Some("80331"), None, &reps, all),
            Some(Routed::RoundRobin(user(2)))
        );
        // The territory's rep is on holiday: the next available rep in turn.
        let away = |u: UserId| u != user(1) && u != user(2);
        assert_eq!(
            route(&ts, Some("48143"), None, &reps, away),
            Some(Routed::RoundRobin(user(3)))
        );
        assert_eq!(route(&ts, Some("48143"), None, &reps, |_| false), None);
    }

    #[test]
    fn the_standard_policy_is_valid_and_bad_ones_are_named() {
        assert!(LeadSettings::standard(true).validate().is_ok());
        let mut s = LeadSettings::standard(false);
        s.threshold = -1;
        s.half_life_days = 0;
        s.criteria.push(Criterion {
            key: "budget".into(),
            label: "Again".into(),
        });
        s.fit_rules[0].field = "shoe_size".into();
        s.territories = vec![
            territory(1, Some("49"), Some("48"), &[]),
            territory(1, None, None, &["XX"]),
            territory(1, Some("4a"), None, &[]),
        ];
        let e = s.validate().unwrap_err();
        let got: Vec<(&str, &str)> = e.0.iter().map(|f| (f.field.as_str(), f.code)).collect();
        for want in [
            ("threshold", "out_of_range"),
            ("half_life_days", "out_of_range"),
            ("criteria[4].key", "duplicate"),
            ("fit_rules[0].field", "invalid_choice"),
            ("territories[0].postal_to", "before_start"),
            ("territories[1].states", "invalid_choice"),
            ("territories[2].postal_from", "invalid_postal_code"),
        ] {
            assert!(got.contains(&want), "{want:?} in {got:?}");
        }
    }
}
