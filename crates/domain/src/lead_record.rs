//! A lead as marketing enters it (by hand, through the API, a web form or an import):
//! the person, the company, where it came from, and the answers to the qualification
//! criteria. The life cycle, score and gate live in `lead`.

use crate::account::{email_valid, postal_code_valid};
use crate::contact::{Salutation, phone_valid};
use crate::holidays::Land;
use crate::validation::Checker;
use crate::{CampaignId, Invalid, UserId};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Where a lead came from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    WebForm,
    TradeFair,
    Referral,
    Campaign,
    Import,
    #[default]
    Other,
}

impl Source {
    pub const ALL: [Source; 6] = [
        Source::WebForm,
        Source::TradeFair,
        Source::Referral,
        Source::Campaign,
        Source::Import,
        Source::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Source::WebForm => "web_form",
            Source::TradeFair => "trade_fair",
            Source::Referral => "referral",
            Source::Campaign => "campaign",
            Source::Import => "import",
            Source::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Source> {
        Source::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// The deal source a converted lead's deal gets.
    pub fn deal_source(self) -> crate::deal::Source {
        use crate::deal::Source as D;
        match self {
            Source::WebForm => D::Website,
            Source::TradeFair => D::TradeFair,
            Source::Referral => D::Referral,
            Source::Campaign => D::Marketing,
            Source::Import | Source::Other => D::Other,
        }
    }
}

/// Why sales turned a lead down; flows back to marketing as feedback.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RejectReason {
    NoBudget,
    NoNeed,
    NoAuthority,
    TooEarly,
    NotReachable,
    WrongTarget,
    ExistingCustomer,
    Competitor,
    Other,
}

impl RejectReason {
    pub const ALL: [RejectReason; 9] = [
        RejectReason::NoBudget,
        RejectReason::NoNeed,
        RejectReason::NoAuthority,
        RejectReason::TooEarly,
        RejectReason::NotReachable,
        RejectReason::WrongTarget,
        RejectReason::ExistingCustomer,
        RejectReason::Competitor,
        RejectReason::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RejectReason::NoBudget => "no_budget",
            RejectReason::NoNeed => "no_need",
            RejectReason::NoAuthority => "no_authority",
            RejectReason::TooEarly => "too_early",
            RejectReason::NotReachable => "not_reachable",
            RejectReason::WrongTarget => "wrong_target",
            RejectReason::ExistingCustomer => "existing_customer",
            RejectReason::Competitor => "competitor",
            RejectReason::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<RejectReason> {
        RejectReason::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// A rejection: a reason code and a comment, both required.
pub fn rejection(reason: Option<&str>, comment: &str) -> Result<(RejectReason, String), Invalid> {
    let mut c = Checker::default();
    let reason = match reason.map(str::trim) {
        None | Some("") => {
            c.add("reason", "required");
            RejectReason::Other
        }
        Some(r) => RejectReason::parse(r).unwrap_or_else(|| {
            c.add("reason", "invalid_choice");
            RejectReason::Other
        }),
    };
    let comment = c.required("comment", comment, 2_000);
    c.finish()?;
    Ok((reason, comment))
}

pub const NAME_MAX: usize = 100;
pub const TEXT_MAX: usize = 200;
pub const NOTES_MAX: usize = 10_000;
pub const ANSWER_MAX: usize = 500;

/// A lead as a form or the API sends it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LeadInput {
    #[serde(default)]
    pub salutation: Option<String>,
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: String,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub position: Option<String>,
    #[serde(default)]
    pub company: Option<String>,
    #[serde(default)]
    pub industry: Option<String>,
    #[serde(default)]
    pub employees: Option<i64>,
    #[serde(default)]
    pub website: Option<String>,
    #[serde(default)]
    pub postal_code: Option<String>,
    #[serde(default)]
    pub city: Option<String>,
    /// ISO 3166 alpha-2; default `DE`.
    #[serde(default)]
    pub country: Option<String>,
    /// Bundesland code (`NW`, `BY`, …) for territory rules.
    #[serde(default)]
    pub state: Option<String>,
    /// `web_form`, `trade_fair`, `referral`, `campaign`, `import`, `other`.
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub campaign_id: Option<CampaignId>,
    /// The marketing owner; default the creator.
    #[serde(default)]
    pub owner_id: Option<UserId>,
    /// Answers to the qualification criteria, by criterion key.
    #[serde(default)]
    pub answers: BTreeMap<String, String>,
    #[serde(default)]
    pub consent_email: bool,
    /// `YYYY-MM-DD`
    #[serde(default)]
    pub consent_on: Option<String>,
    #[serde(default)]
    pub consent_source: Option<String>,
    #[serde(default)]
    pub notes: Option<String>,
}

/// A valid lead as it is stored.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LeadData {
    pub salutation: Salutation,
    pub first_name: Option<String>,
    pub last_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub position: Option<String>,
    pub company: Option<String>,
    pub industry: Option<String>,
    pub employees: Option<i64>,
    pub website: Option<String>,
    pub postal_code: Option<String>,
    pub city: Option<String>,
    pub country: String,
    pub state: Option<String>,
    pub source: Source,
    pub campaign_id: Option<CampaignId>,
    pub owner_id: Option<UserId>,
    pub answers: BTreeMap<String, String>,
    pub consent_email: bool,
    pub consent_on: Option<jiff::civil::Date>,
    pub consent_source: Option<String>,
    pub notes: Option<String>,
}

impl LeadData {
    /// "Jens Köhler"
    pub fn name(&self) -> String {
        match &self.first_name {
            Some(f) => format!("{f} {}", self.last_name),
            None => self.last_name.clone(),
        }
    }

    /// The fields fit rules look at, by name.
    pub fn fit_fields(&self) -> BTreeMap<String, String> {
        let mut m = BTreeMap::new();
        let mut put = |k: &str, v: Option<String>| {
            if let Some(v) = v.filter(|v| !v.trim().is_empty()) {
                m.insert(k.to_string(), v);
            }
        };
        put("email", self.email.clone());
        put("phone", self.phone.clone());
        put("position", self.position.clone());
        put("company", self.company.clone());
        put("industry", self.industry.clone());
        put("employees", self.employees.map(|e| e.to_string()));
        put("website", self.website.clone());
        put("postal_code", self.postal_code.clone());
        put("city", self.city.clone());
        put("country", Some(self.country.clone()));
        put("state", self.state.clone());
        put("source", Some(self.source.as_str().to_string()));
        m
    }

    pub fn to_input(&self) -> LeadInput {
        LeadInput {
            salutation: Some(self.salutation.as_str().to_string()),
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            email: self.email.clone(),
            phone: self.phone.clone(),
            position: self.position.clone(),
            company: self.company.clone(),
            industry: self.industry.clone(),
            employees: self.employees,
            website: self.website.clone(),
            postal_code: self.postal_code.clone(),
            city: self.city.clone(),
            country: Some(self.country.clone()),
            state: self.state.clone(),
            source: Some(self.source.as_str().to_string()),
            campaign_id: self.campaign_id,
            owner_id: self.owner_id,
            answers: self.answers.clone(),
            consent_email: self.consent_email,
            consent_on: self.consent_on.map(|d| d.to_string()),
            consent_source: self.consent_source.clone(),
            notes: self.notes.clone(),
        }
    }
}

/// The fields a fit rule may look at.
pub const FIT_FIELDS: [&str; 12] = [
    "email",
    "phone",
    "position",
    "company",
    "industry",
    "employees",
    "website",
    "postal_code",
    "city",
    "country",
    "state",
    "source",
];

impl LeadInput {
    /// Checks the shape of every field (the service checks what the ids name) and
    /// returns the normalised lead, or every field error at once. Answers are kept for
    /// any key: the workspace's criteria decide which ones the gate asks for.
    pub fn validate(&self) -> Result<LeadData, Invalid> {
        let mut c = Checker::default();
        let salutation = c.choice("salutation", self.salutation.as_deref(), Salutation::parse);
        let first_name = c.optional("first_name", self.first_name.as_deref(), NAME_MAX);
        let last_name = c.required("last_name", &self.last_name, NAME_MAX);
        let email = c
            .optional("email", self.email.as_deref(), 254)
            .map(|e| e.to_lowercase());
        if email.as_deref().is_some_and(|e| !email_valid(e)) {
            c.add("email", "invalid_email");
        }
        let phone = c.optional("phone", self.phone.as_deref(), 40);
        if phone.as_deref().is_some_and(|p| !phone_valid(p)) {
            c.add("phone", "invalid_phone");
        }
        let position = c.optional("position", self.position.as_deref(), TEXT_MAX);
        let company = c.optional("company", self.company.as_deref(), TEXT_MAX);
        let industry = c.optional("industry", self.industry.as_deref(), TEXT_MAX);
        if self
            .employees
            .is_some_and(|e| !(0..=crate::account::EMPLOYEES_MAX).contains(&e))
        {
            c.add("employees", "out_of_range");
        }
        let website = c.optional("website", self.website.as_deref(), TEXT_MAX);
        let country = c
            .optional("country", self.country.as_deref(), 2)
            .map(|s| s.to_ascii_uppercase())
            .unwrap_or_else(|| "DE".to_string());
        if country.len() != 2 || !country.chars().all(|ch| ch.is_ascii_alphabetic()) {
            c.add("country", "invalid_country");
        }
        let postal_code = c.optional("postal_code", self.postal_code.as_deref(), 12);
        if postal_code
            .as_deref()
            .is_some_and(|p| !postal_code_valid(&country, p))
        {
            c.add("postal_code", "invalid_postal_code");
        }
        let city = c.optional("city", self.city.as_deref(), TEXT_MAX);
        let state = match self.state.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(s) => match Land::parse(s) {
                Some(l) => Some(l.as_str().to_string()),
                None => {
                    c.add("state", "invalid_choice");
                    None
                }
            },
        };
        let source = c.choice("source", self.source.as_deref(), Source::parse);
        let mut answers = BTreeMap::new();
        for (k, v) in &self.answers {
            let field = format!("answers.{k}");
            if k.is_empty() || k.len() > 40 {
                c.add(&field, "invalid_key");
            } else if let Some(v) = c.optional(&field, Some(v), ANSWER_MAX) {
                answers.insert(k.clone(), v);
            }
        }
        let consent_on = c.date("consent_on", self.consent_on.as_deref());
        let consent_source = c.optional("consent_source", self.consent_source.as_deref(), 200);
        if self.consent_email && consent_on.is_none() && !c.has("consent_on") {
            c.add("consent_on", "required");
        }
        let notes = c.optional("notes", self.notes.as_deref(), NOTES_MAX);
        c.finish()?;
        Ok(LeadData {
            salutation,
            first_name,
            last_name,
            email,
            phone,
            position,
            company,
            industry,
            employees: self.employees,
            website,
            postal_code,
            city,
            country,
            state,
            source,
            campaign_id: self.campaign_id,
            owner_id: self.owner_id,
            answers,
            consent_email: self.consent_email,
            consent_on,
            consent_source,
            notes,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> LeadInput {
        LeadInput {
            first_name: Some("Jens".into()),
            last_name: "Köhler".into(),
            email: Some("J.Koehler@Brunnenbau-Koehler.de".into()),
            company: Some("Brunnenbau Köhler GmbH".into()),
            postal_code: Some("48143".into()),
            state: Some("nw".into()),
            source: Some("trade_fair".into()),
            ..LeadInput::default()
        }
    }

    #[test]
    fn a_lead_is_normalised() {
        let d = input().validate().unwrap();
        assert_eq!(d.email.as_deref(), Some("j.koehler@brunnenbau-koehler.de"));
        assert_eq!(d.country, "DE");
        assert_eq!(d.state.as_deref(), Some("NW"));
        assert_eq!(d.source, Source::TradeFair);
        assert_eq!(d.name(), "Jens Köhler");
        assert_eq!(d.fit_fields()["postal_code"], "48143");
    }

    #[test]
    fn bad_leads_are_refused_by_field() {
        type Change = fn(&mut LeadInput);
        let cases: [(Change, &str, &str); 8] = [
            (|i| i.last_name = " ".into(), "last_name", "required"),
            (|i| i.email = Some("no-at".into()), "email", "invalid_email"),
            (
                |i| i.postal_code = Some("4814".into()),
                "postal_code",
                "invalid_postal_code",
            ),
            (|i| i.state = Some("XX".into()), "state", "invalid_choice"),
            (|i| i.source = Some("tv".into()), "source", "invalid_choice"),
            (|i| i.employees = Some(-1), "employees", "out_of_range"),
            (|i| i.consent_email = true, "consent_on", "required"),
            (
                |i| {
                    i.answers.insert("budget".into(), "x".repeat(501));
                },
                "answers.budget",
                "too_long",
            ),
        ];
        for (change, field, code) in cases {
            let mut i = input();
            change(&mut i);
            let e = i.validate().unwrap_err();
            assert!(
                e.0.iter().any(|f| f.field == field && f.code == code),
                "{field}: {e}"
            );
        }
    }

    #[test]
    fn a_rejection_needs_a_reason_and_a_comment() {
        assert_eq!(
            rejection(Some("no_budget"), " kein Budget vor 2028 ").unwrap(),
            (RejectReason::NoBudget, "kein Budget vor 2028".to_string())
        );
        let e = rejection(None, "").unwrap_err();
        let fields: Vec<&str> = e.0.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["reason", "comment"]);
        assert_eq!(
            rejection(Some("boring"), "x").unwrap_err().0[0].code,
            "invalid_choice"
        );
    }
}
