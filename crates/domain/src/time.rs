//! Instants are UTC milliseconds since the Unix epoch, as stored in the database.

use serde::{Deserialize, Serialize};

#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Instant(pub i64);

pub const SECOND_MS: i64 = 1_000;
pub const MINUTE_MS: i64 = 60 * SECOND_MS;
pub const HOUR_MS: i64 = 60 * MINUTE_MS;
pub const DAY_MS: i64 = 24 * HOUR_MS;

impl Instant {
    pub fn now() -> Self {
        Self(jiff::Timestamp::now().as_millisecond())
    }

    pub fn millis(self) -> i64 {
        self.0
    }

    pub fn plus_ms(self, ms: i64) -> Self {
        Self(self.0.saturating_add(ms))
    }

    pub fn timestamp(self) -> jiff::Timestamp {
        jiff::Timestamp::from_millisecond(self.0).unwrap_or(jiff::Timestamp::UNIX_EPOCH)
    }

    /// RFC 3339 in UTC with millisecond precision, as the API shows instants.
    pub fn to_rfc3339(self) -> String {
        format!("{:.3}", self.timestamp())
    }
}

/// Where "now" comes from: the system clock, or a manual clock that tests set and move
/// (the SLA clocks of requests and the jobs that watch them read it).
#[derive(Clone, Debug, Default)]
pub struct Clock(Option<std::sync::Arc<std::sync::atomic::AtomicI64>>);

impl Clock {
    pub fn system() -> Clock {
        Clock(None)
    }

    pub fn manual(at: Instant) -> Clock {
        Clock(Some(std::sync::Arc::new(at.0.into())))
    }

    pub fn now(&self) -> Instant {
        match &self.0 {
            None => Instant::now(),
            Some(t) => Instant(t.load(std::sync::atomic::Ordering::SeqCst)),
        }
    }

    pub fn is_manual(&self) -> bool {
        self.0.is_some()
    }

    /// Sets a manual clock; the system clock cannot be set.
    pub fn set(&self, at: Instant) {
        if let Some(t) = &self.0 {
            t.store(at.0, std::sync::atomic::Ordering::SeqCst);
        }
    }
}
