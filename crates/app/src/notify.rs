//! Telling people: an in-app notification (live through the event bus) and, when the
//! workspace has SMTP and the user wants it, a mail in the outbox — both written in the
//! transaction of the change that causes them, so nobody hears of a change that did not
//! happen. The outbox job sends the mail later, never inside a request.

use crate::{
    actor::Auth,
    error::{AppError, AppResult},
    i18n::Tr,
};
use tandem_domain::{
    Instant, NotificationId, UserId, WorkspaceId,
    notify::{Kind, MailSettings, MailSettingsInput, Pref},
};
use tandem_store::{
    Event, Store, Tx,
    notifications::{self, Notification},
    requests::StoredRequest,
    users,
};

/// What the message of a notification about a request needs.
pub fn request_data(
    r: &StoredRequest,
    actor: Option<&str>,
    extra: serde_json::Value,
) -> serde_json::Value {
    // What the request is about: its company, else its deal, else (a lead handoff,
    // say) the first line of its description.
    let about = r
        .account_name
        .clone()
        .or_else(|| r.deal_title.clone())
        .unwrap_or_else(|| {
            let first = r.description.lines().next().unwrap_or("").trim();
            let mut short: String = first.chars().take(60).collect();
            if first.chars().count() > 60 {
                short.push('…');
            }
            short
        });
    let mut data = serde_json::json!({
        "type": r.type_name,
        "account": about,
        "deal": r.deal_title,
        "requester": r.requester_name,
        "assignee": r.assignee_name,
        "due": r.due_at.map(Instant::to_rfc3339),
        "status": r.status.as_str(),
        "actor": actor,
    });
    if let (Some(d), serde_json::Value::Object(extra)) = (data.as_object_mut(), extra) {
        d.extend(extra);
    }
    data
}

/// Tells `to` about `kind` on request `r`, as the user's preferences say.
pub(crate) async fn send(
    tx: &mut Tx,
    ws: WorkspaceId,
    to: UserId,
    kind: Kind,
    r: &StoredRequest,
    data: serde_json::Value,
    now: Instant,
) -> AppResult<()> {
    deliver(tx, ws, to, kind, Some(r), data, now).await
}

/// Tells `to` about something that is not a request; `data["path"]` is where the
/// notification leads.
pub(crate) async fn send_other(
    tx: &mut Tx,
    ws: WorkspaceId,
    to: UserId,
    kind: Kind,
    data: serde_json::Value,
    now: Instant,
) -> AppResult<()> {
    deliver(tx, ws, to, kind, None, data, now).await
}

/// In the app and by mail, as the user's preferences for `kind` say; inactive and
/// unknown users are not told.
async fn deliver(
    tx: &mut Tx,
    ws: WorkspaceId,
    to: UserId,
    kind: Kind,
    r: Option<&StoredRequest>,
    data: serde_json::Value,
    now: Instant,
) -> AppResult<()> {
    let user = match users::get(&mut tx.conn(), ws, to).await {
        Ok(u) if u.active => u,
        Ok(_) | Err(tandem_store::StoreError::NotFound) => return Ok(()),
        Err(e) => return Err(e.into()),
    };
    let pref = notifications::prefs(&mut tx.conn(), ws, to)
        .await?
        .into_iter()
        .find(|p| p.kind == kind)
        .unwrap_or(Pref::default_for(kind));
    let request_id = r.map(|r| r.id);
    if pref.in_app {
        notifications::insert(&mut tx.conn(), ws, to, now, kind, request_id, &data).await?;
        tx.publish(Event {
            workspace_id: ws,
            topic: "notifications".into(),
            id: Some(to.0),
            actor: None,
        })
        .await?;
    }
    if pref.email
        && notifications::mail_settings(&mut tx.conn(), ws)
            .await?
            .is_some()
    {
        let tr = Tr::new(user.locale);
        let n = Notification {
            id: NotificationId(uuid::Uuid::nil()),
            at: now,
            kind,
            request_id,
            data,
            read_at: None,
        };
        let subject = title(&tr, &n);
        let body = match r {
            Some(r) => mail_body(&tr, &n, r),
            None => format!(
                "{subject}\n\n{}\n",
                tr.t1("notify-mail-footer", "path", arg(&n, "path"))
            ),
        };
        notifications::enqueue_mail(&mut tx.conn(), ws, &user.email, &subject, &body, now).await?;
    }
    Ok(())
}

fn arg<'a>(n: &'a Notification, key: &str) -> &'a str {
    n.data.get(key).and_then(|v| v.as_str()).unwrap_or("")
}

/// The one line that says what happened, in the reader's language.
pub fn title(tr: &Tr, n: &Notification) -> String {
    let due = n
        .data
        .get("due")
        .and_then(|v| v.as_str())
        .and_then(|s| s.parse::<jiff::Timestamp>().ok())
        .map(|t| tr.instant(&Instant(t.as_millisecond())))
        .unwrap_or_default();
    let status = tr.t(&format!(
        "request-status-{}",
        arg(n, "status").replace('_', "-")
    ));
    let step = match arg(n, "step") {
        "" => String::new(),
        s => tr.t(&format!("escalation-{}", s.replace('_', "-"))),
    };
    // A request a quote closed says so: approved or refused, or the quote sent; a
    // lead handoff says what sales decided.
    let reason = match arg(n, "reason") {
        "" => String::new(),
        r => tr.t(&format!("lead-reason-{}", r.replace('_', "-"))),
    };
    // Handed on by the system because the assignee is away: who was away, and why.
    let handed_on = arg(n, "actor").is_empty() && !arg(n, "from").is_empty();
    let key = match (arg(n, "decision"), arg(n, "quote")) {
        _ if n.kind == Kind::Intervention => format!("notify-intervention-{}", arg(n, "event")),
        _ if handed_on && n.kind == Kind::RequestAssigned => "notify-request-handed-on".to_string(),
        _ if handed_on && n.kind == Kind::RequestReassigned => {
            "notify-request-reassigned-absence".to_string()
        }
        ("accepted", _) if !arg(n, "lead").is_empty() => "notify-lead-accepted".to_string(),
        ("rejected", _) if !arg(n, "lead").is_empty() => "notify-lead-rejected".to_string(),
        ("approved", _) => "notify-approval-approved".to_string(),
        ("rejected", _) => "notify-approval-rejected".to_string(),
        (_, "") => format!("notify-{}", n.kind.as_str().replace('_', "-")),
        _ => "notify-quote-sent".to_string(),
    };
    tr.tn(
        &key,
        &[
            ("type", arg(n, "type")),
            ("account", arg(n, "account")),
            ("requester", arg(n, "requester")),
            ("assignee", arg(n, "assignee")),
            ("actor", arg(n, "actor")),
            ("due", &due),
            ("status", &status),
            ("step", &step),
            ("quote", arg(n, "quote")),
            ("lead", arg(n, "lead")),
            ("reason", &reason),
            ("rule", arg(n, "rule")),
            ("subject", arg(n, "subject")),
            ("from", arg(n, "from")),
        ],
    )
}

fn mail_body(tr: &Tr, n: &Notification, r: &StoredRequest) -> String {
    let mut body = title(tr, n);
    body.push_str("\n\n");
    let mut line = |key: &str, value: Option<&str>| {
        if let Some(v) = value.filter(|v| !v.is_empty()) {
            body.push_str(&format!("{}: {v}\n", tr.t(key)));
        }
    };
    line("request-type", Some(&r.type_name));
    line("field-account", r.account_name.as_deref());
    line("field-deal", r.deal_title.as_deref());
    line("request-requester", Some(&r.requester_name));
    line("request-assignee", r.assignee_name.as_deref());
    let due = r.due_at.map(|d| tr.instant(&d));
    line("request-due", due.as_deref());
    if let Some(text) = n.data.get("text").and_then(|v| v.as_str()) {
        body.push_str(&format!("\n{text}\n"));
    }
    body.push_str(&format!("\n{}\n", r.description));
    body.push_str(&format!(
        "\n{}\n",
        tr.t1(
            "notify-mail-footer",
            "path",
            &format!("/requests/{}", r.id.0)
        )
    ));
    body
}

// ----- the notification centre -----

pub async fn recent(store: &Store, auth: &Auth) -> AppResult<Vec<Notification>> {
    let mut c = store.read().await?;
    Ok(notifications::recent(&mut c.conn(), auth.user.workspace_id, auth.user.id, 50).await?)
}

pub async fn unread(store: &Store, auth: &Auth) -> AppResult<i64> {
    let mut c = store.read().await?;
    Ok(notifications::unread_count(&mut c.conn(), auth.user.workspace_id, auth.user.id).await?)
}

/// Marks one notification read (404 if it is not the caller's), or all with `None`.
pub async fn mark_read(store: &Store, auth: &Auth, id: Option<NotificationId>) -> AppResult<()> {
    let ws = auth.user.workspace_id;
    let mut tx = store.begin().await?;
    if let Some(id) = id
        && !notifications::exists(&mut tx.conn(), ws, auth.user.id, id).await?
    {
        return Err(AppError::NotFound);
    }
    notifications::mark_read(&mut tx.conn(), ws, auth.user.id, id, store.now()).await?;
    tx.publish(Event {
        workspace_id: ws,
        topic: "notifications".into(),
        id: Some(auth.user.id.0),
        actor: None,
    })
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn prefs(store: &Store, auth: &Auth) -> AppResult<Vec<Pref>> {
    let mut c = store.read().await?;
    Ok(notifications::prefs(&mut c.conn(), auth.user.workspace_id, auth.user.id).await?)
}

pub async fn set_prefs(store: &Store, auth: &Auth, prefs: &[Pref]) -> AppResult<Vec<Pref>> {
    let ws = auth.user.workspace_id;
    let mut tx = store.begin().await?;
    notifications::set_prefs(&mut tx.conn(), ws, auth.user.id, prefs).await?;
    let stored = notifications::prefs(&mut tx.conn(), ws, auth.user.id).await?;
    tx.commit().await?;
    Ok(stored)
}

// ----- mail settings (admins) -----

pub async fn mail_settings(store: &Store, auth: &Auth) -> AppResult<Option<MailSettings>> {
    crate::require_admin(auth)?;
    let mut c = store.read().await?;
    Ok(notifications::mail_settings(&mut c.conn(), auth.user.workspace_id).await?)
}

pub async fn set_mail_settings(
    store: &Store,
    auth: &Auth,
    input: &MailSettingsInput,
) -> AppResult<Option<MailSettings>> {
    crate::require_admin(auth)?;
    let ws = auth.user.workspace_id;
    let mut tx = store.begin().await?;
    let stored = notifications::mail_settings(&mut tx.conn(), ws).await?;
    let settings = input.validate(stored.as_ref())?;
    notifications::set_mail_settings(&mut tx.conn(), ws, settings.as_ref()).await?;
    let shown = |s: &Option<MailSettings>| {
        s.as_ref().map(|s| {
            serde_json::json!({"host": s.host, "port": s.port, "security": s.security,
                "username": s.username, "from": s.from})
        })
    };
    let diff = serde_json::json!({"smtp": [shown(&stored), shown(&settings)]});
    tandem_store::audit::record(
        &mut tx.conn(),
        tandem_store::audit::NewEntry {
            workspace_id: ws,
            entity: "workspace",
            entity_id: ws.0,
            action: tandem_store::audit::Action::Update,
            actor: Some(auth.user.id),
            diff: &diff,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(settings)
}

/// Sends a test mail to the admin right away (the one mail not sent by the outbox:
/// the admin waits for the answer of the SMTP server).
pub async fn send_test_mail(store: &Store, auth: &Auth) -> AppResult<Result<(), String>> {
    let settings = mail_settings(store, auth)
        .await?
        .ok_or_else(|| tandem_domain::Invalid::one("host", "mail_off"))?;
    let tr = Tr::new(auth.user.locale);
    Ok(crate::mail::send(
        &settings,
        &auth.user.email,
        &tr.t("mail-test-subject"),
        &tr.t("mail-test-body"),
    )
    .await)
}

/// The outbox job: sends pending mail of every workspace. Each mail is claimed first
/// (several instances never send one twice); a failed one is tried again later, five
/// times at most.
pub async fn send_outbox(store: &Store) -> Result<u32, String> {
    let pending = {
        let mut c = store.read().await.map_err(|e| e.to_string())?;
        notifications::pending_mail(&mut c.conn(), 5, 100)
            .await
            .map_err(|e| e.to_string())?
    };
    let mut sent = 0;
    for mail in pending {
        let ws = WorkspaceId(mail.workspace_id);
        let settings = {
            let mut tx = store.begin().await.map_err(|e| e.to_string())?;
            if !notifications::claim_mail(&mut tx.conn(), &mail)
                .await
                .map_err(|e| e.to_string())?
            {
                continue;
            }
            let s = notifications::mail_settings(&mut tx.conn(), ws)
                .await
                .map_err(|e| e.to_string())?;
            tx.commit().await.map_err(|e| e.to_string())?;
            s
        };
        let result = match settings {
            Some(s) => crate::mail::send(&s, &mail.to_addr, &mail.subject, &mail.body).await,
            None => Err("mail is switched off".to_string()),
        };
        if result.is_ok() {
            sent += 1;
        } else if let Err(e) = &result {
            tracing::warn!(error = %e, to = %mail.to_addr, "mail not sent");
        }
        let mut tx = store.begin().await.map_err(|e| e.to_string())?;
        notifications::mail_done(&mut tx.conn(), mail.id, result.map(|()| store.now()))
            .await
            .map_err(|e| e.to_string())?;
        tx.commit().await.map_err(|e| e.to_string())?;
    }
    Ok(sent)
}

pub async fn outbox(store: &Store, auth: &Auth) -> AppResult<Vec<notifications::OutboxRow>> {
    crate::require_admin(auth)?;
    let mut c = store.read().await?;
    Ok(notifications::outbox(&mut c.conn(), auth.user.workspace_id, 20).await?)
}
