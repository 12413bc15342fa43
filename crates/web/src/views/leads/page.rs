//! One lead: its facts, score, what is missing, its steps and the decision.

use super::*;

pub struct Fact {
    pub label: String,
    pub value: String,
}

pub struct Answer {
    pub key: String,
    pub label: String,
    pub value: String,
    pub missing: bool,
}

pub struct Step {
    pub at: String,
    pub who: String,
    pub text: String,
}

#[derive(Template)]
#[template(path = "leads/show.html")]
pub(super) struct ShowPage {
    pub(super) tr: Tr,
    pub(super) layout: Layout,
    pub(super) id: String,
    pub(super) version: i64,
    pub(super) status: String,
    pub(super) status_key: &'static str,
    pub(super) subtitle: String,
    pub(super) facts: Vec<Fact>,
    pub(super) score: i64,
    pub(super) threshold: i64,
    pub(super) parts: Vec<(String, i64)>,
    pub(super) answers: Vec<Answer>,
    /// What the gate misses, in words.
    pub(super) missing: Vec<String>,
    pub(super) can_manage: bool,
    /// What marketing can log that the lead did (`(kind, label, selected)`).
    pub(super) engagements: Options,
    pub(super) can_hand_over: bool,
    pub(super) can_decide: bool,
    pub(super) can_nurture: bool,
    pub(super) can_disqualify: bool,
    pub(super) handed_to: String,
    pub(super) request_href: String,
    pub(super) deal_href: String,
    pub(super) account_href: String,
    pub(super) rejected: String,
    pub(super) reasons: Options,
    /// What was typed into the accept or reject form (kept after a refusal).
    pub(super) typed: DecisionForm,
    pub(super) steps: Vec<Step>,
    pub(super) form: LeadFields,
    pub(super) salutation_options: Options,
    pub(super) form_source_options: Options,
    pub(super) form_campaign_options: Options,
    pub(super) state_options: Options,
    pub(super) errors: FormErrors,
    pub(super) decision_errors: FormErrors,
    /// Why an action was refused, in words (criteria by their labels).
    pub(super) alerts: Vec<String>,
}

impl ShowPage {
    pub(super) fn alert(&self, f: &tandem_domain::FieldError) -> String {
        let tr = &self.tr;
        if f.field == "score" {
            return tr.tn(
                "lead-missing-score",
                &[
                    ("have", &self.score.to_string()),
                    ("need", &self.threshold.to_string()),
                ],
            );
        }
        if let Some(key) = f.field.strip_prefix("answers.")
            && f.code == "required"
        {
            let label = self
                .answers
                .iter()
                .find(|a| a.key == key)
                .map_or(key.to_string(), |a| a.label.clone());
            return tr.t1("lead-missing-criterion", "criterion", &label);
        }
        let label = match f.field.as_str() {
            "reason" => tr.t("lead-reject-reason"),
            "comment" => tr.t("lead-reject-comment"),
            "amount" => tr.t("lead-deal-amount"),
            _ => String::new(),
        };
        if label.is_empty() {
            tr.error(f.code)
        } else {
            format!("{label}: {}", tr.error(f.code))
        }
    }
}

pub(super) fn missing_text(
    tr: &Tr,
    m: &Missing,
    s: &tandem_domain::lead_settings::LeadSettings,
) -> String {
    match m {
        Missing::Score { have, need } => tr.tn(
            "lead-missing-score",
            &[("have", &have.to_string()), ("need", &need.to_string())],
        ),
        Missing::Criterion { key } => tr.t1(
            "lead-missing-criterion",
            "criterion",
            &s.criterion_label(key),
        ),
    }
}

pub(super) fn step_text(tr: &Tr, e: &tandem_store::leads::LeadEvent) -> String {
    let s = |k: &str| e.data[k].as_str().unwrap_or("").to_string();
    match e.kind.as_str() {
        "created" => tr.t("lead-step-created"),
        "status" => {
            let to = Status::parse(&s("to"))
                .map(|st| status_label(tr, st))
                .unwrap_or_default();
            if e.data["auto"].as_bool() == Some(true) {
                tr.t1("lead-step-status-auto", "status", &to)
            } else {
                tr.t1("lead-step-status", "status", &to)
            }
        }
        "handed_over" => {
            let route = tr.t(&format!("lead-route-{}", s("route").replace('_', "-")));
            let mut text = tr.tn(
                "lead-step-handed-over",
                &[("name", &s("to")), ("route", &route)],
            );
            let skipped: Vec<&str> = e.data["skipped"]
                .as_array()
                .map(|a| a.iter().filter_map(|v| v.as_str()).collect())
                .unwrap_or_default();
            if !skipped.is_empty() {
                text.push(' ');
                text.push_str(&tr.t1("lead-step-skipped", "names", &skipped.join(", ")));
            }
            text
        }
        "accepted" => tr.t("lead-step-accepted"),
        "rejected" => tr.tn(
            "lead-step-rejected",
            &[
                ("reason", &reason_label(tr, &s("reason"))),
                ("comment", &s("comment")),
            ],
        ),
        kind => tr.tn(
            "lead-step-engagement",
            &[
                (
                    "kind",
                    &tr.t(&format!("lead-engagement-{}", kind.replace('_', "-"))),
                ),
                ("points", &e.points.unwrap_or(0).to_string()),
            ],
        ),
    }
}

fn engagement_options(tr: &Tr) -> Options {
    tandem_domain::lead::Engagement::ALL
        .into_iter()
        .map(|k| {
            let label = tr.t(&format!("lead-engagement-{}", k.as_str().replace('_', "-")));
            let points = tr.t1(
                "lead-engagement-points",
                "points",
                &k.default_points().to_string(),
            );
            let chosen = k == tandem_domain::lead::Engagement::EventAttended;
            (
                k.as_str().to_string(),
                format!("{label} ({points})"),
                chosen,
            )
        })
        .collect()
}

pub(super) fn reason_label(tr: &Tr, code: &str) -> String {
    tr.t(&format!("lead-reason-{}", code.replace('_', "-")))
}

pub(super) fn reason_options(tr: &Tr) -> Options {
    let mut o: Options = vec![(String::new(), tr.t("lead-reason-choose"), true)];
    o.extend(
        RejectReason::ALL
            .into_iter()
            .map(|r| (r.as_str().into(), reason_label(tr, r.as_str()), false)),
    );
    o
}

pub(super) fn state_options(tr: &Tr, selected: &str) -> Options {
    let mut o: Options = vec![(String::new(), tr.t("lead-state-none"), selected.is_empty())];
    o.extend(Land::ALL.into_iter().map(|l| {
        (
            l.as_str().into(),
            tr.t(&format!("land-{}", l.as_str().to_lowercase())),
            l.as_str() == selected,
        )
    }));
    o
}

pub(super) fn salutation_options(tr: &Tr, selected: &str) -> Options {
    Salutation::ALL
        .into_iter()
        .map(|s| {
            (
                s.as_str().into(),
                tr.t(&format!("salutation-{}", s.as_str())),
                s.as_str() == selected,
            )
        })
        .collect()
}

/// What is known about the lead, each with its label; empty values are left out.
fn facts(tr: &Tr, l: &tandem_store::leads::Lead) -> Vec<Fact> {
    let data = &l.data;
    let mut facts = vec![];
    let mut fact = |key: &str, v: Option<String>| {
        if let Some(v) = v.filter(|v| !v.is_empty()) {
            facts.push(Fact {
                label: tr.t(key),
                value: v,
            });
        }
    };
    fact("field-email", data.email.clone());
    fact("field-phone", data.phone.clone());
    fact("field-position", data.position.clone());
    fact("field-industry", data.industry.clone());
    fact("field-employees", data.employees.map(|e| tr.number(&e)));
    fact(
        "field-city",
        Some(
            format!(
                "{} {}",
                data.postal_code.clone().unwrap_or_default(),
                data.city.clone().unwrap_or_default()
            )
            .trim()
            .to_string(),
        ),
    );
    fact(
        "lead-source",
        Some(tr.t(&format!(
            "lead-source-{}",
            data.source.as_str().replace('_', "-")
        ))),
    );
    fact("lead-campaign", l.campaign_name.clone());
    fact("field-owner", l.owner_name.clone());
    fact(
        "lead-consent",
        data.consent_on.map(|on| {
            tr.t1(
                "lead-consent-given",
                "date",
                &tandem_domain::format::date(on, tr.locale),
            )
        }),
    );
    fact("field-notes", data.notes.clone());
    facts
}

/// The qualification criteria with the lead's answers, marking what the gate misses.
fn answers(d: &svc::Detail) -> Vec<Answer> {
    let data = &d.lead.data;
    let missing_keys: Vec<&str> = d
        .missing
        .iter()
        .filter_map(|m| match m {
            Missing::Criterion { key } => Some(key.as_str()),
            _ => None,
        })
        .collect();
    d.settings
        .criteria
        .iter()
        .map(|c| Answer {
            key: c.key.clone(),
            label: c.label.clone(),
            value: data.answers.get(&c.key).cloned().unwrap_or_default(),
            missing: missing_keys.contains(&c.key.as_str()),
        })
        .collect()
}

/// The parts of the score, engagement kinds in words.
fn score_parts(tr: &Tr, score: &tandem_domain::lead::Score) -> Vec<(String, i64)> {
    score
        .parts
        .iter()
        .map(|p| {
            let reason = if tandem_domain::lead::Engagement::ALL
                .iter()
                .any(|k| k.as_str() == p.reason)
            {
                tr.t(&format!("lead-engagement-{}", p.reason.replace('_', "-")))
            } else {
                p.reason.clone()
            };
            (reason, p.points)
        })
        .collect()
}

fn steps(tr: &Tr, events: &[tandem_store::leads::LeadEvent]) -> Vec<Step> {
    events
        .iter()
        .rev()
        .map(|e| Step {
            at: tr.instant(&e.at),
            who: e.actor_name.clone().unwrap_or_default(),
            text: step_text(tr, e),
        })
        .collect()
}

/// Why inside sales sent the lead back, while it is rejected.
fn rejected(tr: &Tr, l: &tandem_store::leads::Lead) -> String {
    match (&l.reject_reason, &l.reject_comment) {
        (Some(r), Some(c)) if l.status == Status::Rejected => tr.tn(
            "lead-rejected-because",
            &[("reason", &reason_label(tr, r.as_str())), ("comment", c)],
        ),
        _ => String::new(),
    }
}

pub(super) async fn show_page(
    state: &AppState,
    auth: &Auth,
    id: LeadId,
    edit: Option<LeadFields>,
    errors: FormErrors,
    decision_errors: FormErrors,
) -> AppResult<ShowPage> {
    let tr = Tr::new(auth.user.locale);
    let d = svc::detail(&state.store, auth, id, state.store.now()).await?;
    let l = &d.lead;
    let data = &l.data;
    let facts = facts(&tr, l);
    let answers = answers(&d);
    let parts = score_parts(&tr, &d.score);
    let edit = edit.unwrap_or_else(|| LeadFields::of(data, l.version));
    let none = tr.t("leads-no-campaign");
    let campaigns = tandem_app::campaigns::list(&state.store, auth).await?;
    Ok(ShowPage {
        layout: Layout::new(auth, "leads", data.name()).within("leads"),
        id: l.id.0.to_string(),
        version: l.version,
        status: status_label(&tr, l.status),
        status_key: l.status.as_str(),
        subtitle: data.company.clone().unwrap_or_default(),
        facts,
        score: d.score.total,
        threshold: d.settings.threshold,
        parts,
        answers,
        missing: d
            .missing
            .iter()
            .map(|m| missing_text(&tr, m, &d.settings))
            .collect(),
        can_manage: d.may_manage && l.status != Status::Converted,
        can_hand_over: d.may_manage && l.status.open_for_handoff(),
        engagements: engagement_options(&tr),
        can_decide: d.may_decide,
        can_nurture: d.may_manage && l.status.can_move_to(Status::Nurturing),
        can_disqualify: d.may_manage && l.status.can_move_to(Status::Disqualified),
        handed_to: l.assignee_name.clone().unwrap_or_default(),
        request_href: crate::views::href("/requests", l.request_id),
        deal_href: crate::views::href("/deals", l.deal_id),
        account_href: crate::views::href("/accounts", l.account_id),
        rejected: rejected(&tr, l),
        reasons: reason_options(&tr),
        typed: DecisionForm::default(),
        steps: steps(&tr, &d.events),
        salutation_options: salutation_options(&tr, &edit.salutation),
        form_source_options: source_options(&tr, &edit.source, false),
        form_campaign_options: campaign_options(&campaigns, &edit.campaign_id, &none),
        state_options: state_options(&tr, &edit.state),
        form: edit,
        errors,
        decision_errors,
        alerts: vec![],
        tr,
    })
}

#[derive(Deserialize, Default)]
pub struct Notice {
    pub(super) notice: Option<String>,
    /// `handoff`: the handoff was refused (after the redirect, so a reload posts
    /// nothing again); the page lists what the gate misses.
    #[serde(default)]
    pub(super) refused: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<LeadId>,
    Query(n): Query<Notice>,
) -> AppResult<Response> {
    let mut page = show_page(
        &state,
        &auth,
        id,
        None,
        FormErrors::default(),
        FormErrors::default(),
    )
    .await?;
    page.layout = page.layout.with_notice(n.notice.as_deref());
    if n.refused.as_deref() == Some("handoff") && !page.missing.is_empty() {
        page.alerts = page.missing.clone();
    }
    if n.notice.as_deref() == Some("handed-over") {
        page.layout.notice = page.tr.t1("lead-handed-over-to", "name", &page.handed_to);
    }
    Ok(render(page))
}
