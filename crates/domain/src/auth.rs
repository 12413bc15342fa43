//! Sign-in policy: password rules, lockout after repeated failures, and secret tokens
//! (sessions, API tokens) that are stored only as hashes.

use crate::time::{Instant, MINUTE_MS};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use rand::RngCore;
use sha2::{Digest, Sha256};

pub const MIN_PASSWORD_CHARS: usize = 10;
pub const MAX_PASSWORD_CHARS: usize = 200;

/// Failed sign-ins in a row before an account is locked.
pub const LOCKOUT_THRESHOLD: u32 = 5;
/// How long the lock lasts; it doubles with every further failure, up to a day.
pub const LOCKOUT_BASE_MS: i64 = 15 * MINUTE_MS;

/// Whether a new password is acceptable; the error is the field error code.
pub fn check_password(password: &str) -> Result<(), &'static str> {
    let n = password.chars().count();
    if n < MIN_PASSWORD_CHARS {
        Err("password_too_short")
    } else if n > MAX_PASSWORD_CHARS {
        Err("too_long")
    } else {
        Ok(())
    }
}

/// After `failures` consecutive failed sign-ins (counting the one just made), until when
/// the account stays locked, if at all.
pub fn lockout_until(failures: u32, now: Instant) -> Option<Instant> {
    if failures < LOCKOUT_THRESHOLD {
        return None;
    }
    let doublings = (failures - LOCKOUT_THRESHOLD).min(7);
    let ms = (LOCKOUT_BASE_MS << doublings).min(24 * 60 * MINUTE_MS);
    Some(now.plus_ms(ms))
}

/// A fresh random secret (256 bits), URL-safe, with a readable prefix naming its kind.
pub fn new_secret(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("{prefix}{}", URL_SAFE_NO_PAD.encode(bytes))
}

/// The stored form of a secret. Secrets are random and long, so a plain SHA-256 suffices.
pub fn hash_secret(secret: &str) -> String {
    let digest = Sha256::digest(secret.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lockout_starts_at_the_threshold_and_grows() {
        let now = Instant(0);
        assert_eq!(lockout_until(4, now), None);
        assert_eq!(lockout_until(5, now), Some(Instant(15 * MINUTE_MS)));
        assert_eq!(lockout_until(6, now), Some(Instant(30 * MINUTE_MS)));
        assert_eq!(lockout_until(40, now), Some(Instant(24 * 60 * MINUTE_MS)));
    }

    #[test]
    fn passwords_need_ten_characters() {
        assert_eq!(check_password("kurz"), Err("password_too_short"));
        assert_eq!(check_password("lang-genug-1"), Ok(()));
        assert_eq!(check_password(&"x".repeat(201)), Err("too_long"));
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
