//! `Angebote`: the quote list, a new quote, the line editor, the quote page with its
//! approval, sending, revisions, acceptance; orders; the PDFs; the quote settings and
//! letterhead in the administration.

use super::{Form, FormErrors, Layout, Options, query_string, render, render_with, see_other};
use crate::{
    AppState,
    auth::{Auth, CurrentUser},
    error::{AppError, AppResult},
    i18n::Tr,
};
use askama::Template;
use axum::{
    extract::{Multipart, Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde::Deserialize;
use tandem_app::quotes::{self as svc, Acceptance, Allowed, Detail};
use tandem_domain::{
    AccountId, FieldError, Invalid, Locale, OrderId, QuoteId, Role, format,
    money::{CURRENCIES, Money, edit_amount, parse_amount},
    quote::TaxRate,
    quoting::{self, Clearance, LineInput, QuoteInput, QuoteSettingsInput, Status},
};
use tandem_store::quotes::{Filter, OrderFilter, OrderRecord, Quote};

fn quote_id(raw: &str) -> AppResult<QuoteId> {
    raw.parse().map_err(|_| AppError::NotFound.into())
}

fn status_label(tr: &Tr, s: Status) -> String {
    tr.t(&format!("quote-status-{}", s.as_str().replace('_', "-")))
}

fn money(minor: i64, currency: &str, l: Locale) -> String {
    Money::new(minor, currency).format(l)
}

fn number_label(q: &Quote) -> String {
    if q.revision > 1 {
        format!("{} Rev. {}", q.number, q.revision)
    } else {
        q.number.clone()
    }
}

// ----- list -----

pub struct Row {
    pub href: String,
    pub number: String,
    pub customer: String,
    pub deal: String,
    pub status: String,
    pub status_class: String,
    pub gross: String,
    pub valid_until: String,
    pub owner: String,
}

#[derive(Template)]
#[template(path = "quotes/index.html")]
struct ListPage {
    tr: Tr,
    layout: Layout,
    q: String,
    status_options: Options,
    rows: Vec<Row>,
    next: String,
    can_write: bool,
}

#[derive(Deserialize, Default)]
pub struct ListParams {
    q: Option<String>,
    status: Option<String>,
    cursor: Option<String>,
    notice: Option<String>,
}

fn row(tr: &Tr, q: Quote) -> Row {
    Row {
        href: format!("/quotes/{}", q.id),
        number: number_label(&q),
        customer: q.account_name.clone(),
        deal: q.deal_title.clone().unwrap_or_default(),
        status: status_label(tr, q.status),
        status_class: q.status.as_str().to_string(),
        gross: money(q.gross_minor, &q.content.currency, tr.locale),
        valid_until: format::date(q.content.valid_until, tr.locale),
        owner: q.owner_name.clone(),
    }
}

pub async fn index(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Query(p): Query<ListParams>,
) -> AppResult<Response> {
    let tr = Tr::new(auth.user.locale);
    let status = p.status.clone().unwrap_or_default();
    let statuses = match status.as_str() {
        "" => vec![],
        "open" => vec![
            Status::Draft,
            Status::AwaitingApproval,
            Status::Approved,
            Status::Sent,
        ],
        s => Status::parse(s).into_iter().collect(),
    };
    let f = Filter {
        q: p.q.clone().filter(|q| !q.trim().is_empty()),
        statuses,
        ..Filter::default()
    };
    let cursor = p.cursor.as_deref().filter(|c| !c.is_empty());
    let found = match svc::list(&state.store, &auth, f.clone(), cursor, 50).await {
        Err(AppError::Invalid(_)) => svc::list(&state.store, &auth, f, None, 50).await?,
        other => other?,
    };
    let q = p.q.clone().unwrap_or_default();
    let next = found
        .next
        .map(|c| {
            format!(
                "/quotes{}",
                query_string(&[("q", &q), ("status", &status), ("cursor", &c.encode())])
            )
        })
        .unwrap_or_default();
    let mut status_options: Options = vec![
        (String::new(), tr.t("quotes-all"), status.is_empty()),
        ("open".into(), tr.t("quotes-open"), status == "open"),
    ];
    status_options.extend(Status::ALL.into_iter().map(|s| {
        (
            s.as_str().to_string(),
            status_label(&tr, s),
            s.as_str() == status,
        )
    }));
    Ok(render(ListPage {
        layout: Layout::new(&auth, "quotes", tr.t("quotes-title"))
            .within("quotes")
            .with_notice(p.notice.as_deref()),
        rows: found.items.into_iter().map(|x| row(&tr, x)).collect(),
        next,
        q,
        status_options,
        can_write: svc::may_write(&auth),
        tr,
    }))
}

/// The quotes card of a deal or account page.
pub struct QuoteCard {
    pub rows: Vec<Row>,
    pub new_href: String,
    pub can_quote: bool,
}

pub async fn card(
    state: &AppState,
    auth: &Auth,
    deal: Option<tandem_domain::DealId>,
    account: Option<AccountId>,
) -> AppResult<QuoteCard> {
    let tr = Tr::new(auth.user.locale);
    let f = Filter {
        deal_id: deal,
        account_id: if deal.is_some() { None } else { account },
        ..Filter::default()
    };
    let found = svc::list(&state.store, auth, f, None, 20).await?;
    let new_href = match (deal, account) {
        (Some(d), _) => format!("/quotes/new?deal_id={d}"),
        (None, Some(a)) => format!("/quotes/new?account_id={a}"),
        _ => "/quotes/new".into(),
    };
    Ok(QuoteCard {
        rows: found.items.into_iter().map(|q| row(&tr, q)).collect(),
        new_href,
        can_quote: svc::may_write(auth),
    })
}

/// The quotes a request page links to (those answering it, or the one whose discount
/// it approves), and where to start a quote if it asks for one.
/// A quote as a link: `(href, "Angebot AN-2026-0001 · Entwurf")`.
fn quote_link(tr: &Tr, q: &Quote) -> (String, String) {
    (
        format!("/quotes/{}", q.id),
        format!(
            "{} · {}",
            tr.t1("quote-heading", "number", &number_label(q)),
            status_label(tr, q.status)
        ),
    )
}

/// The quotes of a request page: links, where to start the quote it asks for, and the
/// quote whose discount the viewer may grant or refuse right there (an approval).
pub struct RequestQuotes {
    pub links: Vec<(String, String)>,
    pub make: String,
    /// The id of the quote to decide on, or empty.
    pub decide: String,
}

pub async fn for_request(
    state: &AppState,
    auth: &Auth,
    r: &tandem_store::requests::StoredRequest,
) -> AppResult<RequestQuotes> {
    let tr = Tr::new(auth.user.locale);
    let purpose = r.purpose;
    let f = match purpose {
        Some(tandem_domain::request::Purpose::Approval) => Filter {
            approval_request_id: Some(r.id),
            ..Filter::default()
        },
        _ => Filter {
            request_id: Some(r.id),
            ..Filter::default()
        },
    };
    let found = svc::of_request(&state.store, auth, &f).await?;
    let links = found.iter().map(|q| quote_link(&tr, q)).collect();
    let make = if purpose == Some(tandem_domain::request::Purpose::Quote)
        && svc::may_write(auth)
        && !r.status.is_closed()
    {
        format!("/quotes/new?request_id={}", r.id.0)
    } else {
        String::new()
    };
    let decide = found
        .iter()
        .find(|q| {
            purpose == Some(tandem_domain::request::Purpose::Approval)
                && q.status == tandem_domain::quoting::Status::AwaitingApproval
                && q.owner_id != auth.user.id
                && (!r.status.is_closed() || auth.user.role == tandem_domain::Role::Admin)
                && svc::may_decide(auth, Some(r))
        })
        .map(|q| q.id.to_string())
        .unwrap_or_default();
    Ok(RequestQuotes {
        links,
        make,
        decide,
    })
}

// ----- orders -----

pub struct OrderRow {
    pub href: String,
    pub number: String,
    pub quote: String,
    pub quote_href: String,
    pub customer: String,
    pub net: String,
    pub gross: String,
    pub order_date: String,
    pub delivery_date: String,
    pub reference: String,
    pub owner: String,
}

fn order_row(tr: &Tr, o: &OrderRecord) -> OrderRow {
    OrderRow {
        href: format!("/orders/{}", o.id.0),
        number: o.number.clone(),
        quote: o.quote_number.clone(),
        quote_href: format!("/quotes/{}", o.quote_id),
        customer: o.account_name.clone(),
        net: money(o.net_minor, &o.currency, tr.locale),
        gross: money(o.gross_minor, &o.currency, tr.locale),
        order_date: format::date(o.order_date, tr.locale),
        delivery_date: format::date(o.delivery_date, tr.locale),
        reference: o.customer_reference.clone(),
        owner: o.owner_name.clone(),
    }
}

#[derive(Template)]
#[template(path = "quotes/orders.html")]
struct OrdersPage {
    tr: Tr,
    layout: Layout,
    rows: Vec<OrderRow>,
    next: String,
}

#[derive(Deserialize, Default)]
pub struct OrderParams {
    cursor: Option<String>,
}

pub async fn orders(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Query(p): Query<OrderParams>,
) -> AppResult<Response> {
    let tr = Tr::new(auth.user.locale);
    let cursor = p.cursor.as_deref().filter(|c| !c.is_empty());
    let found = match svc::orders(&state.store, &auth, OrderFilter::default(), cursor, 50).await {
        Err(AppError::Invalid(_)) => {
            svc::orders(&state.store, &auth, OrderFilter::default(), None, 50).await?
        }
        other => other?,
    };
    let next = found
        .next
        .map(|c| format!("/orders{}", query_string(&[("cursor", &c.encode())])))
        .unwrap_or_default();
    Ok(render(OrdersPage {
        layout: Layout::new(&auth, "quotes", tr.t("orders-title")).within("orders"),
        rows: found.items.iter().map(|o| order_row(&tr, o)).collect(),
        next,
        tr,
    }))
}

#[derive(Template)]
#[template(path = "quotes/order.html")]
struct OrderPage {
    tr: Tr,
    layout: Layout,
    o: OrderRow,
    deal_href: String,
}

pub async fn order(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let tr = Tr::new(auth.user.locale);
    let id: OrderId = id.parse().map_err(|_| AppError::NotFound)?;
    let o = svc::order(&state.store, &auth, id).await?;
    Ok(render(OrderPage {
        layout: Layout::new(&auth, "quotes", tr.t1("order-heading", "number", &o.number))
            .within("orders"),
        deal_href: o.deal_id.map(|d| format!("/deals/{d}")).unwrap_or_default(),
        o: order_row(&tr, &o),
        tr,
    }))
}

pub async fn order_pdf(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let id: OrderId = id.parse().map_err(|_| AppError::NotFound)?;
    let (name, bytes) = svc::order_pdf(&state.store, &auth, id).await?;
    Ok(crate::api::quotes::pdf_response(&name, bytes))
}

// ----- a new quote -----

#[derive(Deserialize, Default)]
pub struct NewForm {
    #[serde(default)]
    account_id: String,
    #[serde(default)]
    account_name: String,
    #[serde(default)]
    deal_id: String,
    #[serde(default)]
    request_id: String,
    #[serde(default)]
    language: String,
    /// Ticked: a further quote for a request that has one.
    #[serde(default)]
    another: Option<String>,
}

#[derive(Template)]
#[template(path = "quotes/new.html")]
struct NewPage {
    tr: Tr,
    layout: Layout,
    form: NewForm,
    errors: FormErrors,
    language_options: Options,
    /// The customer is given (by the deal, account or request): no picker.
    fixed: bool,
    /// The quotes already answering the request: `(href, label)`.
    existing: Vec<(String, String)>,
}

/// The quotes in play for the request the form answers, as links.
async fn existing_for_request(
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

fn language_options(tr: &Tr, selected: &str) -> Options {
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
    let account = match opt_id(&form.account_id) {
        Some(a) => Ok(Some(a)),
        None if form.account_name.trim().is_empty() => {
            Err(Invalid::one("account_name", "required").into())
        }
        None => {
            tandem_app::contacts::resolve_account(&state.store, &auth, form.account_name.trim())
                .await
                .map(|a| Some(a.0))
                .map_err(|e| match e {
                    AppError::Invalid(Invalid(errs)) => AppError::Invalid(Invalid(
                        errs.into_iter()
                            .map(|f| FieldError::new("account_name", f.code))
                            .collect(),
                    )),
                    e => e,
                })
        }
    };
    let result = match account {
        Ok(account_id) => {
            let input = QuoteInput {
                account_id,
                deal_id: opt_id(&form.deal_id),
                request_id: opt_id(&form.request_id),
                language: Some(form.language.clone()).filter(|l| !l.is_empty()),
                another: form.another.is_some(),
                ..QuoteInput::default()
            };
            svc::create(&state.store, &auth, &input, state.clock.now()).await
        }
        Err(e) => Err(e.into()),
    };
    let result = match result {
        // Asked for a deliberate choice: the form again, with the quotes there are.
        Err(AppError::InUse(invalid)) if invalid.0.iter().any(|f| f.code == "quote_exists") => {
            Err(AppError::Invalid(invalid))
        }
        other => other,
    };
    match result {
        Ok(q) => Ok(see_other(&format!("/quotes/{}/edit", q.id))),
        Err(AppError::Invalid(invalid)) => {
            let errors = FormErrors::from_invalid(
                &Invalid(
                    invalid
                        .0
                        .into_iter()
                        .map(|f| {
                            let field = if f.field == "account_id" {
                                "account_name".into()
                            } else {
                                f.field
                            };
                            FieldError::new(field, f.code)
                        })
                        .collect(),
                ),
                tr,
            );
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

// ----- the quote page -----

pub struct LineView {
    pub position: usize,
    pub sku: String,
    pub name: String,
    pub description: String,
    pub quantity: String,
    pub unit: String,
    pub unit_price: String,
    pub discount: String,
    pub tax: String,
    pub total: String,
}

pub struct EventView {
    pub at: String,
    pub actor: String,
    pub what: String,
    pub detail: String,
    pub revision: i64,
}

pub struct RevisionView {
    pub label: String,
    pub sent: String,
    pub gross: String,
    pub pdf: String,
}

#[derive(Template)]
#[template(path = "quotes/show.html")]
struct ShowPage {
    tr: Tr,
    layout: Layout,
    id: String,
    status: String,
    status_class: String,
    version: i64,
    customer: String,
    customer_href: String,
    deal: String,
    deal_href: String,
    contact: String,
    owner: String,
    language: String,
    quote_date: String,
    valid_until: String,
    expired_by_date: bool,
    lines: Vec<LineView>,
    subtotals: Vec<(String, String)>,
    taxes: Vec<(String, String)>,
    gross: String,
    intro: String,
    closing: String,
    payment_terms: String,
    delivery_terms: String,
    /// The guardrail, in words, when the discount needs an approval.
    guardrail: String,
    approval_note: String,
    approval_href: String,
    allowed: Allowed,
    revisions: Vec<RevisionView>,
    events: Vec<EventView>,
    order_href: String,
    order_number: String,
    request_href: String,
    errors: FormErrors,
    today: String,
}

fn line_views(tr: &Tr, c: &quoting::QuoteContent) -> Vec<LineView> {
    c.lines
        .iter()
        .enumerate()
        .map(|(i, l)| LineView {
            position: i + 1,
            sku: l.sku.clone(),
            name: l.name.clone(),
            description: l.description.clone(),
            quantity: quoting::quantity_text(l.quantity, tr.locale),
            unit: quoting::unit_text(l.quantity, &l.unit),
            unit_price: money(l.unit_price, &c.currency, tr.locale),
            discount: if l.discount_bp > 0 {
                format::percent(l.discount_bp, tr.locale)
            } else {
                String::new()
            },
            tax: format::percent(l.tax.bp(), tr.locale),
            total: money(l.calc().net(), &c.currency, tr.locale),
        })
        .collect()
}

fn event_view(tr: &Tr, e: &tandem_store::quotes::Event) -> EventView {
    let s = |k: &str| {
        e.data
            .get(k)
            .and_then(|v| v.as_str())
            .unwrap_or("")
            .to_string()
    };
    let bp = |k: &str| e.data.get(k).and_then(|v| v.as_i64());
    let detail = match e.kind.as_str() {
        "created" => s("number"),
        "approval_requested" => {
            let mut d = tr.tn(
                "quote-event-approval-detail",
                &[
                    (
                        "discount",
                        &format::percent(bp("discount_bp").unwrap_or(0), tr.locale),
                    ),
                    (
                        "limit",
                        &format::percent(bp("limit_bp").unwrap_or(0), tr.locale),
                    ),
                    ("approver", &s("approver")),
                ],
            );
            if !s("note").is_empty() {
                d = format!("{d} — {}", s("note"));
            }
            d
        }
        "approved" | "rejected" => s("comment"),
        "declined" => s("reason"),
        "accepted" => tr.t1("quote-event-order", "number", &s("order")),
        "sent" | "revised" | "expired" | "edited" => String::new(),
        _ => String::new(),
    };
    EventView {
        at: tr.instant(&e.at),
        actor: e
            .actor_name
            .clone()
            .unwrap_or_else(|| tr.t("history-system")),
        what: tr.t(&format!("quote-event-{}", e.kind.replace('_', "-"))),
        detail,
        revision: e.revision,
    }
}

async fn show_page(
    state: &AppState,
    auth: &Auth,
    id: QuoteId,
    errors: FormErrors,
) -> AppResult<ShowPage> {
    let tr = Tr::new(auth.user.locale);
    let today = format::local_date(state.clock.now());
    let Detail {
        quote: q,
        events,
        revisions,
        order,
        approval,
        contact_name,
        limit_bp,
        clearance,
        allowed,
    } = svc::detail(&state.store, auth, id, today).await?;
    let l = tr.locale;
    let c = &q.content;
    let t = c.totals();
    let mut subtotals = vec![];
    if t.discount != 0 {
        subtotals.push((
            tr.t("quote-lines-total"),
            money(t.lines_net, &c.currency, l),
        ));
        subtotals.push((
            tr.t1(
                "quote-overall-discount",
                "percent",
                &format::percent(c.discount_bp, l),
            ),
            money(-t.discount, &c.currency, l),
        ));
    }
    subtotals.push((tr.t("quote-net"), money(t.net, &c.currency, l)));
    let taxes = t
        .taxes
        .iter()
        .map(|x| {
            (
                tr.tn(
                    "quote-tax-on",
                    &[
                        ("rate", &format::percent(x.rate.bp(), l)),
                        ("net", &money(x.net, &c.currency, l)),
                    ],
                ),
                money(x.tax, &c.currency, l),
            )
        })
        .collect();
    let guardrail = if clearance == Clearance::NeedsApproval && q.status.is_open() {
        tr.tn(
            "quote-guardrail",
            &[
                ("discount", &format::percent(q.discount_bp, l)),
                ("limit", &format::percent(limit_bp, l)),
            ],
        )
    } else {
        String::new()
    };
    let approval_note = match (&approval, q.status) {
        (Some(r), Status::AwaitingApproval) => tr.tn(
            "quote-awaiting",
            &[
                ("approver", r.assignee_name.as_deref().unwrap_or("")),
                ("due", &r.due_at.map(|d| tr.instant(&d)).unwrap_or_default()),
            ],
        ),
        _ => String::new(),
    };
    Ok(ShowPage {
        layout: Layout::new(
            auth,
            "quotes",
            tr.t1("quote-heading", "number", &number_label(&q)),
        )
        .within("quotes"),
        id: q.id.to_string(),
        status: status_label(&tr, q.status),
        status_class: q.status.as_str().into(),
        version: q.version,
        customer: q.account_name.clone(),
        customer_href: format!("/accounts/{}", q.account_id),
        deal: q.deal_title.clone().unwrap_or_default(),
        deal_href: q.deal_id.map(|d| format!("/deals/{d}")).unwrap_or_default(),
        contact: contact_name.unwrap_or_default(),
        owner: q.owner_name.clone(),
        language: tr.t(&format!("language-{}", c.language.as_str())),
        quote_date: format::date(q.quote_date, l),
        valid_until: format::date(c.valid_until, l),
        expired_by_date: q.status == Status::Sent && c.valid_until < today,
        lines: line_views(&tr, c),
        subtotals,
        taxes,
        gross: money(t.gross, &c.currency, l),
        intro: c.intro.clone(),
        closing: c.closing.clone(),
        payment_terms: c.payment_terms.clone(),
        delivery_terms: c.delivery_terms.clone(),
        guardrail,
        approval_note,
        approval_href: approval
            .map(|r| format!("/requests/{}", r.id.0))
            .unwrap_or_default(),
        allowed,
        revisions: revisions
            .iter()
            .rev()
            .map(|r| RevisionView {
                label: tr.t1("quote-revision", "n", &r.revision.to_string()),
                sent: tr.instant(&r.sent_at),
                gross: money(r.content.totals().gross, &r.content.currency, l),
                pdf: format!("/quotes/{}/pdf?revision={}", q.id, r.revision),
            })
            .collect(),
        events: events.iter().rev().map(|e| event_view(&tr, e)).collect(),
        order_href: order
            .as_ref()
            .map(|o| format!("/orders/{}", o.id.0))
            .unwrap_or_default(),
        order_number: order.map(|o| o.number).unwrap_or_default(),
        request_href: q
            .request_id
            .map(|r| format!("/requests/{}", r.0))
            .unwrap_or_default(),
        errors,
        today: today.to_string(),
        tr,
    })
}

#[derive(Deserialize, Default)]
pub struct ShowParams {
    notice: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Path(id): Path<String>,
    Query(p): Query<ShowParams>,
) -> AppResult<Response> {
    let mut page = show_page(&state, &auth, quote_id(&id)?, FormErrors::default()).await?;
    page.layout = page.layout.with_notice(p.notice.as_deref());
    Ok(render(page))
}

/// After an action: back to the quote, or the quote page with the refusal explained.
async fn after_action(
    state: &AppState,
    auth: &Auth,
    id: QuoteId,
    result: tandem_app::AppResult<()>,
    notice: &str,
) -> AppResult<Response> {
    let tr = Tr::new(auth.user.locale);
    let (status, invalid) = match result {
        Ok(()) => return Ok(see_other(&format!("/quotes/{id}?notice={notice}"))),
        Err(AppError::Invalid(i)) => (StatusCode::UNPROCESSABLE_ENTITY, i),
        Err(AppError::InUse(i)) => (StatusCode::CONFLICT, i),
        Err(AppError::Conflict { .. }) => {
            let mut page = show_page(state, auth, id, FormErrors::default()).await?;
            page.layout.notice = tr.t("conflict-reload");
            return Ok(render_with(StatusCode::CONFLICT, page));
        }
        Err(e) => return Err(e.into()),
    };
    let errors = FormErrors::from_invalid(&invalid, tr);
    Ok(render_with(
        status,
        show_page(state, auth, id, errors).await?,
    ))
}

#[derive(Deserialize, Default)]
pub struct ActionForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    decision: String,
    #[serde(default)]
    delivery_date: String,
    #[serde(default)]
    customer_reference: String,
}

impl ActionForm {
    fn version(&self) -> Option<i64> {
        self.version.parse().ok()
    }
}

pub async fn request_approval(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Path(id): Path<String>,
    Form(f): Form<ActionForm>,
) -> AppResult<Response> {
    let id = quote_id(&id)?;
    let now = state.clock.now();
    let r = svc::request_approval(&state.store, &auth, id, f.version(), Some(&f.note), now).await;
    after_action(&state, &auth, id, r.map(|_| ()), "approval-requested").await
}

pub async fn decide(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Path(id): Path<String>,
    Form(f): Form<ActionForm>,
) -> AppResult<Response> {
    let id = quote_id(&id)?;
    let approve = f.decision == "approve";
    let r = svc::decide(
        &state.store,
        &auth,
        id,
        approve,
        Some(&f.note),
        state.clock.now(),
    )
    .await;
    let notice = if approve { "approved" } else { "rejected" };
    after_action(&state, &auth, id, r.map(|_| ()), notice).await
}

pub async fn send(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Path(id): Path<String>,
    Form(f): Form<ActionForm>,
) -> AppResult<Response> {
    let id = quote_id(&id)?;
    let r = svc::send(&state.store, &auth, id, f.version(), state.clock.now()).await;
    after_action(&state, &auth, id, r.map(|_| ()), "sent").await
}

pub async fn revise(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Path(id): Path<String>,
    Form(f): Form<ActionForm>,
) -> AppResult<Response> {
    let id = quote_id(&id)?;
    match svc::revise(&state.store, &auth, id, f.version(), state.clock.now()).await {
        Ok(_) => Ok(see_other(&format!("/quotes/{id}/edit"))),
        Err(e) => after_action(&state, &auth, id, Err(e), "").await,
    }
}

pub async fn accept(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Path(id): Path<String>,
    Form(f): Form<ActionForm>,
) -> AppResult<Response> {
    let id = quote_id(&id)?;
    let a = Acceptance {
        version: f.version(),
        delivery_date: f.delivery_date.clone(),
        customer_reference: Some(f.customer_reference.clone()),
    };
    match svc::accept(&state.store, &auth, id, &a, state.clock.now()).await {
        Ok(o) => Ok(see_other(&format!("/orders/{}?notice=created", o.id.0))),
        Err(e) => after_action(&state, &auth, id, Err(e), "").await,
    }
}

pub async fn decline(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Path(id): Path<String>,
    Form(f): Form<ActionForm>,
) -> AppResult<Response> {
    let id = quote_id(&id)?;
    let r = svc::decline(
        &state.store,
        &auth,
        id,
        f.version(),
        Some(&f.note),
        state.clock.now(),
    )
    .await;
    after_action(&state, &auth, id, r.map(|_| ()), "saved").await
}

#[derive(Deserialize, Default)]
pub struct PdfParams {
    revision: Option<String>,
}

pub async fn pdf(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Path(id): Path<String>,
    Query(p): Query<PdfParams>,
) -> AppResult<Response> {
    let revision = match p.revision.as_deref() {
        None | Some("") => None,
        Some(r) => Some(r.parse::<i64>().map_err(|_| AppError::NotFound)?),
    };
    let (name, bytes) = svc::quote_pdf(&state.store, &auth, quote_id(&id)?, revision).await?;
    Ok(crate::api::quotes::pdf_response(&name, bytes))
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
    fn is_empty(&self) -> bool {
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
struct EditPage {
    tr: Tr,
    layout: Layout,
    id: String,
    number: String,
    version: String,
    contact_options: Options,
    deal_options: Options,
    language_options: Options,
    currency_options: Options,
    valid_until: String,
    discount: String,
    intro: String,
    closing: String,
    payment_terms: String,
    delivery_terms: String,
    rows: Vec<LineRow>,
    products: Vec<ProductChoice>,
    errors: FormErrors,
    totals: String,
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

/// The editor's fields as typed (`l3_name` …), in order.
struct EditForm {
    pairs: Vec<(String, String)>,
}

impl EditForm {
    fn get(&self, key: &str) -> String {
        self.pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    fn lines(&self) -> Vec<LineForm> {
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

fn line_form(l: &quoting::QuoteLine, currency: &str, locale: Locale) -> LineForm {
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

async fn edit_page(
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
    let (people, deals) = svc::choices(&state.store, auth, q.account_id).await?;
    let catalogue = svc::catalogue_for_editor(&state.store, auth, q.account_id).await?;
    let field = |key: &str, stored: String| match typed {
        Some((f, _)) => f.get(key),
        None => stored,
    };
    let contact = field(
        "contact_id",
        q.contact_id.map(|x| x.to_string()).unwrap_or_default(),
    );
    let deal = field(
        "deal_id",
        q.deal_id.map(|x| x.to_string()).unwrap_or_default(),
    );
    let language = field("language", c.language.as_str().into());
    let currency = field("currency", c.currency.clone());
    let mut lines: Vec<LineForm> = match typed {
        Some((_, lines)) => lines.to_vec(),
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
    let mut contact_options: Options =
        vec![(String::new(), tr.t("quote-no-contact"), contact.is_empty())];
    contact_options.extend(people.into_iter().map(|(id, n)| {
        let v = id.0.to_string();
        let s = v == contact;
        (v, n, s)
    }));
    let mut deal_options: Options = vec![(String::new(), tr.t("quote-no-deal"), deal.is_empty())];
    deal_options.extend(deals.into_iter().map(|(id, n)| {
        let v = id.0.to_string();
        let s = v == deal;
        (v, n, s)
    }));
    let t = c.totals();
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
        contact_options,
        deal_options,
        language_options: language_options(&tr, &language),
        currency_options: CURRENCIES
            .iter()
            .map(|(x, _)| (x.to_string(), x.to_string(), *x == currency))
            .collect(),
        valid_until: field("valid_until", c.valid_until.to_string()),
        discount: field(
            "discount",
            if c.discount_bp > 0 {
                format::percent_input(c.discount_bp, l)
            } else {
                String::new()
            },
        ),
        intro: field("intro", c.intro.clone()),
        closing: field("closing", c.closing.clone()),
        payment_terms: field("payment_terms", c.payment_terms.clone()),
        delivery_terms: field("delivery_terms", c.delivery_terms.clone()),
        rows: lines
            .into_iter()
            .enumerate()
            .map(|(i, f)| LineRow {
                i,
                tax_options: tax_options(
                    &tr,
                    if f.tax_rate.is_empty() {
                        "19"
                    } else {
                        &f.tax_rate
                    },
                ),
                f,
            })
            .collect(),
        products: catalogue
            .into_iter()
            .map(|p| ProductChoice {
                id: p.id.0.to_string(),
                price: edit_amount(p.data.list_price.minor, &p.data.list_price.currency, l),
                tax: p.data.tax.as_str().into(),
                sku: p.data.sku,
                name: p.data.name,
                unit: p.data.unit,
            })
            .collect(),
        errors,
        totals: tr.tn(
            "quote-editor-totals",
            &[
                ("net", &money(t.net, &c.currency, l)),
                ("gross", &money(t.gross, &c.currency, l)),
            ],
        ),
        tr,
    })
}

pub async fn edit(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    tandem_app::require(svc::may_write(&auth))?;
    let q = svc::get(&state.store, &auth, quote_id(&id)?).await?;
    if q.status.edit_refusal().is_some() {
        return Ok(see_other(&format!("/quotes/{}", q.id)));
    }
    let extra = if q.content.lines.is_empty() { 3 } else { 1 };
    Ok(render(
        edit_page(&state, &auth, &q, None, extra, FormErrors::default()).await?,
    ))
}

/// The typed form as quote input; the row of each sent line (to put errors back on
/// the row the user typed them in) and errors the form itself finds (amounts).
async fn typed_input(
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
            p => match parse_amount(p, &currency, locale) {
                Some(minor) => Some(minor),
                None => {
                    errors.push(FieldError::new(format!("l{i}_price"), "not_an_amount"));
                    None
                }
            },
        };
        let opt = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        rows.push(i);
        inputs.push(LineInput {
            product_id,
            sku: opt(sku),
            name: opt(&l.name),
            description: Some(l.description.clone()),
            quantity: opt(&l.quantity),
            unit: opt(&l.unit),
            unit_price,
            discount: opt(&l.discount),
            tax_rate: opt(&l.tax_rate),
        });
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
fn row_field(field: &str, rows: &[usize]) -> String {
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
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let tr = Tr::new(auth.user.locale);
    let id = quote_id(&id)?;
    let f = EditForm { pairs };
    let lines = f.lines();
    let more = !f.get("more").is_empty();
    let (input, rows, mut form_errors) = typed_input(&state, &auth, &f, &lines).await?;
    let result = if form_errors.is_empty() {
        svc::update(&state.store, &auth, id, &input, state.clock.now()).await
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

// ----- administration: quote settings, letterhead, logo -----

#[derive(Template)]
#[template(path = "admin/quotes.html")]
struct SettingsPage {
    tr: Tr,
    layout: Layout,
    quote_pattern: String,
    order_pattern: String,
    validity_days: String,
    payment_terms: String,
    delivery_terms: String,
    limits: Vec<(String, String, String)>,
    /// The letterhead's fields: name, value, maximum length, label.
    lh_fields: Vec<(String, String, usize, String)>,
    has_logo: bool,
    logo_version: i64,
    errors: FormErrors,
}

async fn settings_page(
    state: &AppState,
    auth: &Auth,
    errors: FormErrors,
) -> AppResult<SettingsPage> {
    let tr = Tr::new(auth.user.locale);
    let s = svc::settings(&state.store, auth).await?;
    let lh = svc::letterhead(&state.store, auth).await?;
    let logo = svc::logo(&state.store, auth).await?;
    let roles = [Role::Field, Role::Inside, Role::Manager, Role::Admin];
    Ok(SettingsPage {
        layout: Layout::new(auth, "admin", tr.t("quote-settings-title")).within("quotes"),
        quote_pattern: s.quote_pattern.as_str().into(),
        order_pattern: s.order_pattern.as_str().into(),
        validity_days: s.validity_days.to_string(),
        payment_terms: s.payment_terms.clone(),
        delivery_terms: s.delivery_terms.clone(),
        limits: roles
            .iter()
            .map(|r| {
                (
                    r.as_str().to_string(),
                    tr.t(&format!("role-{}", r.as_str().replace('_', "-"))),
                    format::percent_input(s.limit(*r), tr.locale),
                )
            })
            .collect(),
        lh_fields: letterhead_fields(&tr, lh),
        has_logo: logo.is_some(),
        logo_version: logo.map(|l| l.updated_at).unwrap_or_default(),
        errors,
        tr,
    })
}

/// The letterhead's form fields: name, value, maximum length, label.
fn letterhead_fields(tr: &Tr, lh: quoting::Letterhead) -> Vec<(String, String, usize, String)> {
    [
        ("company", lh.company, 200),
        ("street", lh.street, 200),
        ("postcode", lh.postcode, 20),
        ("city", lh.city, 100),
        ("country", lh.country, 100),
        ("phone", lh.phone, 50),
        ("email", lh.email, 200),
        ("website", lh.website, 200),
        ("register", lh.register, 200),
        ("managing_directors", lh.managing_directors, 300),
        ("vat_id", lh.vat_id, 20),
        ("bank_name", lh.bank_name, 100),
        ("iban", lh.iban, 42),
        ("bic", lh.bic, 11),
    ]
    .into_iter()
    .map(|(name, value, max)| {
        let label = tr.t(&format!("letterhead-{}", name.replace('_', "-")));
        (name.to_string(), value, max, label)
    })
    .collect()
}

#[derive(Deserialize, Default)]
pub struct NoticeParams {
    notice: Option<String>,
}

pub async fn settings(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Query(p): Query<NoticeParams>,
) -> AppResult<Response> {
    tandem_app::require_admin(&auth)?;
    let mut page = settings_page(&state, &auth, FormErrors::default()).await?;
    page.layout = page.layout.with_notice(p.notice.as_deref());
    Ok(render(page))
}

async fn settings_refused(state: &AppState, auth: &Auth, e: AppError) -> AppResult<Response> {
    match e {
        AppError::Invalid(invalid) => {
            let errors = FormErrors::from_invalid(&invalid, Tr::new(auth.user.locale));
            Ok(render_with(
                StatusCode::UNPROCESSABLE_ENTITY,
                settings_page(state, auth, errors).await?,
            ))
        }
        e => Err(e.into()),
    }
}

pub async fn save_settings(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
    };
    let input = QuoteSettingsInput {
        quote_pattern: get("quote_pattern"),
        order_pattern: get("order_pattern"),
        validity_days: get("validity_days"),
        payment_terms: get("payment_terms"),
        delivery_terms: get("delivery_terms"),
        max_discount: pairs
            .iter()
            .filter_map(|(k, v)| {
                k.strip_prefix("max_discount.")
                    .map(|r| (r.to_string(), v.clone()))
            })
            .collect(),
    };
    match svc::set_settings(&state.store, &auth, &input).await {
        Ok(_) => Ok(see_other("/admin/quotes?notice=saved")),
        Err(e) => settings_refused(&state, &auth, e).await,
    }
}

pub async fn save_letterhead(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let fields: serde_json::Map<String, serde_json::Value> = pairs
        .into_iter()
        .filter(|(k, _)| k != "_csrf")
        .map(|(k, v)| (k, serde_json::Value::String(v)))
        .collect();
    let lh: quoting::Letterhead = serde_json::from_value(serde_json::Value::Object(fields))
        .map_err(|e| AppError::BadRequest(e.to_string()))?;
    match svc::set_letterhead(&state.store, &auth, lh.clone()).await {
        Ok(_) => Ok(see_other("/admin/quotes?notice=saved")),
        Err(AppError::Invalid(invalid)) => {
            let errors = FormErrors::from_invalid(&invalid, Tr::new(auth.user.locale));
            let mut page = settings_page(&state, &auth, errors).await?;
            page.lh_fields = letterhead_fields(&page.tr, lh);
            Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, page))
        }
        Err(e) => Err(e.into()),
    }
}

/// The logo upload (a multipart form with one file field `logo`).
pub async fn upload_logo(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    mut multipart: Multipart,
) -> AppResult<Response> {
    tandem_app::require_admin(&auth)?;
    let mut data = None;
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) if field.name() == Some("logo") => {
                data = Some(
                    field
                        .bytes()
                        .await
                        .map_err(|_| AppError::TooLarge)?
                        .to_vec(),
                );
            }
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return settings_refused(
                    &state,
                    &auth,
                    Invalid::one("logo", "file_too_large").into(),
                )
                .await;
            }
            Err(e) => return Err(AppError::BadRequest(e.body_text()).into()),
        }
    }
    let result = match data.filter(|d| !d.is_empty()) {
        None => Err(Invalid::one("logo", "required").into()),
        Some(bytes) => svc::set_logo(&state.store, &auth, Some(bytes)).await,
    };
    match result {
        Ok(()) => Ok(see_other("/admin/quotes?notice=saved")),
        Err(e) => settings_refused(&state, &auth, e).await,
    }
}

pub async fn delete_logo(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
) -> AppResult<Response> {
    svc::set_logo(&state.store, &auth, None).await?;
    Ok(see_other("/admin/quotes?notice=deleted"))
}

pub async fn logo(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
) -> AppResult<Response> {
    let logo = svc::logo(&state.store, &auth)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, logo.content_type),
            (
                axum::http::header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; style-src 'unsafe-inline'".to_string(),
            ),
        ],
        logo.data,
    )
        .into_response())
}
