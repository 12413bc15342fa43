//! The product catalogue: everyone reads it (quotes are built from it); admins and
//! managers keep it.

use crate::{
    auth::Auth,
    error::AppResult,
    services::{checked_cursor, record_change, require},
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
