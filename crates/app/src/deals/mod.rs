//! Deals: list, read, create, change (stage moves with exit criteria), win or lose,
//! trash and restore; audited and announced.

mod page;

pub use page::*;

use crate::{
    actor::Auth,
    error::{AppError, AppResult},
    record::{self, Record},
    require,
};
use serde_json::{Map, Value};
use tandem_domain::{
    DealId, FieldError, Invalid, PipelineId, TeamId, UserId,
    audit::diff,
    deal::{DealData, DealInput, DealStatus},
};
use tandem_store::{
    Page, Sort, Store, Tx,
    audit::{self, Action, AuditEntry},
    deals::{self, Deal, Filter, Slip, StageVisit},
    pipelines::{self, Pipeline},
    users,
};

#[derive(Clone)]
pub struct ListQuery {
    pub filter: Filter,
    pub sort: Sort,
    pub limit: u64,
    pub cursor: Option<String>,
}

pub async fn list(store: &Store, auth: &Auth, q: &ListQuery) -> AppResult<Page<Deal>> {
    let cursor = super::checked_cursor(q.limit, q.cursor.as_deref(), q.sort.as_str())?;
    let mut filter = q.filter.clone();
    filter.seen = super::seen(store, auth).await?;
    let mut c = store.read().await?;
    Ok(deals::list(
        &mut c.conn(),
        auth.user.workspace_id,
        &filter,
        q.sort,
        q.limit,
        cursor.as_ref(),
    )
    .await?)
}

pub async fn get(store: &Store, auth: &Auth, id: DealId) -> AppResult<Deal> {
    let deal = {
        let mut c = store.read().await?;
        deals::get(&mut c.conn(), auth.user.workspace_id, id).await?
    };
    super::ensure_sees(
        store,
        auth,
        &[deal.data.owner_id, deal.data.inside_partner_id],
    )
    .await?;
    Ok(deal)
}

pub async fn history(store: &Store, auth: &Auth, id: DealId) -> AppResult<Vec<AuditEntry>> {
    get(store, auth, id).await?;
    let mut c = store.read().await?;
    Ok(audit::for_entity(&mut c.conn(), auth.user.workspace_id, "deal", id.0, 200).await?)
}

/// The stages the deal went through and the slips of its close date.
pub async fn timeline(
    store: &Store,
    auth: &Auth,
    id: DealId,
) -> AppResult<(Vec<StageVisit>, Vec<Slip>)> {
    let ws = auth.user.workspace_id;
    get(store, auth, id).await?;
    let mut c = store.read().await?;
    let visits = deals::stage_history(&mut c.conn(), ws, id).await?;
    let slips = deals::slips(&mut c.conn(), ws, id).await?;
    Ok((visits, slips))
}

/// Fills in the default pipeline and stage, validates, checks every referenced record,
/// and, when the deal leaves its stage forwards or is won, the stage's exit criteria.
async fn validated(
    tx: &mut Tx,
    auth: &Auth,
    mut input: DealInput,
    before: Option<&Deal>,
) -> AppResult<DealData> {
    let ws = auth.user.workspace_id;
    let all = pipelines::list(&mut tx.conn(), ws).await?;
    let mut errors: Vec<FieldError> = vec![];
    if input.pipeline_id.is_none() {
        input.pipeline_id = match input.stage_id {
            Some(s) => all.iter().find(|p| p.stage(s).is_some()).map(|p| p.id),
            None => all.first().map(|p| p.id),
        };
    }
    let pipeline = input
        .pipeline_id
        .and_then(|id| all.iter().find(|p| p.id == id));
    match (input.pipeline_id, pipeline) {
        (None, _) if input.stage_id.is_some() => {
            errors.push(FieldError::new("stage_id", "unknown_stage"));
        }
        (None, _) => errors.push(FieldError::new("pipeline_id", "no_pipeline")),
        (Some(_), None) => errors.push(FieldError::new("pipeline_id", "unknown_pipeline")),
        _ => {}
    }
    if let Some(p) = pipeline {
        match input.stage_id {
            None => input.stage_id = p.stages.first().map(|s| s.id),
            Some(s) if p.stage(s).is_none() => {
                errors.push(FieldError::new("stage_id", "unknown_stage"));
            }
            Some(_) => {}
        }
    }
    let data =
        match input.validate() {
            Ok(d) => Some(d),
            Err(Invalid(e)) => {
                // A missing pipeline or stage is reported above already, more precisely.
                let reported = !errors.is_empty();
                errors.extend(e.into_iter().filter(|f| {
                    !(reported && matches!(f.field.as_str(), "pipeline_id" | "stage_id"))
                }));
                None
            }
        };
    let refs = super::References::of(tx, auth).await?;
    if let Some(account) = input.account_id
        && refs.account(tx, account).await?.is_none()
    {
        errors.push(FieldError::new("account_id", "unknown_account"));
    }
    for (field, user) in [
        ("owner_id", input.owner_id),
        ("inside_partner_id", input.inside_partner_id),
    ] {
        if let Some(u) = user
            && users::get(&mut tx.conn(), ws, u).await.is_err()
        {
            errors.push(FieldError::new(field, "unknown_user"));
        }
    }
    for dc in &input.contacts {
        if refs.contact(tx, dc.contact_id).await?.is_none() {
            errors.push(FieldError::new("contacts", "unknown_contact"));
            break;
        }
    }
    let mut custom = input.custom.clone();
    let entity = tandem_domain::custom::Entity::Deal;
    super::custom_fields::check(&mut tx.conn(), auth, entity, &mut custom, &mut errors).await?;
    if !errors.is_empty() {
        return Err(Invalid(errors).into());
    }
    let mut data = data.ok_or_else(|| AppError::Internal("validation without data".into()))?;
    data.custom = custom;
    if let Some(before) = before
        && before.data.status == DealStatus::Open
    {
        let old_pipeline = all.iter().find(|p| p.id == before.data.pipeline_id);
        let old_stage = old_pipeline.and_then(|p| p.stage(before.data.stage_id));
        let new_stage = pipeline.and_then(|p| p.stage(data.stage_id));
        let forward = match (old_stage, new_stage) {
            (Some(o), Some(n)) => o.pipeline_id == n.pipeline_id && n.position > o.position,
            _ => false,
        };
        if let Some(old) = old_stage
            && (forward || data.status == DealStatus::Won)
        {
            let missing = data.missing_to_leave(&old.data.exit_criteria);
            if !missing.is_empty() {
                return Err(Invalid(missing).into());
            }
        }
    }
    Ok(data)
}

pub async fn create(store: &Store, auth: &Auth, input: DealInput) -> AppResult<Deal> {
    let mut tx = store.begin().await?;
    let deal = create_in(&mut tx, auth, input).await?;
    tx.commit().await?;
    Ok(deal)
}

/// Creates a deal in the caller's transaction (a lead's conversion).
pub(crate) async fn create_in(tx: &mut Tx, auth: &Auth, mut input: DealInput) -> AppResult<Deal> {
    require(auth.user.role.can_write_records())?;
    if input.owner_id.is_none() {
        input.owner_id = Some(auth.user.id);
    }
    let data = validated(tx, auth, input, None).await?;
    let id = DealId::new();
    let ws = auth.user.workspace_id;
    deals::insert(&mut tx.conn(), ws, id, &data, Some(auth.user.id)).await?;
    record(tx, auth, id, Action::Create, diff(None, Some(&data), &[])).await?;
    let deal = deals::get(&mut tx.conn(), ws, id).await?;
    Ok(deal)
}

pub async fn update(
    store: &Store,
    auth: &Auth,
    id: DealId,
    version: i64,
    input: DealInput,
) -> AppResult<Deal> {
    require(auth.user.role.can_write_records())?;
    record::update::<Deals>(store, auth, id, version, input).await
}

/// Deals as editable records.
pub(crate) struct Deals;

impl Record for Deals {
    type Id = DealId;
    type Row = Deal;
    type Input = DealInput;
    const ENTITY: &'static str = "deal";
    const TOPIC: &'static str = "deals";

    async fn load(tx: &mut Tx, auth: &Auth, id: DealId) -> AppResult<Deal> {
        let deal = deals::get(&mut tx.conn(), auth.user.workspace_id, id).await?;
        let seen = super::seen_on(&mut tx.conn(), auth).await?;
        if !seen.sees(&[deal.data.owner_id, deal.data.inside_partner_id]) {
            return Err(AppError::NotFound);
        }
        Ok(deal)
    }

    async fn mark_deleted(tx: &mut Tx, auth: &Auth, id: DealId, deleted: bool) -> AppResult<()> {
        let ws = auth.user.workspace_id;
        Ok(deals::set_deleted(&mut tx.conn(), ws, id, deleted).await?)
    }

    fn input(row: &Deal) -> DealInput {
        row.data.to_input()
    }

    async fn save(tx: &mut Tx, auth: &Auth, before: Deal, input: DealInput) -> AppResult<Deal> {
        require(auth.user.role.can_write_records())?;
        let (ws, id) = (auth.user.workspace_id, before.id);
        let data = validated(tx, auth, input, Some(&before)).await?;
        deals::update(&mut tx.conn(), ws, &before, &data, Some(auth.user.id)).await?;
        record::record_update::<Deals, _>(tx, auth, id, &before.data, &data).await?;
        Ok(deals::get(&mut tx.conn(), ws, id).await?)
    }
}

/// Marks a deal won with `amount` in the caller's transaction (an accepted quote): the
/// stage's exit criteria apply as for any win.
pub(crate) async fn win_in(
    tx: &mut Tx,
    auth: &Auth,
    id: DealId,
    amount: tandem_domain::money::Money,
) -> AppResult<()> {
    let ws = auth.user.workspace_id;
    let before = deals::get(&mut tx.conn(), ws, id).await?;
    if before.deleted_at.is_some() || before.data.status == DealStatus::Won {
        return Ok(());
    }
    let mut input = before.data.to_input();
    input.status = Some("won".into());
    input.amount = Some(amount);
    let data = validated(tx, auth, input, Some(&before))
        .await
        .map_err(|e| match e {
            // The quote is accepted only with its deal won: name what the deal lacks.
            AppError::Invalid(Invalid(errors)) => AppError::InUse(Invalid(
                errors
                    .into_iter()
                    .map(|f| FieldError::new(format!("deal.{}", f.field), f.code))
                    .collect(),
            )),
            other => other,
        })?;
    deals::update(&mut tx.conn(), ws, &before, &data, Some(auth.user.id)).await?;
    record(
        tx,
        auth,
        id,
        Action::Update,
        diff(Some(&before.data), Some(&data), &[]),
    )
    .await
}

/// A partial update: the fields in `patch` replace the stored ones; `version` is required.
pub async fn patch(
    store: &Store,
    auth: &Auth,
    id: DealId,
    patch: Map<String, Value>,
) -> AppResult<Deal> {
    record::patch::<Deals>(store, auth, id, patch).await
}

/// Applies `change` to the stored deal and saves it (stage moves, win/lose, contacts).
pub async fn change(
    store: &Store,
    auth: &Auth,
    id: DealId,
    version: i64,
    change: impl FnOnce(&mut DealInput) + Send,
) -> AppResult<Deal> {
    require(auth.user.role.can_write_records())?;
    record::change::<Deals>(store, auth, id, version, change).await
}

pub async fn delete(store: &Store, auth: &Auth, id: DealId) -> AppResult<()> {
    record::set_deleted::<Deals>(store, auth, id, true).await
}

pub async fn restore(store: &Store, auth: &Auth, id: DealId) -> AppResult<()> {
    record::set_deleted::<Deals>(store, auth, id, false).await
}

async fn record(
    tx: &mut Tx,
    auth: &Auth,
    id: DealId,
    action: Action,
    diff: Value,
) -> AppResult<()> {
    super::record_change(tx, auth, "deal", "deals", id.0, action, diff).await
}

/// What the board shows: a pipeline, and optionally one person's or one team's deals.
#[derive(Clone, Debug, Default)]
pub struct BoardQuery {
    pub pipeline_id: Option<PipelineId>,
    pub owner_id: Option<UserId>,
    pub team_id: Option<TeamId>,
}

pub struct BoardData {
    pub pipelines: Vec<Pipeline>,
    pub pipeline: Pipeline,
    pub board: deals::Board,
    /// For the filters: the workspace's users and teams.
    pub users: Vec<users::User>,
    pub teams: Vec<users::Team>,
}

impl BoardData {
    /// The users who can own deals today (for the owner filter).
    pub fn active_users(&self) -> Vec<users::User> {
        self.users.iter().filter(|u| u.active).cloned().collect()
    }
}

/// Cards per stage column; the column's sums count every deal.
pub const BOARD_CARDS: u64 = 50;

/// The pipeline board: per stage the visible open deals, their count, sum and
/// weighted sum. Without a pipeline, the first one.
pub async fn board(store: &Store, auth: &Auth, q: &BoardQuery) -> AppResult<BoardData> {
    let ws = auth.user.workspace_id;
    let seen = super::seen(store, auth).await?;
    let mut c = store.read().await?;
    let pipelines = pipelines::list(&mut c.conn(), ws).await?;
    let pipeline = match q.pipeline_id {
        Some(id) => pipelines.iter().find(|p| p.id == id),
        None => pipelines.first(),
    }
    .ok_or(AppError::NotFound)?
    .clone();
    let all_users = users::list(&mut c.conn(), ws).await?;
    let teams = users::teams(&mut c.conn(), ws).await?;
    let people = match (q.owner_id, q.team_id) {
        (Some(owner), _) => Some(vec![owner]),
        (None, Some(team)) => Some(
            all_users
                .iter()
                .filter(|u| u.team_id == Some(team))
                .map(|u| u.id)
                .collect(),
        ),
        (None, None) => None,
    };
    let stages: Vec<_> = pipeline.stages.iter().map(|s| s.id).collect();
    let filter = deals::BoardFilter {
        pipeline_id: pipeline.id,
        people,
        seen,
        cards: BOARD_CARDS,
    };
    let board = deals::board(&mut c.conn(), ws, &stages, &filter).await?;
    Ok(BoardData {
        pipelines,
        pipeline,
        board,
        users: all_users,
        teams,
    })
}

/// Gives every listed deal a new owner, in one transaction: when one is refused (not
/// visible, in the trash, an unknown or inactive owner) none is changed.
pub async fn reassign(
    store: &Store,
    auth: &Auth,
    ids: &[DealId],
    owner: UserId,
) -> AppResult<usize> {
    require(auth.user.role.can_write_records())?;
    record::bulk::<Deals>(store, auth, ids, |input| input.owner_id = Some(owner)).await
}

/// An amount in minor units (cents) and its ISO 4217 currency.
#[derive(serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct MoneyOut {
    /// e.g. 123450 for 1.234,50
    pub minor: i64,
    /// EUR, CHF, USD, GBP, PLN, CZK, DKK, SEK, NOK, HUF, CNY or JPY
    pub currency: String,
}

impl From<tandem_domain::money::Money> for MoneyOut {
    fn from(m: tandem_domain::money::Money) -> Self {
        MoneyOut {
            minor: m.minor,
            currency: m.currency,
        }
    }
}
