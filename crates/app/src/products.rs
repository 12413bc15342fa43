//! The product catalogue: everyone reads it (quotes are built from it); admins and
//! managers keep it.

use crate::{
    actor::Auth,
    error::AppResult,
    {checked_cursor, record_change, require},
};
use tandem_domain::{ProductId, Role, audit::diff, product::ProductInput};
use tandem_store::{
    Page, Store,
    audit::Action,
    products::{self, Filter, Product},
};

pub fn may_edit(auth: &Auth) -> bool {
    matches!(auth.user.role, Role::Admin | Role::Manager)
}

pub async fn list(
    store: &Store,
    auth: &Auth,
    f: &Filter,
    cursor: Option<&str>,
    limit: u64,
) -> AppResult<Page<Product>> {
    let cursor = checked_cursor(limit, cursor, tandem_store::Sort::NameAsc.as_str())?;
    let mut c = store.read().await?;
    Ok(products::list(
        &mut c.conn(),
        auth.user.workspace_id,
        f,
        cursor.as_ref(),
        limit,
    )
    .await?)
}

pub async fn get(store: &Store, auth: &Auth, id: ProductId) -> AppResult<Product> {
    let mut c = store.read().await?;
    Ok(products::get(&mut c.conn(), auth.user.workspace_id, id).await?)
}

pub async fn create(store: &Store, auth: &Auth, input: &ProductInput) -> AppResult<Product> {
    require(may_edit(auth))?;
    let data = input.validate()?;
    let ws = auth.user.workspace_id;
    let id = ProductId::new();
    let mut tx = store.begin().await?;
    products::insert(&mut tx.conn(), ws, id, &data, Some(auth.user.id)).await?;
    record_change(
        &mut tx,
        auth,
        "product",
        "products",
        id.0,
        Action::Create,
        diff(None, Some(&data), &[]),
    )
    .await?;
    let p = products::get(&mut tx.conn(), ws, id).await?;
    tx.commit().await?;
    Ok(p)
}

pub async fn update(
    store: &Store,
    auth: &Auth,
    id: ProductId,
    version: i64,
    input: &ProductInput,
) -> AppResult<Product> {
    require(may_edit(auth))?;
    let data = input.validate()?;
    let ws = auth.user.workspace_id;
    let mut tx = store.begin().await?;
    let before = products::get(&mut tx.conn(), ws, id).await?;
    products::update(&mut tx.conn(), ws, id, version, &data).await?;
    record_change(
        &mut tx,
        auth,
        "product",
        "products",
        id.0,
        Action::Update,
        diff(Some(&before.data), Some(&data), &[]),
    )
    .await?;
    let p = products::get(&mut tx.conn(), ws, id).await?;
    tx.commit().await?;
    Ok(p)
}

/// Takes a product out of the catalogue (quotes keep their lines).
pub async fn delete(store: &Store, auth: &Auth, id: ProductId) -> AppResult<()> {
    require(may_edit(auth))?;
    let ws = auth.user.workspace_id;
    let mut tx = store.begin().await?;
    let before = products::get(&mut tx.conn(), ws, id).await?;
    products::set_deleted(&mut tx.conn(), ws, id).await?;
    record_change(
        &mut tx,
        auth,
        "product",
        "products",
        id.0,
        Action::Delete,
        diff(Some(&before.data), None, &[]),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The input that reproduces a stored product (for merge patches and edit forms).
pub fn input_of(p: &Product) -> ProductInput {
    ProductInput {
        sku: p.data.sku.clone(),
        name: p.data.name.clone(),
        description: p.data.description.clone(),
        unit: Some(p.data.unit.clone()),
        list_price: Some(p.data.list_price.clone()),
        tax_rate: Some(p.data.tax.as_str().into()),
        active: Some(p.data.active),
    }
}

// ----- CSV import -----

/// What an import did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct ImportReport {
    pub created: u32,
    pub updated: u32,
}

/// The most rows one import takes.
pub const MAX_IMPORT_ROWS: usize = 20_000;

/// The column a header names (German or English, any case), if it is one of ours.
fn column(header: &str) -> Option<&'static str> {
    let h = tandem_domain::text::fold(header.trim());
    Some(match h.as_str() {
        "sku" | "artikelnummer" | "art.-nr." | "art.nr." | "artikel-nr." | "artnr" => "sku",
        "name" | "bezeichnung" | "artikel" | "produkt" => "name",
        "description" | "beschreibung" | "langtext" => "description",
        "unit" | "einheit" | "me" => "unit",
        "price" | "list_price" | "preis" | "listenpreis" | "vk" | "vk-preis" | "nettopreis" => {
            "price"
        }
        "currency" | "wahrung" | "waehrung" => "currency",
        "tax_rate" | "tax" | "ust" | "mwst" | "steuersatz" | "ust.-satz" | "ust-satz" => "tax_rate",
        "active" | "aktiv" => "active",
        _ => return None,
    })
}

/// Text of a file as exported by Excel or a merchandise system: UTF-8 (with or without
/// BOM), else Windows-1252.
fn decode(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::WINDOWS_1252.decode(bytes).0.into_owned(),
    }
}

/// `1.299,00` (German) or `1299.00`: minor units.
fn import_price(text: &str, currency: &str) -> Option<i64> {
    use tandem_domain::{Locale, money::parse_amount};
    let t = text.trim().trim_end_matches('€').trim();
    let locale = if t.contains(',') {
        Locale::De
    } else {
        Locale::En
    };
    parse_amount(t, currency, locale)
}

/// Reads a product CSV (`;`, `,` or tab separated; header row) into inputs; the
/// errors name the row (1 = the first data row) and field.
pub fn parse_csv(bytes: &[u8]) -> Result<Vec<ProductInput>, tandem_domain::Invalid> {
    use tandem_domain::{FieldError, Invalid};
    let text = decode(bytes);
    let first = text.lines().next().unwrap_or("");
    let delimiter = [b';', b'\t', b',']
        .into_iter()
        .max_by_key(|d| first.bytes().filter(|b| b == d).count())
        .unwrap_or(b';');
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|_| Invalid::one("file", "not_csv"))?
        .clone();
    let columns: Vec<Option<&str>> = headers.iter().map(column).collect();
    for needed in ["sku", "name", "price"] {
        if !columns.contains(&Some(needed)) {
            return Err(Invalid::one(format!("columns.{needed}"), "column_missing"));
        }
    }
    let mut inputs = vec![];
    let mut errors = vec![];
    for (i, record) in reader.records().enumerate() {
        let row = i + 1;
        if row > MAX_IMPORT_ROWS {
            return Err(Invalid::one("file", "too_many_rows"));
        }
        let record = match record {
            Ok(r) => r,
            Err(_) => {
                errors.push(FieldError::new(format!("rows[{row}]"), "not_csv"));
                continue;
            }
        };
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let get = |name: &str| {
            columns
                .iter()
                .position(|c| *c == Some(name))
                .and_then(|i| record.get(i))
                .map(|v| v.trim().to_string())
                .unwrap_or_default()
        };
        let currency = match get("currency") {
            c if c.is_empty() => "EUR".to_string(),
            c => c.to_ascii_uppercase(),
        };
        let price = get("price");
        let list_price = if price.is_empty() {
            None
        } else {
            match import_price(&price, &currency) {
                Some(minor) => Some(tandem_domain::money::Money::new(minor, &currency)),
                None => {
                    errors.push(FieldError::new(
                        format!("rows[{row}].list_price"),
                        "invalid_amount",
                    ));
                    continue;
                }
            }
        };
        let active = match tandem_domain::text::fold(&get("active")).as_str() {
            "" | "1" | "ja" | "yes" | "true" | "x" | "aktiv" | "active" => true,
            "0" | "nein" | "no" | "false" | "inaktiv" | "inactive" => false,
            _ => {
                errors.push(FieldError::new(
                    format!("rows[{row}].active"),
                    "invalid_choice",
                ));
                continue;
            }
        };
        let input = ProductInput {
            sku: get("sku"),
            name: get("name"),
            description: Some(get("description")).filter(|d| !d.is_empty()),
            unit: Some(get("unit")).filter(|u| !u.is_empty()),
            list_price,
            tax_rate: Some(get("tax_rate").trim_end_matches('%').trim().to_string())
                .filter(|t| !t.is_empty()),
            active: Some(active),
        };
        match input.validate() {
            Ok(_) => inputs.push((row, input)),
            Err(Invalid(e)) => errors.extend(
                e.into_iter()
                    .map(|f| FieldError::new(format!("rows[{row}].{}", f.field), f.code)),
            ),
        }
    }
    let mut seen = std::collections::HashSet::new();
    for (row, input) in &inputs {
        if !seen.insert(input.sku.clone()) {
            errors.push(FieldError::new(
                format!("rows[{row}].sku"),
                "duplicate_in_file",
            ));
        }
    }
    if errors.is_empty() {
        Ok(inputs.into_iter().map(|(_, i)| i).collect())
    } else {
        Err(Invalid(errors))
    }
}

/// Imports a product CSV: new SKUs are added, known ones updated — all rows or none.
pub async fn import(store: &Store, auth: &Auth, bytes: &[u8]) -> AppResult<ImportReport> {
    require(may_edit(auth))?;
    let inputs = parse_csv(bytes)?;
    let ws = auth.user.workspace_id;
    let mut report = ImportReport::default();
    let mut tx = store.begin().await?;
    for input in &inputs {
        let data = input.validate()?;
        match products::by_sku(&mut tx.conn(), ws, &data.sku).await? {
            Some(before) => {
                if before.data == data {
                    continue;
                }
                products::update(&mut tx.conn(), ws, before.id, before.version, &data).await?;
                record_change(
                    &mut tx,
                    auth,
                    "product",
                    "products",
                    before.id.0,
                    Action::Update,
                    diff(Some(&before.data), Some(&data), &[]),
                )
                .await?;
                report.updated += 1;
            }
            None => {
                let id = ProductId::new();
                products::insert(&mut tx.conn(), ws, id, &data, Some(auth.user.id)).await?;
                record_change(
                    &mut tx,
                    auth,
                    "product",
                    "products",
                    id.0,
                    Action::Create,
                    diff(None, Some(&data), &[]),
                )
                .await?;
                report.created += 1;
            }
        }
    }
    tx.commit().await?;
    Ok(report)
}
