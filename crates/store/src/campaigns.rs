//! Campaigns and the web-to-lead forms that feed them.

use crate::{Conn, StoreError, StoreResult, list};
use sea_query::{Expr, ExprTrait, Order, Query, SelectStatement};
use tandem_domain::{
    CampaignId, Instant, LeadFormId, UserId, WorkspaceId,
    campaign::{CampaignData, Channel},
    money::Money,
    text::fold,
};
use uuid::Uuid;

#[derive(Clone, Debug, PartialEq)]
pub struct Campaign {
    pub id: CampaignId,
    pub data: CampaignData,
    pub version: i64,
    pub created_at: Instant,
    pub updated_at: Instant,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    name: String,
    channel: String,
    starts_on: Option<String>,
    ends_on: Option<String>,
    cost_minor: i64,
    currency: String,
    segment: Option<String>,
    notes: Option<String>,
    version: i64,
    created_at: i64,
    updated_at: i64,
}

impl From<Row> for Campaign {
    fn from(r: Row) -> Self {
        Campaign {
            id: CampaignId(r.id),
            data: CampaignData {
                name: r.name,
                channel: Channel::parse(&r.channel).unwrap_or_default(),
                starts_on: r.starts_on.and_then(|d| d.parse().ok()),
                ends_on: r.ends_on.and_then(|d| d.parse().ok()),
                cost: Money::new(r.cost_minor, &r.currency),
                segment: r.segment,
                notes: r.notes,
            },
            version: r.version,
            created_at: Instant(r.created_at),
            updated_at: Instant(r.updated_at),
        }
    }
}

fn select(ws: WorkspaceId) -> SelectStatement {
    Query::select()
        .columns([
            "id",
            "name",
            "channel",
            "starts_on",
            "ends_on",
            "cost_minor",
            "currency",
            "segment",
            "notes",
            "version",
            "created_at",
            "updated_at",
        ])
        .from("campaigns")
        .and_where(Expr::col("workspace_id").eq(ws.0))
        .and_where(Expr::col("deleted_at").is_null())
        .to_owned()
}

fn values(d: &CampaignData) -> Vec<(&'static str, sea_query::Value)> {
    vec![
        ("name", d.name.clone().into()),
        ("name_key", fold(&d.name).into()),
        ("channel", d.channel.as_str().into()),
        ("starts_on", d.starts_on.map(|x| x.to_string()).into()),
        ("ends_on", d.ends_on.map(|x| x.to_string()).into()),
        ("cost_minor", d.cost.minor.into()),
        ("currency", d.cost.currency.clone().into()),
        ("segment", d.segment.clone().into()),
        ("notes", d.notes.clone().into()),
        (
            "search_text",
            fold(&format!(
                "{} {}",
                d.name,
                d.segment.as_deref().unwrap_or("")
            ))
            .into(),
        ),
    ]
}

pub async fn insert(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    id: CampaignId,
    d: &CampaignData,
    actor: Option<UserId>,
) -> StoreResult<()> {
    list::insert_record(c, "campaigns", ws, id.0, values(d), actor)
        .await
        .map_err(|e| e.duplicate_as("name"))
}

pub async fn update(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    id: CampaignId,
    version: i64,
    d: &CampaignData,
) -> StoreResult<()> {
    list::update_record(c, "campaigns", ws, id.0, version, values(d))
        .await
        .map_err(|e| e.duplicate_as("name"))
}

pub async fn set_deleted(c: &mut Conn<'_>, ws: WorkspaceId, id: CampaignId) -> StoreResult<()> {
    list::set_deleted(c, "campaigns", ws, id.0, true).await
}

pub async fn get(c: &mut Conn<'_>, ws: WorkspaceId, id: CampaignId) -> StoreResult<Campaign> {
    let mut q = select(ws);
    q.and_where(Expr::col("id").eq(id.0));
    c.optional::<Row>(&q)
        .await?
        .map(Campaign::from)
        .ok_or(StoreError::NotFound)
}

/// Every live campaign, the newest start first (a workspace has tens, not thousands).
pub async fn all(c: &mut Conn<'_>, ws: WorkspaceId) -> StoreResult<Vec<Campaign>> {
    let mut q = select(ws);
    q.order_by("created_at", Order::Desc).limit(1_000);
    let rows: Vec<Row> = c.all(&q).await?;
    Ok(rows.into_iter().map(Campaign::from).collect())
}

// ----- web-to-lead forms -----

#[derive(Clone, Debug, PartialEq)]
pub struct LeadForm {
    pub id: LeadFormId,
    pub workspace_id: WorkspaceId,
    pub name: String,
    /// The public key in the form's address.
    pub key: String,
    pub campaign_id: Option<CampaignId>,
    pub owner_id: Option<UserId>,
    pub active: bool,
    /// The consent sentence the form shows next to its checkbox.
    pub consent_text: String,
    /// Where the browser goes after sending (else Tandem's own thank-you page).
    pub thanks_url: Option<String>,
    pub version: i64,
}

/// What a form is made of (the key is given once, when it is made).
#[derive(Clone, Debug, PartialEq)]
pub struct FormData {
    pub name: String,
    pub campaign_id: Option<CampaignId>,
    pub owner_id: Option<UserId>,
    pub active: bool,
    pub consent_text: String,
    pub thanks_url: Option<String>,
}

#[derive(sqlx::FromRow)]
struct FormRow {
    id: Uuid,
    workspace_id: Uuid,
    name: String,
    form_key: String,
    campaign_id: Option<Uuid>,
    owner_id: Option<Uuid>,
    active: bool,
    consent_text: String,
    thanks_url: Option<String>,
    version: i64,
}

impl From<FormRow> for LeadForm {
    fn from(r: FormRow) -> Self {
        LeadForm {
            id: LeadFormId(r.id),
            workspace_id: WorkspaceId(r.workspace_id),
            name: r.name,
            key: r.form_key,
            campaign_id: r.campaign_id.map(CampaignId),
            owner_id: r.owner_id.map(UserId),
            active: r.active,
            consent_text: r.consent_text,
            thanks_url: r.thanks_url,
            version: r.version,
        }
    }
}

fn forms() -> SelectStatement {
    Query::select()
        .columns([
            "id",
            "workspace_id",
            "name",
            "form_key",
            "campaign_id",
            "owner_id",
            "active",
            "consent_text",
            "thanks_url",
            "version",
        ])
        .from("lead_forms")
        .and_where(Expr::col("deleted_at").is_null())
        .to_owned()
}

fn form_values(d: &FormData) -> Vec<(&'static str, sea_query::Value)> {
    vec![
        ("name", d.name.clone().into()),
        ("campaign_id", d.campaign_id.map(|c| c.0).into()),
        ("owner_id", d.owner_id.map(|u| u.0).into()),
        ("active", d.active.into()),
        ("consent_text", d.consent_text.clone().into()),
        ("thanks_url", d.thanks_url.clone().into()),
    ]
}

pub async fn insert_form(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    id: LeadFormId,
    key: &str,
    d: &FormData,
    actor: Option<UserId>,
) -> StoreResult<()> {
    let mut v = form_values(d);
    v.push(("form_key", key.into()));
    list::insert_record(c, "lead_forms", ws, id.0, v, actor).await
}

pub async fn update_form(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    id: LeadFormId,
    version: i64,
    d: &FormData,
) -> StoreResult<()> {
    list::update_record(c, "lead_forms", ws, id.0, version, form_values(d)).await
}

pub async fn delete_form(c: &mut Conn<'_>, ws: WorkspaceId, id: LeadFormId) -> StoreResult<()> {
    list::set_deleted(c, "lead_forms", ws, id.0, true).await
}

pub async fn form(c: &mut Conn<'_>, ws: WorkspaceId, id: LeadFormId) -> StoreResult<LeadForm> {
    let mut q = forms();
    q.and_where(Expr::col("workspace_id").eq(ws.0))
        .and_where(Expr::col("id").eq(id.0));
    c.optional::<FormRow>(&q)
        .await?
        .map(LeadForm::from)
        .ok_or(StoreError::NotFound)
}

pub async fn all_forms(c: &mut Conn<'_>, ws: WorkspaceId) -> StoreResult<Vec<LeadForm>> {
    let mut q = forms();
    q.and_where(Expr::col("workspace_id").eq(ws.0))
        .order_by("created_at", Order::Asc)
        .limit(500);
    let rows: Vec<FormRow> = c.all(&q).await?;
    Ok(rows.into_iter().map(LeadForm::from).collect())
}

/// The live form with this public key, in whichever workspace it is.
pub async fn form_by_key(c: &mut Conn<'_>, key: &str) -> StoreResult<Option<LeadForm>> {
    let mut q = forms();
    q.and_where(Expr::col("form_key").eq(key));
    Ok(c.optional::<FormRow>(&q).await?.map(LeadForm::from))
}
