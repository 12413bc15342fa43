//! One spreadsheet row into one record: the cells by field, turned into the record's
//! input (German and English spellings of choices, German and English numbers and
//! dates), the names it refers to resolved (company, owner, campaign, stage).

use crate::{actor::Auth, error::AppResult};
use std::collections::HashMap;
use tandem_domain::{
    FieldError, Invalid, Locale,
    account::AccountInput,
    contact::ContactInput,
    deal::DealInput,
    import::{self, Kind},
    lead_record::LeadInput,
    money::{Money, parse_amount},
    text::fold,
};
use tandem_store::{Tx, users};

/// The cells of a row by mapped field (empty cells left out).
pub type Cells = HashMap<&'static str, String>;

pub fn cells(mapping: &[Option<&'static str>], row: &[String]) -> Cells {
    mapping
        .iter()
        .zip(row.iter())
        .filter_map(|(m, v)| Some((((*m)?), v.trim().to_string())))
        .filter(|(_, v)| !v.is_empty())
        .collect()
}

/// What the rows of one import share: names looked up once.
#[derive(Default)]
pub struct Lookups {
    pub users_by_email: HashMap<String, tandem_domain::UserId>,
    pub campaigns: HashMap<String, tandem_domain::CampaignId>,
    /// The default pipeline and its stages by folded name.
    pub pipeline: Option<tandem_domain::PipelineId>,
    pub stages: HashMap<String, tandem_domain::StageId>,
}

impl Lookups {
    pub async fn load(tx: &mut Tx, auth: &Auth) -> AppResult<Lookups> {
        let ws = auth.user.workspace_id;
        let mut l = Lookups::default();
        for u in users::list(&mut tx.conn(), ws).await? {
            l.users_by_email.insert(u.email.to_lowercase(), u.id);
        }
        for c in tandem_store::campaigns::all(&mut tx.conn(), ws).await? {
            l.campaigns.insert(fold(&c.data.name), c.id);
        }
        if let Some(p) = tandem_store::pipelines::list(&mut tx.conn(), ws)
            .await?
            .into_iter()
            .next()
        {
            l.pipeline = Some(p.id);
            for s in &p.stages {
                l.stages.insert(fold(&s.data.name), s.id);
            }
        }
        Ok(l)
    }
}

fn country(cell: Option<&String>) -> Option<String> {
    let c = cell?;
    Some(
        match fold(c).as_str() {
            "deutschland" | "germany" | "brd" | "d" => "DE",
            "osterreich" | "oesterreich" | "austria" | "a" => "AT",
            "schweiz" | "switzerland" | "ch" => "CH",
            "frankreich" | "france" => "FR",
            "niederlande" | "netherlands" | "holland" => "NL",
            "italien" | "italy" => "IT",
            "polen" | "poland" => "PL",
            _ => return Some(c.clone()),
        }
        .to_string(),
    )
}

fn salutation(cell: Option<&String>) -> Option<String> {
    let c = cell?;
    Some(
        match fold(c).trim_end_matches('.') {
            "herr" | "hr" | "mr" | "mister" => "mr",
            "frau" | "fr" | "ms" | "mrs" | "miss" => "ms",
            "divers" | "mx" => "mx",
            other => return Some(other.to_string()),
        }
        .to_string(),
    )
}

fn owner(
    l: &Lookups,
    cells: &Cells,
    errors: &mut Vec<FieldError>,
) -> Option<tandem_domain::UserId> {
    let email = cells.get("owner_email")?;
    let found = l.users_by_email.get(&email.to_lowercase()).copied();
    if found.is_none() {
        errors.push(FieldError::new("owner_email", "unknown_user"));
    }
    found
}

fn employees(cells: &Cells, errors: &mut Vec<FieldError>) -> Option<i64> {
    match import::integer(cells.get("employees")?) {
        Some(Ok(n)) => Some(n),
        _ => {
            errors.push(FieldError::new("employees", "not_a_number"));
            None
        }
    }
}

fn finish<T>(input: T, errors: Vec<FieldError>) -> Result<T, Invalid> {
    if errors.is_empty() {
        Ok(input)
    } else {
        Err(Invalid(errors))
    }
}

pub fn account(l: &Lookups, c: &Cells) -> Result<AccountInput, Invalid> {
    let mut errors = vec![];
    let lifecycle = c.get("lifecycle").map(|v| {
        match fold(v).as_str() {
            "kunde" | "customer" | "bestandskunde" => "customer",
            "interessent" | "prospect" | "neukunde" => "prospect",
            "ehemalig" | "ehemaliger kunde" | "former" => "former",
            "partner" => "partner",
            other => return other.to_string(),
        }
        .to_string()
    });
    let input = AccountInput {
        name: c.get("name").cloned().unwrap_or_default(),
        legal_form: c.get("legal_form").cloned(),
        industry: c.get("industry").cloned(),
        employees: employees(c, &mut errors),
        street: c.get("street").cloned(),
        postal_code: c.get("postal_code").cloned(),
        city: c.get("city").cloned(),
        country: country(c.get("country")),
        vat_id: c.get("vat_id").map(|v| v.replace(' ', "").to_uppercase()),
        website: c.get("website").cloned(),
        phone: c.get("phone").cloned(),
        email: c.get("email").cloned(),
        tags: c
            .get("tags")
            .map(|t| {
                t.split([',', ';'])
                    .map(|x| x.trim().to_string())
                    .filter(|x| !x.is_empty())
                    .collect()
            })
            .unwrap_or_default(),
        lifecycle,
        owner_id: owner(l, c, &mut errors),
        notes: c.get("notes").cloned(),
        custom: Default::default(),
    };
    finish(input, errors)
}

/// A contact; its company is resolved by the caller (`account` cell).
pub fn contact(c: &Cells) -> Result<ContactInput, Invalid> {
    let mut errors = vec![];
    let consent_email = match c.get("consent_email").map(|v| import::yes_no(v)) {
        None => false,
        Some(Some(b)) => b,
        Some(None) => {
            errors.push(FieldError::new("consent_email", "invalid_choice"));
            false
        }
    };
    let input = ContactInput {
        salutation: salutation(c.get("salutation")),
        title: c.get("title").cloned(),
        first_name: c.get("first_name").cloned(),
        last_name: c.get("last_name").cloned().unwrap_or_default(),
        position: c.get("position").cloned(),
        emails: ["email", "email2"]
            .iter()
            .filter_map(|k| c.get(k).cloned())
            .collect(),
        phones: ["phone", "phone2"]
            .iter()
            .filter_map(|k| c.get(k).cloned())
            .collect(),
        consent_email,
        consent_on: c.get("consent_on").and_then(|d| import::date(d)),
        consent_source: consent_email.then(|| "Import".to_string()),
        notes: c.get("notes").cloned(),
        ..ContactInput::default()
    };
    finish(input, errors)
}

pub fn lead(l: &Lookups, c: &Cells) -> Result<LeadInput, Invalid> {
    let mut errors = vec![];
    let campaign_id = match c.get("campaign") {
        None => None,
        Some(name) => {
            let found = l.campaigns.get(&fold(name)).copied();
            if found.is_none() {
                errors.push(FieldError::new("campaign", "not_found"));
            }
            found
        }
    };
    let source = c.get("source").map(|s| {
        match fold(s).as_str() {
            "webformular" | "website" | "web" | "web_form" | "web form" => "web_form",
            "messe" | "trade fair" | "trade_fair" => "trade_fair",
            "empfehlung" | "referral" => "referral",
            "kampagne" | "campaign" => "campaign",
            "sonstige" | "other" => "other",
            other => return other.to_string(),
        }
        .to_string()
    });
    let input = LeadInput {
        salutation: salutation(c.get("salutation")),
        first_name: c.get("first_name").cloned(),
        last_name: c.get("last_name").cloned().unwrap_or_default(),
        email: c.get("email").cloned(),
        phone: c.get("phone").cloned(),
        position: c.get("position").cloned(),
        company: c.get("company").cloned(),
        industry: c.get("industry").cloned(),
        employees: employees(c, &mut errors),
        website: c.get("website").cloned(),
        postal_code: c.get("postal_code").cloned(),
        city: c.get("city").cloned(),
        country: country(c.get("country")),
        state: c.get("state").cloned(),
        source: source.or(Some("import".into())),
        campaign_id,
        notes: c.get("notes").cloned(),
        ..LeadInput::default()
    };
    finish(input, errors)
}

/// A deal; its company is resolved by the caller (`account` cell).
pub fn deal(l: &Lookups, c: &Cells, locale: Locale) -> Result<DealInput, Invalid> {
    let mut errors = vec![];
    let currency = c
        .get("currency")
        .map_or("EUR".to_string(), |v| v.to_ascii_uppercase());
    let amount = match c.get("amount") {
        None => None,
        Some(a) => {
            let t = a.trim_end_matches('€').trim();
            // Spreadsheets write 1234.5; German exports 1.234,50.
            let locale = if t.contains(',') {
                Locale::De
            } else if t.contains('.') {
                Locale::En
            } else {
                locale
            };
            match parse_amount(t, &currency, locale) {
                Some(m) => Some(Money::new(m, &currency)),
                None => {
                    errors.push(FieldError::new("amount", "invalid_amount"));
                    None
                }
            }
        }
    };
    let stage_id = match c.get("stage") {
        None => None,
        Some(s) => {
            let found = l.stages.get(&fold(s)).copied();
            if found.is_none() {
                errors.push(FieldError::new("stage", "unknown_stage"));
            }
            found
        }
    };
    let status = c.get("status").map(|s| {
        match fold(s).as_str() {
            "offen" | "open" => "open",
            "gewonnen" | "won" => "won",
            "verloren" | "lost" => "lost",
            other => return other.to_string(),
        }
        .to_string()
    });
    let input = DealInput {
        title: c.get("title").cloned().unwrap_or_default(),
        pipeline_id: l.pipeline,
        stage_id,
        amount,
        expected_close: c.get("expected_close").and_then(|d| import::date(d)),
        owner_id: owner(l, c, &mut errors),
        next_step: c.get("next_step").cloned(),
        next_step_due: c.get("next_step_due").and_then(|d| import::date(d)),
        source: c.get("source").cloned(),
        status,
        notes: c.get("notes").cloned(),
        ..DealInput::default()
    };
    finish(input, errors)
}

/// The kind's required cell is there (else the row is reported, not guessed).
pub fn required_missing(kind: Kind, c: &Cells) -> Vec<FieldError> {
    kind.fields()
        .iter()
        .filter(|f| f.required && !c.contains_key(f.key))
        .map(|f| FieldError::new(f.key, "required"))
        .collect()
}
