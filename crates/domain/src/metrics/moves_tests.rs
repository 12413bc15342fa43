use super::*;

#[test]
fn stage_moves_add_up_per_stage_and_in_total() {
    let (a, b) = (
        StageId(uuid::Uuid::from_u128(1)),
        StageId(uuid::Uuid::from_u128(2)),
    );
    let mut rolf = Facts::default();
    rolf.add_moves(a, 4, 1);
    let mut sven = Facts::default();
    sven.add_moves(a, 2, 2);
    sven.add_moves(b, 3, 0);
    let mut team = Facts::default();
    team.add(&rolf);
    team.add(&sven);
    assert_eq!((team.stage_exits(), team.stage_advances()), (9, 3));
    assert_eq!(
        team.stage_moves,
        vec![
            StageMoves {
                stage_id: a,
                exits: 6,
                advances: 3
            },
            StageMoves {
                stage_id: b,
                exits: 3,
                advances: 0
            },
        ]
    );
    assert_eq!(Metric::StageConversion.value(&team), Some(3_333));
}
