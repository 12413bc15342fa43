//! Goals (quotas and OKRs), intervention rules and the intervention cases.

use crate::{Conn, StoreError, StoreResult, list};
use sea_query::{Expr, ExprTrait, Order, Query, SelectStatement};
use tandem_domain::{
    GoalId, Instant, InterventionId, RuleId, UserId, WorkspaceId,
    goals::{CaseData, GoalData, GoalKind, KeyResult, RuleData},
    metrics::{Condition, Metric, Period, PeriodKind, Scope},
};
use uuid::Uuid;

fn json_err(e: serde_json::Error) -> StoreError {
    StoreError::Corrupt(format!("stored JSON: {e}"))
}

// ----- goals -----

#[derive(Clone, Debug, PartialEq)]
pub struct Goal {
    pub id: GoalId,
    pub data: GoalData,
    pub version: i64,
    pub updated_at: Instant,
}

#[derive(sqlx::FromRow)]
struct GoalRow {
    id: Uuid,
    kind: String,
    scope: String,
    period_kind: String,
    period_start: String,
    title: Option<String>,
    metric: Option<String>,
    target: Option<i64>,
    key_results: String,
    version: i64,
    updated_at: i64,
}

impl TryFrom<GoalRow> for Goal {
    type Error = StoreError;
    fn try_from(r: GoalRow) -> StoreResult<Goal> {
        let corrupt = |what: &str| StoreError::Corrupt(format!("goal {}: {what}", r.id));
        let kind = PeriodKind::parse(&r.period_kind).ok_or_else(|| corrupt("period kind"))?;
        let start = r
            .period_start
            .parse()
            .map_err(|_| corrupt("period start"))?;
        let key_results: Vec<KeyResult> = serde_json::from_str(&r.key_results).map_err(json_err)?;
        Ok(Goal {
            id: GoalId(r.id),
            data: GoalData {
                kind: if r.kind == "okr" {
                    GoalKind::Okr
                } else {
                    GoalKind::Quota
                },
                scope: Scope::parse(&r.scope).ok_or_else(|| corrupt("scope"))?,
                period: Period::containing(kind, start),
                title: r.title,
                metric: r.metric.as_deref().and_then(Metric::parse),
                target: r.target,
                key_results,
            },
            version: r.version,
            updated_at: Instant(r.updated_at),
        })
    }
}

fn goal_select(ws: WorkspaceId) -> SelectStatement {
    Query::select()
        .columns([
            "id",
            "kind",
            "scope",
            "period_kind",
            "period_start",
            "title",
            "metric",
            "target",
            "key_results",
            "version",
            "updated_at",
        ])
        .from("goals")
        .and_where(Expr::col("workspace_id").eq(ws.0))
        .and_where(Expr::col("deleted_at").is_null())
        .to_owned()
}

fn goal_values(d: &GoalData) -> Vec<(&'static str, sea_query::Value)> {
    vec![
        (
            "kind",
            match d.kind {
                GoalKind::Quota => "quota",
                GoalKind::Okr => "okr",
            }
            .into(),
        ),
        ("scope", d.scope.key().into()),
        ("period_kind", d.period.kind.as_str().into()),
        ("period_start", d.period.start.to_string().into()),
        ("title", d.title.clone().into()),
        ("metric", d.metric.map(|m| m.key()).into()),
        ("target", d.target.into()),
        (
            "key_results",
            serde_json::to_string(&d.key_results)
                .unwrap_or_else(|_| "[]".into())
                .into(),
        ),
    ]
}

pub async fn insert_goal(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    id: GoalId,
    d: &GoalData,
    actor: Option<UserId>,
) -> StoreResult<()> {
    list::insert_record(c, "goals", ws, id.0, goal_values(d), actor)
        .await
        .map_err(|e| e.duplicate_as("metric"))
}

pub async fn update_goal(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    id: GoalId,
    version: i64,
    d: &GoalData,
) -> StoreResult<()> {
    list::update_record(c, "goals", ws, id.0, version, goal_values(d))
        .await
        .map_err(|e| e.duplicate_as("metric"))
}

pub async fn delete_goal(c: &mut Conn<'_>, ws: WorkspaceId, id: GoalId) -> StoreResult<()> {
    list::set_deleted(c, "goals", ws, id.0, true).await
}

pub async fn goal(c: &mut Conn<'_>, ws: WorkspaceId, id: GoalId) -> StoreResult<Goal> {
    let mut q = goal_select(ws);
    q.and_where(Expr::col("id").eq(id.0));
    c.optional::<GoalRow>(&q)
        .await?
        .ok_or(StoreError::NotFound)?
        .try_into()
}

/// Goals of these scopes (all when `None`) whose period overlaps `[first, end)`.
pub async fn goals(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    scopes: Option<&[String]>,
    first: jiff::civil::Date,
    end: jiff::civil::Date,
) -> StoreResult<Vec<Goal>> {
    let mut q = goal_select(ws);
    // Periods are at most a year long: a goal starting a year before `first` may still run.
    let earliest = first
        .checked_sub(jiff::Span::new().years(1))
        .unwrap_or(first);
    q.and_where(Expr::col("period_start").gt(earliest.to_string()))
        .and_where(Expr::col("period_start").lt(end.to_string()))
        .order_by("period_start", Order::Asc)
        .order_by("id", Order::Asc)
        .limit(5_000);
    if let Some(s) = scopes {
        q.and_where(Expr::col("scope").is_in(s.iter().cloned()));
    }
    let rows: Vec<GoalRow> = c.all(&q).await?;
    rows.into_iter()
        .map(Goal::try_from)
        .filter(|g| {
            g.as_ref().map_or(true, |g| {
                g.data.period.end() > first && g.data.period.start < end
            })
        })
        .collect()
}

// ----- rules -----

#[derive(Clone, Debug, PartialEq)]
pub struct Rule {
    pub id: RuleId,
    pub data: RuleData,
    pub version: i64,
}

#[derive(sqlx::FromRow)]
struct RuleRow {
    id: Uuid,
    name: String,
    metric: String,
    applies_to: String,
    period_kind: String,
    condition: String,
    recovery_periods: i64,
    active: bool,
    version: i64,
}

impl TryFrom<RuleRow> for Rule {
    type Error = StoreError;
    fn try_from(r: RuleRow) -> StoreResult<Rule> {
        let corrupt = |what: &str| StoreError::Corrupt(format!("rule {}: {what}", r.id));
        let condition: Condition = serde_json::from_str(&r.condition).map_err(json_err)?;
        Ok(Rule {
            id: RuleId(r.id),
            data: RuleData {
                name: r.name,
                metric: Metric::parse(&r.metric).ok_or_else(|| corrupt("metric"))?,
                applies_to: tandem_domain::goals::AppliesTo::parse(&r.applies_to)
                    .ok_or_else(|| corrupt("applies_to"))?,
                period: PeriodKind::parse(&r.period_kind).ok_or_else(|| corrupt("period"))?,
                condition,
                recovery_periods: r.recovery_periods.clamp(1, 255) as u8,
                active: r.active,
            },
            version: r.version,
        })
    }
}

fn rule_select(ws: WorkspaceId) -> SelectStatement {
    Query::select()
        .columns([
            "id",
            "name",
            "metric",
            "applies_to",
            "period_kind",
            "condition",
            "recovery_periods",
            "active",
            "version",
        ])
        .from("intervention_rules")
        .and_where(Expr::col("workspace_id").eq(ws.0))
        .and_where(Expr::col("deleted_at").is_null())
        .to_owned()
}

fn rule_values(d: &RuleData) -> Vec<(&'static str, sea_query::Value)> {
    vec![
        ("name", d.name.clone().into()),
        ("metric", d.metric.key().into()),
        ("applies_to", d.applies_to.as_str().into()),
        ("period_kind", d.period.as_str().into()),
        (
            "condition",
            serde_json::to_string(&d.condition)
                .unwrap_or_default()
                .into(),
        ),
        ("recovery_periods", (d.recovery_periods as i64).into()),
        ("active", d.active.into()),
    ]
}

pub async fn insert_rule(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    id: RuleId,
    d: &RuleData,
    actor: Option<UserId>,
) -> StoreResult<()> {
    list::insert_record(c, "intervention_rules", ws, id.0, rule_values(d), actor).await
}

pub async fn update_rule(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    id: RuleId,
    version: i64,
    d: &RuleData,
) -> StoreResult<()> {
    list::update_record(c, "intervention_rules", ws, id.0, version, rule_values(d)).await
}

pub async fn delete_rule(c: &mut Conn<'_>, ws: WorkspaceId, id: RuleId) -> StoreResult<()> {
    list::set_deleted(c, "intervention_rules", ws, id.0, true).await
}

pub async fn rule(c: &mut Conn<'_>, ws: WorkspaceId, id: RuleId) -> StoreResult<Rule> {
    let mut q = rule_select(ws);
    q.and_where(Expr::col("id").eq(id.0));
    c.optional::<RuleRow>(&q)
        .await?
        .ok_or(StoreError::NotFound)?
        .try_into()
}

/// The names of deleted rules, for the cases they opened (a case outlives its rule).
pub async fn deleted_rule_names(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
) -> StoreResult<Vec<(RuleId, String)>> {
    #[derive(sqlx::FromRow)]
    struct Named {
        id: Uuid,
        name: String,
    }
    let q = Query::select()
        .columns(["id", "name"])
        .from("intervention_rules")
        .and_where(Expr::col("workspace_id").eq(ws.0))
        .and_where(Expr::col("deleted_at").is_not_null())
        .to_owned();
    let rows: Vec<Named> = c.all(&q).await?;
    Ok(rows.into_iter().map(|r| (RuleId(r.id), r.name)).collect())
}

pub async fn rules(c: &mut Conn<'_>, ws: WorkspaceId) -> StoreResult<Vec<Rule>> {
    let mut q = rule_select(ws);
    q.order_by("created_at", Order::Asc).limit(500);
    let rows: Vec<RuleRow> = c.all(&q).await?;
    rows.into_iter().map(Rule::try_from).collect()
}

/// Whether the workspace ever had rules (the defaults are made once, not again after
/// an admin deleted them).
pub async fn any_rules_ever(c: &mut Conn<'_>, ws: WorkspaceId) -> StoreResult<bool> {
    let q = Query::select()
        .column("id")
        .from("intervention_rules")
        .and_where(Expr::col("workspace_id").eq(ws.0))
        .limit(1)
        .to_owned();
    #[derive(sqlx::FromRow)]
    struct Id {
        #[allow(dead_code)]
        id: Uuid,
    }
    Ok(c.optional::<Id>(&q).await?.is_some())
}

// ----- cases -----

/// One period's figure in the series that fired a rule.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Figure {
    pub period: String,
    pub value: Option<i64>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Case {
    pub id: InterventionId,
    pub rule_id: RuleId,
    pub subject: Scope,
    pub open: bool,
    pub opened_period: String,
    pub figures: Vec<Figure>,
    pub data: CaseData,
    pub recovered_period: Option<String>,
    pub closed_at: Option<Instant>,
    pub closed_by: Option<UserId>,
    pub version: i64,
    pub created_at: Instant,
    pub updated_at: Instant,
}

#[derive(sqlx::FromRow)]
struct CaseRow {
    id: Uuid,
    rule_id: Uuid,
    subject: String,
    status: String,
    opened_period: String,
    figures: String,
    data: String,
    recovered_period: Option<String>,
    closed_at: Option<i64>,
    closed_by: Option<Uuid>,
    version: i64,
    created_at: i64,
    updated_at: i64,
}

impl TryFrom<CaseRow> for Case {
    type Error = StoreError;
    fn try_from(r: CaseRow) -> StoreResult<Case> {
        Ok(Case {
            id: InterventionId(r.id),
            rule_id: RuleId(r.rule_id),
            subject: Scope::parse(&r.subject)
                .ok_or_else(|| StoreError::Corrupt(format!("case {}: subject", r.id)))?,
            open: r.status == "open",
            opened_period: r.opened_period,
            figures: serde_json::from_str(&r.figures).map_err(json_err)?,
            data: serde_json::from_str(&r.data).map_err(json_err)?,
            recovered_period: r.recovered_period,
            closed_at: r.closed_at.map(Instant),
            closed_by: r.closed_by.map(UserId),
            version: r.version,
            created_at: Instant(r.created_at),
            updated_at: Instant(r.updated_at),
        })
    }
}

fn case_select(ws: WorkspaceId) -> SelectStatement {
    Query::select()
        .columns([
            "id",
            "rule_id",
            "subject",
            "status",
            "opened_period",
            "figures",
            "data",
            "recovered_period",
            "closed_at",
            "closed_by",
            "version",
            "created_at",
            "updated_at",
        ])
        .from("interventions")
        .and_where(Expr::col("workspace_id").eq(ws.0))
        .and_where(Expr::col("deleted_at").is_null())
        .to_owned()
}

pub struct NewCase<'a> {
    pub id: InterventionId,
    pub rule_id: RuleId,
    pub subject: Scope,
    pub opened_period: &'a str,
    pub figures: &'a [Figure],
}

/// Opens a case; `Duplicate` when the rule already has an open one for the subject.
pub async fn open_case(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    n: &NewCase<'_>,
    actor: Option<UserId>,
) -> StoreResult<()> {
    let user = match n.subject {
        Scope::User(u) => Some(u.0),
        _ => None,
    };
    let values = vec![
        ("rule_id", n.rule_id.0.into()),
        ("subject", n.subject.key().into()),
        ("subject_user_id", user.into()),
        ("status", "open".into()),
        ("opened_period", n.opened_period.into()),
        (
            "figures",
            serde_json::to_string(n.figures).unwrap_or_default().into(),
        ),
        (
            "data",
            serde_json::to_string(&CaseData::default())
                .unwrap_or_default()
                .into(),
        ),
    ];
    list::insert_record(c, "interventions", ws, n.id.0, values, actor)
        .await
        .map_err(|e| e.duplicate_as("subject"))
}

/// What changes on a case.
#[derive(Default)]
pub struct CaseChange<'a> {
    pub data: Option<&'a CaseData>,
    /// `Some(None)` clears it (the metric slumped again).
    pub recovered_period: Option<Option<&'a str>>,
    pub figures: Option<&'a [Figure]>,
    pub closed_by: Option<UserId>,
}

pub async fn update_case(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    id: InterventionId,
    version: i64,
    ch: &CaseChange<'_>,
) -> StoreResult<()> {
    let mut values: Vec<(&'static str, sea_query::Value)> = vec![];
    if let Some(d) = ch.data {
        values.push(("data", serde_json::to_string(d).unwrap_or_default().into()));
    }
    if let Some(r) = ch.recovered_period {
        values.push(("recovered_period", r.map(String::from).into()));
    }
    if let Some(f) = ch.figures {
        values.push((
            "figures",
            serde_json::to_string(f).unwrap_or_default().into(),
        ));
    }
    if let Some(by) = ch.closed_by {
        values.push(("status", "closed".into()));
        values.push(("closed_at", c.now().0.into()));
        values.push(("closed_by", by.0.into()));
    }
    list::update_record(c, "interventions", ws, id.0, version, values).await
}

pub async fn case(c: &mut Conn<'_>, ws: WorkspaceId, id: InterventionId) -> StoreResult<Case> {
    let mut q = case_select(ws);
    q.and_where(Expr::col("id").eq(id.0));
    c.optional::<CaseRow>(&q)
        .await?
        .ok_or(StoreError::NotFound)?
        .try_into()
}

/// Cases of these subjects (all when `None`), open ones first, then the newest.
pub async fn cases(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    subjects: Option<&[String]>,
    open_only: bool,
) -> StoreResult<Vec<Case>> {
    let mut q = case_select(ws);
    if let Some(s) = subjects {
        q.and_where(Expr::col("subject").is_in(s.iter().cloned()));
    }
    if open_only {
        q.and_where(Expr::col("status").eq("open"));
    }
    q.order_by("status", Order::Desc)
        .order_by("created_at", Order::Desc)
        .limit(500);
    let rows: Vec<CaseRow> = c.all(&q).await?;
    rows.into_iter().map(Case::try_from).collect()
}

/// The open case of a rule for a subject, if any.
pub async fn open_case_of(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    rule: RuleId,
    subject: &Scope,
) -> StoreResult<Option<Case>> {
    let mut q = case_select(ws);
    q.and_where(Expr::col("rule_id").eq(rule.0))
        .and_where(Expr::col("subject").eq(subject.key()))
        .and_where(Expr::col("status").eq("open"));
    c.optional::<CaseRow>(&q)
        .await?
        .map(Case::try_from)
        .transpose()
}
