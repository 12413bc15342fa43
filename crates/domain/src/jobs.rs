//! Retry policy of the job queue.

use crate::time::{MINUTE_MS, SECOND_MS};

/// Delay before the next try after `attempts` failed tries: exponential from 5 s,
/// capped at one hour.
pub fn backoff_ms(attempts: u32) -> i64 {
    let exp = attempts.saturating_sub(1).min(20);
    (5 * SECOND_MS)
        .saturating_mul(1_i64 << exp)
        .min(60 * MINUTE_MS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        let table = [
            (1, 5_000),
            (2, 10_000),
            (3, 20_000),
            (10, 2_560_000),
            (11, 3_600_000),
            (50, 3_600_000),
        ];
        for (attempts, ms) in table {
            assert_eq!(backoff_ms(attempts), ms, "attempt {attempts}");
        }
    }
}
