//! Deals: storage with contacts and roles, the stage history (entered/left), close-date
//! slips, keyset-paged lists and the trash.

pub use crate::list::Sort;
use crate::{Conn, StoreResult, list, search};
use sea_query::{Expr, ExprTrait, Order, Query, SelectStatement};
use std::collections::HashMap;
use tandem_domain::{
    AccountId, ContactId, DealId, Instant, PipelineId, StageId, UserId, WorkspaceId,
    cursor::Cursor,
    deal::{ContactRole, DealContact, DealData, DealStatus, ForecastCategory, Source, slipped},
    money::Money,
    text::fold,
};
use uuid::Uuid;

#[derive(Clone, Debug, PartialEq)]
pub struct Deal {
    pub id: DealId,
    pub data: DealData,
    /// The names of `data.contacts`, in the same order.
    pub contact_names: Vec<String>,
    pub account_name: String,
    pub owner_name: Option<String>,
    pub partner_name: Option<String>,
    pub stage_name: String,
    pub stage_probability_bp: i64,
    pub stage_rotting_days: Option<i64>,
    pub stage_entered_at: Instant,
    pub closed_at: Option<Instant>,
    pub version: i64,
    pub created_at: Instant,
    pub updated_at: Instant,
    pub created_by: Option<UserId>,
    pub deleted_at: Option<Instant>,
}

impl Deal {
    /// The probability that counts (status, override or the stage's default).
    pub fn probability_bp(&self) -> i64 {
        self.data.probability(self.stage_probability_bp)
    }
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    title: String,
    name_key: String,
    account_id: Uuid,
    account_name: Option<String>,
    pipeline_id: Uuid,
    stage_id: Uuid,
    stage_name: Option<String>,
    stage_probability_bp: Option<i64>,
    stage_rotting_days: Option<i64>,
    amount_minor: Option<i64>,
    currency: Option<String>,
    probability_bp: Option<i64>,
    forecast_category: Option<String>,
    expected_close: Option<String>,
    owner_id: Option<Uuid>,
    owner_name: Option<String>,
    inside_partner_id: Option<Uuid>,
    partner_name: Option<String>,
    next_step: Option<String>,
    next_step_due: Option<String>,
    source: Option<String>,
    status: String,
    lost_reason: Option<String>,
    competitor: Option<String>,
    notes: Option<String>,
    stage_entered_at: i64,
    closed_at: Option<i64>,
    version: i64,
    created_at: i64,
    updated_at: i64,
    created_by: Option<Uuid>,
    deleted_at: Option<i64>,
    custom: String,
}

impl Row {
    fn into_deal(self) -> (Deal, String) {
        let amount = match (self.amount_minor, self.currency) {
            (Some(minor), Some(currency)) => Some(Money { minor, currency }),
            _ => None,
        };
        (
            Deal {
                id: DealId(self.id),
                data: DealData {
                    title: self.title,
                    account_id: AccountId(self.account_id),
                    pipeline_id: PipelineId(self.pipeline_id),
                    stage_id: StageId(self.stage_id),
                    amount,
                    probability_bp: self.probability_bp,
                    forecast_category: self
                        .forecast_category
                        .as_deref()
                        .and_then(ForecastCategory::parse),
                    expected_close: self.expected_close.and_then(|d| d.parse().ok()),
                    owner_id: self.owner_id.map(UserId),
                    inside_partner_id: self.inside_partner_id.map(UserId),
                    next_step: self.next_step,
                    next_step_due: self.next_step_due.and_then(|d| d.parse().ok()),
                    source: self.source.as_deref().and_then(Source::parse),
                    status: DealStatus::parse(&self.status).unwrap_or_default(),
                    lost_reason: self.lost_reason,
                    competitor: self.competitor,
                    contacts: vec![],
                    notes: self.notes,
                    custom: serde_json::from_str(&self.custom).unwrap_or_default(),
                },
                contact_names: vec![],
                account_name: self.account_name.unwrap_or_default(),
                owner_name: self.owner_name,
                partner_name: self.partner_name,
                stage_name: self.stage_name.unwrap_or_default(),
                stage_probability_bp: self.stage_probability_bp.unwrap_or_default(),
                stage_rotting_days: self.stage_rotting_days,
                stage_entered_at: Instant(self.stage_entered_at),
                closed_at: self.closed_at.map(Instant),
                version: self.version,
                created_at: Instant(self.created_at),
                updated_at: Instant(self.updated_at),
                created_by: self.created_by.map(UserId),
                deleted_at: self.deleted_at.map(Instant),
            },
            self.name_key,
        )
    }
}

const COLS: [&str; 28] = [
    "id",
    "title",
    "name_key",
    "account_id",
    "pipeline_id",
    "stage_id",
    "amount_minor",
    "currency",
    "probability_bp",
    "forecast_category",
    "expected_close",
    "owner_id",
    "inside_partner_id",
    "next_step",
    "next_step_due",
    "source",
    "status",
    "lost_reason",
    "competitor",
    "notes",
    "stage_entered_at",
    "closed_at",
    "version",
    "created_at",
    "updated_at",
    "created_by",
    "deleted_at",
    "custom",
];

fn select(ws: WorkspaceId) -> SelectStatement {
    let mut q = Query::select();
    for col in COLS {
        q.column(("deals", col));
    }
    let same_ws =
        |t: &'static str| Expr::col((t, "workspace_id")).equals(("deals", "workspace_id"));
    q.expr_as(Expr::col(("accounts", "name")), "account_name")
        .expr_as(Expr::col(("owner", "name")), "owner_name")
        .expr_as(Expr::col(("partner", "name")), "partner_name")
        .expr_as(Expr::col(("stages", "name")), "stage_name")
        .expr_as(
            Expr::col(("stages", "probability_bp")),
            "stage_probability_bp",
        )
        .expr_as(Expr::col(("stages", "rotting_days")), "stage_rotting_days")
        .from("deals")
        .left_join(
            "accounts",
            same_ws("accounts").and(Expr::col(("accounts", "id")).equals(("deals", "account_id"))),
        )
        .left_join(
            "stages",
            same_ws("stages").and(Expr::col(("stages", "id")).equals(("deals", "stage_id"))),
        )
        .join_as(
            sea_query::JoinType::LeftJoin,
            "users",
            "owner",
            same_ws("owner").and(Expr::col(("owner", "id")).equals(("deals", "owner_id"))),
        )
        .join_as(
            sea_query::JoinType::LeftJoin,
            "users",
            "partner",
            same_ws("partner")
                .and(Expr::col(("partner", "id")).equals(("deals", "inside_partner_id"))),
        )
        .and_where(Expr::col(("deals", "workspace_id")).eq(ws.0))
        .to_owned()
}

fn search_text(d: &DealData) -> String {
    fold(&format!(
        "{} {}",
        d.title,
        d.competitor.as_deref().unwrap_or("")
    ))
}

fn values(d: &DealData) -> Vec<(&'static str, sea_query::Value)> {
    vec![
        ("title", d.title.clone().into()),
        ("name_key", fold(&d.title).into()),
        ("search_text", search_text(d).into()),
        ("account_id", d.account_id.0.into()),
        ("pipeline_id", d.pipeline_id.0.into()),
        ("stage_id", d.stage_id.0.into()),
        ("amount_minor", d.amount.as_ref().map(|m| m.minor).into()),
        (
            "currency",
            d.amount.as_ref().map(|m| m.currency.clone()).into(),
        ),
        ("probability_bp", d.probability_bp.into()),
        (
            "forecast_category",
            d.forecast_category.map(|f| f.as_str().to_string()).into(),
        ),
        (
            "expected_close",
            d.expected_close.map(|x| x.to_string()).into(),
        ),
        ("owner_id", d.owner_id.map(|o| o.0).into()),
        ("inside_partner_id", d.inside_partner_id.map(|o| o.0).into()),
        ("next_step", d.next_step.clone().into()),
        (
            "next_step_due",
            d.next_step_due.map(|x| x.to_string()).into(),
        ),
        ("source", d.source.map(|s| s.as_str().to_string()).into()),
        ("status", d.status.as_str().into()),
        ("lost_reason", d.lost_reason.clone().into()),
        ("competitor", d.competitor.clone().into()),
        ("notes", d.notes.clone().into()),
        (
            "custom",
            serde_json::to_string(&d.custom)
                .unwrap_or_else(|_| "{}".into())
                .into(),
        ),
    ]
}

#[derive(sqlx::FromRow)]
struct ContactRow {
    deal_id: Uuid,
    contact_id: Uuid,
    role: String,
    first_name: Option<String>,
    last_name: Option<String>,
}

/// Fills in the contacts (with names) of the given deals.
async fn load_contacts(c: &mut Conn<'_>, ws: WorkspaceId, deals: &mut [Deal]) -> StoreResult<()> {
    if deals.is_empty() {
        return Ok(());
    }
    let ids: Vec<Uuid> = deals.iter().map(|d| d.id.0).collect();
    let q = Query::select()
        .column(("deal_contacts", "deal_id"))
        .column(("deal_contacts", "contact_id"))
        .column(("deal_contacts", "role"))
        .column(("contacts", "first_name"))
        .column(("contacts", "last_name"))
        .from("deal_contacts")
        .left_join(
            "contacts",
            Expr::col(("contacts", "workspace_id"))
                .equals(("deal_contacts", "workspace_id"))
                .and(Expr::col(("contacts", "id")).equals(("deal_contacts", "contact_id"))),
        )
        .and_where(Expr::col(("deal_contacts", "workspace_id")).eq(ws.0))
        .and_where(Expr::col(("deal_contacts", "deal_id")).is_in(ids))
        .order_by(("deal_contacts", "position"), Order::Asc)
        .to_owned();
    let rows: Vec<ContactRow> = c.all(&q).await?;
    let mut by_deal: HashMap<Uuid, Vec<ContactRow>> = HashMap::new();
    for r in rows {
        by_deal.entry(r.deal_id).or_default().push(r);
    }
    for d in deals {
        for r in by_deal.remove(&d.id.0).unwrap_or_default() {
            d.data.contacts.push(DealContact {
                contact_id: ContactId(r.contact_id),
                role: ContactRole::parse(&r.role).unwrap_or(ContactRole::Influencer),
            });
            let name = format!(
                "{} {}",
                r.first_name.unwrap_or_default(),
                r.last_name.unwrap_or_default()
            );
            d.contact_names.push(name.trim().to_string());
        }
    }
    Ok(())
}

async fn write_contacts(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    id: DealId,
    contacts: &[DealContact],
) -> StoreResult<()> {
    c.exec(
        &Query::delete()
            .from_table("deal_contacts")
            .and_where(Expr::col("workspace_id").eq(ws.0))
            .and_where(Expr::col("deal_id").eq(id.0))
            .to_owned(),
    )
    .await?;
    if contacts.is_empty() {
        return Ok(());
    }
    let mut q = Query::insert();
    q.into_table("deal_contacts").columns([
        "workspace_id",
        "deal_id",
        "contact_id",
        "role",
        "position",
    ]);
    for (i, dc) in contacts.iter().enumerate() {
        q.values_panic([
            ws.0.into(),
            id.0.into(),
            dc.contact_id.0.into(),
            dc.role.as_str().into(),
            (i as i64).into(),
        ]);
    }
    c.exec(&q).await?;
    Ok(())
}

pub async fn get(c: &mut Conn<'_>, ws: WorkspaceId, id: DealId) -> StoreResult<Deal> {
    let q = select(ws)
        .and_where(Expr::col(("deals", "id")).eq(id.0))
        .to_owned();
    let mut deal = [c.one::<Row>(&q).await?.into_deal().0];
    load_contacts(c, ws, &mut deal).await?;
    let [deal] = deal;
    Ok(deal)
}

async fn enter_stage(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    id: DealId,
    stage: StageId,
    at: Instant,
    actor: Option<UserId>,
) -> StoreResult<()> {
    c.exec(
        &Query::insert()
            .into_table("deal_stage_history")
            .columns([
                "workspace_id",
                "id",
                "deal_id",
                "stage_id",
                "entered_at",
                "actor_id",
            ])
            .values_panic([
                ws.0.into(),
                Uuid::now_v7().into(),
                id.0.into(),
                stage.0.into(),
                at.0.into(),
                actor.map(|a| a.0).into(),
            ])
            .to_owned(),
    )
    .await?;
    Ok(())
}

async fn leave_stage(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    id: DealId,
    at: Instant,
) -> StoreResult<()> {
    c.exec(
        &Query::update()
            .table("deal_stage_history")
            .value("left_at", at.0)
            .and_where(Expr::col("workspace_id").eq(ws.0))
            .and_where(Expr::col("deal_id").eq(id.0))
            .and_where(Expr::col("left_at").is_null())
            .to_owned(),
    )
    .await?;
    Ok(())
}

/// A deal's past, for importing deals that did not start today (demo data, imports):
/// when it was created, the stages it went through (stage, entered, left) and when it
/// was closed. The last visit is the deal's current stage.
pub struct Past {
    pub created_at: Instant,
    pub visits: Vec<(StageId, Instant, Option<Instant>)>,
    pub closed_at: Option<Instant>,
}

/// Inserts many deals with their pasts at once (imports, demo data). The search index
/// is not touched: call `search::index_missing` for the table afterwards.
pub async fn insert_many(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    items: Vec<(DealId, DealData, Option<UserId>, Past)>,
) -> StoreResult<()> {
    let mut records = vec![];
    let mut contacts = vec![];
    let mut visits = vec![];
    let mut datas = Vec::with_capacity(items.len());
    for (id, data, actor, past) in items {
        let entered = past.visits.last().map_or(past.created_at, |v| v.1);
        let mut vals = values(&data);
        vals.push(("stage_entered_at", entered.0.into()));
        vals.push(("closed_at", past.closed_at.map(|c| c.0).into()));
        for (i, dc) in data.contacts.iter().enumerate() {
            contacts.push(vec![
                ws.0.into(),
                id.0.into(),
                dc.contact_id.0.into(),
                dc.role.as_str().into(),
                (i as i64).into(),
            ]);
        }
        for (stage, entered, left) in &past.visits {
            visits.push(vec![
                ws.0.into(),
                Uuid::now_v7().into(),
                id.0.into(),
                stage.0.into(),
                entered.0.into(),
                left.map(|l| l.0).into(),
                actor.map(|a| a.0).into(),
            ]);
        }
        records.push(list::NewRecord {
            id: id.0,
            values: vals,
            actor,
            at: past.created_at,
        });
        datas.push(data);
    }
    list::insert_records(c, "deals", ws, records).await?;
    list::insert_rows(
        c,
        "deal_contacts",
        &["workspace_id", "deal_id", "contact_id", "role", "position"],
        contacts,
    )
    .await?;
    list::insert_rows(
        c,
        "deal_stage_history",
        &[
            "workspace_id",
            "id",
            "deal_id",
            "stage_id",
            "entered_at",
            "left_at",
            "actor_id",
        ],
        visits,
    )
    .await?;
    add_totals(c, ws, datas.iter().map(|d| (d, 1))).await
}

pub async fn insert(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    id: DealId,
    data: &DealData,
    actor: Option<UserId>,
) -> StoreResult<()> {
    let now = c.now();
    let mut vals = values(data);
    vals.push(("stage_entered_at", now.0.into()));
    let closed = data.status != DealStatus::Open;
    vals.push(("closed_at", closed.then_some(now.0).into()));
    list::insert_record(c, "deals", ws, id.0, vals, actor).await?;
    adjust_totals(c, ws, data, 1).await?;
    write_contacts(c, ws, id, &data.contacts).await?;
    enter_stage(c, ws, id, data.stage_id, now, actor).await?;
    if closed {
        leave_stage(c, ws, id, now).await?;
    }
    search::index(c, ws, "deal", id.0, Some(&search_text(data))).await
}

/// Writes new data if the stored version is still `before.version`, and keeps the
/// stage history and the close-date slips.
pub async fn update(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    before: &Deal,
    data: &DealData,
    actor: Option<UserId>,
) -> StoreResult<()> {
    let now = c.now();
    let id = before.id;
    let old = &before.data;
    let stage_changed = old.stage_id != data.stage_id;
    let was_open = old.status == DealStatus::Open;
    let is_open = data.status == DealStatus::Open;
    let mut vals = values(data);
    if stage_changed || (!was_open && is_open) {
        vals.push(("stage_entered_at", now.0.into()));
    }
    if was_open != is_open {
        vals.push(("closed_at", (!is_open).then_some(now.0).into()));
    }
    list::update_record(c, "deals", ws, id.0, before.version, vals).await?;
    if before.deleted_at.is_none() {
        adjust_totals(c, ws, old, -1).await?;
        adjust_totals(c, ws, data, 1).await?;
    }
    if old.contacts != data.contacts {
        write_contacts(c, ws, id, &data.contacts).await?;
    }
    if was_open && (stage_changed || !is_open) {
        leave_stage(c, ws, id, now).await?;
    }
    if is_open && (stage_changed || !was_open) {
        enter_stage(c, ws, id, data.stage_id, now, actor).await?;
    }
    if is_open && slipped(old.expected_close, data.expected_close) {
        c.exec(
            &Query::insert()
                .into_table("deal_close_slips")
                .columns([
                    "workspace_id",
                    "id",
                    "deal_id",
                    "from_date",
                    "to_date",
                    "at",
                    "actor_id",
                ])
                .values_panic([
                    ws.0.into(),
                    Uuid::now_v7().into(),
                    id.0.into(),
                    old.expected_close.map(|d| d.to_string()).into(),
                    data.expected_close.map(|d| d.to_string()).into(),
                    now.0.into(),
                    actor.map(|a| a.0).into(),
                ])
                .to_owned(),
        )
        .await?;
    }
    let text = search_text(data);
    if text != search_text(old) {
        search::index(c, ws, "deal", id.0, Some(&text)).await?;
    }
    Ok(())
}

pub async fn set_deleted(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    id: DealId,
    deleted: bool,
) -> StoreResult<()> {
    let before = get(c, ws, id).await?;
    list::set_deleted(c, "deals", ws, id.0, deleted).await?;
    if before.deleted_at.is_some() != deleted {
        adjust_totals(c, ws, &before.data, if deleted { -1 } else { 1 }).await?;
    }
    if deleted {
        search::index(c, ws, "deal", id.0, None).await
    } else {
        search::reindex(c, "deals", "deal", ws, id.0).await
    }
}

/// One stay of a deal in a stage.
#[derive(Clone, Debug, PartialEq)]
pub struct StageVisit {
    pub stage_id: StageId,
    pub stage_name: String,
    pub entered_at: Instant,
    pub left_at: Option<Instant>,
    pub actor_name: Option<String>,
}

/// The stages a deal went through, oldest first.
pub async fn stage_history(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    id: DealId,
) -> StoreResult<Vec<StageVisit>> {
    #[derive(sqlx::FromRow)]
    struct VisitRow {
        stage_id: Uuid,
        stage_name: Option<String>,
        entered_at: i64,
        left_at: Option<i64>,
        actor_name: Option<String>,
    }
    let h = "deal_stage_history";
    let q = Query::select()
        .column((h, "stage_id"))
        .column((h, "entered_at"))
        .column((h, "left_at"))
        .expr_as(Expr::col(("stages", "name")), "stage_name")
        .expr_as(Expr::col(("users", "name")), "actor_name")
        .from(h)
        .left_join(
            "stages",
            Expr::col(("stages", "workspace_id"))
                .equals((h, "workspace_id"))
                .and(Expr::col(("stages", "id")).equals((h, "stage_id"))),
        )
        .left_join(
            "users",
            Expr::col(("users", "workspace_id"))
                .equals((h, "workspace_id"))
                .and(Expr::col(("users", "id")).equals((h, "actor_id"))),
        )
        .and_where(Expr::col((h, "workspace_id")).eq(ws.0))
        .and_where(Expr::col((h, "deal_id")).eq(id.0))
        .order_by((h, "entered_at"), Order::Asc)
        .order_by((h, "id"), Order::Asc)
        .to_owned();
    let rows: Vec<VisitRow> = c.all(&q).await?;
    Ok(rows
        .into_iter()
        .map(|r| StageVisit {
            stage_id: StageId(r.stage_id),
            stage_name: r.stage_name.unwrap_or_default(),
            entered_at: Instant(r.entered_at),
            left_at: r.left_at.map(Instant),
            actor_name: r.actor_name,
        })
        .collect())
}

/// A slip of the expected close date.
#[derive(Clone, Debug, PartialEq)]
pub struct Slip {
    pub from: jiff::civil::Date,
    pub to: jiff::civil::Date,
    pub at: Instant,
    pub actor_name: Option<String>,
}

pub async fn slips(c: &mut Conn<'_>, ws: WorkspaceId, id: DealId) -> StoreResult<Vec<Slip>> {
    #[derive(sqlx::FromRow)]
    struct SlipRow {
        from_date: String,
        to_date: String,
        at: i64,
        actor_name: Option<String>,
    }
    let s = "deal_close_slips";
    let q = Query::select()
        .column((s, "from_date"))
        .column((s, "to_date"))
        .column((s, "at"))
        .expr_as(Expr::col(("users", "name")), "actor_name")
        .from(s)
        .left_join(
            "users",
            Expr::col(("users", "workspace_id"))
                .equals((s, "workspace_id"))
                .and(Expr::col(("users", "id")).equals((s, "actor_id"))),
        )
        .and_where(Expr::col((s, "workspace_id")).eq(ws.0))
        .and_where(Expr::col((s, "deal_id")).eq(id.0))
        .order_by((s, "at"), Order::Asc)
        .to_owned();
    let rows: Vec<SlipRow> = c.all(&q).await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            Some(Slip {
                from: r.from_date.parse().ok()?,
                to: r.to_date.parse().ok()?,
                at: Instant(r.at),
                actor_name: r.actor_name,
            })
        })
        .collect())
}

#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub q: Option<String>,
    pub pipeline_id: Option<PipelineId>,
    pub stage_id: Option<StageId>,
    pub status: Option<DealStatus>,
    pub owner_id: Option<UserId>,
    pub account_id: Option<AccountId>,
    pub contact_id: Option<ContactId>,
    /// The trash instead of the live records.
    pub deleted: bool,
    /// Whose records the caller may see.
    pub seen: crate::Seen,
    /// Custom field values the records must have.
    pub custom: Vec<crate::custom_fields::CustomFilter>,
}

pub type Page = list::Page<Deal>;

pub async fn list(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    f: &Filter,
    sort: Sort,
    limit: u64,
    after: Option<&Cursor>,
) -> StoreResult<Page> {
    let mut q = select(ws);
    if f.deleted {
        q.and_where(Expr::col(("deals", "deleted_at")).is_not_null());
    } else {
        q.and_where(Expr::col(("deals", "deleted_at")).is_null());
    }
    list::search_words(&mut q, "deals", f.q.as_deref());
    if let Some(p) = f.pipeline_id {
        q.and_where(Expr::col(("deals", "pipeline_id")).eq(p.0));
    }
    if let Some(s) = f.stage_id {
        q.and_where(Expr::col(("deals", "stage_id")).eq(s.0));
    }
    if let Some(s) = f.status {
        q.and_where(Expr::col(("deals", "status")).eq(s.as_str()));
    }
    if let Some(o) = f.owner_id {
        q.and_where(Expr::col(("deals", "owner_id")).eq(o.0));
    }
    if let Some(a) = f.account_id {
        q.and_where(Expr::col(("deals", "account_id")).eq(a.0));
    }
    if let Some(contact) = f.contact_id {
        q.and_where(
            Expr::col(("deals", "id")).in_subquery(
                Query::select()
                    .column("deal_id")
                    .from("deal_contacts")
                    .and_where(Expr::col("workspace_id").eq(ws.0))
                    .and_where(Expr::col("contact_id").eq(contact.0))
                    .to_owned(),
            ),
        );
    }
    f.seen
        .restrict(&mut q, "deals", &["owner_id", "inside_partner_id"]);
    crate::custom_fields::restrict(&mut q, c.backend(), "deals", &f.custom);
    list::keyset(&mut q, "deals", sort, after, limit);
    let rows: Vec<Row> = c.all(&q).await?;
    let mut page = list::page(
        rows.into_iter().map(|r| {
            let (deal, name_key) = r.into_deal();
            let key = sort.key(name_key, deal.created_at, deal.updated_at);
            let id = deal.id.0;
            (deal, key, id)
        }),
        sort.as_str(),
        limit,
    );
    load_contacts(c, ws, &mut page.items).await?;
    Ok(page)
}

/// A deal's share of the running stage totals (`deal_totals`).
struct Share {
    /// Stage, currency (empty without an amount), owner and partner (nil for none).
    key: (Uuid, String, Uuid, Uuid),
    /// Deals, amount, weighted amount with its own probability, amount at the stage's.
    sums: [i64; 4],
}

/// The deal's share of the stage totals; none unless it is open.
fn totals_row(d: &DealData) -> Option<Share> {
    if d.status != DealStatus::Open {
        return None;
    }
    let amount = d.amount.as_ref().map_or(0, |m| m.minor);
    let (own, by_default) = match d.probability_bp {
        Some(p) => (d.amount.as_ref().map_or(0, |m| m.weighted(p).minor), 0),
        None => (0, amount),
    };
    Some(Share {
        key: (
            d.stage_id.0,
            d.amount
                .as_ref()
                .map_or(String::new(), |m| m.currency.clone()),
            d.owner_id.map_or(Uuid::nil(), |o| o.0),
            d.inside_partner_id.map_or(Uuid::nil(), |o| o.0),
        ),
        sums: [1, amount, own, by_default],
    })
}

const TOTALS_KEY: [&str; 5] = [
    "workspace_id",
    "stage_id",
    "currency",
    "owner_key",
    "partner_key",
];
const TOTALS_SUMS: [&str; 4] = ["deals", "amount_minor", "weighted_own", "amount_default"];

/// Adds (`sign` 1) or takes away (`sign` -1) a deal's share of the stage totals.
async fn adjust_totals(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    d: &DealData,
    sign: i64,
) -> StoreResult<()> {
    add_totals(c, ws, [(d, sign)]).await
}

/// Adds the shares of many deals to the stage totals, summed per key first (one
/// statement per few thousand keys; a key may appear only once per statement).
async fn add_totals<'a>(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    deals: impl IntoIterator<Item = (&'a DealData, i64)>,
) -> StoreResult<()> {
    let mut sums: std::collections::BTreeMap<(Uuid, String, Uuid, Uuid), [i64; 4]> =
        Default::default();
    for (d, sign) in deals {
        let Some(row) = totals_row(d) else {
            continue;
        };
        let entry = sums.entry(row.key).or_default();
        for (total, value) in entry.iter_mut().zip(row.sums) {
            *total += sign * value;
        }
    }
    let keys: Vec<_> = sums.into_iter().collect();
    for chunk in keys.chunks(2_000) {
        let mut on_conflict = sea_query::OnConflict::columns(TOTALS_KEY);
        for col in TOTALS_SUMS {
            on_conflict.value(
                col,
                Expr::cust(format!("deal_totals.{col} + excluded.{col}")),
            );
        }
        let mut q = Query::insert();
        q.into_table("deal_totals")
            .columns(TOTALS_KEY.into_iter().chain(TOTALS_SUMS));
        for ((stage, currency, owner, partner), [n, amount, own, by_default]) in chunk {
            q.values_panic([
                Expr::val(ws.0),
                Expr::val(*stage),
                Expr::val(currency.clone()),
                Expr::val(*owner),
                Expr::val(*partner),
                Expr::val(*n),
                Expr::val(*amount),
                Expr::val(*own),
                Expr::val(*by_default),
            ]);
        }
        q.on_conflict(on_conflict);
        c.exec(&q).await?;
    }
    Ok(())
}

/// One row of the running stage totals.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, sqlx::FromRow)]
pub struct TotalsRow {
    pub stage_id: Uuid,
    pub currency: String,
    pub owner_key: Uuid,
    pub partner_key: Uuid,
    pub deals: i64,
    pub amount_minor: i64,
    pub weighted_own: i64,
    pub amount_default: i64,
}

/// The running stage totals of a workspace, sorted (for checks and diagnostics).
pub async fn totals(c: &mut Conn<'_>, ws: WorkspaceId) -> StoreResult<Vec<TotalsRow>> {
    let q = Query::select()
        .columns(["stage_id", "currency", "owner_key", "partner_key"])
        .columns(TOTALS_SUMS)
        .from("deal_totals")
        .and_where(Expr::col("workspace_id").eq(ws.0))
        .to_owned();
    let mut rows: Vec<TotalsRow> = c.all(&q).await?;
    rows.sort();
    Ok(rows)
}

/// The running stage totals of one owner's open deals.
pub async fn owner_totals(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    owner: UserId,
) -> StoreResult<Vec<TotalsRow>> {
    let q = Query::select()
        .columns(["stage_id", "currency", "owner_key", "partner_key"])
        .columns(TOTALS_SUMS)
        .from("deal_totals")
        .and_where(Expr::col("workspace_id").eq(ws.0))
        .and_where(Expr::col("owner_key").eq(owner.0))
        .to_owned();
    c.all(&q).await
}

/// An owner's open deals expected to close on a day in `[first, end)`, the largest
/// first.
pub async fn closing(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    owner: UserId,
    first: jiff::civil::Date,
    end: jiff::civil::Date,
    limit: u64,
) -> StoreResult<Vec<Deal>> {
    let mut q = select(ws);
    q.and_where(Expr::col(("deals", "owner_id")).eq(owner.0))
        .and_where(Expr::col(("deals", "deleted_at")).is_null())
        .and_where(Expr::col(("deals", "status")).eq("open"))
        .and_where(Expr::col(("deals", "expected_close")).gte(first.to_string()))
        .and_where(Expr::col(("deals", "expected_close")).lt(end.to_string()))
        // Deals without an amount last on both backends (PostgreSQL sorts NULL first).
        .order_by_expr(Expr::cust("COALESCE(deals.amount_minor, 0)"), Order::Desc)
        .order_by(("deals", "id"), Order::Asc)
        .limit(limit);
    let rows: Vec<Row> = c.all(&q).await?;
    Ok(rows.into_iter().map(|r| r.into_deal().0).collect())
}

/// Recomputes the stage totals from the deals (after a bulk load; at migration 12 for
/// every workspace).
pub async fn rebuild_totals(c: &mut Conn<'_>, ws: Option<WorkspaceId>) -> StoreResult<()> {
    let mut delete = Query::delete();
    delete.from_table("deal_totals");
    if let Some(ws) = ws {
        delete.and_where(Expr::col("workspace_id").eq(ws.0));
    }
    c.exec(&delete).await?;
    let mut select = Query::select();
    select
        .column("workspace_id")
        .column("stage_id")
        .expr(Expr::col("currency").if_null(""))
        .expr(Expr::col("owner_id").if_null(Uuid::nil()))
        .expr(Expr::col("inside_partner_id").if_null(Uuid::nil()))
        .expr(Expr::cust("COUNT(*)"))
        .expr(Expr::cust("CAST(COALESCE(SUM(amount_minor), 0) AS BIGINT)"))
        .expr(Expr::cust(
            "CAST(COALESCE(SUM(CASE WHEN probability_bp IS NULL THEN 0 \
             ELSE (COALESCE(amount_minor, 0) * probability_bp + 5000) / 10000 END), 0) AS BIGINT)",
        ))
        .expr(Expr::cust(
            "CAST(COALESCE(SUM(CASE WHEN probability_bp IS NULL THEN COALESCE(amount_minor, 0) \
             ELSE 0 END), 0) AS BIGINT)",
        ))
        .from("deals")
        .and_where(Expr::col("deleted_at").is_null())
        .and_where(Expr::col("status").eq("open"))
        .group_by_col("workspace_id")
        .group_by_col("stage_id")
        .group_by_col("currency")
        .group_by_col("owner_id")
        .group_by_col("inside_partner_id");
    if let Some(ws) = ws {
        select.and_where(Expr::col("workspace_id").eq(ws.0));
    }
    let insert = Query::insert()
        .into_table("deal_totals")
        .columns(TOTALS_KEY.into_iter().chain(TOTALS_SUMS))
        .select_from(select)
        .map_err(|e| crate::StoreError::Corrupt(format!("totals query: {e}")))?
        .to_owned();
    c.exec(&insert).await?;
    Ok(())
}

/// What the pipeline board shows: the open deals of one pipeline.
#[derive(Clone, Debug)]
pub struct BoardFilter {
    pub pipeline_id: PipelineId,
    /// Only deals owned by (or partnered with) one of these users.
    pub people: Option<Vec<UserId>>,
    pub seen: crate::Seen,
    /// Cards per stage; the sums always count every deal.
    pub cards: u64,
}

/// The totals of one stage in one currency.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct StageSum {
    #[sqlx(try_from = "Uuid")]
    pub stage_id: StageId,
    pub currency: Option<String>,
    pub count: i64,
    pub amount_minor: i64,
    /// Sum of the weighted amounts (minor units) of the deals with their own probability.
    pub weighted_own: i64,
    /// Sum of the amounts that use the stage's default probability.
    pub amount_default: i64,
}

pub struct Board {
    pub sums: Vec<StageSum>,
    /// The newest cards of each stage (by entry into the stage), at most `cards` each.
    pub cards: HashMap<StageId, Vec<Deal>>,
}

fn board_where(q: &mut SelectStatement, f: &BoardFilter) {
    q.and_where(Expr::col(("deals", "deleted_at")).is_null())
        .and_where(Expr::col(("deals", "status")).eq("open"));
    if let Some(people) = &f.people {
        let ids: Vec<Uuid> = people.iter().map(|p| p.0).collect();
        q.cond_where(
            sea_query::Cond::any()
                .add(Expr::col(("deals", "owner_id")).is_in(ids.clone()))
                .add(Expr::col(("deals", "inside_partner_id")).is_in(ids)),
        );
    }
    f.seen
        .restrict(q, "deals", &["owner_id", "inside_partner_id"]);
}

/// The board of one pipeline: per stage the totals and the newest cards.
pub async fn board(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    stages: &[StageId],
    f: &BoardFilter,
) -> StoreResult<Board> {
    let mut q = Query::select();
    q.column("stage_id")
        .expr_as(Expr::col("currency"), "currency")
        .expr_as(Expr::cust("CAST(SUM(deals) AS BIGINT)"), "count")
        .expr_as(
            Expr::cust("CAST(SUM(amount_minor) AS BIGINT)"),
            "amount_minor",
        )
        .expr_as(
            Expr::cust("CAST(SUM(weighted_own) AS BIGINT)"),
            "weighted_own",
        )
        .expr_as(
            Expr::cust("CAST(SUM(amount_default) AS BIGINT)"),
            "amount_default",
        )
        .from("deal_totals")
        .and_where(Expr::col("workspace_id").eq(ws.0))
        .and_where(Expr::col("stage_id").is_in(stages.iter().map(|s| s.0)))
        .group_by_col("stage_id")
        .group_by_col("currency")
        .and_having(Expr::cust("SUM(deals) > 0"));
    let people = |ids: &[UserId]| {
        let ids: Vec<Uuid> = ids.iter().map(|p| p.0).collect();
        sea_query::Cond::any()
            .add(Expr::col("owner_key").is_in(ids.clone()))
            .add(Expr::col("partner_key").is_in(ids))
    };
    if let Some(ids) = &f.people {
        q.cond_where(people(ids));
    }
    // Visibility as `Seen` has it: a deal nobody owns is everybody's.
    if let Some(ids) = &f.seen.0 {
        q.cond_where(people(ids).add(Expr::col("owner_key").eq(Uuid::nil())));
    }
    let mut sums: Vec<StageSum> = c.all(&q).await?;
    // Deals without an amount are counted under the currency "" (the totals key cannot
    // be NULL): they have no money to add up.
    for s in &mut sums {
        if s.currency.as_deref() == Some("") {
            s.currency = None;
        }
    }

    let mut cards = HashMap::new();
    for &stage in stages {
        if !sums.iter().any(|s| s.stage_id == stage) {
            cards.insert(stage, vec![]);
            continue;
        }
        let mut q = select(ws);
        q.and_where(Expr::col(("deals", "stage_id")).eq(stage.0));
        board_where(&mut q, f);
        q.order_by(("deals", "stage_entered_at"), Order::Desc)
            .order_by(("deals", "id"), Order::Desc)
            .limit(f.cards);
        let rows: Vec<Row> = c.all(&q).await?;
        cards.insert(stage, rows.into_iter().map(|r| r.into_deal().0).collect());
    }
    Ok(Board { sums, cards })
}

/// A user's open deals (as owner or inside partner) whose next step is due by `until`,
/// the most overdue first. One query per role, so that each uses its index.
pub async fn next_steps(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    user: UserId,
    until: jiff::civil::Date,
    limit: u64,
) -> StoreResult<Vec<Deal>> {
    let mut deals: Vec<Deal> = vec![];
    for role in ["owner_id", "inside_partner_id"] {
        let mut q = select(ws);
        q.and_where(Expr::col(("deals", role)).eq(user.0))
            .and_where(Expr::col(("deals", "deleted_at")).is_null())
            .and_where(Expr::col(("deals", "status")).eq("open"))
            .and_where(Expr::col(("deals", "next_step_due")).is_not_null())
            .and_where(Expr::col(("deals", "next_step_due")).lte(until.to_string()))
            .order_by(("deals", "next_step_due"), Order::Asc)
            .order_by(("deals", "id"), Order::Asc)
            .limit(limit);
        let rows: Vec<Row> = c.all(&q).await?;
        for r in rows {
            let deal = r.into_deal().0;
            if !deals.iter().any(|d| d.id == deal.id) {
                deals.push(deal);
            }
        }
    }
    deals.sort_by_key(|d| (d.data.next_step_due, d.id.0));
    deals.truncate(limit as usize);
    Ok(deals)
}

/// The live deal of an account with this (folded) title, if there is one — an
/// import's duplicate check.
pub async fn by_title(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    account: tandem_domain::AccountId,
    title: &str,
) -> StoreResult<Option<DealId>> {
    #[derive(sqlx::FromRow)]
    struct I {
        id: Uuid,
    }
    let q = Query::select()
        .column("id")
        .from("deals")
        .and_where(Expr::col("workspace_id").eq(ws.0))
        .and_where(Expr::col("account_id").eq(account.0))
        .and_where(Expr::col("name_key").eq(tandem_domain::text::fold(title)))
        .and_where(Expr::col("deleted_at").is_null())
        .limit(1)
        .to_owned();
    Ok(c.optional::<I>(&q).await?.map(|i| DealId(i.id)))
}
