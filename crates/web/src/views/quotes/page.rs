//! One quote: its figures, timeline, approval and the actions its status allows.

use super::*;
use crate::views::href;

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
pub(super) struct ShowPage {
    pub(super) tr: Tr,
    pub(super) layout: Layout,
    pub(super) id: String,
    pub(super) status: String,
    pub(super) status_class: String,
    pub(super) version: i64,
    pub(super) customer: String,
    pub(super) customer_href: String,
    pub(super) deal: String,
    pub(super) deal_href: String,
    pub(super) contact: String,
    pub(super) owner: String,
    pub(super) language: String,
    pub(super) quote_date: String,
    pub(super) valid_until: String,
    pub(super) expired_by_date: bool,
    pub(super) lines: Vec<LineView>,
    pub(super) subtotals: Vec<(String, String)>,
    pub(super) taxes: Vec<(String, String)>,
    pub(super) gross: String,
    pub(super) intro: String,
    pub(super) closing: String,
    pub(super) payment_terms: String,
    pub(super) delivery_terms: String,
    /// The guardrail, in words, when the discount needs an approval.
    pub(super) guardrail: String,
    pub(super) approval_note: String,
    pub(super) approval_href: String,
    pub(super) allowed: Allowed,
    pub(super) revisions: Vec<RevisionView>,
    pub(super) events: Vec<EventView>,
    pub(super) order_href: String,
    pub(super) order_number: String,
    pub(super) request_href: String,
    pub(super) errors: FormErrors,
    pub(super) today: String,
}

pub(super) fn line_views(tr: &Tr, c: &quoting::QuoteContent) -> Vec<LineView> {
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

pub(super) fn event_view(tr: &Tr, e: &tandem_store::quotes::Event) -> EventView {
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

pub(super) async fn show_page(
    state: &AppState,
    auth: &Auth,
    id: QuoteId,
    errors: FormErrors,
) -> AppResult<ShowPage> {
    let tr = Tr::new(auth.user.locale);
    let today = format::local_date(state.store.now());
    let d: Detail = svc::detail(&state.store, auth, id, today).await?;
    let (q, l) = (&d.quote, tr.locale);
    let c = &q.content;
    let (subtotals, taxes) = sums(&tr, c);
    Ok(ShowPage {
        layout: Layout::new(
            auth,
            "quotes",
            tr.t1("quote-heading", "number", &number_label(q)),
        )
        .within("quotes"),
        id: q.id.to_string(),
        status: status_label(&tr, q.status),
        status_class: q.status.as_str().into(),
        version: q.version,
        customer: q.account_name.clone(),
        customer_href: format!("/accounts/{}", q.account_id),
        deal: q.deal_title.clone().unwrap_or_default(),
        deal_href: href("/deals", q.deal_id),
        contact: d.contact_name.clone().unwrap_or_default(),
        owner: q.owner_name.clone(),
        language: tr.t(&format!("language-{}", c.language.as_str())),
        quote_date: format::date(q.quote_date, l),
        valid_until: format::date(c.valid_until, l),
        expired_by_date: q.status == Status::Sent && c.valid_until < today,
        lines: line_views(&tr, c),
        subtotals,
        taxes,
        gross: money(c.totals().gross, &c.currency, l),
        intro: c.intro.clone(),
        closing: c.closing.clone(),
        payment_terms: c.payment_terms.clone(),
        delivery_terms: c.delivery_terms.clone(),
        guardrail: guardrail(&tr, q, d.clearance, d.limit_bp),
        approval_note: approval_note(&tr, d.approval.as_ref(), q.status),
        approval_href: href("/requests", d.approval.as_ref().map(|r| r.id)),
        allowed: d.allowed,
        revisions: revision_views(&tr, q, &d.revisions),
        events: d.events.iter().rev().map(|e| event_view(&tr, e)).collect(),
        order_href: href("/orders", d.order.as_ref().map(|o| o.id)),
        order_number: d
            .order
            .as_ref()
            .map(|o| o.number.clone())
            .unwrap_or_default(),
        request_href: href("/requests", q.request_id),
        errors,
        today: today.to_string(),
        tr,
    })
}

/// Label and amount, as the sums below the lines show them.
type SumLine = (String, String);

/// The sums below the lines: the subtotals (with an overall discount) and the VAT lines.
fn sums(tr: &Tr, c: &quoting::QuoteContent) -> (Vec<SumLine>, Vec<SumLine>) {
    let l = tr.locale;
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
    (subtotals, taxes)
}

/// The guardrail, in words, while the discount needs an approval.
fn guardrail(tr: &Tr, q: &Quote, clearance: Clearance, limit_bp: i64) -> String {
    if clearance == Clearance::NeedsApproval && q.status.is_open() {
        tr.tn(
            "quote-guardrail",
            &[
                ("discount", &format::percent(q.discount_bp, tr.locale)),
                ("limit", &format::percent(limit_bp, tr.locale)),
            ],
        )
    } else {
        String::new()
    }
}

/// Who has to approve the discount, and by when, while the quote waits.
fn approval_note(
    tr: &Tr,
    approval: Option<&tandem_store::requests::StoredRequest>,
    status: Status,
) -> String {
    match (approval, status) {
        (Some(r), Status::AwaitingApproval) => tr.tn(
            "quote-awaiting",
            &[
                ("approver", r.assignee_name.as_deref().unwrap_or("")),
                ("due", &r.due_at.map(|d| tr.instant(&d)).unwrap_or_default()),
            ],
        ),
        _ => String::new(),
    }
}

fn revision_views(
    tr: &Tr,
    q: &Quote,
    revisions: &[tandem_store::quotes::Revision],
) -> Vec<RevisionView> {
    revisions
        .iter()
        .rev()
        .map(|r| RevisionView {
            label: tr.t1("quote-revision", "n", &r.revision.to_string()),
            sent: tr.instant(&r.sent_at),
            gross: money(r.content.totals().gross, &r.content.currency, tr.locale),
            pdf: format!("/quotes/{}/pdf?revision={}", q.id, r.revision),
        })
        .collect()
}

#[derive(Deserialize, Default)]
pub struct ShowParams {
    pub(super) notice: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<QuoteId>,
    Query(p): Query<ShowParams>,
) -> AppResult<Response> {
    let mut page = show_page(&state, &auth, id, FormErrors::default()).await?;
    page.layout = page.layout.with_notice(p.notice.as_deref());
    Ok(render(page))
}

/// After an action: back to the quote, or the quote page with the refusal explained.
pub(super) async fn after_action(
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
    pub(super) version: String,
    #[serde(default)]
    pub(super) note: String,
    #[serde(default)]
    pub(super) decision: String,
    #[serde(default)]
    pub(super) delivery_date: String,
    #[serde(default)]
    pub(super) customer_reference: String,
}

impl ActionForm {
    pub(super) fn version(&self) -> Option<i64> {
        self.version.parse().ok()
    }
}

pub async fn request_approval(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<QuoteId>,
    Form(f): Form<ActionForm>,
) -> AppResult<Response> {
    let now = state.store.now();
    let r = svc::request_approval(&state.store, &auth, id, f.version(), Some(&f.note), now).await;
    after_action(&state, &auth, id, r.map(|_| ()), "approval-requested").await
}

pub async fn decide(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<QuoteId>,
    Form(f): Form<ActionForm>,
) -> AppResult<Response> {
    let approve = f.decision == "approve";
    let r = svc::decide(
        &state.store,
        &auth,
        id,
        approve,
        Some(&f.note),
        state.store.now(),
    )
    .await;
    let notice = if approve { "approved" } else { "rejected" };
    after_action(&state, &auth, id, r.map(|_| ()), notice).await
}

pub async fn send(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<QuoteId>,
    Form(f): Form<ActionForm>,
) -> AppResult<Response> {
    let r = svc::send(&state.store, &auth, id, f.version(), state.store.now()).await;
    after_action(&state, &auth, id, r.map(|_| ()), "sent").await
}

pub async fn revise(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<QuoteId>,
    Form(f): Form<ActionForm>,
) -> AppResult<Response> {
    match svc::revise(&state.store, &auth, id, f.version(), state.store.now()).await {
        Ok(_) => Ok(see_other(&format!("/quotes/{id}/edit"))),
        Err(e) => after_action(&state, &auth, id, Err(e), "").await,
    }
}

pub async fn accept(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<QuoteId>,
    Form(f): Form<ActionForm>,
) -> AppResult<Response> {
    let a = Acceptance {
        version: f.version(),
        delivery_date: f.delivery_date.clone(),
        customer_reference: Some(f.customer_reference.clone()),
    };
    match svc::accept(&state.store, &auth, id, &a, state.store.now()).await {
        Ok(o) => Ok(see_other(&format!("/orders/{}?notice=created", o.id.0))),
        Err(e) => after_action(&state, &auth, id, Err(e), "").await,
    }
}

pub async fn decline(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<QuoteId>,
    Form(f): Form<ActionForm>,
) -> AppResult<Response> {
    let r = svc::decline(
        &state.store,
        &auth,
        id,
        f.version(),
        Some(&f.note),
        state.store.now(),
    )
    .await;
    after_action(&state, &auth, id, r.map(|_| ()), "saved").await
}

#[derive(Deserialize, Default)]
pub struct PdfParams {
    pub(super) revision: Option<String>,
}

pub async fn pdf(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<QuoteId>,
    Query(p): Query<PdfParams>,
) -> AppResult<Response> {
    let revision = match p.revision.as_deref() {
        None | Some("") => None,
        Some(r) => Some(r.parse::<i64>().map_err(|_| AppError::NotFound)?),
    };
    let (name, bytes) = svc::quote_pdf(&state.store, &auth, id, revision).await?;
    Ok(crate::api::quotes::pdf_response(&name, bytes))
}
