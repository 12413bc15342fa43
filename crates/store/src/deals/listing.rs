//! Lists of deals: filtered and keyset-paged, the next steps due, one by its title.

use super::*;

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
