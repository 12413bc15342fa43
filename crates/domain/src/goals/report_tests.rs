use super::*;

#[test]
fn a_report_needs_text_and_not_too_much() {
    let v = |s: &str| ReportInput { body: s.into() }.validate();
    assert_eq!(
        v("  Zwei Abschlüsse.\r\nGut.  "),
        Ok("Zwei Abschlüsse.\nGut.".into())
    );
    assert_eq!(v("   ").unwrap_err().0[0].code, "required");
    assert_eq!(
        v(&"x".repeat(MAX_REPORT_CHARS + 1)).unwrap_err().0[0].code,
        "too_long"
    );
}
