"""The drafted reply lists recommendations in the body's numbering, whatever their refs hold."""

from models.recommendations.reply import _ref_order


def test_refs_are_ordered_by_their_ascii_number_and_odd_digits_never_crash() -> None:
    refs = ["10", "2", "para ²", "٣", "9" * 5000, "1.a"]
    ordered = sorted(refs, key=_ref_order)
    assert ordered[:3] == ["1.a", "2", "10"]
    assert set(ordered[3:]) == {"para ²", "٣", "9" * 5000}
