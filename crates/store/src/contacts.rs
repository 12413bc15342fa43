//! Contacts (people at accounts): storage, keyset-paged lists, trash.

use crate::{Conn, Page, Sort, StoreResult, list, search};
use sea_query::{Cond, Expr, ExprTrait, Query, SelectStatement};
use tandem_domain::{
    AccountId, ContactId, Instant, UserId, WorkspaceId,
    contact::{ContactData, Salutation},
    cursor::Cursor,
    text::fold,
};
use uuid::Uuid;

#[derive(Clone, Debug, PartialEq)]
pub struct Contact {
    pub id: ContactId,
    pub data: ContactData,
    pub account_name: Option<String>,
    pub version: i64,
    pub created_at: Instant,
    pub updated_at: Instant,
    pub created_by: Option<UserId>,
    pub deleted_at: Option<Instant>,
    /// Set when the record was merged into another one (and went to the trash).
    pub merged_into: Option<ContactId>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    salutation: String,
    title: Option<String>,
    first_name: Option<String>,
    last_name: String,
    name_key: String,
    position: Option<String>,
    account_id: Option<Uuid>,
    account_name: Option<String>,
    emails: String,
    phones: String,
    consent_email: bool,
    consent_phone: bool,
    consent_on: Option<String>,
    consent_source: Option<String>,
    verified_on: Option<String>,
    notes: Option<String>,
    version: i64,
    created_at: i64,
    updated_at: i64,
    created_by: Option<Uuid>,
    deleted_at: Option<i64>,
    merged_into: Option<Uuid>,
    custom: String,
}

impl Row {
    fn into_contact(self) -> (Contact, String) {
        let date = |s: Option<String>| s.and_then(|d| d.parse().ok());
        (
            Contact {
                id: ContactId(self.id),
                data: ContactData {
                    salutation: Salutation::parse(&self.salutation).unwrap_or_default(),
                    title: self.title,
                    first_name: self.first_name,
                    last_name: self.last_name,
                    position: self.position,
                    account_id: self.account_id.map(AccountId),
                    emails: serde_json::from_str(&self.emails).unwrap_or_default(),
                    phones: serde_json::from_str(&self.phones).unwrap_or_default(),
                    consent_email: self.consent_email,
                    consent_phone: self.consent_phone,
                    consent_on: date(self.consent_on),
                    consent_source: self.consent_source,
                    verified_on: date(self.verified_on),
                    notes: self.notes,
                    custom: serde_json::from_str(&self.custom).unwrap_or_default(),
                },
                account_name: self.account_name,
                version: self.version,
                created_at: Instant(self.created_at),
                updated_at: Instant(self.updated_at),
                created_by: self.created_by.map(UserId),
                deleted_at: self.deleted_at.map(Instant),
                merged_into: self.merged_into.map(ContactId),
            },
            self.name_key,
        )
    }
}

const COLS: [&str; 24] = [
    "id",
    "salutation",
    "title",
    "first_name",
    "last_name",
    "name_key",
    "position",
    "account_id",
    "emails",
    "phones",
    "consent_email",
    "consent_phone",
    "consent_on",
    "consent_source",
    "verified_on",
    "notes",
    "version",
    "created_at",
    "updated_at",
    "created_by",
    "deleted_at",
    "merged_into",
    "workspace_id",
    "custom",
];

fn select(ws: WorkspaceId) -> SelectStatement {
    let mut q = Query::select();
    for col in COLS {
        q.column(("contacts", col));
    }
    q.expr_as(Expr::col(("accounts", "name")), "account_name")
        .from("contacts")
        .left_join(
            "accounts",
            Expr::col(("accounts", "workspace_id"))
                .equals(("contacts", "workspace_id"))
                .and(Expr::col(("accounts", "id")).equals(("contacts", "account_id"))),
        )
        .and_where(Expr::col(("contacts", "workspace_id")).eq(ws.0))
        .to_owned()
}

/// The folded text that list search and the full-text index look at.
fn search_text(d: &ContactData) -> String {
    fold(&format!(
        "{} {} {} {}",
        d.display_name(),
        d.position.as_deref().unwrap_or(""),
        d.emails.join(" "),
        d.phones.join(" "),
    ))
}

fn values(d: &ContactData) -> Vec<(&'static str, sea_query::Value)> {
    values_with(d, search_text(d))
}

/// The columns of a contact whose search text is worked out already.
fn values_with(d: &ContactData, search: String) -> Vec<(&'static str, sea_query::Value)> {
    let json = |v: &Vec<String>| serde_json::to_string(v).unwrap_or_else(|_| "[]".into());
    let name_key = fold(&format!(
        "{} {}",
        d.last_name,
        d.first_name.as_deref().unwrap_or("")
    ));
    vec![
        ("salutation", d.salutation.as_str().into()),
        ("title", d.title.clone().into()),
        ("first_name", d.first_name.clone().into()),
        ("last_name", d.last_name.clone().into()),
        ("position", d.position.clone().into()),
        ("account_id", d.account_id.map(|a| a.0).into()),
        ("emails", json(&d.emails).into()),
        ("phones", json(&d.phones).into()),
        ("consent_email", d.consent_email.into()),
        ("consent_phone", d.consent_phone.into()),
        ("consent_on", d.consent_on.map(|x| x.to_string()).into()),
        ("consent_source", d.consent_source.clone().into()),
        ("verified_on", d.verified_on.map(|x| x.to_string()).into()),
        ("notes", d.notes.clone().into()),
        ("name_key", name_key.trim().to_string().into()),
        ("search_text", search.into()),
        ("match_keys", tandem_domain::dedupe::contact_keys(d).into()),
        (
            "custom",
            serde_json::to_string(&d.custom)
                .unwrap_or_else(|_| "{}".into())
                .into(),
        ),
    ]
}

pub async fn get(c: &mut Conn<'_>, ws: WorkspaceId, id: ContactId) -> StoreResult<Contact> {
    let q = select(ws)
        .and_where(Expr::col(("contacts", "id")).eq(id.0))
        .to_owned();
    Ok(c.one::<Row>(&q).await?.into_contact().0)
}

pub async fn insert(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    id: ContactId,
    data: &ContactData,
    actor: Option<UserId>,
) -> StoreResult<()> {
    list::insert_record(c, "contacts", ws, id.0, values(data), actor).await?;
    search::index(c, ws, "contact", id.0, Some(&search_text(data))).await
}

/// Inserts many new contacts at once (an import's batch), with their search entries.
pub async fn insert_many(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    items: &[(ContactId, ContactData)],
    actor: Option<UserId>,
) -> StoreResult<()> {
    let at = c.now();
    let mut records = Vec::with_capacity(items.len());
    let mut texts: Vec<(uuid::Uuid, String)> = Vec::with_capacity(items.len());
    for (id, d) in items {
        let text = search_text(d);
        records.push(list::NewRecord {
            id: id.0,
            values: values_with(d, text.clone()),
            actor,
            at,
        });
        texts.push((id.0, text));
    }
    list::insert_records(c, "contacts", ws, records).await?;
    search::index_new(c, ws, "contact", &texts).await
}

/// Writes new data if the stored version is still `version`; `before` is what was read.
pub async fn update(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    id: ContactId,
    version: i64,
    before: &ContactData,
    data: &ContactData,
) -> StoreResult<()> {
    list::update_record(c, "contacts", ws, id.0, version, values(data)).await?;
    let text = search_text(data);
    // Most edits do not touch searchable text; the index is only rewritten when they do.
    if text != search_text(before) {
        search::index(c, ws, "contact", id.0, Some(&text)).await?;
    }
    Ok(())
}

pub async fn set_deleted(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    id: ContactId,
    deleted: bool,
) -> StoreResult<()> {
    list::set_deleted(c, "contacts", ws, id.0, deleted).await?;
    if deleted {
        search::index(c, ws, "contact", id.0, None).await
    } else {
        search::reindex(c, "contacts", "contact", ws, id.0).await
    }
}

#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub q: Option<String>,
    pub account_id: Option<AccountId>,
    /// Only contacts not verified since this date (or never).
    pub stale_before: Option<jiff::civil::Date>,
    /// The trash instead of the live records.
    pub deleted: bool,
    /// Whose records the caller may see.
    pub seen: crate::Seen,
    /// Custom field values the records must have.
    pub custom: Vec<crate::custom_fields::CustomFilter>,
}

pub async fn list(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    f: &Filter,
    sort: Sort,
    limit: u64,
    after: Option<&Cursor>,
) -> StoreResult<Page<Contact>> {
    let mut q = select(ws);
    if f.deleted {
        q.and_where(Expr::col(("contacts", "deleted_at")).is_not_null());
    } else {
        q.and_where(Expr::col(("contacts", "deleted_at")).is_null());
    }
    list::search_words(&mut q, "contacts", f.q.as_deref());
    if let Some(a) = f.account_id {
        q.and_where(Expr::col(("contacts", "account_id")).eq(a.0));
    }
    if let Some(before) = f.stale_before {
        // ISO dates compare correctly as text on both backends.
        q.cond_where(
            Cond::any()
                .add(Expr::col(("contacts", "verified_on")).is_null())
                .add(Expr::col(("contacts", "verified_on")).lt(before.to_string())),
        );
    }
    f.seen.restrict_by_account(&mut q, "contacts", ws);
    crate::custom_fields::restrict(&mut q, c.backend(), "contacts", &f.custom);
    list::keyset(&mut q, "contacts", sort, after, limit);
    let rows: Vec<Row> = c.all(&q).await?;
    let rows = rows.into_iter().map(|r| {
        let (contact, name_key) = r.into_contact();
        let key = sort.key(name_key, contact.created_at, contact.updated_at);
        let id = contact.id.0;
        (contact, key, id)
    });
    Ok(list::page(rows, sort.as_str(), limit))
}
