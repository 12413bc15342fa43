//! Intervention rules: the conditions a manager sets on a rep's figures.

use super::*;

/// When a rule fires on a person's or team's series of a metric.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Condition {
    /// Worse than `threshold` in each of the last `periods` periods.
    Below { threshold: i64, periods: u8 },
    /// Down by at least `percent` against the period before.
    DropVsPrevious { percent: u8 },
    /// Down by at least `percent` against the average of the `periods` before.
    DropVsAverage { percent: u8, periods: u8 },
}

/// Longest series a rule may look at.
pub const MAX_RULE_PERIODS: u8 = 26;

impl Condition {
    /// How many periods, the current last, the condition reads.
    pub fn window(&self) -> usize {
        match *self {
            Condition::Below { periods, .. } => periods as usize,
            Condition::DropVsPrevious { .. } => 2,
            Condition::DropVsAverage { periods, .. } => periods as usize + 1,
        }
    }

    /// Field errors for impossible rules on `metric`.
    pub fn check(&self, metric: Metric, c: &mut crate::validation::Checker) {
        match *self {
            Condition::Below { threshold, periods } => {
                if !(1..=MAX_RULE_PERIODS).contains(&periods) {
                    c.add("condition.periods", "out_of_range");
                }
                let max = match metric.unit() {
                    Unit::Ratio => 10_000,
                    _ => crate::money::MAX_MINOR,
                };
                if threshold < 0 || threshold > max {
                    c.add("condition.threshold", "out_of_range");
                }
            }
            Condition::DropVsPrevious { percent } => {
                if !(1..=100).contains(&percent) {
                    c.add("condition.percent", "out_of_range");
                }
            }
            Condition::DropVsAverage { percent, periods } => {
                if !(1..=100).contains(&percent) {
                    c.add("condition.percent", "out_of_range");
                }
                if !(1..=MAX_RULE_PERIODS).contains(&periods) {
                    c.add("condition.periods", "out_of_range");
                }
            }
        }
    }

    /// Whether the series (oldest first, the latest period last) fires the rule. A
    /// period without data never counts as a slump.
    pub fn fires(&self, metric: Metric, series: &[Option<i64>]) -> bool {
        let n = self.window();
        if series.len() < n || n == 0 {
            return false;
        }
        let tail = &series[series.len() - n..];
        let worse = |v: i64, than: i64| {
            if metric.higher_is_better() {
                v < than
            } else {
                v > than
            }
        };
        // Down by `percent` for a metric where higher is better; up by it otherwise.
        let dropped = |v: i64, base: i64, percent: u8| {
            if base <= 0 {
                return false;
            }
            let change = (v as i128 - base as i128) * 100;
            let limit = base as i128 * percent as i128;
            if metric.higher_is_better() {
                change <= -limit
            } else {
                change >= limit
            }
        };
        match *self {
            Condition::Below { threshold, .. } => {
                tail.iter().all(|v| v.is_some_and(|v| worse(v, threshold)))
            }
            Condition::DropVsPrevious { percent } => match (tail[0], tail[1]) {
                (Some(base), Some(v)) => dropped(v, base, percent),
                _ => false,
            },
            Condition::DropVsAverage { percent, .. } => {
                let Some(v) = tail[n - 1] else {
                    return false;
                };
                let before: Vec<i64> = tail[..n - 1].iter().flatten().copied().collect();
                match mean(before.iter().sum(), before.len() as i64) {
                    Some(base) => dropped(v, base, percent),
                    None => false,
                }
            }
        }
    }

    /// Whether the metric has recovered: the rule has not fired for any of the last
    /// `periods` periods (each judged with its own window), all of which have data.
    pub fn recovered(&self, metric: Metric, series: &[Option<i64>], periods: u8) -> bool {
        let p = periods.max(1) as usize;
        if series.len() < p {
            return false;
        }
        (0..p).all(|back| {
            let upto = &series[..series.len() - back];
            upto.last().is_some_and(|v| v.is_some()) && !self.one_period(metric, upto)
        })
    }

    /// The condition judged on the last period alone (`Below` over one period).
    fn one_period(&self, metric: Metric, series: &[Option<i64>]) -> bool {
        match *self {
            Condition::Below { threshold, .. } => Condition::Below {
                threshold,
                periods: 1,
            }
            .fires(metric, series),
            c => c.fires(metric, series),
        }
    }
}
