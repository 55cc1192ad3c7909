"""The matchmaker and the safeguarding pair rule, as plain function calls: no app, no database."""

import itertools
import random

import pytest

from forum.core.safeguarding import Party, pair_refusal
from forum.skills import matching
from forum.skills.matching import Catalogue, Claim, Profile, SkillInfo

GUITAR, PIANO, VIOLIN, NURSING, FIRST_AID, BAKING, COOKING = 1, 2, 3, 10, 11, 20, 21
MUSIC, HEALTH, FOOD = 1, 2, 3
CATALOGUE = Catalogue([
    SkillInfo(GUITAR, "Guitar", MUSIC, ("guitarist",)),
    SkillInfo(PIANO, "Piano", MUSIC, ("keyboard",)),
    SkillInfo(VIOLIN, "Violin", MUSIC, ("fiddle",)),
    SkillInfo(NURSING, "Nursing", HEALTH, ("nurse",)),
    SkillInfo(FIRST_AID, "First aid", HEALTH, ("First-aider",)),
    SkillInfo(BAKING, "Baking", FOOD, ("bread making",)),
    SkillInfo(COOKING, "Cooking", FOOD, ("cook", "chef")),
])
TUESDAY_EVENING = 1 << (1 * 3 + 2)
SATURDAY_MORNING = 1 << (5 * 3 + 0)
LOCATIONS = {1: (52.6300, 1.2900), 2: (52.6390, 1.2900), 3: (52.8100, 1.2900)}  # 1 km, 20 km


def person(pid, age="adult", verified=False, open_=True, consent=False, blocked=(), **fields):
    party = Party(pid, age, verified, open_, consent, True, frozenset(blocked))
    return Profile(party, fields.pop("name", f"P{pid}"), **fields)


def mentor(pid, **fields):
    return person(pid, verified=True, **fields)


def young(pid, age="16_17", **fields):
    return person(pid, age=age, consent=fields.pop("consent", True), **fields)


def claims(*items):
    """Claim("text") for a string, Claim(name, id) for a skill id."""
    return tuple(Claim(item) if isinstance(item, str) else Claim(CATALOGUE.name(item), item)
                 for item in items)


def score(seeker, candidate, **kwargs):
    return matching.score_pair(seeker, candidate, CATALOGUE, LOCATIONS, **kwargs)


def ids(suggestions):
    return [suggestion.id for suggestion in suggestions]


# --- how well skills fit ---------------------------------------------------------------------


def test_exact_skill_beats_synonym_beats_text_beats_category():
    seeker = person(1, wants=(Claim("Sourdough bread, proper crusty loaves", BAKING),))
    exact = person(2, offers=claims(BAKING))
    synonym = person(3, offers=claims("Bread making"))
    text = person(4, offers=claims("Crusty sourdough bread loaves"))
    category = person(5, offers=claims(COOKING))
    ranked = matching.rank(seeker, [category, text, synonym, exact], CATALOGUE)
    assert ids(ranked) == [2, 3, 4, 5]
    assert ranked[0].score > ranked[1].score > ranked[2].score > ranked[3].score
    assert [s.fit.how for s in ranked] == ["exact", "synonym", "text", "category"]


def test_synonym_in_free_text_is_resolved_to_the_skill():
    seeker = person(1, wants=claims("I want to become a nurse"))
    suggestion = score(seeker, person(2, name="Ada", offers=claims(NURSING)))
    assert suggestion.fit.how == "synonym"
    assert suggestion.reasons[0] == "Ada offers Nursing, which you want"


def test_plurals_and_capitals_are_folded_when_resolving():
    assert CATALOGUE.resolve("NURSES and Guitarists welcome") == {NURSING, GUITAR}


def test_a_synonym_only_counts_as_a_whole_word_or_phrase():
    assert CATALOGUE.resolve("nursery rhymes") == set()
    assert CATALOGUE.resolve("making bread") == set()
    assert CATALOGUE.resolve("help with bread making") == {BAKING}


def test_punctuation_in_a_skill_name_or_synonym_does_not_matter():
    assert CATALOGUE.resolve("I'm a trained first aider") == {FIRST_AID}


def test_nobody_is_suggested_without_any_skill_fit():
    seeker = person(1, wants=claims(GUITAR), languages=frozenset({"polish"}))
    assert score(seeker, person(2, offers=claims(COOKING), languages=frozenset({"polish"}))) \
        is None


def test_skill_reason_says_who_teaches_whom():
    seeker = person(1, offers=claims(PIANO))
    suggestion = score(seeker, person(2, name="Bo", wants=claims("keyboard")))
    assert suggestion.gives is False
    assert suggestion.reasons[0] == "You offer Piano, which Bo wants"


def test_a_young_person_is_always_the_one_taught():
    # Teaching the mentor guitar would be the closer fit, but mentors teach young people.
    child = young(1, wants=claims(VIOLIN), offers=claims(GUITAR))
    adult = mentor(2, name="Di", offers=claims(PIANO), wants=claims(GUITAR))
    for suggestion, mentor_teaches in ((score(child, adult), True), (score(adult, child), False)):
        assert suggestion.gives is mentor_teaches
        assert suggestion.parts["skill"] == matching.CATEGORY
    assert score(child, adult).reasons[0].startswith("Di offers Piano")


# --- the other parts and their reasons ---------------------------------------------------------


def test_reasons_name_a_shared_language_other_than_english():
    seeker = person(1, wants=claims(GUITAR), languages=frozenset({"english", "polish"}))
    other = person(2, offers=claims(GUITAR), languages=frozenset({"english", "polish", "urdu"}))
    assert "You both speak Polish" in score(seeker, other).reasons


def test_reasons_do_not_mention_english_alone_but_it_still_counts():
    seeker = person(1, wants=claims(GUITAR), languages=frozenset({"english"}))
    suggestion = score(seeker, person(2, offers=claims(GUITAR), languages=frozenset({"english"})))
    assert not any("speak" in reason for reason in suggestion.reasons)
    assert suggestion.parts["languages"] == 1.0


def test_shared_availability_is_named():
    seeker = person(1, wants=claims(GUITAR), availability=TUESDAY_EVENING | SATURDAY_MORNING)
    other = person(2, offers=claims(GUITAR), availability=TUESDAY_EVENING)
    suggestion = score(seeker, other)
    assert "Both free Tuesday evenings" in suggestion.reasons
    assert suggestion.parts["availability"] == 1.0


def test_many_shared_times_are_summarised():
    assert matching.describe_times(0b1111) == "Monday mornings, Monday afternoons and 2 more"


def test_no_shared_time_means_no_time_reason_and_a_lower_score():
    seeker = person(1, wants=claims(GUITAR), availability=TUESDAY_EVENING)
    free = score(seeker, person(2, offers=claims(GUITAR), availability=TUESDAY_EVENING))
    busy = score(seeker, person(3, offers=claims(GUITAR), availability=SATURDAY_MORNING))
    assert not any(reason.startswith("Both free") for reason in busy.reasons)
    assert free.score > busy.score


@pytest.mark.parametrize(("seeker_swaps", "other_swaps", "bonus"),
                         [(True, True, True), (True, False, False), (False, True, False)])
def test_two_way_swap_bonus_only_when_both_would_swap(seeker_swaps, other_swaps, bonus):
    seeker = person(1, wants=claims(GUITAR), offers=claims(PIANO),
                    formats=frozenset({"swap"} if seeker_swaps else {"online"}))
    other = person(2, name="Cy", offers=claims(GUITAR), wants=claims(PIANO),
                   formats=frozenset({"swap"} if other_swaps else {"online"}))
    suggestion = score(seeker, other)
    assert ("two_way" in suggestion.parts) is bonus
    swap_reason = "You offer Piano, which Cy wants: a two-way swap"
    assert (swap_reason in suggestion.reasons) is bonus


def test_no_swap_bonus_when_only_one_side_teaches():
    seeker = person(1, wants=claims(GUITAR), formats=frozenset({"swap"}))
    other = person(2, offers=claims(GUITAR), wants=claims(PIANO), formats=frozenset({"swap"}))
    assert "two_way" not in score(seeker, other).parts


def test_same_ward_is_a_reason():
    seeker = person(1, wants=claims(GUITAR), ward_id=1)
    suggestion = score(seeker, person(2, offers=claims(GUITAR), ward_id=1))
    assert "You live in the same ward" in suggestion.reasons
    assert suggestion.parts["distance"] == 1.0


def test_distance_shrinks_the_score():
    seeker = person(1, wants=claims(GUITAR), ward_id=1)
    near = score(seeker, person(2, offers=claims(GUITAR), ward_id=2))
    far = score(seeker, person(3, offers=claims(GUITAR), ward_id=3))
    assert near.score > far.score
    assert "Lives 1.0 km away" in near.reasons
    assert far.parts["distance"] == 0.0
    assert not any(reason.startswith("Lives") for reason in far.reasons)


def test_a_perfect_match_scores_100():
    both = {"availability": TUESDAY_EVENING, "ward_id": 1, "languages": frozenset({"urdu"}),
            "formats": frozenset({"swap"})}
    seeker = person(1, wants=claims(GUITAR), offers=claims(PIANO), **both)
    other = person(2, offers=claims(GUITAR), wants=claims(PIANO), capacity=2, **both)
    assert score(seeker, other).score == 100.0


# --- capacity and safeguarding -----------------------------------------------------------------


def test_full_mentor_is_not_suggested_to_a_young_person():
    seeker = young(1, wants=claims(GUITAR))
    assert score(seeker, mentor(2, offers=claims(GUITAR), capacity=2, active_mentees=2)) is None
    half = score(seeker, mentor(3, offers=claims(GUITAR), capacity=2, active_mentees=1))
    assert half.parts["capacity"] == 0.5


@pytest.mark.parametrize("blocker", ["seeker", "candidate"])
def test_blocked_either_way_is_never_suggested(blocker):
    seeker = person(1, wants=claims(GUITAR), blocked={2} if blocker == "seeker" else ())
    other = person(2, offers=claims(GUITAR), blocked={1} if blocker == "candidate" else ())
    assert matching.rank(seeker, [other], CATALOGUE) == []
    assert pair_refusal(seeker.party, other.party) == "One of you has blocked the other."


def test_a_young_person_not_open_to_matches_is_never_suggested():
    seeker = mentor(1, offers=claims(GUITAR))
    closed = young(2, wants=claims(GUITAR), open_=False)
    opened = young(3, wants=claims(GUITAR))
    assert ids(matching.rank(seeker, [closed, opened], CATALOGUE)) == [3]


def test_not_open_to_matches_only_matters_when_suggesting():
    seeker, closed = person(1), person(2, open_=False)
    assert pair_refusal(seeker.party, closed.party) is None
    assert pair_refusal(seeker.party, closed.party, suggesting=True) is not None


def test_unverified_adult_is_never_suggested_to_a_minor():
    seeker = young(1, wants=claims(GUITAR))
    pool = [person(2, offers=claims(GUITAR)), mentor(3, offers=claims(GUITAR))]
    assert ids(matching.rank(seeker, pool, CATALOGUE)) == [3]


def test_a_minor_is_never_suggested_to_an_unverified_adult():
    for seeker in (person(1, offers=claims(GUITAR)), mentor(1, offers=claims(GUITAR))):
        found = ids(matching.rank(seeker, [young(2, wants=claims(GUITAR))], CATALOGUE))
        assert found == ([2] if seeker.party.verified_mentor else [])


@pytest.mark.parametrize(("consent", "matched"), [(False, False), (True, True)])
def test_under_16_needs_guardian_consent(consent, matched):
    child = young(1, age="under_16", consent=consent, wants=claims(GUITAR))
    adult = mentor(2, offers=claims(GUITAR))
    assert (score(child, adult) is not None) is matched
    assert (score(adult, child) is not None) is matched


def test_16_and_17_year_olds_need_no_guardian_consent():
    assert score(young(1, consent=False, wants=claims(GUITAR)),
                 mentor(2, offers=claims(GUITAR))) is not None


def test_young_people_are_never_matched_with_each_other():
    one, other = young(1, wants=claims(GUITAR)), young(2, offers=claims(GUITAR))
    assert score(one, other) is None
    assert "not with each other" in pair_refusal(one.party, other.party)


def test_nobody_is_matched_with_themself_or_while_inactive():
    me = person(1)
    assert pair_refusal(me.party, me.party) == "You can't be matched with yourself."
    suspended = Party(2, active=False, open_to_matches=True)
    assert pair_refusal(me.party, suspended) is not None
    assert pair_refusal(suspended, me.party) is not None


# --- ranking ----------------------------------------------------------------------------------


def test_rank_returns_best_first_and_respects_the_limit():
    seeker = person(1, wants=claims(GUITAR), ward_id=1, availability=TUESDAY_EVENING)
    pool = [person(2, offers=claims(PIANO)),                                  # category
            person(3, offers=claims(GUITAR), ward_id=1, availability=TUESDAY_EVENING),
            person(4, offers=claims(GUITAR)),
            person(5, offers=claims("guitarist")),
            person(6, offers=claims(NURSING))]                               # no fit
    everyone = matching.rank(seeker, pool, CATALOGUE)
    assert ids(everyone) == [3, 4, 5, 2]
    assert [s.score for s in everyone] == sorted((s.score for s in everyone), reverse=True)
    assert ids(matching.rank(seeker, pool, CATALOGUE, limit=2)) == [3, 4]


def test_rank_breaks_ties_by_lower_id_and_never_suggests_the_seeker():
    seeker = person(5, wants=claims(GUITAR), offers=claims(GUITAR))
    pool = [person(9, offers=claims(GUITAR)), seeker, person(7, offers=claims(GUITAR))]
    assert ids(matching.rank(seeker, pool, CATALOGUE)) == [7, 9]


def random_profile(rng, pid):
    texts = ["Guitar", "guitarist", "nurse", "first aid", "chef", "crusty bread loaves",
             "evening bread classes", "cook curry", "I want to become a nurse", "knitting"]
    skill_ids = [GUITAR, PIANO, VIOLIN, NURSING, FIRST_AID, BAKING, COOKING]

    def pick():
        if rng.random() < 0.5:
            return Claim(rng.choice(texts))
        return claims(rng.choice(skill_ids))[0]

    age = rng.choice(["adult", "adult", "adult", "16_17", "under_16"])
    return person(pid, age=age, verified=rng.random() < 0.5, open_=rng.random() < 0.8,
                  consent=rng.random() < 0.5, blocked={rng.randrange(200)},
                  ward_id=rng.choice([1, 2, 3, None]), availability=rng.getrandbits(21),
                  languages=frozenset(rng.sample(["english", "polish", "urdu"], 2)),
                  formats=frozenset(rng.sample(["swap", "online", "mentoring"], 2)),
                  capacity=rng.choice([0, 1, 2]), active_mentees=rng.choice([0, 1, 2]),
                  offers=tuple(pick() for _ in range(rng.randint(0, 2))),
                  wants=tuple(pick() for _ in range(rng.randint(0, 2))))


def test_ranking_through_the_index_equals_scoring_everyone():
    rng = random.Random(7)
    pool = [random_profile(rng, pid) for pid in range(200)]
    for seeker in pool[:40]:
        everyone = [s for s in (score(seeker, other) for other in pool) if s is not None]
        everyone.sort(key=lambda s: (-s.score, s.id))
        ranked = matching.rank(seeker, pool, CATALOGUE, LOCATIONS, limit=len(pool))
        assert [(s.id, s.score) for s in ranked] == [(s.id, s.score) for s in everyone]


# --- cohorts ----------------------------------------------------------------------------------


def brute_force_best_total(young_people, mentors, capacities):
    scores, _ = matching.score_matrix(young_people, mentors, CATALOGUE, LOCATIONS)
    best = 0.0
    for choice in itertools.product([None, *range(len(mentors))], repeat=len(young_people)):
        used = [column for column in choice if column is not None]
        if any(used.count(column) > capacities[mentors[column].id] for column in set(used)):
            continue
        values = [scores[row, column] for row, column in enumerate(choice) if column is not None]
        if any(value != value for value in values):   # NaN: a forbidden pair
            continue
        best = max(best, round(sum(values), 1))
    return best


def test_place_cohort_finds_the_best_total_where_greedy_does_not():
    # Ana fits both mentors; Ben only fits Mo. Greedy gives Mo to Ana (their best pair) and
    # leaves Ben with Lee, a poor fit; the best total gives Lee to Ana and Mo to Ben.
    ana = young(1, wants=claims(GUITAR), ward_id=1, availability=TUESDAY_EVENING)
    ben = young(2, wants=claims(PIANO))
    mo = mentor(10, offers=claims(GUITAR, PIANO), ward_id=1, availability=TUESDAY_EVENING)
    lee = mentor(11, offers=claims(GUITAR))
    cohort, capacities = ([ana, ben], [mo, lee]), {10: 1, 11: 1}
    optimal = matching.place_cohort(*cohort, capacities, CATALOGUE, LOCATIONS)
    greedy = matching.place_cohort_greedily(*cohort, capacities, CATALOGUE, LOCATIONS)
    assert [(p.young_id, p.mentor_id) for p in optimal] == [(1, 11), (2, 10)]
    assert [(p.young_id, p.mentor_id) for p in greedy] == [(1, 10), (2, 11)]
    assert matching.total_score(optimal) > matching.total_score(greedy)
    assert matching.total_score(optimal) == brute_force_best_total(*cohort, capacities)


def test_place_cohort_matches_a_brute_force_optimum():
    rng = random.Random(3)
    for _ in range(10):
        young_people = [young(pid, age=rng.choice(["16_17", "under_16"]),
                              consent=rng.random() < 0.8, blocked={rng.randrange(10, 14)},
                              wants=claims(rng.choice([GUITAR, PIANO, NURSING, BAKING])),
                              ward_id=rng.choice([1, 2, 3]), availability=rng.getrandbits(21))
                        for pid in range(1, 5)]
        mentors = [mentor(pid, offers=claims(rng.choice([GUITAR, PIANO, NURSING, BAKING])),
                          ward_id=rng.choice([1, 2, 3]), availability=rng.getrandbits(21))
                   for pid in range(10, 13)]
        capacities = {pid: rng.choice([1, 2]) for pid in range(10, 13)}
        placements = matching.place_cohort(young_people, mentors, capacities, CATALOGUE,
                                           LOCATIONS)
        expected = brute_force_best_total(young_people, mentors, capacities)
        assert matching.total_score(placements) == expected


def test_place_cohort_respects_capacities():
    young_people = [young(pid, wants=claims(GUITAR)) for pid in range(1, 8)]
    mentors = [mentor(10, offers=claims(GUITAR)), mentor(11, offers=claims(GUITAR))]
    placements = matching.place_cohort(young_people, mentors, {10: 3, 11: 2}, CATALOGUE)
    taken = [p.mentor_id for p in placements]
    assert taken.count(10) == 3 and taken.count(11) == 2 and taken.count(None) == 2


def test_place_cohort_never_places_a_forbidden_pair():
    young_people = [young(1, wants=claims(GUITAR), blocked={10}),
                    young(2, age="under_16", consent=False, wants=claims(GUITAR)),
                    young(3, wants=claims(GUITAR))]
    mentors = [mentor(10, offers=claims(GUITAR)), person(11, offers=claims(GUITAR))]
    placements = matching.place_cohort(young_people, mentors, {10: 3, 11: 3}, CATALOGUE)
    assert [(p.young_id, p.mentor_id) for p in placements] == [(1, None), (2, None), (3, 10)]


def test_a_cohort_place_needs_no_shared_skill():
    placements = matching.place_cohort([young(1, wants=claims(NURSING))],
                                       [mentor(10, offers=claims(GUITAR))], {10: 1}, CATALOGUE)
    assert placements[0].mentor_id == 10


def test_unplaced_people_are_told_why():
    child = young(1, age="under_16", consent=False)
    placements = matching.place_cohort([child], [mentor(10)], {10: 1}, CATALOGUE)
    assert placements[0].mentor_id is None
    assert placements[0].reasons == [pair_refusal(child.party, mentor(10).party)]


def test_people_left_over_when_places_run_out_are_told_so():
    placements = matching.place_cohort([young(1, wants=claims(GUITAR)), young(2)],
                                       [mentor(10, offers=claims(GUITAR))], {10: 1}, CATALOGUE)
    assert [p.mentor_id for p in placements] == [10, None]
    assert placements[1].reasons == ["Every suitable mentor's places were taken by better fits."]


# --- faults found in review, kept as tests ---------------------------------------------------


def test_a_shared_word_never_makes_a_same_category_fit_worse():
    seeker = person(1, wants=(Claim("Jazz violin", VIOLIN),))
    plain = score(seeker, person(2, offers=(Claim("Piano", PIANO),)))
    wordy = score(seeker, person(3, offers=(Claim("Jazz piano", PIANO),)))
    assert wordy.parts["skill"] >= plain.parts["skill"]


def test_left_over_person_is_not_told_a_refusal_when_a_mentor_was_allowed():
    placements = matching.place_cohort([young(1, wants=claims(GUITAR)), young(2)],
                                       [mentor(10, offers=claims(GUITAR)), person(11)],
                                       {10: 1, 11: 1}, CATALOGUE)
    assert placements[1].reasons == ["Every suitable mentor's places were taken by better fits."]


def test_a_young_person_is_only_suggested_mentors_who_teach_them_something():
    seeker = young(1, offers=claims(GUITAR))
    assert score(seeker, mentor(2, wants=claims(GUITAR))) is None
