//! Whole-page tests on small inline pages.

use super::*;

#[test]
fn empty_input() {
    let e = extract("");
    assert_eq!(e.text, "");
    assert_eq!(e.title, None);
}
