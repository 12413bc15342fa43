use super::*;

#[test]
fn units_read_in_the_plural_after_more_than_one() {
    assert_eq!(unit_text(2_000, "Tag"), "Tage");
    assert_eq!(unit_text(1_000, "Tag"), "Tag");
    assert_eq!(unit_text(3_500, "Stunde"), "Stunden");
    assert_eq!(unit_text(500, "Stunde"), "Stunden");
    assert_eq!(unit_text(2_000, "Stück"), "Stück");
    assert_eq!(unit_text(2_000, "Std."), "Std.");
    assert_eq!(unit_text(2_000, "day"), "days");
    assert_eq!(unit_text(2_000, "Day"), "Days");
    assert_eq!(unit_text(2_000, "tag"), "tage");
}
