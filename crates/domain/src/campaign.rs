//! Marketing campaigns and the feedback sales gives them: the lead-quality index
//! (acceptance rate, SQL → won, time to accept, rejection reasons) and the return on
//! what the campaign cost.

use crate::Invalid;
use crate::lead_record::RejectReason;
use crate::money::{MAX_MINOR, Money, currency_known};
use crate::validation::Checker;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Email,
    TradeFair,
    Webinar,
    Online,
    Print,
    Event,
    Referral,
    #[default]
    Other,
}

impl Channel {
    pub const ALL: [Channel; 8] = [
        Channel::Email,
        Channel::TradeFair,
        Channel::Webinar,
        Channel::Online,
        Channel::Print,
        Channel::Event,
        Channel::Referral,
        Channel::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::TradeFair => "trade_fair",
            Channel::Webinar => "webinar",
            Channel::Online => "online",
            Channel::Print => "print",
            Channel::Event => "event",
            Channel::Referral => "referral",
            Channel::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CampaignInput {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub channel: Option<String>,
    /// `YYYY-MM-DD`
    #[serde(default)]
    pub starts_on: Option<String>,
    #[serde(default)]
    pub ends_on: Option<String>,
    #[serde(default)]
    pub cost: Option<Money>,
    /// Who it is aimed at ("Brunnenbauer in NRW, 20–200 MA").
    #[serde(default)]
    pub segment: Option<String>,
    #[serde(default)]
    pub notes: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CampaignData {
    pub name: String,
    pub channel: Channel,
    pub starts_on: Option<jiff::civil::Date>,
    pub ends_on: Option<jiff::civil::Date>,
    pub cost: Money,
    pub segment: Option<String>,
    pub notes: Option<String>,
}

impl CampaignData {
    pub fn to_input(&self) -> CampaignInput {
        CampaignInput {
            name: self.name.clone(),
            channel: Some(self.channel.as_str().to_string()),
            starts_on: self.starts_on.map(|d| d.to_string()),
            ends_on: self.ends_on.map(|d| d.to_string()),
            cost: Some(self.cost.clone()),
            segment: self.segment.clone(),
            notes: self.notes.clone(),
        }
    }
}

impl CampaignInput {
    pub fn validate(&self) -> Result<CampaignData, Invalid> {
        let mut c = Checker::default();
        let name = c.required("name", &self.name, 200);
        let channel = c.choice("channel", self.channel.as_deref(), Channel::parse);
        let starts_on = c.date("starts_on", self.starts_on.as_deref());
        let ends_on = c.date("ends_on", self.ends_on.as_deref());
        if let (Some(s), Some(e)) = (starts_on, ends_on)
            && e < s
        {
            c.add("ends_on", "before_start");
        }
        let cost = match &self.cost {
            None => Money::new(0, "EUR"),
            Some(m) => {
                let currency = m.currency.trim().to_ascii_uppercase();
                if !currency_known(&currency) {
                    c.add("cost", "unknown_currency");
                } else if m.minor < 0 {
                    c.add("cost", "must_not_be_negative");
                } else if m.minor > MAX_MINOR {
                    c.add("cost", "out_of_range");
                }
                Money::new(m.minor, &currency)
            }
        };
        let segment = c.optional("segment", self.segment.as_deref(), 500);
        let notes = c.optional("notes", self.notes.as_deref(), 10_000);
        c.finish()?;
        Ok(CampaignData {
            name,
            channel,
            starts_on,
            ends_on,
            cost,
            segment,
            notes,
        })
    }
}

/// What the report needs to know of one lead.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LeadFacts {
    pub handed_over: bool,
    /// Sales accepted it (it became an SQL).
    pub accepted: bool,
    /// From the handoff to the acceptance.
    pub accept_wait_ms: Option<i64>,
    /// The won amount of its deal, if the deal was won (in the report's currency).
    pub won_minor: Option<i64>,
}

/// The lead-quality index and ROI of a campaign or a source. Every ratio is `None`
/// when it has nothing to divide by ("no data"), never a NaN.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Quality {
    pub leads: u64,
    pub handed_over: u64,
    /// Sales-qualified leads: accepted by sales.
    pub sqls: u64,
    pub rejections: u64,
    /// Accepted among the decisions (acceptances and rejections), basis points.
    pub acceptance_bp: Option<i64>,
    pub won: u64,
    /// Won among the SQLs, basis points.
    pub sql_won_bp: Option<i64>,
    pub won_minor: i64,
    pub median_accept_ms: Option<i64>,
    /// Rejections by reason, the most frequent first.
    pub reasons: Vec<(RejectReason, u64)>,
    pub cost_minor: i64,
    pub cost_per_lead_minor: Option<i64>,
    pub cost_per_sql_minor: Option<i64>,
    /// (won revenue − cost) / cost, basis points; `None` without a cost.
    pub roi_bp: Option<i64>,
}

fn ratio_bp(part: u64, whole: u64) -> Option<i64> {
    (whole > 0).then(|| ((part as i128 * 10_000 + whole as i128 / 2) / whole as i128) as i64)
}

fn per(cost: i64, n: u64) -> Option<i64> {
    (n > 0 && cost > 0).then(|| ((cost as i128 + n as i128 / 2) / n as i128) as i64)
}

/// The median of some durations (the lower middle for an even count).
pub fn median(mut v: Vec<i64>) -> Option<i64> {
    v.sort_unstable();
    if v.is_empty() {
        None
    } else {
        Some(v[(v.len() - 1) / 2])
    }
}

pub fn quality(leads: &[LeadFacts], rejections: &[RejectReason], cost_minor: i64) -> Quality {
    let sqls = leads.iter().filter(|l| l.accepted).count() as u64;
    let won: Vec<i64> = leads.iter().filter_map(|l| l.won_minor).collect();
    let won_minor: i64 = won.iter().sum();
    let mut reasons: Vec<(RejectReason, u64)> = vec![];
    for r in rejections {
        match reasons.iter_mut().find(|(k, _)| k == r) {
            Some((_, n)) => *n += 1,
            None => reasons.push((*r, 1)),
        }
    }
    reasons.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let n = leads.len() as u64;
    Quality {
        leads: n,
        handed_over: leads.iter().filter(|l| l.handed_over).count() as u64,
        sqls,
        rejections: rejections.len() as u64,
        acceptance_bp: ratio_bp(sqls, sqls + rejections.len() as u64),
        won: won.len() as u64,
        sql_won_bp: ratio_bp(won.len() as u64, sqls),
        won_minor,
        median_accept_ms: median(leads.iter().filter_map(|l| l.accept_wait_ms).collect()),
        reasons,
        cost_minor,
        cost_per_lead_minor: per(cost_minor, n),
        cost_per_sql_minor: per(cost_minor, sqls),
        roi_bp: (cost_minor > 0).then(|| {
            (((won_minor as i128 - cost_minor as i128) * 10_000) / cost_minor as i128) as i64
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn campaigns_are_checked() {
        let ok = CampaignInput {
            name: "Messe Brunnenbau 2026".into(),
            channel: Some("trade_fair".into()),
            starts_on: Some("2026-03-10".into()),
            ends_on: Some("2026-03-12".into()),
            cost: Some(Money::new(1_200_000, "eur")),
            ..CampaignInput::default()
        }
        .validate()
        .unwrap();
        assert_eq!(
            (ok.channel, ok.cost.currency.as_str()),
            (Channel::TradeFair, "EUR")
        );
        let bad = CampaignInput {
            name: " ".into(),
            channel: Some("tv".into()),
            starts_on: Some("2026-03-12".into()),
            ends_on: Some("2026-03-10".into()),
            cost: Some(Money::new(-1, "EUR")),
            ..CampaignInput::default()
        }
        .validate()
        .unwrap_err();
        let got: Vec<(&str, &str)> = bad.0.iter().map(|f| (f.field.as_str(), f.code)).collect();
        assert_eq!(
            got,
            [
                ("name", "required"),
                ("channel", "invalid_choice"),
                ("ends_on", "before_start"),
                ("cost", "must_not_be_negative"),
            ]
        );
    }

    #[test]
    fn the_quality_index_and_roi_add_up() {
        let hour = 3_600_000;
        let accepted = |wait_h: i64, won: Option<i64>| LeadFacts {
            handed_over: true,
            accepted: true,
            accept_wait_ms: Some(wait_h * hour),
            won_minor: won,
        };
        let leads = [
            accepted(2, Some(3_000_000)),
            accepted(6, None),
            accepted(4, None),
            LeadFacts {
                handed_over: true,
                ..LeadFacts::default()
            },
            LeadFacts::default(),
        ];
        let rejections = [
            RejectReason::NoBudget,
            RejectReason::TooEarly,
            RejectReason::NoBudget,
        ];
        let q = quality(&leads, &rejections, 1_000_000);
        assert_eq!((q.leads, q.handed_over, q.sqls, q.won), (5, 4, 3, 1));
        assert_eq!(q.acceptance_bp, Some(5_000), "3 accepted of 6 decisions");
        assert_eq!(q.sql_won_bp, Some(3_333));
        assert_eq!(q.median_accept_ms, Some(4 * hour));
        assert_eq!(
            q.reasons,
            [(RejectReason::NoBudget, 2), (RejectReason::TooEarly, 1)]
        );
        assert_eq!(q.cost_per_lead_minor, Some(200_000));
        assert_eq!(q.cost_per_sql_minor, Some(333_333));
        assert_eq!(q.roi_bp, Some(20_000), "30.000 € won on 10.000 €: +200 %");
    }

    #[test]
    fn nothing_to_divide_by_is_no_data() {
        let q = quality(&[], &[], 0);
        assert_eq!(
            (q.acceptance_bp, q.sql_won_bp, q.median_accept_ms, q.roi_bp),
            (None, None, None, None)
        );
        assert_eq!((q.cost_per_lead_minor, q.cost_per_sql_minor), (None, None));
        let q = quality(&[LeadFacts::default()], &[], 50_000);
        assert_eq!(
            (q.cost_per_lead_minor, q.cost_per_sql_minor),
            (Some(50_000), None)
        );
        assert_eq!(q.roi_bp, Some(-10_000), "all spent, nothing won: −100 %");
    }
}
