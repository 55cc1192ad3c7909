"""The survey's indicators: intervals, denominators and suppression."""

import pytest

from forum.cohesion import stats
from forum.cohesion.stats import MIN_REPORTABLE, Share, wilson

Q = "2026-Q3"


@pytest.mark.parametrize(("successes", "n", "low", "high"), [
    (50, 100, 0.4038, 0.5962),
    (0, 10, 0.0, 0.2775),
    (10, 10, 0.7225, 1.0),
    (81, 263, 0.2553, 0.3662),
])
def test_wilson_interval_matches_known_values(successes, n, low, high):
    found = wilson(successes, n)
    assert found == (pytest.approx(low, abs=1e-4), pytest.approx(high, abs=1e-4))


def test_wilson_of_nobody_is_nothing():
    assert wilson(0, 0) == (None, None)


def test_nine_answers_are_too_few_and_ten_are_reported():
    assert MIN_REPORTABLE == 10
    nine, ten = Share.of("Riverside", 9, 5), Share.of("Riverside", 10, 5)
    assert nine.suppressed and nine.value is None and nine.low is None
    assert nine.note == "too few to report"
    assert not ten.suppressed and ten.value == 0.5 and ten.low < 0.5 < ten.high


def test_share_is_over_everyone_who_answered_including_dont_know(ctx, add_answers):
    add_answers(4, Q, get_on=4, volunteered=True)
    add_answers(3, Q, get_on=3, volunteered=False)
    add_answers(2, Q, get_on=2)
    add_answers(1, Q, get_on=1)
    add_answers(10, Q, get_on=0)       # "Don't know": in the denominator
    add_answers(5, Q, get_on=None)     # left unanswered: not in it
    figures = stats.overall(stats.survey_counts([Q]), Q)
    assert (figures["get_on"].answered, figures["get_on"].agreeing) == (20, 7)
    assert figures["get_on"].value == pytest.approx(0.35)
    # Volunteering: 7 answered, too few to report.
    assert figures["volunteered"].answered == 7 and figures["volunteered"].suppressed


def test_one_hidden_ward_hides_the_next_smallest_so_totals_give_nothing_away(
        ctx, add_answers, make_ward):
    big, middle, small = make_ward("Big"), make_ward("Middle"), make_ward("Small")
    add_answers(30, Q, big, get_on=4)
    add_answers(12, Q, middle, get_on=4)
    add_answers(4, Q, small, get_on=1)
    counts = stats.survey_counts([Q])
    shares = stats.breakdown(counts, Q, stats.ward_groups(counts, Q, [big, middle, small]),
                             "ward")["get_on"]
    assert [share.suppressed for share in shares] == [False, True, True]
    assert shares[1].hidden_because == stats.PROTECTS
    assert shares[2].note == "too few to report"


def test_wards_without_answers_dont_force_another_to_be_hidden(ctx, add_answers, make_ward):
    big, empty = make_ward("Big"), make_ward("Empty")
    add_answers(30, Q, big, get_on=4)
    counts = stats.survey_counts([Q])
    shares = stats.breakdown(counts, Q, stats.ward_groups(counts, Q, [big, empty]),
                             "ward")["get_on"]
    assert [share.suppressed for share in shares] == [False, True]


def test_trend_needs_both_quarters_reportable():
    now, before = Share.of("All", 100, 60), Share.of("All", 100, 50)
    assert stats.trend(now, before) == {"points": 10, "overlap": True}
    assert stats.trend(now, Share.of("All", 9, 5)) is None
