//! Making a quote and editing its draft: lines from the catalogue, discounts, texts.

use super::*;
use crate::extract::Id;

#[derive(Deserialize, Default)]
pub struct NewForm {
    #[serde(default)]
    pub(super) account_id: String,
    #[serde(default)]
    pub(super) account_name: String,
    #[serde(default)]
    pub(super) deal_id: String,
    #[serde(default)]
    pub(super) request_id: String,
    #[serde(default)]
    pub(super) language: String,
    /// Ticked: a further quote for a request that has one.
    #[serde(default)]
    pub(super) another: Option<String>,
}

#[derive(Template)]
#[template(path = "quotes/new.html")]
pub(super) struct NewPage {
    pub(super) tr: Tr,
    pub(super) layout: Layout,
    pub(super) form: NewForm,
    pub(super) errors: FormErrors,
    pub(super) language_options: Options,
    /// The customer is given (by the deal, account or request): no picker.
    pub(super) fixed: bool,
    /// The quotes already answering the request: `(href, label)`.
    pub(super) existing: Vec<(String, String)>,
}

/// The quotes in play for the request the form answers, as links.
pub(super) async fn existing_for_request(
    state: &AppState,
    auth: &Auth,
    tr: &Tr,
    request_id: &str,
) -> AppResult<Vec<(String, String)>> {
    let Ok(r) = request_id.parse() else {
        return Ok(vec![]);
    };
    Ok(svc::live_quotes_for_request(&state.store, auth, r)
        .await?
        .iter()
        .map(|q| quote_link(tr, q))
        .collect())
}

pub(super) fn language_options(tr: &Tr, selected: &str) -> Options {
    Locale::ALL
        .into_iter()
        .map(|l| {
            (
                l.as_str().to_string(),
                tr.t(&format!("language-{}", l.as_str())),
                l.as_str() == selected,
            )
        })
        .collect()
}

/// `/quotes/new?account_id=…` or `?deal_id=…` or `?request_id=…`
pub async fn new(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Query(mut form): Query<NewForm>,
) -> AppResult<Response> {
    tandem_app::require(svc::may_write(&auth))?;
    let tr = Tr::new(auth.user.locale);
    if let Ok(r) = form.request_id.parse() {
        let r = tandem_app::requests::get(&state.store, &auth, r).await?;
        if let Some(a) = r.account_id {
            form.account_id = a.0.to_string();
        }
        if let Some(d) = r.deal_id {
            form.deal_id = d.0.to_string();
        }
    }
    if let Ok(d) = form.deal_id.parse() {
        let d = tandem_app::deals::get(&state.store, &auth, d).await?;
        form.account_id = d.data.account_id.0.to_string();
    }
    let mut fixed = false;
    if let Ok(a) = form.account_id.parse::<AccountId>() {
        let a = tandem_app::accounts::get(&state.store, &auth, a).await?;
        form.account_name = a.data.name;
        fixed = true;
    }
    let lang = if form.language.is_empty() {
        auth.user.locale.as_str().to_string()
    } else {
        form.language.clone()
    };
    let existing = existing_for_request(&state, &auth, &tr, &form.request_id).await?;
    Ok(render(NewPage {
        layout: Layout::new(&auth, "quotes", tr.t("quotes-new")).within("quotes"),
        language_options: language_options(&tr, &lang),
        form,
        errors: FormErrors::default(),
        fixed,
        existing,
        tr,
    }))
}

pub async fn create(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Form(form): Form<NewForm>,
) -> AppResult<Response> {
    let tr = Tr::new(auth.user.locale);
    let opt_id = |s: &str| s.parse::<uuid::Uuid>().ok();
    let input = QuoteInput {
        account_id: opt_id(&form.account_id),
        deal_id: opt_id(&form.deal_id),
        request_id: opt_id(&form.request_id),
        language: Some(form.language.clone()).filter(|l| !l.is_empty()),
        another: form.another.is_some(),
        ..QuoteInput::default()
    };
    let now = state.store.now();
    let result = svc::create_named(&state.store, &auth, &form.account_name, input, now).await;
    match result {
        Ok(q) => Ok(see_other(&format!("/quotes/{}/edit", q.id))),
        Err(AppError::Invalid(invalid)) => {
            let errors = FormErrors::from_invalid(&invalid, tr);
            let lang = form.language.clone();
            let existing = existing_for_request(&state, &auth, &tr, &form.request_id).await?;
            Ok(render_with(
                StatusCode::UNPROCESSABLE_ENTITY,
                NewPage {
                    layout: Layout::new(&auth, "quotes", tr.t("quotes-new")).within("quotes"),
                    language_options: language_options(&tr, &lang),
                    fixed: opt_id(&form.account_id).is_some(),
                    form,
                    errors,
                    existing,
                    tr,
                },
            ))
        }
        Err(e) => Err(e.into()),
    }
}

// ----- the editor -----

/// One line of the editor as typed.
#[derive(Clone, Debug, Default)]
pub struct LineForm {
    pub product_id: String,
    pub sku: String,
    pub name: String,
    pub description: String,
    pub quantity: String,
    pub unit: String,
    pub price: String,
    pub discount: String,
    pub tax_rate: String,
}

impl LineForm {
    pub(super) fn is_empty(&self) -> bool {
        [&self.sku, &self.name, &self.description, &self.price]
            .iter()
            .all(|s| s.trim().is_empty())
    }
}

pub struct LineRow {
    pub i: usize,
    pub f: LineForm,
    pub tax_options: Options,
}

pub struct ProductChoice {
    pub id: String,
    pub sku: String,
    pub name: String,
    pub unit: String,
    pub price: String,
    pub tax: String,
}

#[derive(Template)]
#[template(path = "quotes/edit.html")]
pub(super) struct EditPage {
    pub(super) tr: Tr,
    pub(super) layout: Layout,
    pub(super) id: String,
    pub(super) number: String,
    pub(super) version: String,
    pub(super) contact_options: Options,
    pub(super) deal_options: Options,
    pub(super) language_options: Options,
    pub(super) currency_options: Options,
    pub(super) valid_until: String,
    pub(super) discount: String,
    pub(super) intro: String,
    pub(super) closing: String,
    pub(super) payment_terms: String,
    pub(super) delivery_terms: String,
    pub(super) rows: Vec<LineRow>,
    pub(super) products: Vec<ProductChoice>,
    pub(super) errors: FormErrors,
    pub(super) totals: String,
}

pub(super) fn tax_options(tr: &Tr, selected: &str) -> Options {
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

/// The editor's fields as typed (`l3_name` …), in order.
pub(super) struct EditForm {
    pub(super) pairs: Vec<(String, String)>,
}

impl EditForm {
    pub(super) fn get(&self, key: &str) -> String {
        self.pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    pub(super) fn lines(&self) -> Vec<LineForm> {
        let mut out: Vec<LineForm> = vec![];
        for (k, v) in &self.pairs {
            let Some(rest) = k.strip_prefix('l') else {
                continue;
            };
            let Some((i, field)) = rest.split_once('_') else {
                continue;
            };
            let Ok(i) = i.parse::<usize>() else { continue };
            if i >= quoting::MAX_LINES + 50 {
                continue;
            }
            if out.len() <= i {
                out.resize(i + 1, LineForm::default());
            }
            let l = &mut out[i];
            let slot = match field {
                "product_id" => &mut l.product_id,
                "sku" => &mut l.sku,
                "name" => &mut l.name,
                "description" => &mut l.description,
                "quantity" => &mut l.quantity,
                "unit" => &mut l.unit,
                "price" => &mut l.price,
                "discount" => &mut l.discount,
                "tax_rate" => &mut l.tax_rate,
                _ => continue,
            };
            *slot = v.clone();
        }
        out
    }
}

pub(super) fn line_form(l: &quoting::QuoteLine, currency: &str, locale: Locale) -> LineForm {
    LineForm {
        product_id: l.product_id.map(|p| p.to_string()).unwrap_or_default(),
        sku: l.sku.clone(),
        name: l.name.clone(),
        description: l.description.clone(),
        quantity: quoting::quantity_text(l.quantity, locale).replace('.', ""),
        unit: l.unit.clone(),
        price: edit_amount(l.unit_price, currency, locale),
        discount: if l.discount_bp > 0 {
            format::percent_input(l.discount_bp, locale)
        } else {
            String::new()
        },
        tax_rate: l.tax.as_str().into(),
    }
}

pub(super) async fn edit_page(
    state: &AppState,
    auth: &Auth,
    q: &Quote,
    typed: Option<(&EditForm, &[LineForm])>,
    extra_rows: usize,
    errors: FormErrors,
) -> AppResult<EditPage> {
    let tr = Tr::new(auth.user.locale);
    let l = tr.locale;
    let c = &q.content;
    let choices = svc::editor_choices(&state.store, auth, q.account_id).await?;
    let field = |key: &str, stored: String| match typed {
        Some((f, _)) => f.get(key),
        None => stored,
    };
    let id_text = |id: Option<uuid::Uuid>| id.map(|x| x.to_string()).unwrap_or_default();
    let contact = field("contact_id", id_text(q.contact_id.map(|x| x.0)));
    let deal = field("deal_id", id_text(q.deal_id.map(|x| x.0)));
    let language = field("language", c.language.as_str().into());
    let currency = field("currency", c.currency.clone());
    let lines = line_forms(c, typed.map(|(_, lines)| lines), extra_rows, l);
    Ok(EditPage {
        layout: Layout::new(
            auth,
            "quotes",
            tr.t1("quote-edit-heading", "number", &number_label(q)),
        )
        .within("quotes"),
        id: q.id.to_string(),
        number: number_label(q),
        version: field("version", q.version.to_string()),
        contact_options: choice_options(tr.t("quote-no-contact"), choices.contacts, &contact),
        deal_options: choice_options(tr.t("quote-no-deal"), choices.deals, &deal),
        language_options: language_options(&tr, &language),
        currency_options: crate::views::currency_options(&currency),
        valid_until: field("valid_until", c.valid_until.to_string()),
        discount: field("discount", discount_input(c.discount_bp, l)),
        intro: field("intro", c.intro.clone()),
        closing: field("closing", c.closing.clone()),
        payment_terms: field("payment_terms", c.payment_terms.clone()),
        delivery_terms: field("delivery_terms", c.delivery_terms.clone()),
        rows: line_rows(&tr, lines),
        products: product_choices(choices.catalogue, l),
        errors,
        totals: totals_line(&tr, c),
        tr,
    })
}

/// The overall discount as the form shows it: empty for none.
fn discount_input(bp: i64, l: Locale) -> String {
    if bp > 0 {
        format::percent_input(bp, l)
    } else {
        String::new()
    }
}

/// The lines as typed (after a refusal) or as stored, with `extra_rows` empty ones.
fn line_forms(
    c: &quoting::QuoteContent,
    typed: Option<&[LineForm]>,
    extra_rows: usize,
    l: Locale,
) -> Vec<LineForm> {
    let mut lines: Vec<LineForm> = match typed {
        Some(lines) => lines.to_vec(),
        None => c
            .lines
            .iter()
            .map(|x| line_form(x, &c.currency, l))
            .collect(),
    };
    lines.extend(std::iter::repeat_n(
        LineForm {
            quantity: "1".into(),
            tax_rate: "19".into(),
            ..LineForm::default()
        },
        extra_rows,
    ));
    lines
}

fn totals_line(tr: &Tr, c: &quoting::QuoteContent) -> String {
    let t = c.totals();
    tr.tn(
        "quote-editor-totals",
        &[
            ("net", &money(t.net, &c.currency, tr.locale)),
            ("gross", &money(t.gross, &c.currency, tr.locale)),
        ],
    )
}

/// A choice of records with "none" first, the current one selected.
fn choice_options<I: std::fmt::Display>(
    none: String,
    items: Vec<(I, String)>,
    selected: &str,
) -> Options {
    let mut options: Options = vec![(String::new(), none, selected.is_empty())];
    options.extend(items.into_iter().map(|(id, name)| {
        let value = id.to_string();
        let chosen = value == selected;
        (value, name, chosen)
    }));
    options
}

fn line_rows(tr: &Tr, lines: Vec<LineForm>) -> Vec<LineRow> {
    lines
        .into_iter()
        .enumerate()
        .map(|(i, f)| LineRow {
            i,
            tax_options: tax_options(
                tr,
                if f.tax_rate.is_empty() {
                    "19"
                } else {
                    &f.tax_rate
                },
            ),
            f,
        })
        .collect()
}

fn product_choices(
    catalogue: Vec<tandem_store::products::Product>,
    l: Locale,
) -> Vec<ProductChoice> {
    catalogue
        .into_iter()
        .map(|p| ProductChoice {
            id: p.id.0.to_string(),
            price: edit_amount(p.data.list_price.minor, &p.data.list_price.currency, l),
            tax: p.data.tax.as_str().into(),
            sku: p.data.sku,
            name: p.data.name,
            unit: p.data.unit,
        })
        .collect()
}

pub async fn edit(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<QuoteId>,
) -> AppResult<Response> {
    tandem_app::require(svc::may_write(&auth))?;
    let q = svc::get(&state.store, &auth, id).await?;
    if q.status.edit_refusal().is_some() {
        return Ok(see_other(&format!("/quotes/{}", q.id)));
    }
    let extra = if q.content.lines.is_empty() { 3 } else { 1 };
    Ok(render(
        edit_page(&state, &auth, &q, None, extra, FormErrors::default()).await?,
    ))
}

/// One typed line of the editor as the domain reads it; a SKU names the product.
async fn line_input(
    state: &AppState,
    auth: &Auth,
    i: usize,
    l: &LineForm,
    currency: &str,
    locale: Locale,
    errors: &mut Vec<FieldError>,
) -> AppResult<LineInput> {
    let mut product_id = l.product_id.parse::<uuid::Uuid>().ok();
    let sku = l.sku.trim();
    if !sku.is_empty() {
        match svc::product_by_sku(&state.store, auth, sku).await? {
            Some(p) => product_id = Some(p.id.0),
            None if product_id.is_some() => product_id = None,
            None => {}
        }
    }
    let unit_price = match l.price.trim() {
        "" => None,
        p => match parse_amount(p, currency, locale) {
            Some(minor) => Some(minor),
            None => {
                errors.push(FieldError::new(format!("l{i}_price"), "not_an_amount"));
                None
            }
        },
    };
    let opt = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
    Ok(LineInput {
        product_id,
        sku: opt(sku),
        name: opt(&l.name),
        description: Some(l.description.clone()),
        quantity: opt(&l.quantity),
        unit: opt(&l.unit),
        unit_price,
        discount: opt(&l.discount),
        tax_rate: opt(&l.tax_rate),
    })
}

/// The typed form as quote input; the row of each sent line (to put errors back on
/// the row the user typed them in) and errors the form itself finds (amounts).
pub(super) async fn typed_input(
    state: &AppState,
    auth: &Auth,
    f: &EditForm,
    lines: &[LineForm],
) -> AppResult<(QuoteInput, Vec<usize>, Vec<FieldError>)> {
    let locale = auth.user.locale;
    let currency = match f.get("currency") {
        c if c.is_empty() => "EUR".to_string(),
        c => c,
    };
    let mut errors = vec![];
    let mut rows = vec![];
    let mut inputs = vec![];
    for (i, l) in lines.iter().enumerate() {
        if l.is_empty() {
            continue;
        }
        rows.push(i);
        inputs.push(line_input(state, auth, i, l, &currency, locale, &mut errors).await?);
    }
    let id = |k: &str| f.get(k).parse::<uuid::Uuid>().ok();
    let input = QuoteInput {
        contact_id: id("contact_id"),
        deal_id: id("deal_id"),
        language: Some(f.get("language")).filter(|s| !s.is_empty()),
        currency: Some(currency),
        valid_until: Some(f.get("valid_until")),
        intro: Some(f.get("intro")),
        closing: Some(f.get("closing")),
        payment_terms: Some(f.get("payment_terms")),
        delivery_terms: Some(f.get("delivery_terms")),
        discount: Some(f.get("discount")),
        lines: Some(inputs),
        version: f.get("version").parse().ok(),
        ..QuoteInput::default()
    };
    Ok((input, rows, errors))
}

/// `lines[3].name` → `l<row>_name` (the row the user typed line 3 in).
pub(super) fn row_field(field: &str, rows: &[usize]) -> String {
    let Some(rest) = field.strip_prefix("lines[") else {
        return field.to_string();
    };
    let Some((j, f)) = rest.split_once("].") else {
        return field.to_string();
    };
    let row = j
        .parse::<usize>()
        .ok()
        .and_then(|j| rows.get(j).copied())
        .unwrap_or(0);
    let f = if f == "unit_price" { "price" } else { f };
    format!("l{row}_{f}")
}

pub async fn save(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<QuoteId>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let tr = Tr::new(auth.user.locale);
    let f = EditForm { pairs };
    let lines = f.lines();
    let more = !f.get("more").is_empty();
    let (input, rows, mut form_errors) = typed_input(&state, &auth, &f, &lines).await?;
    let result = if form_errors.is_empty() {
        svc::update(&state.store, &auth, id, &input, state.store.now()).await
    } else {
        Err(Invalid(vec![]).into())
    };
    match result {
        Ok(q) if more => Ok(render(
            edit_page(&state, &auth, &q, None, 5, FormErrors::default()).await?,
        )),
        Ok(q) => Ok(see_other(&format!("/quotes/{}?notice=saved", q.id))),
        Err(AppError::Invalid(Invalid(errs))) => {
            form_errors.extend(
                errs.into_iter()
                    .map(|e| FieldError::new(row_field(&e.field, &rows), e.code)),
            );
            let q = svc::get(&state.store, &auth, id).await?;
            let errors = FormErrors::from_invalid(&Invalid(form_errors), tr);
            Ok(render_with(
                StatusCode::UNPROCESSABLE_ENTITY,
                edit_page(&state, &auth, &q, Some((&f, &lines)), 0, errors).await?,
            ))
        }
        Err(AppError::InUse(_)) => Ok(see_other(&format!("/quotes/{id}"))),
        Err(AppError::Conflict { .. }) => {
            let q = svc::get(&state.store, &auth, id).await?;
            let mut page = edit_page(&state, &auth, &q, None, 0, FormErrors::default()).await?;
            page.layout.notice = tr.t("conflict-reload");
            Ok(render_with(StatusCode::CONFLICT, page))
        }
        Err(e) => Err(e.into()),
    }
}
