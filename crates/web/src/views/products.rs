//! `Produkte`: the catalogue — search for everyone, add and change for admins and
//! managers.

use super::{Form, FormErrors, Layout, Options, query_string, render, render_with, see_other};
use crate::{
    AppState,
    auth::{Auth, CurrentUser},
    error::{AppError, AppResult},
    i18n::Tr,
};
use askama::Template;
use axum::{
    extract::{Path, Query, State},
    http::StatusCode,
    response::Response,
};
use serde::Deserialize;
use tandem_app::products as svc;
use tandem_domain::{
    Invalid,
    money::{Money, edit_amount, parse_amount},
    product::ProductInput,
    quote::TaxRate,
};
use tandem_store::products::{Filter, Product};

pub struct Line {
    pub id: String,
    pub version: i64,
    pub sku: String,
    pub name: String,
    pub description: String,
    pub unit: String,
    pub price: String,
    pub price_input: String,
    pub currency_options: Options,
    pub tax: String,
    pub tax_options: Options,
    pub active: bool,
}

#[derive(Deserialize, Default)]
pub struct ProductForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    sku: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    price: String,
    #[serde(default)]
    currency: String,
    #[serde(default)]
    tax_rate: String,
    #[serde(default)]
    active: String,
}

impl ProductForm {
    /// The input, or the price field's error (a price that is not a number).
    fn input(&self, tr: &Tr) -> Result<ProductInput, Invalid> {
        let currency = if self.currency.is_empty() {
            "EUR"
        } else {
            &self.currency
        };
        let list_price = match self.price.trim() {
            "" => None,
            p => Some(Money::new(
                parse_amount(p, currency, tr.locale)
                    .ok_or_else(|| Invalid::one("list_price", "invalid_amount"))?,
                currency,
            )),
        };
        Ok(ProductInput {
            sku: self.sku.clone(),
            name: self.name.clone(),
            description: Some(self.description.clone()),
            unit: Some(self.unit.clone()),
            list_price,
            tax_rate: Some(self.tax_rate.clone()),
            active: Some(!self.active.is_empty()),
        })
    }
}

#[derive(Template)]
#[template(path = "products.html")]
struct Page {
    tr: Tr,
    layout: Layout,
    q: String,
    lines: Vec<Line>,
    next: String,
    can_edit: bool,
    form: ProductForm,
    currency_options: Options,
    tax_options: Options,
    errors: FormErrors,
    /// What was wrong with an uploaded CSV, row by row.
    import_errors: Vec<String>,
}

#[derive(Deserialize, Default)]
pub struct Params {
    q: Option<String>,
    cursor: Option<String>,
    notice: Option<String>,
    created: Option<u32>,
    updated: Option<u32>,
}

fn tax_options(tr: &Tr, selected: &str) -> Options {
    TaxRate::ALL
        .into_iter()
        .map(|t| {
            (
                t.as_str().to_string(),
                tr.t1("product-tax", "rate", t.as_str()),
                t.as_str() == selected,
            )
        })
        .collect()
}

fn line(tr: &Tr, p: Product) -> Line {
    let d = p.data;
    Line {
        id: p.id.0.to_string(),
        version: p.version,
        price: d.list_price.format(tr.locale),
        price_input: edit_amount(d.list_price.minor, &d.list_price.currency, tr.locale),
        currency_options: crate::views::currency_options(&d.list_price.currency),
        tax: tr.t1("product-tax", "rate", d.tax.as_str()),
        tax_options: tax_options(tr, d.tax.as_str()),
        sku: d.sku,
        name: d.name,
        description: d.description.unwrap_or_default(),
        unit: d.unit,
        active: d.active,
    }
}

async fn page(
    state: &AppState,
    auth: &Auth,
    p: &Params,
    form: ProductForm,
    errors: FormErrors,
) -> AppResult<Page> {
    let tr = Tr::new(auth.user.locale);
    let q = p.q.clone().unwrap_or_default();
    let f = Filter {
        q: Some(q.clone()).filter(|q| !q.trim().is_empty()),
        active: None,
    };
    let cursor = p.cursor.as_deref().filter(|c| !c.is_empty());
    let found = match svc::list(&state.store, auth, &f, cursor, 50).await {
        Err(AppError::Invalid(_)) => svc::list(&state.store, auth, &f, None, 50).await?,
        other => other?,
    };
    let next = found
        .next
        .map(|c| {
            format!(
                "/products{}",
                query_string(&[("q", &q), ("cursor", &c.encode())])
            )
        })
        .unwrap_or_default();
    let currency = if form.currency.is_empty() {
        "EUR".to_string()
    } else {
        form.currency.clone()
    };
    let tax = if form.tax_rate.is_empty() {
        "19".to_string()
    } else {
        form.tax_rate.clone()
    };
    Ok(Page {
        layout: Layout::new(auth, "quotes", tr.t("products-title")).within("products"),
        lines: found.items.into_iter().map(|p| line(&tr, p)).collect(),
        next,
        q,
        can_edit: svc::may_edit(auth),
        currency_options: crate::views::currency_options(&currency),
        tax_options: tax_options(&tr, &tax),
        form,
        errors,
        import_errors: vec![],
        tr,
    })
}

pub async fn index(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Query(p): Query<Params>,
) -> AppResult<Response> {
    let form = ProductForm {
        active: "on".into(),
        ..ProductForm::default()
    };
    let mut page = page(&state, &auth, &p, form, FormErrors::default()).await?;
    page.layout = page.layout.with_notice(p.notice.as_deref());
    if let (Some(c), Some(u)) = (p.created, p.updated) {
        page.layout.notice = page.tr.tn(
            "products-imported",
            &[("created", &c.to_string()), ("updated", &u.to_string())],
        );
    }
    Ok(render(page))
}

/// The CSV upload (a multipart form with the file in `file`).
pub async fn import(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    mut multipart: axum::extract::Multipart,
) -> AppResult<Response> {
    let tr = Tr::new(auth.user.locale);
    let mut data = None;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| AppError::BadRequest(e.body_text()))?
    {
        if field.name() == Some("file") {
            data = Some(field.bytes().await.map_err(|_| AppError::TooLarge)?);
        }
    }
    let result = match data.filter(|d| !d.is_empty()) {
        None => Err(Invalid::one("file", "required").into()),
        Some(bytes) => svc::import(&state.store, &auth, &bytes).await,
    };
    match result {
        Ok(r) => Ok(see_other(&format!(
            "/products?created={}&updated={}",
            r.created, r.updated
        ))),
        Err(AppError::Invalid(invalid)) => {
            let mut p = page(
                &state,
                &auth,
                &Params::default(),
                ProductForm::default(),
                FormErrors::default(),
            )
            .await?;
            p.import_errors = invalid
                .0
                .iter()
                .take(50)
                .map(|f| import_error(&tr, &f.field, f.code))
                .collect();
            Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, p))
        }
        Err(e) => Err(e.into()),
    }
}

/// "Zeile 3 · Preis: Kein gültiger Betrag." from `rows[3].list_price`.
fn import_error(tr: &Tr, field: &str, code: &str) -> String {
    let message = tr.error(code);
    let Some(rest) = field.strip_prefix("rows[") else {
        if let Some(col) = field.strip_prefix("columns.") {
            return tr.t1("products-import-column-missing", "column", col);
        }
        return message;
    };
    let (row, name) = rest.split_once(']').unwrap_or((rest, ""));
    let label = match name.trim_start_matches('.') {
        "sku" => tr.t("product-sku"),
        "name" => tr.t("field-name"),
        "list_price" => tr.t("product-price"),
        "tax_rate" => tr.t("product-tax-rate"),
        "unit" => tr.t("product-unit"),
        "description" => tr.t("product-description"),
        "active" => tr.t("product-active"),
        _ => String::new(),
    };
    tr.tn(
        "products-import-error",
        &[("row", row), ("field", &label), ("message", &message)],
    )
}

async fn refused(
    state: &AppState,
    auth: &Auth,
    form: ProductForm,
    e: AppError,
) -> AppResult<Response> {
    let tr = Tr::new(auth.user.locale);
    let invalid = match e {
        AppError::Invalid(invalid) => invalid,
        AppError::Store(tandem_store::StoreError::Duplicate(field)) => Invalid::one(field, "taken"),
        AppError::Conflict { .. } => {
            let mut p = page(
                state,
                auth,
                &Params::default(),
                ProductForm::default(),
                FormErrors::default(),
            )
            .await?;
            p.layout.notice = tr.t("conflict-reload");
            return Ok(render_with(StatusCode::CONFLICT, p));
        }
        e => return Err(e.into()),
    };
    let errors = FormErrors::from_invalid(&invalid, tr);
    Ok(render_with(
        StatusCode::UNPROCESSABLE_ENTITY,
        page(state, auth, &Params::default(), form, errors).await?,
    ))
}

pub async fn create(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Form(form): Form<ProductForm>,
) -> AppResult<Response> {
    let tr = Tr::new(auth.user.locale);
    let result = match form.input(&tr) {
        Ok(input) => svc::create(&state.store, &auth, &input).await.map(|_| ()),
        Err(invalid) => Err(invalid.into()),
    };
    match result {
        Ok(()) => Ok(see_other("/products?notice=created")),
        Err(e) => refused(&state, &auth, form, e).await,
    }
}

pub async fn update(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Path(id): Path<String>,
    Form(form): Form<ProductForm>,
) -> AppResult<Response> {
    let id = id.parse().map_err(|_| AppError::NotFound)?;
    let tr = Tr::new(auth.user.locale);
    let version = form.version.parse().unwrap_or(-1);
    let result = match form.input(&tr) {
        Ok(input) => svc::update(&state.store, &auth, id, version, &input)
            .await
            .map(|_| ()),
        Err(invalid) => Err(invalid.into()),
    };
    match result {
        Ok(()) => Ok(see_other("/products?notice=saved")),
        Err(e) => refused(&state, &auth, form, e).await,
    }
}

pub async fn delete(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let id = id.parse().map_err(|_| AppError::NotFound)?;
    svc::delete(&state.store, &auth, id).await?;
    Ok(see_other("/products?notice=deleted"))
}

/// The pages of this feature and what their forms post to.
pub fn routes() -> axum::Router<crate::AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/products", get(index).post(create))
        .route("/products/import", post(import))
        .route("/products/{id}", post(update))
        .route("/products/{id}/delete", post(delete))
}
