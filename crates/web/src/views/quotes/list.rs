//! The quote and order lists.

use super::*;
use crate::extract::Id;

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
pub(super) struct ListPage {
    pub(super) tr: Tr,
    pub(super) layout: Layout,
    pub(super) q: String,
    pub(super) status_options: Options,
    pub(super) rows: Vec<Row>,
    pub(super) next: String,
    pub(super) can_write: bool,
}

#[derive(Deserialize, Default)]
pub struct ListParams {
    pub(super) q: Option<String>,
    pub(super) status: Option<String>,
    pub(super) cursor: Option<String>,
    pub(super) notice: Option<String>,
}

pub(super) fn row(tr: &Tr, q: Quote) -> Row {
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

/// The status filter: all, the open ones, or one status.
fn status_options(tr: &Tr, status: &str) -> Options {
    let mut options: Options = vec![
        (String::new(), tr.t("quotes-all"), status.is_empty()),
        ("open".into(), tr.t("quotes-open"), status == "open"),
    ];
    options.extend(Status::ALL.into_iter().map(|s| {
        (
            s.as_str().to_string(),
            status_label(tr, s),
            s.as_str() == status,
        )
    }));
    options
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
    Ok(render(ListPage {
        layout: Layout::new(&auth, "quotes", tr.t("quotes-title"))
            .within("quotes")
            .with_notice(p.notice.as_deref()),
        rows: found.items.into_iter().map(|x| row(&tr, x)).collect(),
        next,
        q,
        status_options: status_options(&tr, &status),
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
pub(super) fn quote_link(tr: &Tr, q: &Quote) -> (String, String) {
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

pub(super) fn order_row(tr: &Tr, o: &OrderRecord) -> OrderRow {
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
pub(super) struct OrdersPage {
    pub(super) tr: Tr,
    pub(super) layout: Layout,
    pub(super) rows: Vec<OrderRow>,
    pub(super) next: String,
}

#[derive(Deserialize, Default)]
pub struct OrderParams {
    pub(super) cursor: Option<String>,
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
pub(super) struct OrderPage {
    pub(super) tr: Tr,
    pub(super) layout: Layout,
    pub(super) o: OrderRow,
    pub(super) deal_href: String,
}

pub async fn order(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<OrderId>,
) -> AppResult<Response> {
    let tr = Tr::new(auth.user.locale);
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
    Id(id): Id<OrderId>,
) -> AppResult<Response> {
    let (name, bytes) = svc::order_pdf(&state.store, &auth, id).await?;
    Ok(crate::api::quotes::pdf_response(&name, bytes))
}
