//! Sign-in policy: password rules, the throttles against guessing (which slow the
//! guesser down without locking the owner out), and secret tokens (sessions, API
//! tokens) that are stored only as hashes.

use crate::time::MINUTE_MS;
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use rand::RngCore;
use sha2::{Digest, Sha256};

pub const MIN_PASSWORD_CHARS: usize = 12;
pub const MAX_PASSWORD_CHARS: usize = 200;

/// Whether a new password is acceptable; the error is the field error code. Besides
/// its length, a password must not be easy to guess (zxcvbn's score of at least 3 of
/// 4: no common password, keyboard walk, or name with a number); `context` holds the
/// user's own words (name, e-mail, workspace), which count as easy to guess.
pub fn check_password(password: &str, context: &[&str]) -> Result<(), &'static str> {
    let n = password.chars().count();
    if n < MIN_PASSWORD_CHARS {
        return Err("password_too_short");
    }
    if n > MAX_PASSWORD_CHARS {
        return Err("too_long");
    }
    // The user's own words count whole and by their parts (`dieter.mayer@firma.de`
    // gives `dieter`, `mayer` and `firma` too).
    let mut words: Vec<&str> = context.to_vec();
    words.extend(
        context
            .iter()
            .flat_map(|c| c.split(|ch: char| !ch.is_alphanumeric()))
            .filter(|w| w.chars().count() >= 3),
    );
    match zxcvbn::zxcvbn(password, &words).score() {
        zxcvbn::Score::Three | zxcvbn::Score::Four => Ok(()),
        _ => Err("password_too_weak"),
    }
}

/// How attempts of one key are limited.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Throttle {
    /// At most `limit` attempts in a window of `window_ms`.
    Window { limit: u32, window_ms: i64 },
    /// The first `free` attempts at once; after that a wait that doubles with each
    /// attempt, from one second up to `cap_ms`. A success clears it.
    Backoff { free: u32, cap_ms: i64 },
}

/// Sign-ins to one account from one client (address): the guesser waits longer and
/// longer, the owner signing in from elsewhere does not notice.
pub const SIGN_IN_PER_ACCOUNT_AND_CLIENT: Throttle = Throttle::Backoff {
    free: 5,
    cap_ms: 15 * MINUTE_MS,
};
/// Sign-ins to one account from anywhere: a guesser with many addresses is slowed to one
/// attempt every 30 s at most, which the owner hardly notices either.
pub const SIGN_IN_PER_ACCOUNT: Throttle = Throttle::Backoff {
    free: 20,
    cap_ms: 30 * 1_000,
};

/// A fresh random secret (256 bits), URL-safe, with a readable prefix naming its kind.
pub fn new_secret(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("{prefix}{}", URL_SAFE_NO_PAD.encode(bytes))
}

/// A code of 10 digits in two groups (`12345-67890`) for the first-run setup: read off
/// the console and typed into the setup page.
pub fn setup_code() -> String {
    let mut rng = rand::rng();
    let digits: String = (0..10)
        .map(|_| char::from(b'0' + (rng.next_u32() % 10) as u8))
        .collect();
    format!("{}-{}", &digits[..5], &digits[5..])
}

/// The stored form of a secret. Secrets are random and long, so a plain SHA-256 suffices.
pub fn hash_secret(secret: &str) -> String {
    let digest = Sha256::digest(secret.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether two secrets are equal, in time that does not depend on where they differ.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_need_twelve_characters_and_to_be_hard_to_guess() {
        assert_eq!(check_password("kurz", &[]), Err("password_too_short"));
        assert_eq!(
            check_password("passwort1234", &[]),
            Err("password_too_weak")
        );
        assert_eq!(
            check_password("password1234", &[]),
            Err("password_too_weak")
        );
        assert_eq!(
            check_password(
                "Dieter Mayer 1",
                &["dieter.mayer@example.de", "Dieter Mayer"]
            ),
            Err("password_too_weak")
        );
        assert_eq!(
            check_password("qwertzuiop12", &[]),
            Err("password_too_weak")
        );
        assert_eq!(check_password("Blauer Kran 7 am Hafen", &[]), Ok(()));
        assert_eq!(check_password(&"x".repeat(201), &[]), Err("too_long"));
    }

    #[test]
    fn secrets_are_unique_and_hash_stably() {
        let a = new_secret("tdm_");
        let b = new_secret("tdm_");
        assert_ne!(a, b);
        assert!(a.starts_with("tdm_") && a.len() > 40);
        assert_eq!(hash_secret(&a), hash_secret(&a));
        assert_ne!(hash_secret(&a), hash_secret(&b));
        assert_eq!(hash_secret(&a).len(), 64);
    }
}
