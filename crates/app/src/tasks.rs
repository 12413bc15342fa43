//! Tasks: create, change, complete (the next occurrence of a recurring task appears by
//! itself), reopen, trash and restore.

use crate::{
    actor::Auth,
    error::{AppError, AppResult},
    record::{self, Record},
    require,
};
use serde_json::{Map, Value};
use tandem_domain::{
    FieldError, Invalid, TaskId,
    audit::diff,
    task::{TaskData, TaskInput},
};
use tandem_store::{
    Page, Store, Tx,
    audit::{self, Action, AuditEntry},
    tasks::{self, BY_DUE, Filter, Task},
    users,
};

pub async fn list(
    store: &Store,
    auth: &Auth,
    filter: &Filter,
    limit: u64,
    cursor: Option<&str>,
) -> AppResult<Page<Task>> {
    let cursor = super::checked_cursor(limit, cursor, BY_DUE)?;
    let mut filter = filter.clone();
    filter.seen = super::seen(store, auth).await?;
    let mut c = store.read().await?;
    Ok(tasks::list(
        &mut c.conn(),
        auth.user.workspace_id,
        &filter,
        limit,
        cursor.as_ref(),
    )
    .await?)
}

pub async fn get(store: &Store, auth: &Auth, id: TaskId) -> AppResult<Task> {
    let task = {
        let mut c = store.read().await?;
        tasks::get(&mut c.conn(), auth.user.workspace_id, id).await?
    };
    super::ensure_sees(store, auth, &[task.data.assignee_id]).await?;
    Ok(task)
}

pub async fn history(store: &Store, auth: &Auth, id: TaskId) -> AppResult<Vec<AuditEntry>> {
    get(store, auth, id).await?;
    let mut c = store.read().await?;
    Ok(audit::for_entity(&mut c.conn(), auth.user.workspace_id, "task", id.0, 200).await?)
}

/// Validates the input; linked records and the assignee must belong to this workspace.
async fn validated(tx: &mut Tx, auth: &Auth, input: &TaskInput) -> AppResult<TaskData> {
    let ws = auth.user.workspace_id;
    let mut errors = match input.validate() {
        Ok(_) => vec![],
        Err(Invalid(e)) => e,
    };
    if let Some(u) = input.assignee_id
        && !matches!(users::get(&mut tx.conn(), ws, u).await, Ok(ref x) if x.active)
    {
        errors.push(FieldError::new("assignee_id", "unknown_user"));
    }
    let refs = super::References::of(tx, auth).await?;
    if let Some(a) = input.account_id
        && refs.account(tx, a).await?.is_none()
    {
        errors.push(FieldError::new("account_id", "unknown_account"));
    }
    if let Some(ct) = input.contact_id
        && refs.contact(tx, ct).await?.is_none()
    {
        errors.push(FieldError::new("contact_id", "unknown_contact"));
    }
    if let Some(d) = input.deal_id
        && refs.deal(tx, d).await?.is_none()
    {
        errors.push(FieldError::new("deal_id", "unknown_deal"));
    }
    if !errors.is_empty() {
        return Err(Invalid(errors).into());
    }
    Ok(input.validate()?)
}

pub async fn create(store: &Store, auth: &Auth, mut input: TaskInput) -> AppResult<Task> {
    require(auth.user.role.can_write_records())?;
    input.assignee_id = input.assignee_id.or(Some(auth.user.id));
    let mut tx = store.begin().await?;
    let data = validated(&mut tx, auth, &input).await?;
    let id = insert(&mut tx, auth, &data).await?;
    let task = tasks::get(&mut tx.conn(), auth.user.workspace_id, id).await?;
    tx.commit().await?;
    Ok(task)
}

async fn insert(tx: &mut Tx, auth: &Auth, data: &TaskData) -> AppResult<TaskId> {
    let id = TaskId::new();
    tasks::insert(
        &mut tx.conn(),
        auth.user.workspace_id,
        id,
        data,
        Some(auth.user.id),
    )
    .await?;
    record(tx, auth, id, Action::Create, diff(None, Some(data), &[])).await?;
    Ok(id)
}

async fn live(tx: &mut Tx, auth: &Auth, id: TaskId) -> AppResult<Task> {
    let task = tasks::get(&mut tx.conn(), auth.user.workspace_id, id).await?;
    if task.deleted_at.is_some() {
        return Err(AppError::NotFound);
    }
    Ok(task)
}

/// Marks a task done; a recurring one gets its next occurrence in the same step.
/// Returns the next occurrence, if there is one.
pub async fn complete(
    store: &Store,
    auth: &Auth,
    id: TaskId,
    version: i64,
) -> AppResult<Option<Task>> {
    require(auth.user.role.can_write_records())?;
    let ws = auth.user.workspace_id;
    get(store, auth, id).await?;
    let mut tx = store.begin().await?;
    let task = live(&mut tx, auth, id).await?;
    if task.done_at.is_some() {
        return Ok(None);
    }
    let now = store.now();
    tasks::set_done(&mut tx.conn(), ws, id, version, Some(now)).await?;
    record(
        &mut tx,
        auth,
        id,
        Action::Update,
        serde_json::json!({"done": [false, true]}),
    )
    .await?;
    let today = tandem_domain::format::local_date(store.now());
    let next = match task
        .data
        .due_on
        .and_then(|due| task.data.recurrence.next_due(due, today))
    {
        Some(due) => {
            let data = TaskData {
                due_on: Some(due),
                ..task.data.clone()
            };
            let next_id = insert(&mut tx, auth, &data).await?;
            Some(tasks::get(&mut tx.conn(), ws, next_id).await?)
        }
        None => None,
    };
    tx.commit().await?;
    Ok(next)
}

pub async fn reopen(store: &Store, auth: &Auth, id: TaskId, version: i64) -> AppResult<()> {
    require(auth.user.role.can_write_records())?;
    get(store, auth, id).await?;
    let mut tx = store.begin().await?;
    live(&mut tx, auth, id).await?;
    tasks::set_done(&mut tx.conn(), auth.user.workspace_id, id, version, None).await?;
    record(
        &mut tx,
        auth,
        id,
        Action::Update,
        serde_json::json!({"done": [true, false]}),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn update(
    store: &Store,
    auth: &Auth,
    id: TaskId,
    version: i64,
    input: TaskInput,
) -> AppResult<Task> {
    record::update::<Tasks>(store, auth, id, version, input).await
}

/// A partial update: the fields in `patch` replace the stored ones; `version` is required.
pub async fn patch(
    store: &Store,
    auth: &Auth,
    id: TaskId,
    patch: Map<String, Value>,
) -> AppResult<Task> {
    record::patch::<Tasks>(store, auth, id, patch).await
}

/// Moves the record to the trash (`deleted`) or back.
pub async fn set_deleted(store: &Store, auth: &Auth, id: TaskId, deleted: bool) -> AppResult<()> {
    record::set_deleted::<Tasks>(store, auth, id, deleted).await
}

/// Tasks as editable records.
pub(crate) struct Tasks;

impl Record for Tasks {
    type Id = TaskId;
    type Row = Task;
    type Input = TaskInput;
    const ENTITY: &'static str = "task";
    const TOPIC: &'static str = "tasks";

    async fn load(tx: &mut Tx, auth: &Auth, id: TaskId) -> AppResult<Task> {
        let row = tasks::get(&mut tx.conn(), auth.user.workspace_id, id).await?;
        if !super::seen_on(&mut tx.conn(), auth)
            .await?
            .sees(&[row.data.assignee_id])
        {
            return Err(AppError::NotFound);
        }
        Ok(row)
    }

    fn input(row: &Task) -> TaskInput {
        row.data.to_input()
    }

    fn may_trash(auth: &Auth, _: &Task) -> AppResult<()> {
        require(auth.user.role.can_write_records())
    }

    async fn mark_deleted(tx: &mut Tx, auth: &Auth, id: TaskId, deleted: bool) -> AppResult<()> {
        let ws = auth.user.workspace_id;
        Ok(tasks::set_deleted(&mut tx.conn(), ws, id, deleted).await?)
    }

    async fn save(tx: &mut Tx, auth: &Auth, before: Task, input: TaskInput) -> AppResult<Task> {
        require(auth.user.role.can_write_records())?;
        let (ws, id) = (auth.user.workspace_id, before.id);
        let data = validated(tx, auth, &input).await?;
        tasks::update(&mut tx.conn(), ws, id, before.version, &data).await?;
        record::record_update::<Tasks, _>(tx, auth, id, &before.data, &data).await?;
        Ok(tasks::get(&mut tx.conn(), ws, id).await?)
    }
}

async fn record(
    tx: &mut Tx,
    auth: &Auth,
    id: TaskId,
    action: Action,
    diff: Value,
) -> AppResult<()> {
    super::record_change(tx, auth, "task", "tasks", id.0, action, diff).await
}
