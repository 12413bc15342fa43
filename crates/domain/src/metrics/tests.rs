use super::*;
use jiff::civil::date;

#[test]
fn periods_parse_print_and_step() {
    for (text, kind, start, end) in [
        (
            "2026-W49",
            PeriodKind::Week,
            date(2026, 11, 30),
            date(2026, 12, 7),
        ),
        (
            "2026-W01",
            PeriodKind::Week,
            date(2025, 12, 29),
            date(2026, 1, 5),
        ),
        (
            "2026-12",
            PeriodKind::Month,
            date(2026, 12, 1),
            date(2027, 1, 1),
        ),
        (
            "2026-Q4",
            PeriodKind::Quarter,
            date(2026, 10, 1),
            date(2027, 1, 1),
        ),
        ("2026", PeriodKind::Year, date(2026, 1, 1), date(2027, 1, 1)),
    ] {
        let p = Period::parse(text).unwrap();
        assert_eq!((p.kind, p.start, p.end()), (kind, start, end), "{text}");
        assert_eq!(p.key(), text);
        assert_eq!(p.next().previous(), p);
    }
    for bad in [
        "", "2026-W54", "2026-13", "2026-Q5", "1999", "2101", "26", "2026-W4", "2026-1", "week",
        "2026-00", "+2026",
    ] {
        assert_eq!(Period::parse(bad), None, "{bad:?}");
    }
    let p = Period::containing(PeriodKind::Week, date(2026, 12, 3));
    assert_eq!((p.key(), p.days()), ("2026-W49".to_string(), 7));
    assert_eq!(
        Period::containing(PeriodKind::Quarter, date(2026, 5, 31)).key(),
        "2026-Q2"
    );
    let keys: Vec<String> = p.last_n(3).iter().map(Period::key).collect();
    assert_eq!(keys, ["2026-W47", "2026-W48", "2026-W49"]);
}

#[test]
fn scopes_parse() {
    let u = UserId::new();
    assert_eq!(Scope::parse(&Scope::User(u).key()), Some(Scope::User(u)));
    assert_eq!(Scope::parse("workspace"), Some(Scope::Workspace));
    for bad in ["", "user:", "user:x", "team", "all"] {
        assert_eq!(Scope::parse(bad), None, "{bad:?}");
    }
}

#[test]
fn every_ratio_has_a_value_or_none_for_empty_facts() {
    let empty = Facts::default();
    for m in Metric::ALL {
        let v = m.value(&empty);
        let sum = matches!(m.unit(), Unit::Money | Unit::Count) && *m != Metric::AverageDealSize;
        assert_eq!(v, sum.then_some(0), "{}", m.key());
        assert_eq!(Metric::parse(m.key()), Some(*m));
    }
}

#[test]
fn values_follow_from_the_facts() {
    let f = Facts {
        won_count: 3,
        won_minor: 3_000_000,
        lost_count: 1,
        lost_minor: 1_000_000,
        won_cycle_centidays: 9_000,
        open_count: 10,
        open_minor: 8_000_000,
        quota_minor: Some(5_000_000),
        leads: 4,
        leads_accepted: 1,
        customers_at_start: 4,
        customers_retained: 3,
        lead_waits_centihours: vec![400, 100, 250],
        campaign_cost_minor: 100,
        campaign_won_minor: 50,
        ..Facts::default()
    };
    let v = |m: Metric| m.value(&f);
    assert_eq!(v(Metric::WinRate), Some(7_500));
    assert_eq!(v(Metric::WinRateValue), Some(7_500));
    assert_eq!(v(Metric::AverageDealSize), Some(1_000_000));
    assert_eq!(v(Metric::SalesCycle), Some(3_000));
    assert_eq!(v(Metric::LeadSqlRate), Some(2_500));
    assert_eq!(v(Metric::SqlWonRate), Some(0));
    // 8,000,000 open against 2,000,000 still to win.
    assert_eq!(v(Metric::PipelineCoverage), Some(40_000));
    // 10 deals × 1,000,000 × 0.75 ÷ 30 days.
    assert_eq!(v(Metric::PipelineVelocity), Some(250_000));
    assert_eq!(v(Metric::Retention), Some(7_500));
    assert_eq!(v(Metric::Churn), Some(2_500));
    assert_eq!(v(Metric::LeadResponse), Some(250));
    assert_eq!(v(Metric::CampaignRoi), Some(-5_000));
    let met = Facts {
        won_minor: 6_000_000,
        ..f.clone()
    };
    assert_eq!(Metric::PipelineCoverage.value(&met), None, "quota reached");
    assert_eq!(
        Metric::PipelineCoverage.value(&Facts::default()),
        None,
        "no quota"
    );
}

#[test]
fn attainment_without_target_is_no_data() {
    assert_eq!(attainment_bp(Some(50), 100, true), Some(5_000));
    assert_eq!(attainment_bp(Some(50), 0, true), None);
    assert_eq!(attainment_bp(None, 100, true), None);
    assert_eq!(attainment_bp(Some(200), 100, false), Some(5_000));
    assert_eq!(attainment_bp(Some(0), 100, false), Some(10_000));
}

#[test]
fn conditions_fire_and_recover() {
    let below = Condition::Below {
        threshold: 2_500,
        periods: 2,
    };
    let w = Metric::WinRate;
    assert!(below.fires(w, &[Some(3_000), Some(2_000), Some(1_000)]));
    assert!(!below.fires(w, &[Some(2_000), Some(3_000), Some(1_000)]));
    assert!(!below.fires(w, &[Some(2_000), None]), "no data is no slump");
    assert!(!below.fires(w, &[Some(1_000)]), "too short");
    // For a metric where lower is better, "below target" means above it.
    let slow = Condition::Below {
        threshold: 400,
        periods: 1,
    };
    assert!(slow.fires(Metric::LeadResponse, &[Some(500)]));
    assert!(!slow.fires(Metric::LeadResponse, &[Some(300)]));

    let drop = Condition::DropVsAverage {
        percent: 30,
        periods: 4,
    };
    let p = Metric::OpenPipeline;
    assert!(drop.fires(p, &[Some(100), Some(100), Some(100), Some(100), Some(70)]));
    assert!(!drop.fires(p, &[Some(100), Some(100), Some(100), Some(100), Some(71)]));
    assert!(!drop.fires(p, &[Some(0), Some(0), Some(0), Some(0), Some(0)]));
    assert!(drop.fires(p, &[None, None, None, Some(100), Some(10)]));
    let prev = Condition::DropVsPrevious { percent: 50 };
    assert!(prev.fires(p, &[Some(10), Some(5)]));
    assert!(!prev.fires(p, &[None, Some(5)]));

    assert!(below.recovered(w, &[Some(1_000), Some(3_000), Some(2_600)], 2));
    assert!(!below.recovered(w, &[Some(1_000), Some(1_000), Some(2_600)], 2));
    assert!(!below.recovered(w, &[Some(3_000), None], 2), "no data yet");
}

#[test]
fn impossible_rules_are_refused() {
    for (c, field) in [
        (
            Condition::Below {
                threshold: 20_000,
                periods: 2,
            },
            "condition.threshold",
        ),
        (
            Condition::Below {
                threshold: 100,
                periods: 0,
            },
            "condition.periods",
        ),
        (
            Condition::DropVsPrevious { percent: 0 },
            "condition.percent",
        ),
        (
            Condition::DropVsAverage {
                percent: 30,
                periods: 200,
            },
            "condition.periods",
        ),
    ] {
        let mut ck = crate::validation::Checker::default();
        c.check(Metric::WinRate, &mut ck);
        let errs = ck.finish().unwrap_err().0;
        assert_eq!(errs[0].field, field, "{c:?}");
    }
}
