//! The rows of the lead report (where leads come from and where they go).

use super::*;

/// Which leads a report covers.
#[derive(Clone, Debug, Default)]
pub struct ReportScope {
    pub campaign: Option<CampaignId>,
    /// Leads created on or after / before these instants.
    pub from: Option<Instant>,
    pub until: Option<Instant>,
}

impl ReportScope {
    fn apply(&self, q: &mut SelectStatement) {
        if let Some(c) = self.campaign {
            q.and_where(Expr::col(("leads", "campaign_id")).eq(c.0));
        }
        if let Some(f) = self.from {
            q.and_where(Expr::col(("leads", "created_at")).gte(f.0));
        }
        if let Some(u) = self.until {
            q.and_where(Expr::col(("leads", "created_at")).lt(u.0));
        }
    }
}

/// One lead as the report sees it: its grouping keys and its deal's outcome.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct ReportLead {
    pub id: Uuid,
    pub campaign_id: Option<Uuid>,
    pub source: String,
    pub deal_status: Option<String>,
    pub deal_amount_minor: Option<i64>,
    pub deal_currency: Option<String>,
}

/// The handoff decisions of the leads in scope (`handed_over`, `accepted`,
/// `rejected` events).
#[derive(Clone, Debug, PartialEq)]
pub struct ReportEvent {
    pub lead_id: Uuid,
    pub kind: String,
    pub data: serde_json::Value,
}

pub async fn report_rows(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    scope: &ReportScope,
) -> StoreResult<(Vec<ReportLead>, Vec<ReportEvent>)> {
    let mut q = Query::select();
    q.columns([
        ("leads", "id"),
        ("leads", "campaign_id"),
        ("leads", "source"),
    ])
    .expr_as(Expr::col(("d", "status")), "deal_status")
    .expr_as(Expr::col(("d", "amount_minor")), "deal_amount_minor")
    .expr_as(Expr::col(("d", "currency")), "deal_currency")
    .from("leads");
    joined(&mut q, "deals", "d", "deal_id");
    q.and_where(Expr::col(("leads", "workspace_id")).eq(ws.0))
        .and_where(Expr::col(("leads", "deleted_at")).is_null())
        .limit(200_000);
    scope.apply(&mut q);
    let leads: Vec<ReportLead> = c.all(&q).await?;

    #[derive(sqlx::FromRow)]
    struct E {
        lead_id: Uuid,
        kind: String,
        data: String,
    }
    let mut q = Query::select();
    q.columns([
        ("lead_events", "lead_id"),
        ("lead_events", "kind"),
        ("lead_events", "data"),
    ])
    .from("lead_events")
    .inner_join(
        "leads",
        Expr::col(("leads", "workspace_id"))
            .equals(("lead_events", "workspace_id"))
            .and(Expr::col(("leads", "id")).equals(("lead_events", "lead_id"))),
    )
    .and_where(Expr::col(("lead_events", "workspace_id")).eq(ws.0))
    .and_where(Expr::col(("leads", "deleted_at")).is_null())
    .cond_where(
        Cond::any()
            .add(Expr::col(("lead_events", "kind")).eq("handed_over"))
            .add(Expr::col(("lead_events", "kind")).eq("accepted"))
            .add(Expr::col(("lead_events", "kind")).eq("rejected")),
    )
    .limit(600_000);
    scope.apply(&mut q);
    let events: Vec<E> = c.all(&q).await?;
    Ok((
        leads,
        events
            .into_iter()
            .map(|e| ReportEvent {
                lead_id: e.lead_id,
                kind: e.kind,
                data: serde_json::from_str(&e.data).unwrap_or_default(),
            })
            .collect(),
    ))
}

/// Lower-cased email addresses of live leads, for duplicate checks of new leads.
pub async fn with_email(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    email: &str,
) -> StoreResult<Option<LeadId>> {
    #[derive(sqlx::FromRow)]
    struct I {
        id: Uuid,
    }
    let q = Query::select()
        .column("id")
        .from("leads")
        .and_where(Expr::col("workspace_id").eq(ws.0))
        .and_where(Expr::col("deleted_at").is_null())
        // Stored lower-cased, so the index on (workspace, email) answers it.
        .and_where(Expr::col("email").eq(email.to_lowercase()))
        .limit(1)
        .to_owned();
    Ok(c.optional::<I>(&q).await?.map(|i| LeadId(i.id)))
}
