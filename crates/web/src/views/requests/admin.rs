//! Administration: request types and the mail relay.

use super::*;

pub struct TypeLine {
    pub id: String,
    pub version: i64,
    pub name: String,
    pub sla_hours: String,
    pub reminder: i64,
    pub team_lead: bool,
    pub queue: bool,
    pub manager: bool,
}

#[derive(Template)]
#[template(path = "admin/request_types.html")]
pub(super) struct TypesPage {
    pub(super) tr: Tr,
    pub(super) layout: Layout,
    pub(super) lines: Vec<TypeLine>,
    pub(super) form: TypeForm,
    pub(super) errors: FormErrors,
}

#[derive(Deserialize, Default)]
pub struct TypeForm {
    #[serde(default)]
    pub(super) version: String,
    #[serde(default)]
    pub(super) name: String,
    #[serde(default)]
    pub(super) sla_hours: String,
    #[serde(default)]
    pub(super) reminder_percent: String,
    #[serde(default)]
    pub(super) team_lead: String,
    #[serde(default)]
    pub(super) queue: String,
    #[serde(default)]
    pub(super) manager: String,
}

impl TypeForm {
    pub(super) fn input(&self) -> RequestTypeInput {
        let mut escalation = vec![];
        if !self.team_lead.is_empty() {
            escalation.push(EscalationStep::TeamLead.as_str().to_string());
        }
        if !self.queue.is_empty() {
            escalation.push(EscalationStep::Queue.as_str().to_string());
        }
        if !self.manager.is_empty() {
            escalation.push(EscalationStep::Manager.as_str().to_string());
        }
        RequestTypeInput {
            name: self.name.clone(),
            sla_hours: match self.sla_hours.trim() {
                "" => None,
                s => Some(s.replace(',', ".").parse().unwrap_or(f64::NAN)),
            },
            reminder_percent: match self.reminder_percent.trim() {
                "" => None,
                s => Some(s.parse().unwrap_or(-1)),
            },
            escalation,
        }
    }
}

pub(super) async fn types_page(
    state: &AppState,
    auth: &Auth,
    form: TypeForm,
    errors: FormErrors,
) -> AppResult<TypesPage> {
    tandem_app::require_admin(auth)?;
    let tr = Tr::new(auth.user.locale);
    let lines = svc::types(&state.store, auth)
        .await?
        .into_iter()
        .map(|t| TypeLine {
            id: t.id.0.to_string(),
            version: t.version,
            name: t.data.name,
            sla_hours: format_hours(t.data.sla_minutes as f64 / 60.0),
            reminder: t.data.reminder_bp / 100,
            team_lead: t.data.escalation.contains(&EscalationStep::TeamLead),
            queue: t.data.escalation.contains(&EscalationStep::Queue),
            manager: t.data.escalation.contains(&EscalationStep::Manager),
        })
        .collect();
    Ok(TypesPage {
        layout: Layout::new(auth, "admin", tr.t("request-types-title")).within("request-types"),
        lines,
        form,
        errors,
        tr,
    })
}

pub async fn types(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Query(n): Query<Notice>,
) -> AppResult<Response> {
    let form = TypeForm {
        reminder_percent: "75".into(),
        team_lead: "on".into(),
        manager: "on".into(),
        ..TypeForm::default()
    };
    let mut p = types_page(&state, &auth, form, FormErrors::default()).await?;
    p.layout = p.layout.with_notice(n.notice.as_deref());
    Ok(render(p))
}

pub(super) async fn type_refused(
    state: &AppState,
    auth: &Auth,
    form: TypeForm,
    e: AppError,
) -> AppResult<Response> {
    match e {
        AppError::Invalid(invalid) => {
            let errors = FormErrors::from_invalid(&invalid, Tr::new(auth.user.locale));
            Ok(render_with(
                StatusCode::UNPROCESSABLE_ENTITY,
                types_page(state, auth, form, errors).await?,
            ))
        }
        AppError::Store(tandem_store::StoreError::Duplicate(field)) => {
            let invalid = tandem_domain::Invalid::one(field, "taken");
            let errors = FormErrors::from_invalid(&invalid, Tr::new(auth.user.locale));
            Ok(render_with(
                StatusCode::UNPROCESSABLE_ENTITY,
                types_page(state, auth, form, errors).await?,
            ))
        }
        AppError::Conflict { .. } => {
            let mut p = types_page(state, auth, TypeForm::default(), FormErrors::default()).await?;
            p.layout.notice = p.tr.t("conflict-reload");
            Ok(render_with(StatusCode::CONFLICT, p))
        }
        e => Err(e.into()),
    }
}

pub async fn create_type(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Form(form): Form<TypeForm>,
) -> AppResult<Response> {
    match svc::create_type(&state.store, &auth, &form.input()).await {
        Ok(_) => Ok(see_other("/admin/request-types?notice=created")),
        Err(e) => type_refused(&state, &auth, form, e).await,
    }
}

pub async fn update_type(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Path(id): Path<String>,
    Form(form): Form<TypeForm>,
) -> AppResult<Response> {
    let id = id.parse().map_err(|_| AppError::NotFound)?;
    let version = form.version.parse().unwrap_or(-1);
    match svc::update_type(&state.store, &auth, id, version, &form.input()).await {
        Ok(_) => Ok(see_other("/admin/request-types?notice=saved")),
        Err(e) => type_refused(&state, &auth, form, e).await,
    }
}

pub async fn delete_type(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let id = id.parse().map_err(|_| AppError::NotFound)?;
    svc::delete_type(&state.store, &auth, id).await?;
    Ok(see_other("/admin/request-types?notice=deleted"))
}

// ----- mail settings (admins) -----

pub struct OutboxLine {
    pub to: String,
    pub subject: String,
    pub at: String,
    pub state: String,
    pub failed: bool,
}

#[derive(Template)]
#[template(path = "admin/mail.html")]
pub(super) struct MailPage {
    pub(super) tr: Tr,
    pub(super) layout: Layout,
    pub(super) enabled: bool,
    pub(super) host: String,
    pub(super) port: String,
    pub(super) securities: Options,
    pub(super) username: String,
    pub(super) password_set: bool,
    pub(super) from: String,
    pub(super) allow_plaintext_password: bool,
    pub(super) outbox: Vec<OutboxLine>,
    pub(super) errors: FormErrors,
}

#[derive(Deserialize, Default)]
pub struct MailForm {
    #[serde(default)]
    pub(super) host: String,
    #[serde(default)]
    pub(super) port: String,
    #[serde(default)]
    pub(super) security: String,
    #[serde(default)]
    pub(super) username: String,
    #[serde(default)]
    pub(super) password: String,
    #[serde(default)]
    pub(super) from: String,
    /// The checkbox: present when ticked.
    #[serde(default)]
    pub(super) allow_plaintext_password: Option<String>,
}

/// A mail of the outbox: to whom, what, and whether it went out.
fn outbox_line(tr: &Tr, m: tandem_store::notifications::OutboxRow) -> OutboxLine {
    OutboxLine {
        to: m.to_addr,
        subject: m.subject,
        at: tr.instant(&Instant(m.created_at)),
        failed: m.sent_at.is_none() && m.last_error.is_some(),
        state: match (m.sent_at, m.last_error) {
            (Some(at), _) => tr.t1("mail-sent-at", "at", &tr.instant(&Instant(at))),
            (None, Some(e)) => tr.tn(
                "mail-failed",
                &[("error", &e), ("attempts", &m.attempts.to_string())],
            ),
            (None, None) => tr.t("mail-pending"),
        },
    }
}

pub(super) async fn mail_page(
    state: &AppState,
    auth: &Auth,
    form: Option<MailForm>,
    errors: FormErrors,
) -> AppResult<MailPage> {
    let tr = Tr::new(auth.user.locale);
    let stored = notify::mail_settings(&state.store, auth).await?;
    let form = form.unwrap_or_else(|| match &stored {
        Some(s) => MailForm {
            host: s.host.clone(),
            port: s.port.to_string(),
            security: s.security.as_str().into(),
            username: s.username.clone().unwrap_or_default(),
            password: String::new(),
            from: s.from.clone(),
            allow_plaintext_password: s.allow_plaintext_password.then(|| "on".into()),
        },
        None => MailForm::default(),
    });
    let securities = Security::ALL
        .into_iter()
        .map(|s| {
            (
                s.as_str().to_string(),
                tr.t(&format!("mail-security-{}", s.as_str())),
                s.as_str() == form.security,
            )
        })
        .collect();
    let outbox = notify::outbox(&state.store, auth)
        .await?
        .into_iter()
        .map(|m| outbox_line(&tr, m))
        .collect();
    Ok(MailPage {
        layout: Layout::new(auth, "admin", tr.t("mail-title")).within("mail"),
        enabled: stored.is_some(),
        password_set: stored.as_ref().is_some_and(|s| s.password.is_some()),
        host: form.host,
        port: form.port,
        securities,
        username: form.username,
        from: form.from,
        allow_plaintext_password: form.allow_plaintext_password.is_some(),
        outbox,
        errors,
        tr,
    })
}

pub async fn mail(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Query(n): Query<Notice>,
) -> AppResult<Response> {
    let mut p = mail_page(&state, &auth, None, FormErrors::default()).await?;
    p.layout = p.layout.with_notice(n.notice.as_deref());
    Ok(render(p))
}

pub async fn save_mail(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Form(form): Form<MailForm>,
) -> AppResult<Response> {
    let input = MailSettingsInput {
        host: form.host.clone(),
        port: Some(form.port.clone()),
        security: Some(form.security.clone()),
        username: Some(form.username.clone()),
        password: Some(form.password.clone()),
        from: form.from.clone(),
        allow_plaintext_password: form.allow_plaintext_password.is_some(),
    };
    match notify::set_mail_settings(&state.store, &auth, &input).await {
        Ok(_) => Ok(see_other("/admin/mail?notice=saved")),
        Err(AppError::Invalid(invalid)) => {
            let errors = FormErrors::from_invalid(&invalid, Tr::new(auth.user.locale));
            Ok(render_with(
                StatusCode::UNPROCESSABLE_ENTITY,
                mail_page(&state, &auth, Some(form), errors).await?,
            ))
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn test_mail(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
) -> AppResult<Response> {
    let tr = Tr::new(auth.user.locale);
    let (status, notice) = match notify::send_test_mail(&state.store, &auth).await {
        Ok(Ok(())) => (
            StatusCode::OK,
            tr.t1("mail-test-sent", "to", &auth.user.email),
        ),
        Ok(Err(e)) => (
            StatusCode::BAD_GATEWAY,
            tr.t1("mail-test-failed", "error", &e),
        ),
        Err(AppError::Invalid(_)) => (StatusCode::UNPROCESSABLE_ENTITY, tr.t("error-mail-off")),
        Err(e) => return Err(e.into()),
    };
    let mut p = mail_page(&state, &auth, None, FormErrors::default()).await?;
    p.layout.notice = notice;
    Ok(render_with(status, p))
}
