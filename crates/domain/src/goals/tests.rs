use super::*;

fn fields(e: Invalid) -> Vec<String> {
    e.0.into_iter()
        .map(|f| format!("{}:{}", f.field, f.code))
        .collect()
}

#[test]
fn quotas_are_checked() {
    let ok = GoalInput {
        scope: "workspace".into(),
        period: "2026-Q4".into(),
        metric: Some("won_revenue".into()),
        target: Some(50_000_000),
        ..GoalInput::default()
    }
    .validate()
    .unwrap();
    assert_eq!(
        (ok.kind, ok.metric),
        (GoalKind::Quota, Some(Metric::WonRevenue))
    );
    for (input, expected) in [
        (
            GoalInput {
                scope: "everyone".into(),
                period: "1850".into(),
                metric: Some("won_revenue".into()),
                target: Some(-5),
                ..GoalInput::default()
            },
            vec![
                "scope:invalid",
                "period:invalid_period",
                "target:must_be_positive",
            ],
        ),
        (
            GoalInput {
                scope: "workspace".into(),
                period: "2026".into(),
                metric: Some("activities".into()),
                target: Some(0),
                ..GoalInput::default()
            },
            vec!["metric:not_a_goal_metric", "target:must_be_positive"],
        ),
        (
            GoalInput {
                scope: "workspace".into(),
                period: "2026".into(),
                metric: Some("win_rate".into()),
                target: Some(1_000_000),
                ..GoalInput::default()
            },
            vec!["target:out_of_range"],
        ),
    ] {
        assert_eq!(fields(input.validate().unwrap_err()), expected);
    }
}

#[test]
fn okrs_need_key_results() {
    let bad = GoalInput {
        kind: Some("okr".into()),
        scope: "workspace".into(),
        period: "2026-Q4".into(),
        key_results: vec![KeyResultInput {
            title: "".into(),
            metric: Some("nope".into()),
            target: -1,
            current: None,
        }],
        ..GoalInput::default()
    };
    assert_eq!(
        fields(bad.validate().unwrap_err()),
        vec![
            "title:required",
            "key_results.0.title:required",
            "key_results.0.metric:unknown",
            "key_results.0.target:must_be_positive"
        ]
    );
    assert_eq!(
        okr_attainment(&[
            (Some(50), 100, true),
            (Some(300), 100, true),
            (None, 5, true)
        ]),
        Some(7_500)
    );
    assert_eq!(okr_attainment(&[(None, 100, true)]), None);
}

#[test]
fn rules_and_cases_are_checked() {
    let bad = RuleInput {
        name: " ".into(),
        metric: "win_rate".into(),
        period: Some("day".into()),
        condition: Some(Condition::Below {
            threshold: -1,
            periods: 2,
        }),
        recovery_periods: Some(0),
        ..RuleInput::default()
    };
    assert_eq!(
        fields(bad.validate().unwrap_err()),
        vec![
            "name:required",
            "period:invalid_period",
            "condition.threshold:out_of_range",
            "recovery_periods:out_of_range"
        ]
    );
    for r in default_rules(crate::Locale::De) {
        assert_eq!(r.to_input().validate().unwrap(), r);
    }
    let case = CaseInput {
        goals: vec![PlanGoalInput {
            metric: "win_rate".into(),
            target: 0,
            by: "3026-01-01".into(),
        }],
        check_ins: vec![CheckInInput {
            on: "".into(),
            note: None,
        }],
        ..CaseInput::default()
    };
    assert_eq!(
        fields(case.validate().unwrap_err()),
        vec![
            "goals.0.target:must_be_positive",
            "goals.0.by:date_out_of_range",
            "check_ins.0.on:required"
        ]
    );
}
