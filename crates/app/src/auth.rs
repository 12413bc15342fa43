//! Setup, sign-in and out, passwords, API tokens.

use crate::{
    actor::{Auth, SessionInfo},
    error::{AppError, AppResult},
    passwords::{hash_password, verify_password},
};
use tandem_domain::{
    Instant, Invalid, Locale, Role, UserId, WorkspaceId,
    account::email_valid,
    auth::{
        SIGN_IN_PER_ACCOUNT, SIGN_IN_PER_ACCOUNT_AND_CLIENT, Throttle, check_password, hash_secret,
        new_secret,
    },
    text::slugify,
    time::MINUTE_MS,
    validation::Checker,
};
use tandem_store::{Store, StoreError, rate_limits, sessions, users, workspaces};

pub struct NewUserInput {
    pub email: String,
    pub name: String,
    pub role: Role,
    pub team_id: Option<tandem_domain::TeamId>,
    pub locale: Locale,
    pub password: String,
}

/// Checks a new user's fields; returns the normalised email and name.
pub(crate) fn check_user_fields(c: &mut Checker, email: &str, name: &str) -> (String, String) {
    let email = c.required("email", email, 200).to_lowercase();
    if !email.is_empty() && !email_valid(&email) {
        c.add("email", "invalid_email");
    }
    let name = c.required("name", name, 100);
    (email, name)
}

/// Creates a user in a workspace (admin page, setup, CLI). `actor` is who did it.
pub async fn create_user(
    store: &Store,
    ws: WorkspaceId,
    input: NewUserInput,
    actor: Option<UserId>,
) -> AppResult<UserId> {
    let mut c = Checker::default();
    let (email, name) = check_user_fields(&mut c, &input.email, &input.name);
    if let Err(code) = check_password(&input.password, &[&email, &name]) {
        c.add("password", code);
    }
    c.finish()?;
    let hash = hash_password(input.password).await?;
    let mut tx = store.begin().await?;
    if let Some(team) = input.team_id
        && !users::team_exists(&mut tx.conn(), ws, team).await?
    {
        return Err(Invalid::one("team_id", "unknown_team").into());
    }
    let id = users::create(
        &mut tx.conn(),
        ws,
        users::NewUser {
            email: &email,
            name: &name,
            role: input.role,
            team_id: input.team_id,
            locale: input.locale,
            password_hash: &hash,
            created_by: actor,
        },
    )
    .await?;
    let diff = serde_json::json!({
        "email": [null, email], "name": [null, name], "role": [null, input.role.as_str()]
    });
    tandem_store::audit::record(
        &mut tx.conn(),
        tandem_store::audit::NewEntry {
            workspace_id: ws,
            entity: "user",
            entity_id: id.0,
            action: tandem_store::audit::Action::Create,
            actor,
            diff: &diff,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub struct SetupInput {
    /// The one-time code printed on the console at start.
    pub code: String,
    pub workspace_name: String,
    pub name: String,
    pub email: String,
    pub password: String,
    pub locale: Locale,
}

/// Finds or creates the workspace with this slug (a new one starts with the standard
/// pipeline, named in German).
pub async fn ensure_workspace(store: &Store, slug: &str, name: &str) -> AppResult<WorkspaceId> {
    ensure_workspace_in(store, slug, name, Locale::De).await
}

async fn ensure_workspace_in(
    store: &Store,
    slug: &str,
    name: &str,
    locale: Locale,
) -> AppResult<WorkspaceId> {
    let mut tx = store.begin().await?;
    if let Some(ws) = workspaces::by_slug(&mut tx.conn(), slug).await? {
        return Ok(ws.id);
    }
    let ws = workspaces::create(&mut tx.conn(), slug, name, locale).await?;
    tx.commit().await?;
    Ok(ws.id)
}

/// The first visit of a new installation: a workspace and its admin. Refused once any
/// user exists.
pub async fn setup(
    store: &Store,
    expected_code: &str,
    input: SetupInput,
) -> AppResult<(WorkspaceId, UserId)> {
    if !needs_setup(store).await? {
        return Err(AppError::Forbidden);
    }
    let mut c = Checker::default();
    let code: String = input.code.chars().filter(char::is_ascii_digit).collect();
    let expected: String = expected_code.chars().filter(char::is_ascii_digit).collect();
    if !tandem_domain::auth::constant_time_eq(&code, &expected) {
        c.add("code", "wrong_setup_code");
    }
    let ws_name = c.required("workspace_name", &input.workspace_name, 100);
    let slug = slugify(&ws_name);
    if !ws_name.is_empty() && slug.is_empty() {
        c.add("workspace_name", "invalid_name");
    }
    let (email, name) = check_user_fields(&mut c, &input.email, &input.name);
    if let Err(code) = check_password(&input.password, &[&email, &name, &ws_name]) {
        c.add("password", code);
    }
    c.finish()?;
    let ws = ensure_workspace_in(store, &slug, &ws_name, input.locale).await?;
    let user = create_user(
        store,
        ws,
        NewUserInput {
            email: input.email,
            name: input.name,
            role: Role::Admin,
            team_id: None,
            locale: input.locale,
            password: input.password,
        },
        None,
    )
    .await?;
    Ok((ws, user))
}

pub async fn needs_setup(store: &Store) -> AppResult<bool> {
    let mut c = store.read().await?;
    Ok(users::count_all(&mut c.conn()).await? == 0)
}

#[derive(Debug)]
pub enum LoginError {
    /// Unknown e-mail, wrong password, deactivated user, or too many attempts for this
    /// account: all answered alike, so that nobody learns which accounts exist.
    InvalidCredentials,
    /// Too many attempts from this client address, whatever the account.
    RateLimited,
    Other(AppError),
}

impl<E: Into<AppError>> From<E> for LoginError {
    fn from(e: E) -> Self {
        LoginError::Other(e.into())
    }
}

/// A new browser session: the secret for the cookie, and the session as the request sees it.
pub struct NewSession {
    pub secret: String,
    pub auth: Auth,
}

/// Where a sign-in comes from, and how many attempts such a client may make a minute.
pub struct Client<'a> {
    /// The client's address as a limiter key (an IPv6 address by its /64).
    pub key: &'a str,
    pub attempts_per_minute: u32,
    /// How long the new session lasts unused (the idle timeout).
    pub session_idle_ms: i64,
    /// Now, by the server's clock.
    pub now: Instant,
}

/// Takes one attempt of `key`; false when it must wait.
async fn take(store: &Store, key: &str, now: Instant, rule: Throttle) -> AppResult<bool> {
    let mut tx = store.begin().await?;
    let allowed = rate_limits::take(&mut tx.conn(), key, now, rule).await?;
    tx.commit().await?;
    Ok(allowed)
}

/// Signs in. Attempts are counted before the password is checked, each in its own
/// row update, so parallel guesses all count; a throttled attempt is answered like a
/// wrong password and nobody is ever locked out for good.
pub async fn login(
    store: &Store,
    client: Client<'_>,
    email: &str,
    password: &str,
) -> Result<NewSession, LoginError> {
    let now = client.now;
    let per_client = Throttle::Window {
        limit: client.attempts_per_minute.max(1),
        window_ms: MINUTE_MS,
    };
    if !take(
        store,
        &format!("login:client:{}", client.key),
        now,
        per_client,
    )
    .await?
    {
        return Err(LoginError::RateLimited);
    }
    let found = {
        let mut c = store.read().await?;
        users::by_email(&mut c.conn(), email).await?
    };
    let Some((user, hash)) = found.filter(|(u, _)| u.active) else {
        // Same work as a real check, so timing does not reveal which emails exist.
        verify_password(password.to_string(), DUMMY_HASH.clone()).await?;
        return Err(LoginError::InvalidCredentials);
    };
    let account_client = format!("login:account:{}:{}", user.id.0, client.key);
    let account = format!("login:account:{}", user.id.0);
    let allowed = take(store, &account_client, now, SIGN_IN_PER_ACCOUNT_AND_CLIENT).await?
        && take(store, &account, now, SIGN_IN_PER_ACCOUNT).await?;
    if !verify_password(password.to_string(), hash).await? || !allowed {
        return Err(LoginError::InvalidCredentials);
    }
    let mut tx = store.begin().await?;
    rate_limits::clear(&mut tx.conn(), &account_client).await?;
    rate_limits::clear(&mut tx.conn(), &account).await?;
    tx.commit().await?;
    Ok(start_session(store, user, client.session_idle_ms, now).await?)
}

/// A browser session for a user who has just proved who they are (setup, sign-in).
pub async fn new_session(
    store: &Store,
    ws: WorkspaceId,
    id: UserId,
    idle_ms: i64,
    now: Instant,
) -> AppResult<NewSession> {
    let user = {
        let mut c = store.read().await?;
        users::get(&mut c.conn(), ws, id).await?
    };
    start_session(store, user, idle_ms, now).await
}

async fn start_session(
    store: &Store,
    user: users::User,
    idle_ms: i64,
    now: Instant,
) -> AppResult<NewSession> {
    let secret = new_secret("tss_");
    let csrf = new_secret("");
    let token_hash = hash_secret(&secret);
    let mut tx = store.begin().await?;
    sessions::create(
        &mut tx.conn(),
        &token_hash,
        user.workspace_id,
        user.id,
        &csrf,
        now,
        now.plus_ms(idle_ms),
    )
    .await?;
    tx.commit().await?;
    Ok(NewSession {
        secret,
        auth: Auth {
            user,
            session: Some(SessionInfo { token_hash, csrf }),
            seen: Default::default(),
        },
    })
}

/// A hash to check against when the email is unknown.
static DUMMY_HASH: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    use argon2::PasswordHasher;
    argon2::Argon2::default()
        .hash_password(b"no such user")
        .map(|h| h.to_string())
        .unwrap_or_default()
});

pub async fn logout(store: &Store, auth: &Auth) -> AppResult<()> {
    if let Some(s) = &auth.session {
        let mut tx = store.begin().await?;
        sessions::delete(&mut tx.conn(), &s.token_hash).await?;
        sessions_ended(&mut tx, auth.user.workspace_id, auth.user.id).await?;
        tx.commit().await?;
    }
    Ok(())
}

/// The topic of the event that says some of a user's sessions ended (sign-out, new
/// password, deactivation): their open event streams check whether they still may run.
/// It is never sent on to a browser.
pub const SESSIONS_TOPIC: &str = "sessions";

pub(crate) async fn sessions_ended(
    tx: &mut tandem_store::Tx,
    ws: WorkspaceId,
    user: UserId,
) -> AppResult<()> {
    tx.publish(tandem_store::Event {
        workspace_id: ws,
        topic: SESSIONS_TOPIC.to_string(),
        id: Some(user.0),
        actor: None,
    })
    .await?;
    Ok(())
}

pub async fn change_password(
    store: &Store,
    auth: &Auth,
    current: &str,
    new: &str,
    confirm: &str,
) -> AppResult<()> {
    let u = &auth.user;
    let hash = {
        let mut c = store.read().await?;
        users::password_hash(&mut c.conn(), u.workspace_id, u.id).await?
    };
    let mut c = Checker::default();
    if !verify_password(current.to_string(), hash).await? {
        c.add("current_password", "wrong_password");
    }
    if let Err(code) = check_password(new, &[&u.email, &u.name]) {
        c.add("new_password", code);
    } else if new != confirm {
        c.add("confirm_password", "passwords_differ");
    }
    c.finish()?;
    let hash = hash_password(new.to_string()).await?;
    let mut tx = store.begin().await?;
    users::set_fields(
        &mut tx.conn(),
        u.workspace_id,
        u.id,
        vec![("password_hash", hash.into())],
    )
    .await?;
    // Other devices sign in again with the new password.
    let keep = auth.session.as_ref().map(|s| s.token_hash.as_str());
    sessions::delete_for_user(&mut tx.conn(), u.workspace_id, u.id, keep).await?;
    sessions_ended(&mut tx, u.workspace_id, u.id).await?;
    audit_self(&mut tx, u, serde_json::json!({"password": ["***", "***"]})).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn set_locale(store: &Store, auth: &Auth, locale: Locale) -> AppResult<()> {
    let u = &auth.user;
    let mut tx = store.begin().await?;
    users::set_fields(
        &mut tx.conn(),
        u.workspace_id,
        u.id,
        vec![("locale", locale.as_str().into())],
    )
    .await?;
    audit_self(
        &mut tx,
        u,
        serde_json::json!({"locale": [u.locale.as_str(), locale.as_str()]}),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

async fn audit_self(
    tx: &mut tandem_store::Tx,
    u: &users::User,
    diff: serde_json::Value,
) -> AppResult<()> {
    tandem_store::audit::record(
        &mut tx.conn(),
        tandem_store::audit::NewEntry {
            workspace_id: u.workspace_id,
            entity: "user",
            entity_id: u.id.0,
            action: tandem_store::audit::Action::Update,
            actor: Some(u.id),
            diff: &diff,
        },
    )
    .await?;
    Ok(())
}

/// A new API token for a user; the secret is returned once and stored only hashed.
/// A new API token from the browser: whoever holds a session must give the password
/// again, so that a session left open on a shared computer cannot mint a lasting key.
pub async fn create_api_token_confirmed(
    store: &Store,
    auth: &Auth,
    name: &str,
    password: &str,
) -> AppResult<String> {
    let u = &auth.user;
    let hash = {
        let mut c = store.read().await?;
        users::password_hash(&mut c.conn(), u.workspace_id, u.id).await?
    };
    if !verify_password(password.to_string(), hash).await? {
        return Err(Invalid::one("password", "wrong_password").into());
    }
    create_api_token(store, u.workspace_id, u.id, name).await
}

/// A new API token for a user (the command line, or after the password was confirmed).
pub async fn create_api_token(
    store: &Store,
    ws: WorkspaceId,
    user: UserId,
    name: &str,
) -> AppResult<String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(Invalid::one(
            "name",
            if name.is_empty() {
                "required"
            } else {
                "too_long"
            },
        )
        .into());
    }
    let secret = new_secret("tdm_");
    let mut tx = store.begin().await?;
    sessions::create_token(&mut tx.conn(), ws, user, name, &hash_secret(&secret)).await?;
    tx.commit().await?;
    Ok(secret)
}

/// The user with this email, for the command line.
pub async fn user_by_email(store: &Store, email: &str) -> AppResult<users::User> {
    let mut c = store.read().await?;
    users::by_email(&mut c.conn(), email)
        .await?
        .map(|(u, _)| u)
        .ok_or(AppError::Store(StoreError::NotFound))
}

pub async fn api_tokens(store: &Store, auth: &Auth) -> AppResult<Vec<sessions::ApiToken>> {
    let mut c = store.read().await?;
    Ok(sessions::tokens_of(&mut c.conn(), auth.user.workspace_id, auth.user.id).await?)
}

pub async fn revoke_api_token(
    store: &Store,
    auth: &Auth,
    id: tandem_domain::TokenId,
) -> AppResult<()> {
    let mut tx = store.begin().await?;
    sessions::revoke_token(&mut tx.conn(), auth.user.workspace_id, auth.user.id, id).await?;
    tx.commit().await?;
    Ok(())
}

/// The caller of an API token; 401 for an unknown token or a deactivated user. Use is
/// recorded at most once a minute: a write per API call would cost throughput.
pub async fn caller_by_token(store: &Store, token: &str, now: Instant) -> AppResult<Auth> {
    let mut c = store.read().await?;
    let Some(t) = sessions::token_by_hash(&mut c.conn(), &hash_secret(token.trim())).await? else {
        return Err(AppError::Unauthenticated);
    };
    let user = match users::get(&mut c.conn(), t.workspace_id, t.user_id).await {
        Ok(u) if u.active => u,
        Ok(_) | Err(StoreError::NotFound) => return Err(AppError::Unauthenticated),
        Err(e) => return Err(e.into()),
    };
    drop(c);
    if t.last_used_at.is_none_or(|at| now.0 - at.0 > MINUTE_MS) {
        let mut tx = store.begin().await?;
        sessions::touch_token(&mut tx.conn(), t.workspace_id, t.id).await?;
        tx.commit().await?;
    }
    Ok(Auth::new(user, None))
}

/// How long a browser session lasts: unused, and at most since sign-in.
#[derive(Clone, Copy, Debug)]
pub struct SessionLifetime {
    pub idle_ms: i64,
    pub max_ms: i64,
}

/// The caller of a browser session's secret; none when the session ended or its user
/// was deactivated. The idle timeout slides with use (written at most once a minute);
/// the absolute lifetime since sign-in does not.
pub async fn caller_by_session(
    store: &Store,
    secret: &str,
    now: Instant,
    lifetime: SessionLifetime,
) -> AppResult<Option<Auth>> {
    let token_hash = hash_secret(secret);
    let mut c = store.read().await?;
    let Some(s) = sessions::get(&mut c.conn(), &token_hash, now).await? else {
        return Ok(None);
    };
    let user = match users::get(&mut c.conn(), s.workspace_id, s.user_id).await {
        Ok(u) if u.active => u,
        Ok(_) | Err(StoreError::NotFound) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    drop(c);
    let ends = s.created_at.plus_ms(lifetime.max_ms);
    if ends <= now {
        return Ok(None);
    }
    if now.0 - (s.expires_at.0 - lifetime.idle_ms) > MINUTE_MS {
        let mut tx = store.begin().await?;
        sessions::extend(
            &mut tx.conn(),
            &token_hash,
            now.plus_ms(lifetime.idle_ms).min(ends),
        )
        .await?;
        tx.commit().await?;
    }
    Ok(Some(Auth::new(
        user,
        Some(SessionInfo {
            token_hash,
            csrf: s.csrf_token,
        }),
    )))
}
