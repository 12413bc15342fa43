//! Duplicate detection: the keys two records of the same company or person share
//! (web domain, email address, phone number) and how alike two names are.

use crate::text::fold;

/// Mail providers whose domain says nothing about the company.
const FREEMAIL: [&str; 14] = [
    "gmail.com",
    "googlemail.com",
    "web.de",
    "gmx.de",
    "gmx.net",
    "t-online.de",
    "outlook.com",
    "hotmail.com",
    "hotmail.de",
    "yahoo.com",
    "yahoo.de",
    "icloud.com",
    "freenet.de",
    "posteo.de",
];

/// Words of a company name that say nothing about which company it is.
const LEGAL_WORDS: [&str; 16] = [
    "gmbh",
    "mbh",
    "ag",
    "kg",
    "co",
    "ohg",
    "ek",
    "e",
    "k",
    "ug",
    "haftungsbeschraenkt",
    "se",
    "kgaa",
    "gbr",
    "und",
    "&",
];

/// The web domain of a website or an email address (`mueller-gmbh.de`), without `www.`;
/// none for free mail providers.
pub fn domain(website_or_email: &str) -> Option<String> {
    let s = website_or_email.trim().to_lowercase();
    let host = match s.split_once('@') {
        Some((_, d)) => d.to_string(),
        None => {
            let rest = s.split_once("://").map_or(s.as_str(), |(_, r)| r);
            rest.split(['/', '?', '#', ':'])
                .next()
                .unwrap_or("")
                .to_string()
        }
    };
    let host = host
        .trim_start_matches("www.")
        .trim_end_matches('.')
        .to_string();
    (host.contains('.') && !FREEMAIL.contains(&host.as_str())).then_some(host)
}

/// A phone number as digits in national form (`+49 711 12 34-5` → `0711123455`), so
/// that differently written numbers compare equal; none for fewer than six digits.
pub fn phone(p: &str) -> Option<String> {
    let plus = p.trim_start().starts_with('+');
    let digits: String = p.chars().filter(char::is_ascii_digit).collect();
    let national = if let Some(rest) = digits.strip_prefix("0049") {
        format!("0{rest}")
    } else if plus && digits.starts_with("49") {
        format!("0{}", &digits[2..])
    } else if plus {
        format!("00{digits}")
    } else {
        digits
    };
    (national.len() >= 6).then_some(national)
}

pub fn email(e: &str) -> Option<String> {
    let e = e.trim().to_lowercase();
    e.contains('@').then_some(e)
}

/// The words of a company name that identify it (`Müller Maschinenbau GmbH & Co. KG`
/// → `mueller maschinenbau`).
pub fn company_core(name: &str) -> String {
    fold(name)
        .split(|c: char| !c.is_alphanumeric() && c != '&')
        .filter(|w| !w.is_empty() && !LEGAL_WORDS.contains(w))
        .collect::<Vec<_>>()
        .join(" ")
}

/// How alike two names are, 0.0 to 1.0: the share of letter pairs they have in common
/// (Sørensen–Dice on bigrams), which forgives typos, missing letters and word order.
pub fn similarity(a: &str, b: &str) -> f64 {
    let pairs = |s: &str| -> Vec<(char, char)> {
        let chars: Vec<char> = s.chars().filter(|c| !c.is_whitespace()).collect();
        chars.windows(2).map(|w| (w[0], w[1])).collect()
    };
    let (pa, mut pb) = (pairs(a), pairs(b));
    if pa.is_empty() || pb.is_empty() {
        return if a == b { 1.0 } else { 0.0 };
    }
    let total = (pa.len() + pb.len()) as f64;
    let mut common = 0;
    for p in &pa {
        if let Some(i) = pb.iter().position(|q| q == p) {
            pb.swap_remove(i);
            common += 1;
        }
    }
    2.0 * common as f64 / total
}

/// Names this alike count as a likely duplicate.
pub const SIMILAR: f64 = 0.8;

/// The match keys of a record, as stored for lookups: ` d:<domain> e:<email> p:<phone> `
/// (space-delimited at both ends, so a key is found with `LIKE '% d:x %'`).
pub fn keys(domains: &[String], emails: &[String], phones: &[String]) -> String {
    let mut out = String::from(" ");
    for (prefix, values) in [("d", domains), ("e", emails), ("p", phones)] {
        for v in values {
            let key = format!("{prefix}:{v} ");
            if !out.contains(&format!(" {key}")) {
                out.push_str(&key);
            }
        }
    }
    out
}

/// The match keys of an account: its web domain (from website and email), email, phone.
pub fn account_keys(a: &crate::account::AccountData) -> String {
    let domains: Vec<String> = [a.website.as_deref(), a.email.as_deref()]
        .into_iter()
        .flatten()
        .filter_map(domain)
        .collect();
    let emails: Vec<String> = a.email.as_deref().and_then(email).into_iter().collect();
    let phones: Vec<String> = a.phone.as_deref().and_then(phone).into_iter().collect();
    keys(&domains, &emails, &phones)
}

/// The match keys of a contact: email addresses and phone numbers.
pub fn contact_keys(c: &crate::contact::ContactData) -> String {
    let emails: Vec<String> = c.emails.iter().filter_map(|e| email(e)).collect();
    let phones: Vec<String> = c.phones.iter().filter_map(|p| phone(p)).collect();
    keys(&[], &emails, &phones)
}

fn join_notes(a: &Option<String>, b: &Option<String>) -> Option<String> {
    match (a, b) {
        (Some(a), Some(b)) if a != b => Some(
            format!("{a}\n\n{b}")
                .chars()
                .take(crate::account::NOTES_MAX)
                .collect(),
        ),
        (Some(a), _) => Some(a.clone()),
        (None, b) => b.clone(),
    }
}

/// The account that results when `from` is merged into `keep`: keep's values win,
/// empty ones are filled from `from`, tags are combined and notes appended.
pub fn merge_accounts(
    keep: &crate::account::AccountData,
    from: &crate::account::AccountData,
) -> crate::account::AccountData {
    let or = |a: &Option<String>, b: &Option<String>| a.clone().or_else(|| b.clone());
    let mut tags = keep.tags.clone();
    for t in &from.tags {
        if tags.len() < crate::account::TAGS_MAX && !tags.iter().any(|x| x.eq_ignore_ascii_case(t))
        {
            tags.push(t.clone());
        }
    }
    crate::account::AccountData {
        name: keep.name.clone(),
        legal_form: or(&keep.legal_form, &from.legal_form),
        industry: or(&keep.industry, &from.industry),
        employees: keep.employees.or(from.employees),
        street: or(&keep.street, &from.street),
        postal_code: or(&keep.postal_code, &from.postal_code),
        city: or(&keep.city, &from.city),
        country: keep.country.clone(),
        vat_id: or(&keep.vat_id, &from.vat_id),
        website: or(&keep.website, &from.website),
        phone: or(&keep.phone, &from.phone),
        email: or(&keep.email, &from.email),
        tags,
        lifecycle: keep.lifecycle,
        owner_id: keep.owner_id.or(from.owner_id),
        notes: join_notes(&keep.notes, &from.notes),
        custom: {
            let mut custom = from.custom.clone();
            custom.extend(keep.custom.clone());
            custom
        },
    }
}

/// The contact that results when `from` is merged into `keep`: keep's values win, empty
/// ones are filled, addresses and numbers combined (up to five each), the later
/// verification date kept; a consent is taken over only as a whole (with its date and
/// source) when `keep` has none.
pub fn merge_contacts(
    keep: &crate::contact::ContactData,
    from: &crate::contact::ContactData,
) -> crate::contact::ContactData {
    let or = |a: &Option<String>, b: &Option<String>| a.clone().or_else(|| b.clone());
    let combine = |a: &[String], b: &[String]| {
        let mut out = a.to_vec();
        for x in b {
            if out.len() < crate::contact::LIST_MAX
                && !out.iter().any(|y| y.eq_ignore_ascii_case(x))
            {
                out.push(x.clone());
            }
        }
        out
    };
    let keep_has_consent = keep.consent_email || keep.consent_phone;
    let consent = if keep_has_consent { keep } else { from };
    crate::contact::ContactData {
        salutation: keep.salutation,
        title: or(&keep.title, &from.title),
        first_name: or(&keep.first_name, &from.first_name),
        last_name: keep.last_name.clone(),
        position: or(&keep.position, &from.position),
        account_id: keep.account_id.or(from.account_id),
        emails: combine(&keep.emails, &from.emails),
        phones: combine(&keep.phones, &from.phones),
        consent_email: consent.consent_email,
        consent_phone: consent.consent_phone,
        consent_on: consent.consent_on,
        consent_source: consent.consent_source.clone(),
        verified_on: keep.verified_on.max(from.verified_on),
        notes: join_notes(&keep.notes, &from.notes),
        custom: {
            let mut custom = from.custom.clone();
            custom.extend(keep.custom.clone());
            custom
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_ignore_how_things_are_written() {
        assert_eq!(
            domain("https://www.Mueller-GmbH.de/kontakt").as_deref(),
            Some("mueller-gmbh.de")
        );
        assert_eq!(
            domain("info@mueller-gmbh.de").as_deref(),
            Some("mueller-gmbh.de")
        );
        assert_eq!(domain("max.mustermann@gmail.com"), None);
        assert_eq!(phone("+49 (711) 12 34-55").as_deref(), Some("0711123455"));
        assert_eq!(phone("0711 / 123455").as_deref(), Some("0711123455"));
        assert_eq!(phone("0049 711 123455").as_deref(), Some("0711123455"));
        assert_eq!(phone("+43 1 234567").as_deref(), Some("00431234567"));
        assert_eq!(phone("123"), None);
        assert_eq!(
            keys(&["a.de".into()], &[], &["0711".into(), "0711".into()]),
            " d:a.de p:0711 "
        );
    }

    #[test]
    fn company_names_are_compared_by_what_identifies_them() {
        assert_eq!(
            company_core("Müller Maschinenbau GmbH & Co. KG"),
            "mueller maschinenbau"
        );
        let a = company_core("Müller Maschinenbau GmbH");
        assert!(similarity(&a, &company_core("Mueller Maschinenbau AG")) >= SIMILAR);
        assert!(similarity(&a, &company_core("Müler Maschinenbau")) >= SIMILAR);
        assert!(similarity(&a, &company_core("Schmidt Logistik")) < SIMILAR);
        assert!(similarity(&a, &company_core("Müller Logistik")) < SIMILAR);
    }
}
