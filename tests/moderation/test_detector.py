"""The detector, layer by layer, then against our functional suite and the shared public data."""

import csv
from collections import defaultdict
from dataclasses import FrozenInstanceError
from pathlib import Path

import pytest

from forum.moderation.detector import DEFAULT_THRESHOLDS, Verdict, assess, is_hateful
from forum.moderation.evaluate import evaluate, read_labelled
from forum.moderation.normalise import normalise
from forum.moderation.phrases import REPAIRER
from forum.moderation.watchlist import WatchEntry, WatchList

HERE = Path(__file__).resolve().parent
CASES = HERE / "cases.csv"
SHARED = HERE.parent.parent.parent / "shared" / "data" / "hate-speech"

# Lowest accuracy each functionality of cases.csv may fall to: set just under what the
# detector reaches, so that a change that makes any one of them worse fails here.
FLOORS = {
    "dehumanising": 0.98, "threat": 0.97, "exclusion": 0.98, "slur": 0.98,
    "negative_generalisation": 0.98, "contempt": 0.98, "question": 0.98, "opinion": 0.98,
    "pronoun_reference": 0.98, "evasion": 0.98,
    "neutral_mention": 0.98, "positive_mention": 0.98, "counter_quote": 0.98,
    "counter_reference": 0.98, "negated": 0.98, "pronoun_neutral": 0.97, "abuse_thing": 0.97,
    "abuse_individual": 0.97, "abuse_nonprotected": 0.97, "reclaimed": 0.95, "profanity": 0.97,
}
GROUPS = {"muslims", "jews", "black_people", "south_asians", "grt", "migrants", "asylum_seekers",
          "eastern_europeans", "lgbt", "trans", "disabled", "women"}


def labels_of(text, **context):
    return assess(text, context).labels


# --- the Verdict ------------------------------------------------------------------------------


def test_verdict_defaults_are_unchanged_and_it_stays_frozen():
    verdict = Verdict()
    assert (verdict.action, verdict.score, verdict.labels, verdict.reasons) == \
        ("publish", 0.0, (), ())
    assert verdict.replaced_text is None
    with pytest.raises(FrozenInstanceError):
        verdict.action = "block"


@pytest.mark.parametrize("text", ["", None, "   ", "Lovely sunset over the allotments."])
def test_ordinary_or_empty_text_is_published(text):
    assert assess(text) == Verdict()


def test_a_title_and_body_are_read_as_one_text():
    # content.prepare assesses "title\ntext": the body's pronoun points back to the title.
    verdict = assess("Romanians on our road\nThey are vermin.", {"kind": "topic",
                                                                  "board": "cafe",
                                                                  "author_id": 1})
    assert verdict.action == "hold"
    assert "dehumanising:eastern_europeans" in verdict.labels


# --- normalisation ----------------------------------------------------------------------------


@pytest.mark.parametrize("raw, expected", [
    ("Ｍｕｓｌｉｍｓ", "muslims"),                      # fullwidth, NFKC
    ("MUSLIMS", "muslims"),                           # casefold
    ("Muslіms", "muslims"),                           # Cyrillic і
    ("Mus\u200blims", "muslims"),                     # zero-width space
    ("r4ts", "rats"),                                 # leetspeak
    ("@sylum", "asylum"),
    ("mus1ims", "muslims"),                           # 1 read as l where that makes a word
    ("v e r m i n", "vermin"),                        # spaced out
    ("r.a.t.s", "rats"),
    ("m-u-s-l-i-m-s", "muslims"),
    ("raaaaats", "rats"),                             # repeated letters
    ("they aren't", "they are not"),                  # contractions
    ("can't", "can not"),
    ("f***ing", "fucking"),                           # starred-out profanity
    ("meet at 5pm, £20 each", "meet at 5pm, £20 each"),  # numbers stay numbers
    ("Don&#8217;t", "do not"),                        # HTML entities
])
def test_normalise_undoes_obfuscation(raw, expected):
    assert normalise(raw) == expected


@pytest.mark.parametrize("token, expected", [
    ("msulims", "muslims"),      # swapped
    ("vremin", "vermin"),
    ("immigrnats", "immigrants"),
    ("gpysies", "gypsies"),
    ("immigrnts", "immigrants"),  # dropped
    ("tranies", "trannies"),     # undoubled after "trannnies"
    ("jewss", "jews"),           # doubled last letter
])
def test_known_words_are_mended(token, expected):
    assert REPAIRER.repair(token) == expected


@pytest.mark.parametrize("token", ["chin", "honey", "backs", "beats", "refuge", "garage",
                                   "niger", "ripple", "america", "butt", "god", "brunt"])
def test_everyday_words_are_not_mended_into_known_ones(token):
    assert REPAIRER.repair(token) == token


def test_evasion_is_seen_through_end_to_end():
    for text in ["M u s l i m s are r4ts", "Msulims are vremin", "Mus\u200blims are vermin"]:
        assert "dehumanising:muslims" in labels_of(text)


# --- watched words ----------------------------------------------------------------------------


def test_watched_word_matches_whole_words_only():
    watchlist = WatchList([WatchEntry("ass", "hold")])
    assert watchlist.check("what an ass")
    assert not watchlist.check("the class was great")


def test_watched_phrase_and_wildcard():
    watchlist = WatchList([WatchEntry("car boot", "flag"), WatchEntry("scum*", "hold")])
    found = {match.entry.pattern: match.words for match in
             watchlist.check("See you at the CAR  BOOT, you scumbag")}
    assert found == {"car boot": "car boot", "scum*": "scumbag"}
    assert not WatchList([WatchEntry("scum*", "hold")]).check("the scar healed")


def test_watched_words_are_matched_after_normalisation():
    watchlist = WatchList([WatchEntry("banned word", "block")])
    assert watchlist.check("a b@nned w0rd here")
    assert watchlist.check("b a n n e d   word")


def test_watched_word_actions_set_the_verdict():
    watchlist = WatchList([("blockme", "block"), ("holdme", "hold"), ("flagme", "flag")])
    assert assess("please blockme", {"watchlist": watchlist}).action == "block"
    held = assess("please holdme", {"watchlist": watchlist})
    assert (held.action, held.labels) == ("hold", ("watched:hold",))
    assert 'Contains a watched word that moderators review first: "holdme".' in held.reasons
    flagged = assess("please flagme", {"watchlist": watchlist})
    assert (flagged.action, flagged.labels) == ("publish", ("watched:flag",))


def test_watched_word_replace_returns_the_replaced_text():
    watchlist = WatchList([WatchEntry("darn", "replace", "d***"),
                           WatchEntry("heck*", "replace", "[removed]")])
    verdict = assess("Darn it, the d4rn bus! What the HECKING heck.", {"watchlist": watchlist})
    assert verdict.action == "publish"
    assert verdict.labels == ("watched:replace",)
    assert verdict.replaced_text == "d*** it, the d*** bus! What the [removed] [removed]."


def test_no_watchlist_or_an_empty_one_changes_nothing():
    assert assess("holdme", {"watchlist": None}) == Verdict()
    assert assess("holdme", {"watchlist": WatchList()}) == Verdict()


def test_watch_entry_rejects_unknown_actions_and_empty_patterns():
    with pytest.raises(ValueError):
        WatchEntry("word", "delete")
    with pytest.raises(ValueError):
        WatchEntry(" * ", "hold")


# --- the rules, each with the words that fired ------------------------------------------------


@pytest.mark.parametrize("text, label, action, named", [
    ("Muslims are vermin.", "dehumanising:muslims", "hold", ['"muslims"', '"vermin"']),
    ("Kill all the gypsies.", "threat:grt", "block", ['"gypsies"', '"kill all"']),
    ("Deport all migrants now.", "exclusion:migrants", "hold", ['"migrants"', '"deport"']),
    ("Too many pakis in the park.", "slur:south_asians", "hold", ['"pakis"']),
    ("Romanians are all criminals.", "generalisation:eastern_europeans", "nudge",
     ['"romanians"', '"criminals"']),
    ("I hate trans people.", "contempt:trans", "nudge", ['"trans people"', '"i hate"']),
])
def test_each_rule_labels_and_names_the_words(text, label, action, named):
    verdict = assess(text)
    assert label in verdict.labels
    assert verdict.action == action
    reason = " ".join(verdict.reasons)
    for words in named:
        assert words in reason


def test_reason_says_when_a_pronoun_points_back_to_the_group():
    verdict = assess("Those Romanians moved in next door. They are vermin.")
    assert verdict.labels == ("dehumanising:eastern_europeans",)
    assert '"they" refers back to "romanians"' in verdict.reasons[0]


@pytest.mark.parametrize("text", [
    "Why are all Romanians criminals?",
    "Aren't all Muslims thieves?",
    "I think asylum seekers are parasites.",
    "I'm not racist but gypsies are thieves.",
    "Are Jews even human?",
    "Why do we let travellers stay here?",
    "Gays should not be allowed to adopt.",
    "Refugees are not welcome here.",
    "No travellers allowed.",
    "The only good Jew is a dead Jew.",
    "We should burn down the mosque.",
    "Trans women are men in dresses.",
])
def test_hate_phrased_as_questions_opinions_or_denials_is_caught(text):
    assert is_hateful(assess(text)), text


@pytest.mark.parametrize("text", [
    "We have many Muslim families on our street.",
    "Saying 'Muslims are vermin' is disgusting.",
    "Someone wrote 'Pakis out' on the bus shelter — report it.",
    "It's a myth that migrants are criminals.",
    "Travellers are not criminals.",
    "Not all Romanians are the same.",
    "Bankers are parasites.",
    "My neighbour Gary is a parasite.",
    "The rats in the bins are vermin.",
    "This f***ing bus is late again.",
    "Us dykes are organising the Pride picnic.",
    "Refugees welcome!",
    "Attacking Muslims is wrong.",
    "People who abuse Muslims are scum.",
    "He called my son a paki on the bus. I've reported it.",
    "Faggots and peas for tea tonight.",
    "We walked Offa's Dyke path on Sunday.",
    "A chink of light through the curtains.",
    "The Home Office plans to deport asylum seekers to Rwanda; the legal challenge is Monday.",
])
def test_must_not_fire(text):
    verdict = assess(text)
    assert verdict.action == "publish", (text, verdict.labels)


def test_insult_with_a_slur_at_one_person_is_a_nudge_not_a_hold():
    verdict = assess("You absolute retard.")
    assert verdict.labels == ("slur_at_person:disabled",)
    assert verdict.action == "nudge"


def test_several_signals_weigh_more_but_only_threats_block():
    verdict = assess("Gypsies are vermin and thieves and I hate them. Kick them out.")
    assert verdict.action == "hold"
    assert len(verdict.labels) >= 3
    assert DEFAULT_THRESHOLDS["hold"] <= verdict.score < DEFAULT_THRESHOLDS["block"]


def test_thresholds_can_be_set_per_call():
    text = "Romanians are all criminals."
    assert assess(text).action == "nudge"
    assert assess(text, {"thresholds": {"hold": 0.5}}).action == "hold"
    assert assess(text, {"thresholds": {"nudge": 0.6, "hold": 0.9, "block": 0.99}}).action \
        == "publish"
    assert assess("Kill all the gypsies.", {"thresholds": {"block": 1.01}}).action == "hold"


# --- the functional suite ---------------------------------------------------------------------


def _cases():
    with CASES.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_functional_suite_is_big_and_covers_every_group_and_functionality():
    cases = _cases()
    assert len(cases) >= 1500
    assert {case["label"] for case in cases} == {"hateful", "not hateful"}
    assert set(FLOORS) == {case["functionality"] for case in cases}
    by_functionality = defaultdict(set)
    for case in cases:
        by_functionality[case["functionality"]].add(case["target_group"])
    for functionality in ("dehumanising", "threat", "exclusion", "negative_generalisation",
                          "contempt", "question", "opinion", "pronoun_reference", "evasion",
                          "neutral_mention", "positive_mention", "counter_quote",
                          "counter_reference", "negated"):
        assert by_functionality[functionality] >= GROUPS, functionality


def test_accuracy_on_each_functionality_stays_above_its_floor():
    right, total = defaultdict(int), defaultdict(int)
    misses = defaultdict(list)
    for case in _cases():
        predicted = is_hateful(assess(case["text"]))
        functionality = case["functionality"]
        total[functionality] += 1
        if predicted == (case["label"] == "hateful"):
            right[functionality] += 1
        else:
            misses[functionality].append(case["text"])
    below = {name: round(right[name] / total[name], 3) for name in total
             if right[name] / total[name] < FLOORS[name]}
    assert not below, {name: (below[name], misses[name][:5]) for name in below}


# --- the shared public data (present here and in CI; skipped elsewhere) -------------------------


needs_shared_data = pytest.mark.skipif(not SHARED.is_dir(),
                                       reason="../shared/data/hate-speech is not here")


@needs_shared_data
def test_on_davidson_tweets_profanity_alone_is_rarely_flagged():
    rows = read_labelled(SHARED / "davidson_tweets.csv", group_column="original_class")
    report = evaluate(rows)
    groups = report["groups"]
    assert groups["offensive_language"]["false_positive_rate"] < 0.05
    assert groups["neither"]["false_positive_rate"] < 0.03
    assert groups["hate_speech"]["recall"] > 0.30
    assert report["overall"]["precision"] > 0.33


@needs_shared_data
def test_on_stormfront_sentences_what_is_flagged_is_mostly_hateful():
    report = evaluate(read_labelled(SHARED / "stormfront_dev.csv"))
    overall = report["overall"]
    assert overall["false_positive_rate"] < 0.01
    assert overall["precision"] > 0.5
    assert overall["recall"] > 0.06
