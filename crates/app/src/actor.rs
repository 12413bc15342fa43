//! Who acts: the signed-in user of a request, an API token's user, or a user the job
//! runner or the demo generator acts as. Every command and read-model takes one.

use tandem_store::users::User;

#[derive(Clone, Debug)]
pub struct Auth {
    pub user: User,
    /// Set for browser sessions; API tokens have none.
    pub session: Option<SessionInfo>,
    /// Whose records the caller sees; worked out on first use (`crate::seen`).
    pub seen: std::sync::OnceLock<tandem_store::Seen>,
}

#[derive(Clone, Debug)]
pub struct SessionInfo {
    pub token_hash: String,
    pub csrf: String,
}

impl Auth {
    /// A browser session's or an API token's caller.
    pub fn new(user: User, session: Option<SessionInfo>) -> Auth {
        Auth {
            user,
            session,
            seen: std::sync::OnceLock::new(),
        }
    }

    pub fn csrf(&self) -> &str {
        self.session.as_ref().map_or("", |s| s.csrf.as_str())
    }

    /// Acting as `user` without a session or token (the job runner, the demo seeder).
    pub fn system(user: User) -> Auth {
        Auth::new(user, None)
    }
}
