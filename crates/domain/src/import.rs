//! Importing spreadsheets: which record kind, the fields a column can be mapped to
//! (guessed from German and English headers), how a row becomes a record's input, and
//! what happens with rows that match existing records.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Accounts,
    Contacts,
    Leads,
    Deals,
}

impl Kind {
    pub const ALL: [Kind; 4] = [Kind::Accounts, Kind::Contacts, Kind::Leads, Kind::Deals];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Accounts => "accounts",
            Kind::Contacts => "contacts",
            Kind::Leads => "leads",
            Kind::Deals => "deals",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The fields a column can be mapped to, the required ones first.
    pub fn fields(self) -> &'static [Field] {
        match self {
            Kind::Accounts => ACCOUNT_FIELDS,
            Kind::Contacts => CONTACT_FIELDS,
            Kind::Leads => LEAD_FIELDS,
            Kind::Deals => DEAL_FIELDS,
        }
    }

    pub fn field(self, key: &str) -> Option<&'static Field> {
        self.fields().iter().find(|f| f.key == key)
    }
}

/// What rows that match an existing record (or an earlier row) do.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OnDuplicate {
    /// Leave the existing record alone; count the row as a duplicate.
    #[default]
    Skip,
    /// Fill in the existing record with the row's non-empty values.
    Update,
    /// Make a new record all the same.
    Create,
}

impl OnDuplicate {
    pub const ALL: [OnDuplicate; 3] = [OnDuplicate::Skip, OnDuplicate::Update, OnDuplicate::Create];

    pub fn as_str(self) -> &'static str {
        match self {
            OnDuplicate::Skip => "skip",
            OnDuplicate::Update => "update",
            OnDuplicate::Create => "create",
        }
    }

    pub fn parse(s: &str) -> Option<OnDuplicate> {
        OnDuplicate::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// A field a column can be mapped to, and the headers that name it (folded).
#[derive(Debug, PartialEq, Eq)]
pub struct Field {
    pub key: &'static str,
    pub required: bool,
    pub headers: &'static [&'static str],
}

const fn f(key: &'static str, required: bool, headers: &'static [&'static str]) -> Field {
    Field {
        key,
        required,
        headers,
    }
}

const NAME: &[&str] = &[
    "name",
    "firma",
    "firmenname",
    "unternehmen",
    "company",
    "company name",
    "account",
    "kunde",
    "kundenname",
];
const STREET: &[&str] = &[
    "street",
    "strasse",
    "str.",
    "adresse",
    "address",
    "anschrift",
];
const POSTAL: &[&str] = &[
    "postal_code",
    "postal code",
    "zip",
    "zip code",
    "postcode",
    "plz",
    "postleitzahl",
];
const CITY: &[&str] = &["city", "ort", "stadt", "town"];
const COUNTRY: &[&str] = &["country", "land", "staat"];
const PHONE: &[&str] = &[
    "phone",
    "telefon",
    "tel",
    "tel.",
    "telefonnummer",
    "phone number",
    "mobil",
    "mobile",
    "handy",
];
const EMAIL: &[&str] = &[
    "email",
    "e-mail",
    "mail",
    "e-mail-adresse",
    "email address",
    "e-mail adresse",
];
const WEBSITE: &[&str] = &["website", "webseite", "homepage", "web", "url", "internet"];
const INDUSTRY: &[&str] = &["industry", "branche", "sector"];
const EMPLOYEES: &[&str] = &[
    "employees",
    "mitarbeiter",
    "mitarbeitende",
    "ma",
    "anzahl mitarbeiter",
    "size",
    "grosse",
];
const NOTES: &[&str] = &[
    "notes",
    "notizen",
    "bemerkung",
    "bemerkungen",
    "kommentar",
    "comment",
    "notiz",
];
const OWNER: &[&str] = &[
    "owner",
    "owner_email",
    "verantwortlich",
    "betreuer",
    "vertriebler",
    "zustandig",
];
const FIRST: &[&str] = &[
    "first_name",
    "first name",
    "vorname",
    "firstname",
    "given name",
];
const LAST: &[&str] = &[
    "last_name",
    "last name",
    "nachname",
    "lastname",
    "surname",
    "family name",
    "familienname",
];
const POSITION: &[&str] = &[
    "position",
    "funktion",
    "job title",
    "title (job)",
    "rolle",
    "job",
];
const SALUTATION: &[&str] = &["salutation", "anrede"];

const ACCOUNT_FIELDS: &[Field] = &[
    f("name", true, NAME),
    f(
        "legal_form",
        false,
        &["legal_form", "rechtsform", "legal form"],
    ),
    f("industry", false, INDUSTRY),
    f("employees", false, EMPLOYEES),
    f("street", false, STREET),
    f("postal_code", false, POSTAL),
    f("city", false, CITY),
    f("country", false, COUNTRY),
    f(
        "vat_id",
        false,
        &[
            "vat_id",
            "ust-idnr.",
            "ust-id",
            "ustid",
            "ust-idnr",
            "vat",
            "vat id",
            "umsatzsteuer-id",
        ],
    ),
    f("website", false, WEBSITE),
    f("phone", false, PHONE),
    f("email", false, EMAIL),
    f(
        "tags",
        false,
        &["tags", "schlagworte", "kategorie", "kategorien", "gruppe"],
    ),
    f("lifecycle", false, &["lifecycle", "status", "typ", "type"]),
    f("owner_email", false, OWNER),
    f("notes", false, NOTES),
];

const CONTACT_FIELDS: &[Field] = &[
    f("last_name", true, LAST),
    f("first_name", false, FIRST),
    f("salutation", false, SALUTATION),
    f("title", false, &["title", "titel", "akademischer titel"]),
    f("position", false, POSITION),
    f("account", false, NAME),
    f("email", false, EMAIL),
    f(
        "email2",
        false,
        &["email 2", "e-mail 2", "email2", "weitere e-mail"],
    ),
    f("phone", false, PHONE),
    f(
        "phone2",
        false,
        &["phone 2", "telefon 2", "phone2", "mobil 2", "fax"],
    ),
    f(
        "consent_email",
        false,
        &[
            "consent",
            "einwilligung",
            "newsletter",
            "opt-in",
            "consent_email",
        ],
    ),
    f(
        "consent_on",
        false,
        &[
            "consent_on",
            "einwilligung am",
            "opt-in datum",
            "consent date",
        ],
    ),
    f("notes", false, NOTES),
];

const LEAD_FIELDS: &[Field] = &[
    f("last_name", true, LAST),
    f("first_name", false, FIRST),
    f("salutation", false, SALUTATION),
    f("email", false, EMAIL),
    f("phone", false, PHONE),
    f("position", false, POSITION),
    f("company", false, NAME),
    f("industry", false, INDUSTRY),
    f("employees", false, EMPLOYEES),
    f("website", false, WEBSITE),
    f("postal_code", false, POSTAL),
    f("city", false, CITY),
    f("country", false, COUNTRY),
    f("state", false, &["state", "bundesland", "region"]),
    f(
        "source",
        false,
        &["source", "quelle", "herkunft", "lead source"],
    ),
    f("campaign", false, &["campaign", "kampagne", "aktion"]),
    f("notes", false, NOTES),
];

const DEAL_FIELDS: &[Field] = &[
    f(
        "title",
        true,
        &[
            "title",
            "titel",
            "deal",
            "name",
            "bezeichnung",
            "opportunity",
            "verkaufschance",
            "projekt",
        ],
    ),
    f(
        "account",
        true,
        &[
            "account",
            "firma",
            "unternehmen",
            "company",
            "kunde",
            "company name",
        ],
    ),
    f(
        "amount",
        false,
        &["amount", "betrag", "wert", "value", "volumen", "umsatz"],
    ),
    f("currency", false, &["currency", "wahrung", "waehrung"]),
    f("stage", false, &["stage", "phase", "stufe", "deal stage"]),
    f(
        "expected_close",
        false,
        &[
            "expected_close",
            "abschluss",
            "abschlussdatum",
            "close date",
            "expected close",
            "voraussichtlicher abschluss",
        ],
    ),
    f("status", false, &["status"]),
    f("owner_email", false, OWNER),
    f(
        "next_step",
        false,
        &["next_step", "nachster schritt", "next step"],
    ),
    f(
        "next_step_due",
        false,
        &["next_step_due", "fallig", "wiedervorlage", "next step due"],
    ),
    f("source", false, &["source", "quelle", "herkunft"]),
    f("notes", false, NOTES),
];

/// The field each column is mapped to, guessed from the headers (a field is taken by
/// its first matching column only).
pub fn guess(kind: Kind, headers: &[String]) -> Vec<Option<&'static str>> {
    let mut taken: Vec<&str> = vec![];
    headers
        .iter()
        .map(|h| {
            let h = crate::text::fold(h.trim()).replace(['_', '-'], " ");
            let h = h.trim();
            let found = kind.fields().iter().find(|fl| {
                !taken.contains(&fl.key)
                    && (fl.key.replace('_', " ") == h
                        || fl.headers.iter().any(|x| x.replace(['_', '-'], " ") == h))
            })?;
            taken.push(found.key);
            Some(found.key)
        })
        .collect()
}

/// Checks a mapping chosen by a person: known fields, each at most once, the required
/// ones present. Errors name `mapping[i]` or `mapping.<field>`.
pub fn check_mapping(
    kind: Kind,
    mapping: &[Option<String>],
) -> Result<Vec<Option<&'static str>>, crate::Invalid> {
    let mut c = crate::validation::Checker::default();
    let mut out = vec![];
    for (i, m) in mapping.iter().enumerate() {
        match m.as_deref().map(str::trim).filter(|m| !m.is_empty()) {
            None => out.push(None),
            Some(key) => match kind.field(key) {
                None => {
                    c.add(&format!("mapping[{i}]"), "unknown_field");
                    out.push(None);
                }
                Some(fl) if out.contains(&Some(fl.key)) => {
                    c.add(&format!("mapping[{i}]"), "duplicate");
                    out.push(None);
                }
                Some(fl) => out.push(Some(fl.key)),
            },
        }
    }
    for fl in kind.fields().iter().filter(|f| f.required) {
        if !out.contains(&Some(fl.key)) && !c.has(&format!("mapping.{}", fl.key)) {
            c.add(&format!("mapping.{}", fl.key), "column_missing");
        }
    }
    c.finish()?;
    Ok(out)
}

/// A yes/no cell: `ja`, `x`, `1`, `yes`, `true` … or `nein`, `0`, empty.
pub fn yes_no(cell: &str) -> Option<bool> {
    match crate::text::fold(cell.trim()).as_str() {
        "" | "0" | "nein" | "no" | "false" | "n" | "-" => Some(false),
        "1" | "ja" | "yes" | "true" | "x" | "j" | "y" | "wahr" => Some(true),
        _ => None,
    }
}

/// A date cell: `2026-03-31`, `31.03.2026` or `31.3.26`.
pub fn date(cell: &str) -> Option<String> {
    let t = cell.trim();
    if t.is_empty() {
        return None;
    }
    if crate::validation::date(t).is_ok() {
        return Some(t.to_string());
    }
    let parts: Vec<&str> = t.split('.').collect();
    if let [d, m, y] = parts.as_slice() {
        let (d, m, y): (i16, i8, i16) = (d.parse().ok()?, m.parse().ok()?, y.parse().ok()?);
        let y = if y < 100 { 2000 + y } else { y };
        return jiff::civil::Date::new(y, m, d as i8)
            .ok()
            .map(|x| x.to_string());
    }
    Some(t.to_string())
}

/// A number cell as a whole number: `1.200`, `1,200`, `1200`, `1200.0`.
pub fn integer(cell: &str) -> Option<Result<i64, ()>> {
    let t = cell.trim();
    if t.is_empty() {
        return None;
    }
    let t = t.strip_suffix(".0").unwrap_or(t);
    Some(t.replace(['.', ',', ' '], "").parse().map_err(|_| ()))
}

/// Makes a cell safe to open in a spreadsheet program: text that starts like a
/// formula (`=`, `+`, `-`, `@`, tab, CR) gets a leading apostrophe, unless it is just
/// a signed number.
pub fn neutralised(cell: &str) -> std::borrow::Cow<'_, str> {
    let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let number = cell.len() > 1
        && cell.starts_with(['+', '-'])
        && cell[1..]
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | ',' | ' ' | '%' | '€'));
    if risky && !number {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(h: &[&str]) -> Vec<String> {
        h.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn german_and_english_headers_are_recognised() {
        type Case<'a> = (Kind, &'a [&'a str], Vec<Option<&'a str>>);
        let cases: [Case; 4] = [
            (
                Kind::Contacts,
                &[
                    "Anrede",
                    "Vorname",
                    "Nachname",
                    "Firma",
                    "E-Mail",
                    "Telefon",
                    "Lieblingsfarbe",
                ],
                vec![
                    Some("salutation"),
                    Some("first_name"),
                    Some("last_name"),
                    Some("account"),
                    Some("email"),
                    Some("phone"),
                    None,
                ],
            ),
            (
                Kind::Accounts,
                &["Company Name", "ZIP", "City", "Website", "USt-IdNr."],
                vec![
                    Some("name"),
                    Some("postal_code"),
                    Some("city"),
                    Some("website"),
                    Some("vat_id"),
                ],
            ),
            (
                Kind::Deals,
                &["Titel", "Kunde", "Betrag", "Phase", "Abschlussdatum"],
                vec![
                    Some("title"),
                    Some("account"),
                    Some("amount"),
                    Some("stage"),
                    Some("expected_close"),
                ],
            ),
            (
                Kind::Leads,
                &["first_name", "LAST NAME", "E-Mail", "E-Mail", "Bundesland"],
                vec![
                    Some("first_name"),
                    Some("last_name"),
                    Some("email"),
                    None,
                    Some("state"),
                ],
            ),
        ];
        for (kind, h, want) in cases {
            assert_eq!(guess(kind, &headers(h)), want, "{kind:?} {h:?}");
        }
    }

    #[test]
    fn a_mapping_needs_the_required_fields_once() {
        let m = |v: &[&str]| -> Vec<Option<String>> {
            v.iter()
                .map(|s| Some(s.to_string()).filter(|s| !s.is_empty()))
                .collect()
        };
        assert!(check_mapping(Kind::Contacts, &m(&["last_name", "", "email"])).is_ok());
        let e = check_mapping(Kind::Contacts, &m(&["email", "shoe_size", "email"])).unwrap_err();
        let got: Vec<(&str, &str)> = e.0.iter().map(|f| (f.field.as_str(), f.code)).collect();
        assert_eq!(
            got,
            [
                ("mapping[1]", "unknown_field"),
                ("mapping[2]", "duplicate"),
                ("mapping.last_name", "column_missing")
            ]
        );
    }

    #[test]
    fn cells_are_read_the_way_spreadsheets_write_them() {
        assert_eq!(date("31.03.2026").as_deref(), Some("2026-03-31"));
        assert_eq!(date("1.4.26").as_deref(), Some("2026-04-01"));
        assert_eq!(date("2026-04-01").as_deref(), Some("2026-04-01"));
        assert_eq!(integer("1.200"), Some(Ok(1200)));
        assert_eq!(integer("80.0"), Some(Ok(80)));
        assert_eq!(integer("viele"), Some(Err(())));
        assert_eq!(yes_no("X"), Some(true));
        assert_eq!(yes_no("vielleicht"), None);
    }

    #[test]
    fn formulas_are_neutralised_but_numbers_are_not() {
        for (cell, want) in [
            (
                "=HYPERLINK(\"http://evil\")",
                "'=HYPERLINK(\"http://evil\")",
            ),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("+49 30 1234", "+49 30 1234"),
            ("-1.234,50", "-1.234,50"),
            ("-cmd|' /C calc'!A0", "'-cmd|' /C calc'!A0"),
            ("Müller GmbH", "Müller GmbH"),
            ("\tx", "'\tx"),
        ] {
            assert_eq!(neutralised(cell), want, "{cell}");
        }
    }
}
