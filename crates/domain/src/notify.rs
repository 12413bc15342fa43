//! Notifications: what a user can be told about, their preferences per kind, and the
//! SMTP settings of a workspace.

use crate::validation::Checker;
use crate::{Invalid, account::email_valid};
use serde::{Deserialize, Serialize};

/// What happened, from the point of view of the person told.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A request is now yours (routed, claimed for you, handed on to you).
    RequestAssigned,
    /// Your request has a new assignee (absence, escalation, claim from the queue).
    RequestReassigned,
    /// Your request's status changed (in progress, waiting for you, done, cancelled).
    RequestStatus,
    /// Someone commented on a request you take part in.
    RequestComment,
    /// A request you have reaches its reminder threshold.
    RequestReminder,
    /// A request missed its SLA (to the assignee, the escalation contact, the requester).
    RequestEscalated,
    /// An intervention rule opened a case, or its metric recovered (to the managers
    /// and the person it is about).
    Intervention,
}

impl Kind {
    pub const ALL: [Kind; 7] = [
        Kind::RequestAssigned,
        Kind::RequestReassigned,
        Kind::RequestStatus,
        Kind::RequestComment,
        Kind::RequestReminder,
        Kind::RequestEscalated,
        Kind::Intervention,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::RequestAssigned => "request_assigned",
            Kind::RequestReassigned => "request_reassigned",
            Kind::RequestStatus => "request_status",
            Kind::RequestComment => "request_comment",
            Kind::RequestReminder => "request_reminder",
            Kind::RequestEscalated => "request_escalated",
            Kind::Intervention => "intervention",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Where a user wants to hear about one kind of event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pref {
    pub kind: Kind,
    pub in_app: bool,
    pub email: bool,
}

impl Pref {
    /// Everything in the app; by mail what needs action (a new request, a reminder, a
    /// missed SLA) — comments and status moves stay in the app unless chosen.
    pub fn default_for(kind: Kind) -> Pref {
        Pref {
            kind,
            in_app: true,
            email: matches!(
                kind,
                Kind::RequestAssigned
                    | Kind::RequestReassigned
                    | Kind::RequestEscalated
                    | Kind::Intervention
            ),
        }
    }
}

/// How mail leaves: an SMTP relay.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailSettings {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub username: Option<String>,
    pub password: Option<String>,
    /// The sender, e.g. `Tandem <tandem@example.com>` or a plain address.
    pub from: String,
    /// Whether the password may cross the network unencrypted (security `none` with a
    /// user name): only when an admin says so, for a relay on the same host.
    #[serde(default)]
    pub allow_plaintext_password: bool,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Security {
    /// STARTTLS on the submission port (587).
    #[default]
    Starttls,
    /// TLS from the first byte (465).
    Tls,
    /// No encryption (a relay on the same host or a test sink).
    None,
}

impl Security {
    pub const ALL: [Security; 3] = [Security::Starttls, Security::Tls, Security::None];

    pub fn as_str(self) -> &'static str {
        match self {
            Security::Starttls => "starttls",
            Security::Tls => "tls",
            Security::None => "none",
        }
    }

    pub fn parse(s: &str) -> Option<Security> {
        Security::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// The SMTP form. An empty host switches mail off. An empty password keeps the
/// stored one (the form never shows it).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MailSettingsInput {
    /// Empty switches mail off.
    #[serde(default)]
    pub host: String,
    #[serde(default)]
    pub port: Option<String>,
    #[serde(default)]
    pub security: Option<String>,
    #[serde(default)]
    pub username: Option<String>,
    /// Empty keeps the stored password.
    #[serde(default)]
    pub password: Option<String>,
    #[serde(default)]
    pub from: String,
    /// Send the password without encryption all the same (security `none`).
    #[serde(default)]
    pub allow_plaintext_password: bool,
}

impl MailSettingsInput {
    /// `Ok(None)`: mail off.
    pub fn validate(&self, stored: Option<&MailSettings>) -> Result<Option<MailSettings>, Invalid> {
        let mut c = Checker::default();
        let host = self.host.trim();
        if host.is_empty() {
            return Ok(None);
        }
        if host.len() > 253 || host.contains(char::is_whitespace) || host.contains('/') {
            c.add("host", "invalid_host");
        }
        let security = c.choice("security", self.security.as_deref(), Security::parse);
        let default_port = match security {
            Security::Tls => 465,
            Security::Starttls => 587,
            Security::None => 25,
        };
        let port = match self
            .port
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            None => default_port,
            Some(p) => match p.parse::<u16>() {
                Ok(n) if n > 0 => n,
                _ => {
                    c.add("port", "invalid_port");
                    default_port
                }
            },
        };
        let username = c.optional("username", self.username.as_deref(), 200);
        let password = c
            .optional("password", self.password.as_deref(), 200)
            .or_else(|| {
                stored
                    .filter(|s| s.host == host && username.is_some())
                    .and_then(|s| s.password.clone())
            });
        let from = c.required("from", &self.from, 200);
        if !from.is_empty() && !email_valid(address_of(&from)) {
            c.add("from", "invalid_email");
        }
        if security == Security::None && username.is_some() && !self.allow_plaintext_password {
            c.add("security", "plaintext_password");
        }
        c.finish()?;
        Ok(Some(MailSettings {
            host: host.to_string(),
            port,
            security,
            username,
            password,
            from,
            allow_plaintext_password: self.allow_plaintext_password,
        }))
    }
}

/// The address in `Name <address>` or the text itself.
pub fn address_of(s: &str) -> &str {
    match (s.rfind('<'), s.rfind('>')) {
        (Some(a), Some(b)) if a < b => s[a + 1..b].trim(),
        _ => s.trim(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(host: &str, port: &str, from: &str) -> MailSettingsInput {
        MailSettingsInput {
            host: host.into(),
            port: Some(port.into()),
            security: Some("none".into()),
            from: from.into(),
            ..MailSettingsInput::default()
        }
    }

    #[test]
    fn mail_settings_are_checked_field_by_field() {
        assert_eq!(input("", "", "").validate(None), Ok(None));
        let ok = input("127.0.0.1", "2525", "Tandem <tandem@example.com>")
            .validate(None)
            .unwrap()
            .unwrap();
        assert_eq!((ok.port, ok.security), (2525, Security::None));
        let codes = |i: MailSettingsInput| {
            i.validate(None)
                .unwrap_err()
                .0
                .into_iter()
                .map(|e| (e.field, e.code))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            codes(input("smtp host", "0", "nobody")),
            vec![
                ("host".to_string(), "invalid_host"),
                ("port".to_string(), "invalid_port"),
                ("from".to_string(), "invalid_email"),
            ]
        );
    }

    #[test]
    fn a_password_without_encryption_needs_the_admins_word() {
        let mut i = input("localhost", "25", "a@example.com");
        i.security = Some("none".into());
        i.username = Some("u".into());
        i.password = Some("secret".into());
        assert_eq!(
            i.validate(None).unwrap_err().0,
            vec![crate::FieldError::new("security", "plaintext_password")]
        );
        i.allow_plaintext_password = true;
        assert!(i.validate(None).is_ok());
        // Without a user name nothing secret is sent.
        i.allow_plaintext_password = false;
        i.username = None;
        assert!(i.validate(None).is_ok());
    }

    #[test]
    fn an_empty_password_keeps_the_stored_one() {
        let stored = MailSettings {
            host: "mail.example.com".into(),
            port: 587,
            security: Security::Starttls,
            username: Some("u".into()),
            password: Some("secret".into()),
            from: "a@example.com".into(),
            allow_plaintext_password: false,
        };
        let mut i = input("mail.example.com", "587", "a@example.com");
        i.security = Some("starttls".into());
        i.username = Some("u".into());
        let s = i.validate(Some(&stored)).unwrap().unwrap();
        assert_eq!(s.password.as_deref(), Some("secret"));
        i.host = "other.example.com".into();
        assert_eq!(i.validate(Some(&stored)).unwrap().unwrap().password, None);
    }

    #[test]
    fn preferences_default_to_mail_for_what_needs_action() {
        assert!(Pref::default_for(Kind::RequestAssigned).email);
        assert!(!Pref::default_for(Kind::RequestComment).email);
        assert!(Kind::ALL.iter().all(|k| Pref::default_for(*k).in_app));
        assert!(
            Kind::ALL
                .iter()
                .all(|k| Kind::parse(k.as_str()) == Some(*k))
        );
    }
}
