//! Sending one mail through the workspace's SMTP relay (lettre).

use lettre::{
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
    message::{Mailbox, header::ContentType},
    transport::smtp::{authentication::Credentials, client::Tls, client::TlsParameters},
};
use std::time::Duration;
use tandem_domain::notify::{MailSettings, Security};

/// Sends a plain-text mail; the error is the relay's answer or what went wrong, in
/// words an admin can act on.
pub async fn send(s: &MailSettings, to: &str, subject: &str, body: &str) -> Result<(), String> {
    let from: Mailbox = s.from.parse().map_err(|e| format!("from: {e}"))?;
    let to: Mailbox = to.parse().map_err(|e| format!("to: {e}"))?;
    let message = Message::builder()
        .from(from)
        .to(to)
        .subject(subject)
        .header(ContentType::TEXT_PLAIN)
        .body(body.to_string())
        .map_err(|e| e.to_string())?;
    let tls = |host: &str| TlsParameters::new(host.to_string()).map_err(|e| e.to_string());
    let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&s.host)
        .port(s.port)
        .timeout(Some(Duration::from_secs(20)));
    builder = match s.security {
        // Settings saved before the rule: still no password in the clear unasked.
        Security::None if s.username.is_some() && !s.allow_plaintext_password => {
            return Err(
                "the SMTP password would be sent unencrypted: choose STARTTLS or TLS, \
                        or allow it explicitly in the mail settings"
                    .into(),
            );
        }
        Security::None => builder.tls(Tls::None),
        Security::Starttls => builder.tls(Tls::Required(tls(&s.host)?)),
        Security::Tls => builder.tls(Tls::Wrapper(tls(&s.host)?)),
    };
    if let (Some(user), Some(password)) = (&s.username, &s.password) {
        builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
    }
    builder
        .build()
        .send(message)
        .await
        .map(|_| ())
        .map_err(|e| e.to_string())
}
