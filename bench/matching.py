"""Benchmark the matchmaker against the obvious way of doing the same job, in one run.

    .venv/bin/python bench/matching.py [--quick] [--seed 42]

Builds a synthetic borough (120 skills in 12 categories with synonyms, 12 wards, 10,000 people
of every age band, a fifth of claims in their own words only; --quick: 2,000), then:

1. Ranks a handful of seekers against every profile with `matching.rank`, against a naive
   baseline that scores every candidate with `score_pair` (no index) and sorts the whole list.
   The baseline gets a fresh copy of the catalogue each run, so it reads everyone's claims
   afresh; `rank` is timed that way too ("cold", as for profiles just loaded) and with the
   claims already read ("warm"). Checks that both give the same top 20.
2. Places a cohort (young people x mentors, two places each) optimally with `place_cohort`
   and with `place_cohort_greedily`, timing `score_matrix` on its own as well.
"""

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from forum.core.safeguarding import Party  # noqa: E402
from forum.skills import matching  # noqa: E402
from forum.skills.matching import Catalogue, Claim, Profile, SkillInfo  # noqa: E402

CATEGORIES = {  # 12 x 10 skills
    "Music": "guitar, piano, violin, singing, drums, ukulele, songwriting, choir, dj, harmonica",
    "Languages": "polish, urdu, spanish, french, arabic, bengali, portuguese, romanian, bsl, "
                 "conversational english",
    "Food": "baking, cooking, vegan cooking, cake decorating, bread making, pickling, curry, "
            "pastry, knife skills, meal planning",
    "Gardening": "vegetable growing, composting, pruning, beekeeping, houseplants, allotment "
                 "planning, seed saving, lawn care, hedge laying, wildflowers",
    "Digital": "python, excel, web design, video editing, photography, smartphone basics, "
               "online safety, spreadsheets, coding for kids, social media",
    "Repair": "bike repair, sewing, plumbing basics, electrics, carpentry, upholstery, "
              "furniture restoration, phone repair, knitting, darning",
    "Health": "first aid, nursing, yoga, running coaching, mental health awareness, nutrition, "
              "pilates, swimming, walking football, strength training",
    "Money": "budgeting, tax returns, benefits advice, bookkeeping, cv writing, job interviews, "
             "starting a business, grant writing, pensions, saving",
    "Study": "maths tutoring, english tutoring, science tutoring, reading, homework help, exam "
             "revision, essay writing, history, chemistry, physics",
    "Arts": "painting, drawing, pottery, calligraphy, printmaking, knitting patterns, crochet, "
            "jewellery making, poetry, creative writing",
    "Care": "childcare, elder care, dementia support, befriending, sign language, baby massage, "
            "pet care, dog walking, cat sitting, tenancy rights",
    "Community": "public speaking, event planning, fundraising, volunteering, leadership, "
                 "mediation, campaigning, litter picking, chairing meetings, translation",
}
SYNONYMS = {"guitar": ["guitarist"], "nursing": ["nurse"], "cooking": ["cook", "chef"],
            "python": ["programming"], "maths tutoring": ["maths", "algebra"],
            "bike repair": ["cycle mechanic", "fix my bike"], "bsl": ["british sign language"],
            "cv writing": ["resume", "cv"], "vegetable growing": ["grow vegetables", "veg"],
            "photography": ["photos", "camera"], "sewing": ["alterations", "sewing machine"],
            "drums": ["drummer", "percussion"], "excel": ["microsoft excel"],
            "childcare": ["babysitting", "nanny"], "baking": ["baker", "cakes"],
            "budgeting": ["money management"], "yoga": ["stretching"], "dj": ["djing"]}
FILLERS = ["", "", " for beginners", " basics", " at the weekend", " with confidence",
           " in my garden", " for my family", " step by step"]
LANGUAGES = ["polish", "urdu", "bengali", "portuguese", "romanian", "arabic", "somali"]
FORMATS = ["in_person", "online", "swap", "group", "mentoring"]


def catalogue():
    skills = []
    for category_id, names in enumerate(CATEGORIES.values(), start=1):
        for name in names.split(", "):
            skills.append(SkillInfo(len(skills) + 1, name.capitalize(), category_id,
                                    tuple(SYNONYMS.get(name, ()))))
    return skills


def people(rng, count, skills, first_id=1, role=None, blockable=None):
    """`count` profiles with ids from `first_id`; one in 20 blocks two of `blockable` ids."""
    blockable = blockable or range(first_id, first_id + count)
    result = []
    for pid in range(first_id, first_id + count):
        kind = role or rng.choices(["adult", "mentor", "16_17", "under_16"], [65, 15, 12, 8])[0]
        party = Party(pid, "adult" if kind in ("adult", "mentor") else kind,
                      verified_mentor=kind == "mentor",
                      open_to_matches=kind == "mentor" or rng.random() < 0.85,
                      guardian_consent=rng.random() < 0.8,
                      blocked=frozenset(rng.sample(blockable, 2) if rng.random() < 0.05 else ()))
        capacity = rng.randint(1, 3) if kind == "mentor" else 0
        languages = {"english"} | set(rng.sample(LANGUAGES, rng.choice([0, 0, 0, 1, 2])))
        result.append(Profile(
            party, f"Person {pid}", ward_id=rng.randint(1, 12), languages=frozenset(languages),
            availability=sum(1 << slot for slot in rng.sample(range(21), rng.randint(2, 8))),
            formats=frozenset(rng.sample(FORMATS, rng.randint(1, 3))), capacity=capacity,
            active_mentees=rng.randint(0, capacity),
            offers=tuple(claim(rng, skills) for _ in range(rng.randint(1, 3))),
            wants=tuple(claim(rng, skills) for _ in range(rng.randint(1, 3)))))
    return result


def claim(rng, skills):
    skill = rng.choice(skills)
    formats = frozenset(rng.sample(FORMATS, rng.randint(0, 2)))
    if rng.random() < 0.2:  # in their own words only: a synonym or the name, in a sentence
        phrase = rng.choice([*skill.synonyms, skill.name.lower()])
        return Claim(f"I'd love some help with {phrase}{rng.choice(FILLERS)}", None, None,
                     formats)
    return Claim(skill.name + rng.choice(FILLERS), skill.id, None, formats)


def naive_rank(seeker, candidates, skills, locations):
    """Score everyone, un-indexed and from a fresh catalogue (so nothing is cached), sort all."""
    fresh = Catalogue(list(skills))
    scored = [suggestion for candidate in candidates
              if (suggestion := matching.score_pair(seeker, candidate, fresh, locations))]
    scored.sort(key=lambda item: (-item.score, item.id))
    forget(fresh, [seeker, *candidates])
    return scored


def cold_rank(seeker, candidates, skills, locations, limit=20):
    fresh = Catalogue(list(skills))
    result = matching.rank(seeker, candidates, fresh, locations, limit)
    forget(fresh, [seeker, *candidates])
    return result


def forget(catalogue, profiles):
    """Drop what the profiles read with `catalogue`, so the next run reads afresh."""
    for profile in profiles:
        reading = profile.__dict__.get("_reading")
        if reading is not None and reading[0] is catalogue:
            del profile.__dict__["_reading"]


def timed(function, *args, repeat=5):
    """(median ms, last result)."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = function(*args)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), result


def kind(profile):
    return "mentor" if profile.party.verified_mentor else profile.party.age_band


def bench_rank(pool, skills, shared, locations, repeat):
    adults = [profile for profile in pool if kind(profile) == "adult"]
    seekers = [adults[0], adults[1], *(next(p for p in pool if kind(p) == wanted and
                                            p.party.guardian_consent)
                                       for wanted in ("mentor", "16_17", "under_16"))]
    matching.rank(seekers[0], pool, shared, locations)  # read every profile once: "warm"
    print(f"{'1. rank one seeker':<26}{'naive ms':>10}{'cold ms':>10}{'warm ms':>10}"
          f"{'naive/cold':>12}{'naive/warm':>12}  top 20")
    for seeker in seekers:
        naive_ms, everyone = timed(naive_rank, seeker, pool, skills, locations, repeat=repeat)
        cold_ms, cold = timed(cold_rank, seeker, pool, skills, locations, repeat=repeat)
        warm_ms, warm = timed(matching.rank, seeker, pool, shared, locations, repeat=repeat)
        expected = [(s.id, s.score) for s in everyone[:20]]
        agree = all([(s.id, s.score) for s in top] == expected for top in (cold, warm))
        label = f"#{seeker.id} {kind(seeker)}, {len(everyone)} found"
        print(f"{label:<26}{naive_ms:>10.1f}{cold_ms:>10.1f}{warm_ms:>10.1f}"
              f"{naive_ms / cold_ms:>11.1f}x{naive_ms / warm_ms:>11.1f}x  "
              f"{'agree' if agree else 'DIFFER'}")


def bench_cohort(rng, skills, shared, locations, n_young, n_mentors, repeat):
    mentor_ids = range(300_001, 300_001 + n_mentors)
    young = (people(rng, n_young * 4 // 5, skills, 100_001, "16_17", mentor_ids)
             + people(rng, n_young // 5, skills, 200_001, "under_16", mentor_ids))
    mentors = people(rng, n_mentors, skills, mentor_ids.start, "mentor")
    for profile in mentors:
        profile.capacity, profile.active_mentees = 2, 0
    cohort = (young, mentors, {profile.id: 2 for profile in mentors}, shared, locations)
    matching.score_matrix(young, mentors, shared, locations)  # read every profile once
    matrix_ms, matrix = timed(matching.score_matrix, young, mentors, shared, locations,
                              repeat=repeat)
    runs = {}
    for name, place in (("place_cohort", matching.place_cohort),
                        ("greedy (baseline)", matching.place_cohort_greedily)):
        runs[name] = list(timed(place, *cohort, repeat=repeat))
        # The placing alone: score_matrix answered from the result just timed.
        real, matching.score_matrix = matching.score_matrix, lambda *_: matrix
        runs[name].append(timed(place, *cohort, repeat=repeat)[0])
        matching.score_matrix = real
    allowed = (matrix[0] == matrix[0]).sum()  # NaN marks a forbidden pair
    print(f"\n2. cohort: {len(young)} young people x {len(mentors)} mentors, 2 places each "
          f"({allowed:,} of {matrix[0].size:,} pairs allowed)\n"
          f"   score_matrix alone: {matrix_ms:.1f} ms\n"
          f"{'':23}{'total ms':>10}{'placing ms':>12}{'total score':>13}{'placed':>10}")
    for name, (ms, placements, alone) in runs.items():
        placed = sum(placement.mentor_id is not None for placement in placements)
        print(f"   {name:<20}{ms:>10.1f}{alone:>12.1f}"
              f"{matching.total_score(placements):>13,.1f}{placed:>6}/{len(young)}")
    (optimal_ms, optimal, optimal_alone), (greedy_ms, greedy, greedy_alone) = runs.values()
    best, obvious = matching.total_score(optimal), matching.total_score(greedy)
    print(f"   optimal/greedy time: {optimal_ms / greedy_ms:.2f}x in all, "
          f"{optimal_alone / greedy_alone:.2f}x placing alone; optimal beats greedy on "
          f"total score by {(best - obvious) / obvious:.2%}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="2,000 profiles, a 60 x 30 cohort")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    size, n_young, n_mentors, repeat = (2000, 60, 30, 3) if args.quick else (10000, 300, 150, 5)
    rng = random.Random(args.seed)
    skills = catalogue()
    shared = Catalogue(skills)
    locations = {ward: (52.60 + rng.uniform(0, 0.08), 1.24 + rng.uniform(0, 0.12))
                 for ward in range(1, 13)}
    pool = people(rng, size, skills)
    print(f"{len(skills)} skills in {len(CATEGORIES)} categories, {size:,} profiles, "
          f"12 wards; medians of {repeat} runs\n")
    bench_rank(pool, skills, shared, locations, repeat)
    bench_cohort(rng, skills, shared, locations, n_young, n_mentors, repeat)


if __name__ == "__main__":
    main()
