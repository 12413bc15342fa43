//! Price lists per customer group: read by everyone (quotes take their prices), kept
//! by admins and managers.

use crate::{
    actor::Auth,
    error::AppResult,
    {products::may_edit, record_change, require},
};
use tandem_domain::{
    Invalid, PriceListId, ProductId, audit::diff, money::MAX_MINOR, product::PriceListInput,
};
use tandem_store::{
    Store, StoreError,
    audit::Action,
    price_lists::{self, PriceList},
    products,
};

pub async fn list(store: &Store, auth: &Auth) -> AppResult<Vec<PriceList>> {
    let mut c = store.read().await?;
    Ok(price_lists::list(&mut c.conn(), auth.user.workspace_id).await?)
}

/// A list with its prices.
pub async fn get(
    store: &Store,
    auth: &Auth,
    id: PriceListId,
) -> AppResult<(PriceList, Vec<(ProductId, i64)>)> {
    let ws = auth.user.workspace_id;
    let mut c = store.read().await?;
    let list = price_lists::get(&mut c.conn(), ws, id).await?;
    let prices = price_lists::prices(&mut c.conn(), ws, id).await?;
    Ok((list, prices))
}

pub async fn create(store: &Store, auth: &Auth, input: &PriceListInput) -> AppResult<PriceList> {
    require(may_edit(auth))?;
    let data = input.validate()?;
    let ws = auth.user.workspace_id;
    let id = PriceListId::new();
    let mut tx = store.begin().await?;
    price_lists::insert(&mut tx.conn(), ws, id, &data, Some(auth.user.id)).await?;
    record_change(
        &mut tx,
        auth,
        "price_list",
        "products",
        id.0,
        Action::Create,
        diff(None, Some(&data), &[]),
    )
    .await?;
    let list = price_lists::get(&mut tx.conn(), ws, id).await?;
    tx.commit().await?;
    Ok(list)
}

pub async fn update(
    store: &Store,
    auth: &Auth,
    id: PriceListId,
    version: i64,
    input: &PriceListInput,
) -> AppResult<PriceList> {
    require(may_edit(auth))?;
    let data = input.validate()?;
    let ws = auth.user.workspace_id;
    let mut tx = store.begin().await?;
    let before = price_lists::get(&mut tx.conn(), ws, id).await?;
    price_lists::update(&mut tx.conn(), ws, id, version, &data).await?;
    record_change(
        &mut tx,
        auth,
        "price_list",
        "products",
        id.0,
        Action::Update,
        diff(Some(&before.data), Some(&data), &[]),
    )
    .await?;
    let list = price_lists::get(&mut tx.conn(), ws, id).await?;
    tx.commit().await?;
    Ok(list)
}

pub async fn delete(store: &Store, auth: &Auth, id: PriceListId) -> AppResult<()> {
    require(may_edit(auth))?;
    let ws = auth.user.workspace_id;
    let mut tx = store.begin().await?;
    let before = price_lists::get(&mut tx.conn(), ws, id).await?;
    price_lists::set_deleted(&mut tx.conn(), ws, id).await?;
    record_change(
        &mut tx,
        auth,
        "price_list",
        "products",
        id.0,
        Action::Delete,
        diff(Some(&before.data), None, &[]),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Sets the group prices of several products at once (`None` removes one: the list
/// price applies again). Every price is checked before any is written.
pub async fn set_prices(
    store: &Store,
    auth: &Auth,
    id: PriceListId,
    prices: &[(ProductId, Option<i64>)],
) -> AppResult<()> {
    require(may_edit(auth))?;
    let ws = auth.user.workspace_id;
    let mut errors = vec![];
    for (product, price) in prices {
        if let Some(p) = price
            && (*p < 0 || *p > MAX_MINOR)
        {
            let code = if *p < 0 {
                "must_not_be_negative"
            } else {
                "out_of_range"
            };
            errors.push(tandem_domain::FieldError::new(
                format!("prices.{}", product.0),
                code,
            ));
        }
    }
    if !errors.is_empty() {
        return Err(Invalid(errors).into());
    }
    let mut tx = store.begin().await?;
    let list = price_lists::get(&mut tx.conn(), ws, id).await?;
    let before: Vec<(ProductId, i64)> = price_lists::prices(&mut tx.conn(), ws, id).await?;
    let mut changes = serde_json::Map::new();
    for (product, price) in prices {
        match products::get(&mut tx.conn(), ws, *product).await {
            Ok(_) => {}
            Err(StoreError::NotFound) => {
                return Err(Invalid::one(format!("prices.{}", product.0), "not_found").into());
            }
            Err(e) => return Err(e.into()),
        }
        let old = before.iter().find(|(p, _)| p == product).map(|(_, v)| *v);
        if old != *price {
            price_lists::set_price(&mut tx.conn(), ws, id, *product, *price).await?;
            changes.insert(product.0.to_string(), serde_json::json!([old, price]));
        }
    }
    if !changes.is_empty() {
        record_change(
            &mut tx,
            auth,
            "price_list",
            "products",
            list.id.0,
            Action::Update,
            serde_json::Value::Object(changes),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}
