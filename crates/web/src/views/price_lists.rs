//! `Preislisten`: prices per customer group (an account tag), kept by admins and
//! managers, used by every quote for an account in the group.

use super::{Form, FormErrors, Layout, render, render_with, see_other};
use crate::extract::Id;
use crate::{
    AppState,
    auth::{Auth, CurrentUser},
    error::{AppError, AppResult},
    i18n::Tr,
};
use askama::Template;
use axum::{
    extract::{Query, State},
    http::StatusCode,
    response::Response,
};
use serde::Deserialize;
use tandem_app::{price_lists as svc, products::may_edit};
use tandem_domain::{
    Invalid, PriceListId, ProductId,
    money::{edit_amount, parse_amount},
    product::PriceListInput,
};

pub struct ListLine {
    pub id: String,
    pub name: String,
    pub group: String,
    pub version: i64,
}

#[derive(Template)]
#[template(path = "price_lists.html")]
struct IndexPage {
    tr: Tr,
    layout: Layout,
    lists: Vec<ListLine>,
    can_edit: bool,
    name: String,
    group: String,
    errors: FormErrors,
}

#[derive(Deserialize, Default)]
pub struct Params {
    notice: Option<String>,
}

async fn index_page(
    state: &AppState,
    auth: &Auth,
    name: String,
    group: String,
    errors: FormErrors,
) -> AppResult<IndexPage> {
    let tr = Tr::new(auth.user.locale);
    Ok(IndexPage {
        layout: Layout::new(auth, "quotes", tr.t("price-lists-title")).within("price-lists"),
        lists: svc::list(&state.store, auth)
            .await?
            .into_iter()
            .map(|l| ListLine {
                id: l.id.0.to_string(),
                name: l.data.name,
                group: l.data.customer_group,
                version: l.version,
            })
            .collect(),
        can_edit: may_edit(auth),
        name,
        group,
        errors,
        tr,
    })
}

pub async fn index(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Query(p): Query<Params>,
) -> AppResult<Response> {
    let mut page = index_page(
        &state,
        &auth,
        String::new(),
        String::new(),
        FormErrors::default(),
    )
    .await?;
    page.layout = page.layout.with_notice(p.notice.as_deref());
    Ok(render(page))
}

#[derive(Deserialize, Default)]
pub struct ListForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    customer_group: String,
}

pub async fn create(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Form(f): Form<ListForm>,
) -> AppResult<Response> {
    let input = PriceListInput {
        name: f.name.clone(),
        customer_group: f.customer_group.clone(),
    };
    match svc::create(&state.store, &auth, &input).await {
        Ok(l) => Ok(see_other(&format!(
            "/price-lists/{}?notice=created",
            l.id.0
        ))),
        Err(AppError::Invalid(invalid)) => {
            let errors = FormErrors::from_invalid(&invalid, Tr::new(auth.user.locale));
            Ok(render_with(
                StatusCode::UNPROCESSABLE_ENTITY,
                index_page(&state, &auth, f.name, f.customer_group, errors).await?,
            ))
        }
        Err(e) => Err(e.into()),
    }
}

pub struct PriceLine {
    pub id: String,
    pub sku: String,
    pub name: String,
    pub list_price: String,
    pub price: String,
    pub currency: String,
}

#[derive(Template)]
#[template(path = "price_list.html")]
struct ListPage {
    tr: Tr,
    layout: Layout,
    id: String,
    group: String,
    lines: Vec<PriceLine>,
    can_edit: bool,
    errors: FormErrors,
}

async fn list_page(
    state: &AppState,
    auth: &Auth,
    id: PriceListId,
    typed: Option<&[(String, String)]>,
    errors: FormErrors,
) -> AppResult<ListPage> {
    let tr = Tr::new(auth.user.locale);
    let (list, prices) = svc::get(&state.store, auth, id).await?;
    let products = tandem_app::products::list(
        &state.store,
        auth,
        &tandem_store::products::Filter::default(),
        None,
        500,
    )
    .await?
    .items;
    let lines = products
        .into_iter()
        .map(|p| {
            let key = format!("p_{}", p.id.0);
            let stored = prices
                .iter()
                .find(|(x, _)| *x == p.id)
                .map(|(_, v)| edit_amount(*v, &p.data.list_price.currency, tr.locale))
                .unwrap_or_default();
            let price = match typed {
                Some(t) => t
                    .iter()
                    .find(|(k, _)| *k == key)
                    .map(|(_, v)| v.clone())
                    .unwrap_or_default(),
                None => stored,
            };
            PriceLine {
                id: p.id.0.to_string(),
                sku: p.data.sku,
                name: p.data.name,
                list_price: p.data.list_price.format(tr.locale),
                currency: p.data.list_price.currency,
                price,
            }
        })
        .collect();
    Ok(ListPage {
        layout: Layout::new(auth, "quotes", list.data.name.clone()).within("price-lists"),
        id: list.id.0.to_string(),
        group: list.data.customer_group,
        lines,
        can_edit: may_edit(auth),
        errors,
        tr,
    })
}

pub async fn show(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<PriceListId>,
    Query(p): Query<Params>,
) -> AppResult<Response> {
    let mut page = list_page(&state, &auth, id, None, FormErrors::default()).await?;
    page.layout = page.layout.with_notice(p.notice.as_deref());
    Ok(render(page))
}

/// The prices typed into the form (`p_<product>`), each in its product's currency; an
/// empty field takes the product off the list.
fn typed_prices(
    pairs: &[(String, String)],
    products: &[tandem_store::products::Product],
    locale: tandem_domain::Locale,
) -> Result<Vec<(ProductId, Option<i64>)>, Vec<tandem_domain::FieldError>> {
    let mut errors = vec![];
    let mut prices = vec![];
    for (k, v) in pairs {
        let Some(raw) = k.strip_prefix("p_") else {
            continue;
        };
        let Ok(pid) = raw.parse::<uuid::Uuid>() else {
            continue;
        };
        let Some(product) = products.iter().find(|p| p.id.0 == pid) else {
            continue;
        };
        let price = match v.trim() {
            "" => None,
            t => match parse_amount(t, &product.data.list_price.currency, locale) {
                Some(minor) => Some(minor),
                None => {
                    errors.push(tandem_domain::FieldError::new(k.clone(), "invalid_amount"));
                    continue;
                }
            },
        };
        prices.push((ProductId(pid), price));
    }
    if errors.is_empty() {
        Ok(prices)
    } else {
        Err(errors)
    }
}

/// Saves the prices typed on the list page (`p_<product id>`; empty = list price).
pub async fn save(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<PriceListId>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let tr = Tr::new(auth.user.locale);
    let products = tandem_app::products::list(
        &state.store,
        &auth,
        &tandem_store::products::Filter::default(),
        None,
        500,
    )
    .await?
    .items;
    let result = match typed_prices(&pairs, &products, tr.locale) {
        Ok(prices) => svc::set_prices(&state.store, &auth, id, &prices).await,
        Err(errors) => Err(Invalid(errors).into()),
    };
    match result {
        Ok(()) => Ok(see_other(&format!("/price-lists/{}?notice=saved", id.0))),
        Err(AppError::Invalid(Invalid(errs))) => {
            // `prices.<product>` is the form's field `p_<product>`.
            let errs = errs
                .into_iter()
                .map(|f| match f.field.strip_prefix("prices.") {
                    Some(p) => tandem_domain::FieldError::new(format!("p_{p}"), f.code),
                    None => f,
                })
                .collect();
            let errors = FormErrors::from_invalid(&Invalid(errs), tr);
            Ok(render_with(
                StatusCode::UNPROCESSABLE_ENTITY,
                list_page(&state, &auth, id, Some(&pairs), errors).await?,
            ))
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn delete(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<PriceListId>,
) -> AppResult<Response> {
    svc::delete(&state.store, &auth, id).await?;
    Ok(see_other("/price-lists?notice=deleted"))
}

/// The pages of this feature and what their forms post to.
pub fn routes() -> axum::Router<crate::AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/price-lists", get(index).post(create))
        .route("/price-lists/{id}", get(show).post(save))
        .route("/price-lists/{id}/delete", post(delete))
}
