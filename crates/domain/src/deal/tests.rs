#[test]
fn weighted_totals_mix_own_and_default_probabilities() {
    // 10.000,00 € at its own 50 % and 2 × 1.000,00 € at the stage's 20 %.
    assert_eq!(weighted_total(500_000, 200_000, 2_000), 540_000);
    assert_eq!(weighted_total(0, 0, 2_000), 0);
    // Rounded half up, like a single deal's weighted amount: 0,05 € at 50 %.
    assert_eq!(weighted_total(0, 5, 5_000), 3);
    // Many billions at 100 % do not overflow.
    assert_eq!(
        weighted_total(0, 900_000_000_000_000, 10_000),
        900_000_000_000_000
    );
}

use super::*;

#[test]
fn forecast_category_is_the_one_set_else_by_probability() {
    let mut d = input().validate().unwrap();
    // (own category, own probability, stage's probability, status, expected)
    let cases = [
        (
            None,
            None,
            7_000,
            DealStatus::Open,
            Some(ForecastCategory::Commit),
        ),
        (
            None,
            None,
            6_999,
            DealStatus::Open,
            Some(ForecastCategory::BestCase),
        ),
        (
            None,
            Some(3_000),
            9_000,
            DealStatus::Open,
            Some(ForecastCategory::BestCase),
        ),
        (
            None,
            Some(2_999),
            9_000,
            DealStatus::Open,
            Some(ForecastCategory::Pipeline),
        ),
        (
            Some(ForecastCategory::Commit),
            Some(1_000),
            1_000,
            DealStatus::Open,
            Some(ForecastCategory::Commit),
        ),
        (
            Some(ForecastCategory::Omitted),
            None,
            9_000,
            DealStatus::Open,
            Some(ForecastCategory::Omitted),
        ),
        (
            Some(ForecastCategory::Commit),
            None,
            9_000,
            DealStatus::Won,
            None,
        ),
        (None, None, 9_000, DealStatus::Lost, None),
    ];
    for (own, p, stage, status, want) in cases {
        d.forecast_category = own;
        d.probability_bp = p;
        d.status = status;
        assert_eq!(d.forecast(stage), want, "{own:?} {p:?} {stage} {status:?}");
    }
}

#[test]
fn forecast_category_is_read_and_checked() {
    let mut i = input();
    i.forecast_category = Some(" best_case ".into());
    assert_eq!(
        i.validate().unwrap().forecast_category,
        Some(ForecastCategory::BestCase)
    );
    i.forecast_category = Some(String::new());
    assert_eq!(i.validate().unwrap().forecast_category, None);
    i.forecast_category = Some("sure".into());
    let e = i.validate().unwrap_err();
    assert_eq!(e.0[0].field, "forecast_category");
    assert_eq!(e.0[0].code, "invalid_choice");
    let d = input().validate().unwrap();
    assert_eq!(d.to_input().forecast_category, None);
}

fn input() -> DealInput {
    DealInput {
        title: "Fräsmaschine FM-400".into(),
        account_id: Some(AccountId::new()),
        pipeline_id: Some(PipelineId::new()),
        stage_id: Some(StageId::new()),
        ..Default::default()
    }
}

#[test]
fn a_title_an_account_and_a_stage_are_enough() {
    let d = input().validate().unwrap();
    assert_eq!(d.status, DealStatus::Open);
    assert_eq!(d.probability(2500), 2500);
}

#[test]
fn bad_values_are_named() {
    let bad = DealInput {
        title: "".into(),
        account_id: None,
        amount: Some(Money::new(-1, "EUR")),
        probability_bp: Some(12_000),
        expected_close: Some("2199-01-01".into()),
        next_step_due: Some("2026-12-01".into()),
        status: Some("lost".into()),
        ..input()
    };
    let got: Vec<_> = bad
        .validate()
        .unwrap_err()
        .0
        .into_iter()
        .map(|e| (e.field, e.code))
        .collect();
    let want = [
        ("title", "required"),
        ("account_id", "required"),
        ("amount", "out_of_range"),
        ("probability_bp", "out_of_range"),
        ("expected_close", "date_out_of_range"),
        ("next_step", "required"),
        ("lost_reason", "required"),
    ];
    assert_eq!(
        got,
        want.iter()
            .map(|(f, c)| (f.to_string(), *c))
            .collect::<Vec<_>>()
    );
    let unknown = DealInput {
        amount: Some(Money::new(100, "XYZ")),
        ..input()
    };
    assert_eq!(
        unknown.validate().unwrap_err().0[0].code,
        "unknown_currency"
    );
}

#[test]
fn exit_criteria_name_what_is_missing() {
    let mut d = input().validate().unwrap();
    let criteria = [ExitCriterion::Amount, ExitCriterion::DecisionMaker];
    let missing: Vec<_> = d
        .missing_to_leave(&criteria)
        .into_iter()
        .map(|e| e.code)
        .collect();
    assert_eq!(missing, ["exit_needs_amount", "exit_needs_decision_maker"]);
    d.amount = Some(Money::new(100_000, "EUR"));
    d.contacts.push(DealContact {
        contact_id: ContactId::new(),
        role: ContactRole::DecisionMaker,
    });
    assert!(d.missing_to_leave(&criteria).is_empty());
}

#[test]
fn a_later_close_date_is_a_slip() {
    let d = |m, day| Some(jiff::civil::date(2026, m, day));
    assert!(slipped(d(11, 30), d(12, 15)));
    assert!(!slipped(d(11, 30), d(11, 1)));
    assert!(!slipped(None, d(11, 1)));
    let day = 86_400_000;
    assert!(rotting(Instant(0), Some(14), Instant(15 * day)));
    assert!(!rotting(Instant(0), Some(14), Instant(13 * day)));
    assert!(!rotting(Instant(0), None, Instant(1000 * day)));
}
