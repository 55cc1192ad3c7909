"""Targeted-hate rules: a protected group, and something hateful said about or to it.

The text (already normalised) is cut into words, and the words the lexicon knows are marked
with what they are: a group, a slur, a link ("are", "like"), a negation, a dehumanising noun,
a threat … Then, sentence by sentence, each mention of a group (or a pronoun that points back
to one) is paired with what is said about it, if the two are joined the way hate is phrased:
"<group> are <vermin>", "<deport> all <group>", "<group> should <go back>". A pair does not
count when it is negated ("are not criminals"), denied ("it's a myth that …"), or quoted or
reported in order to condemn it ("saying '…' is disgusting").

`find_hits(normalised_text)` returns the Hits; the detector turns them into a Verdict.
"""

from dataclasses import dataclass, replace

from forum.moderation import lexicon
from forum.moderation.phrases import Text


@dataclass(frozen=True)
class Hit:
    category: str        # dehumanising, threat, exclusion, slur, generalisation, contempt, …
    group: str
    group_words: str
    words: str           # what was said ("vermin", "deport", the slur itself)
    pronoun: str = ""    # set when the group was named earlier and pointed back to


_SENTENCE_END_WORDS = {"now", "please", "immediately", "asap", "forever", "for good", "today"}
_AMBIGUOUS_BEFORE = {"of", "the", "all", "those", "these", "most", "many", "some", "bloody",
                     "fucking", "damn", "dirty", "filthy", "stinking", "thieving", "lazy",
                     "every", "no", "typical", "more", "fuck", "hate", "kill", "deport", "ban"}
_SPECIFIC_BEFORE = {"the", "those", "these", "my", "our", "your", "his", "her",
                    "their", "two", "three", "four", "five", "six", "some", "both", "several",
                    "few", "couple", "young", "old", "older", "elderly", "local", "other",
                    "and"}
_PRE_FILLERS = {"the", "all", "every", "those", "these", "them", "more", "any", "some", "of",
                "fucking", "fuckin", "bloody", "damn", "last", "one", "single", "off", "out",
                "a", "few", "local", "our", "this", "lot", "back", "rest", "most",
                "many", "remaining", "other", "filthy", "dirty", "stinking", "thieving"}
_CALLED = {"called", "calls", "calling", "call", "shouted", "yelled", "screamed"}
_CALLED_OBJECTS = {"me", "us", "him", "her", "them", "my", "our", "his", "a", "an", "you",
                   "son", "daughter", "wife", "husband", "friend", "neighbour", "kids", "mum",
                   "dad", "brother", "sister", "partner"}
_MENTION_BEFORE = {"word", "term", "words", "terms", "like", "slur", "slurs", "as"}
_AT_PERSON = {"you", "ur", "u", "such", "what", "youre", "absolute", "total", "complete",
              "little", "fat", "stupid", "bloody", "fucking"}
_SINGULAR_SLUR_ARTICLES = {"a", "an", "you", "ur", "u"}


# --- pairing groups with what is said about them ----------------------------------------------

_INTENT = {"should", "must", "need", "needs", "let's", "lets", "let", "will", "would", "gonna",
           "going", "want", "wanna", "time", "ought", "happily", "gladly", "someone", "gotta",
           "somebody", "start", "love", "deserve", "just", "have", "has", "say", "could",
           "i", "we", "please", "everyone", "everybody", "go", "and", "better"}
_OPENERS = {"just", "so", "and", "then", "please", "now", "simply", "seriously", "honestly",
            "absolutely", "really", "totally", "genuinely", "properly", "literally", "fucking",
            "mate", "right", "ok", "okay", "well", "yes", "yeah", "frankly", "i", "say", "lets",
            "let's", "we", "should", "all", "tbh", "imo", "-", ","}
_FIRST_SUBJECT = {"i", "we", "me", "us", "am", "really", "just", "honestly", "absolutely",
                  "fucking", "bloody", "genuinely", "personally", "totally", "so", "too"}
_CONTEMPT_VERBS = {"hate", "hating", "i hate", "despise", "loathe", "detest", "can not stand",
                   "cannot stand", "can not bear", "sick of", "sick to death of",
                   "sick and tired of", "fed up of", "fed up with", "had enough of",
                   "disgusted by", "disgusted with", "repulsed by", "revolted by"}
_NO_COMPLEMENTS = {"allowed", "here", "wanted", "welcome", "please", "thanks", "thank",
                   "round", "around", "in", "near", "on", "ever", "more"}
_MAX_BEFORE_LINK = 5
_MAX_AFTER_LINK = 4


@dataclass
class _Anchor:
    group: str
    start: int
    end: int
    words: str
    how: str             # noun, singular, slur, place, pronoun
    sentence: int
    quoted: bool
    pronoun: str = ""


def _anchors(text):
    """Every mention of a group, in order: names, slurs, places, and pronouns that point back."""
    anchors, last, tokens, covered = [], None, text.tokens, 0
    for span in text.spans:
        if span.start < covered:
            continue
        roles = sorted((r for r in span.roles if r.kind in ("group", "slur", "place", "pronoun")),
                       key=lambda r: r.how != "adj")
        if not roles:
            continue
        next_kinds = text.kinds(span.end) if span.end < len(tokens) else set()
        anchor = None
        for role in roles:
            if role.kind == "group" and role.how == "adj":
                end = span.end
                while end < len(tokens) and text.span_at[end] and \
                        not text.span_at[end].has("person") and \
                        any(r.kind == "group" and r.how == "adj"
                            for r in text.span_at[end].roles):
                    end = text.span_at[end].end
                if end < len(tokens) and text.span_at[end] and text.span_at[end].has("person"):
                    person = text.span_at[end]
                    anchor = _Anchor(role.key, span.start, person.end,
                                     " ".join(tokens[span.start:person.end]), "noun",
                                     span.sentence, span.quoted)
                    break
                if text.token_before(span.start) in ("every", "each", "any"):
                    anchor = _Anchor(role.key, span.start, span.end, span.words, "noun",
                                     span.sentence, span.quoted)
                    break
            elif role.kind == "group" and role.how == "noun":
                before = text.token_before(span.start)
                before_kinds = text.kinds(span.start - 1) if span.start else set()
                if "?" in role.flags and before not in _AMBIGUOUS_BEFORE and not (
                        (next_kinds | before_kinds) & {"link", "modal", "neg", "pred"}):
                    continue
                if "!" in role.flags and before in _SPECIFIC_BEFORE and not (
                        before == "the" and text.token_before(span.start, 2) == "all"):
                    continue
                anchor = _Anchor(role.key, span.start, span.end, span.words, "noun",
                                 span.sentence, span.quoted)
                break
            elif role.kind == "slur":
                anchor = _Anchor(role.key, span.start, span.end, span.words, "slur",
                                 span.sentence, span.quoted)
                break
            elif role.kind == "place":
                anchor = _Anchor(role.key, span.start, span.end, span.words, "place",
                                 span.sentence, span.quoted)
                break
            elif role.kind == "pronoun" and last is not None and \
                    span.sentence - last.sentence <= 2:
                anchor = _Anchor(last.group, span.start, span.end, last.words, "pronoun",
                                 span.sentence, span.quoted, pronoun=span.words)
                break
        else:
            for role in roles:
                if role.kind == "group" and role.how in ("singular", "adj") and any(
                        r.how == "singular" for r in roles):
                    # "every Muslim", "any Romanian" speak of all of them.
                    every = text.token_before(span.start) in ("every", "each", "any", "no")
                    anchor = _Anchor(role.key, span.start, span.end, span.words,
                                     "noun" if every else "singular", span.sentence,
                                     span.quoted)
                    break
        if anchor is None:
            continue
        anchors.append(anchor)
        covered = anchor.end
        if anchor.how in ("noun", "slur", "place"):
            last = anchor
    return anchors


def _negated_before(text, start, sentence):
    """A negation right before the group ("not all", "no") or a denial earlier on."""
    before = text.token_before(start)
    if before == "all":
        before = text.token_before(start, 2)
    return before in ("not", "no", "never", "nor") or \
        text.in_sentence(sentence, "denial", before=start) is not None


def _gap_after(text, anchor, pred, role):
    """(joined, negated) for a predicate that follows its group."""
    start, stop = anchor.end, pred.start
    if "^" in role.flags and start != stop:
        return False, False
    negated, linked, before_link, after_link = False, role.how == "direct", 0, 0
    i = start
    while i < stop:
        span = text.span_at[i]
        token = text.tokens[i]
        if i == start and role.how in ("link", "modal"):
            main = _relative_clause_end(text, i, stop)
            if main is not None:
                i = main     # "Romanians who moved in next door | are vermin"
                continue
        if token in ("<end>", "<q>"):
            return False, False
        kinds = {r.kind for r in span.roles} if span else set()
        width = span.end - i if span else 1
        if "neg" in kinds:
            negated = True
        elif role.how in ("link", "modal") and kinds & {"link", "modal"}:
            linked = True
            after_link = 0
        elif linked and role.how != "direct":
            if not (kinds & {"filler", "pred", "link", "modal", "neg"}) and token != ",":
                return False, False
            after_link += 1
            if after_link > _MAX_AFTER_LINK:
                return False, False
        else:
            if "boundary" in kinds and not (kinds & {"link", "modal", "filler"}):
                return False, False
            before_link += 1
            if before_link > _MAX_BEFORE_LINK:
                return False, False
        i += width
    if not linked and role.how in ("link", "modal") and text.is_question(anchor.sentence):
        # "why are (all) Romanians criminals?", "aren't all Muslims thieves?"
        for step in (1, 2, 3, 4):
            span = text.span_at[anchor.start - step] if anchor.start - step >= 0 else None
            if span is not None and (span.has("link") or span.has("modal")) and \
                    span.sentence == anchor.sentence:
                linked = True
                break
            if text.token_before(anchor.start, step) not in ("all", "the", "not", "so"):
                break
    if not linked:
        if role.how == "modal" and start == stop and _at_end(text, pred.end):
            linked = True   # "immigrants go home!"
        else:
            return False, False
    if "$" in role.flags and not _at_end(text, pred.end):
        return False, False
    return True, negated


_RELATIVE = {"who", "that", "which"}
_MAX_RELATIVE = 7
# A relative clause that says what these people did ("who commit crimes", "that broke the
# law") makes the sentence about them, not about everyone in the group.
_WRONGDOING = set((
    "commit|commits|committed|committing|crime|crimes|criminal|criminals|law|laws|illegal|"
    "illegally|attack|attacks|attacked|attacking|assault|assaulted|rape|raped|rapes|murder|"
    "murdered|murders|kill|killed|kills|stab|stabbed|steal|steals|stole|stolen|stealing|rob|"
    "robbed|robs|burgle|burgled|drugs|dealing|abuse|abused|abuses|abusing|groom|groomed|"
    "grooming|terror|terrorist|terrorism|terrorists|convicted|conviction|offend|offended|"
    "offence|offences|offenders|overstay|overstayed|overstaying|fraud|smuggle|smuggled|"
    "trafficked|trafficking|violence|violent|threaten|threatened|harass|harassed|vandalised|"
    "prison|jail|jailed|guilty|failed|refused|rejected|sentenced|arrested|charged"
).split("|"))


def _relative_clause_end(text, i, stop, wrongdoing=False):
    """Where the main verb starts after "<group> who/that/which <short clause>", or None.

    "Those Romanians who moved in next door | are vermin": the clause is skipped so that
    the group is joined to its predicate. Not skipped when the clause holds another group,
    a predicate, speech, a negation, or (unless `wrongdoing`) what these people did wrong."""
    if i < len(text.tokens) and text.tokens[i] == ",":
        i += 1
    if i >= stop or text.tokens[i] not in _RELATIVE:
        return None
    # The main verb: the run of links, modals, negations and fillers right before the predicate.
    main = stop
    while main > i + 1:
        kinds = text.kinds(main - 1)
        if not kinds & {"link", "modal", "filler"} and text.tokens[main - 1] != ",":
            break
        main = text.span_at[main - 1].start if text.span_at[main - 1] else main - 1
    while main < stop and not text.kinds(main) & {"link", "modal"}:
        main += 1
    if main >= stop or not 1 <= main - (i + 1) <= _MAX_RELATIVE:
        return None
    for j in range(i + 1, main):
        kinds = text.kinds(j)
        token = text.tokens[j]
        if token in ("<end>", "<q>", "-") or token in _RELATIVE or \
                (token in _WRONGDOING and not wrongdoing) or \
                kinds & {"group", "slur", "place", "neg", "speech", "opinion", "denial",
                         "condemn", "reported", "incident"}:
            return None
        span = text.span_at[j]
        if span is not None and any(r.kind == "pred" and r.how != "split" for r in span.roles):
            return None   # "run" alone is not "run them out"
        if "boundary" in kinds and token in ("because", "but", "although", "though", "if",
                                             "when", "while", "whilst", "whereas", "unless",
                                             "except", "than", "until", "whether"):
            return None
    return main


def _at_end(text, i):
    if i >= len(text.tokens):
        return True
    token = text.tokens[i]
    return token in ("<end>", "<q>", ",", "-") or token in _SENTENCE_END_WORDS


def _gap_before(text, pred, anchor, role):
    """(joined, negated) for a predicate that comes before its group."""
    gap = 0
    i = pred.end
    while i < anchor.start:
        span = text.span_at[i]
        token = text.tokens[i]
        kinds = {r.kind for r in span.roles} if span else set()
        if token not in _PRE_FILLERS and not (kinds & {"demonstrative", "filler"}) and not (
                span and span.has("pred") and span.role("pred").key == "contempt"):
            return False, False
        gap += 1
        if gap > 4:
            return False, False
        i = span.end if span else i + 1
    if role.how == "split":
        particles = lexicon.EXCLUSION_SPLIT[pred.words].split("|")
        after = [text.tokens[i] for i in range(anchor.end, min(anchor.end + 3,
                                                                len(text.tokens)))]
        if not after or not (after[0] in particles or
                             (after[0] in ("all", "lot", "every", "each") and
                              len(after) > 1 and after[1] in particles)):
            return False, False
    negated = any(text.token_before(pred.start, step) in ("not", "never", "no", "nor")
                  for step in (1, 2, 3)) or \
        text.in_sentence(pred.sentence, "denial", before=pred.start) is not None
    if role.key in ("threat", "exclusion") and role.how != "split" and \
            not _called_for(text, pred):
        return False, False
    if pred.words in _CONTEMPT_VERBS and not _first_person(text, pred):
        return False, False
    return True, negated


def _called_for(text, pred):
    """A threat or exclusion that is urged or intended, not a report of one that happened."""
    first = text.sentence_start[pred.sentence]
    if all(text.tokens[i] in _OPENERS for i in range(first, pred.start)):
        return True
    return any(text.tokens[i] in _INTENT for i in range(max(first, pred.start - 4), pred.start))


def _first_person(text, pred):
    first = text.sentence_start[pred.sentence]
    if pred.words in ("i hate",) or all(text.tokens[i] in _OPENERS
                                        for i in range(first, pred.start)):
        return True
    return any(text.tokens[i] in _FIRST_SUBJECT for i in range(max(first, pred.start - 3),
                                                                 pred.start)) and \
        any(text.tokens[i] in ("i", "we", "me", "us")
            for i in range(max(first, pred.start - 4), pred.start))


def _countered(text, anchor, pred_span):
    """Quoted or reported in order to condemn it, or followed by "is wrong/disgusting"."""
    sentence = anchor.sentence
    quoted = anchor.quoted or (pred_span is not None and pred_span.quoted)
    if quoted and (text.condemned or _reported(text, anchor)):
        return True
    first = min(anchor.start, pred_span.start if pred_span else anchor.start)
    if text.in_sentence(sentence, "speech", before=first) is not None:
        for nearby in (sentence, sentence + 1, sentence - 1):
            if text.in_sentence(nearby, "condemn") is not None:
                return True
    last = max(anchor.end, pred_span.end if pred_span else anchor.end)
    link = text.in_sentence(sentence, "link", after=last)
    if link is not None:
        verdict = text.span_at[link.end] if link.end < len(text.tokens) else None
        if verdict is None and link.end + 1 < len(text.tokens):
            verdict = text.span_at[link.end + 1]
        if verdict is not None and verdict.has("condemn") and verdict.start - link.end <= 2:
            return True
    return False


def _reported(text, anchor):
    """A quote introduced by someone else's past words: "a man said '…'"."""
    first = text.sentence_start[anchor.sentence]
    for i in range(anchor.start - 1, first - 1, -1):
        span = text.span_at[i]
        if span is not None and (span.has("reported") or span.has("speech")) and \
                not text.quoted[i]:
            return span.has("reported") and text.token_before(span.start, 2) != "as" and \
                text.token_before(span.start, 3) != "as"
    return False


def _slur_hit(text, anchor):
    """A Hit for a slur, unless it is innocent here, reclaimed, mentioned, or reported."""
    span = text.span_at[anchor.start]
    neighbours = lexicon.SLUR_INNOCENT_NEIGHBOURS.get(anchor.words)
    if neighbours:
        near = {text.token_before(anchor.start), text.token_before(anchor.start, 2)}
        near.update(text.tokens[anchor.end:anchor.end + 2])
        if near & set(neighbours.split("|")):
            return None
    role = span.role("slur")
    if "~" in role.flags and text.in_sentence(anchor.sentence, "first") is not None:
        return None
    if anchor.quoted and (text.condemned or _reported(text, anchor) or
                          text.in_sentence(anchor.sentence, "speech", before=anchor.start)):
        return None
    before = [text.token_before(anchor.start, step) for step in (1, 2, 3, 4)]
    if before[0] in _MENTION_BEFORE or before[1] in ("word", "term"):
        return None
    if any(word in _CALLED for word in before) and any(w in _CALLED_OBJECTS for w in before):
        return None
    if _countered(text, anchor, None):
        return None
    if before[0] in _AT_PERSON or (before[0] in _SINGULAR_SLUR_ARTICLES and
                                   before[1] in ("a", "are", "is", "you", "such", "what")):
        return Hit("slur_at_person", anchor.group, anchor.words, anchor.words)
    return Hit("slur", anchor.group, anchor.words, anchor.words)


def find_hits(normalised):
    """Every targeted-hate Hit in a normalised text, in the order found."""
    text = Text(normalised)
    if not any(span.has("group") or span.has("slur") or span.has("place")
               for span in text.spans):
        return []
    anchors = _anchors(text)
    preds = [span for span in text.spans if span.has("pred")]
    hits = []
    for anchor in anchors:
        if anchor.how == "slur":
            hit = _slur_hit(text, anchor)
            if hit:
                hits.append(hit)
        if anchor.how == "noun" and _no_group_allowed(text, anchor):
            hits.append(Hit("exclusion", anchor.group, anchor.words,
                            f"no {anchor.words} {text.tokens[anchor.end]}"))
        for pred in preds:
            if pred.sentence != anchor.sentence:
                continue
            hit = _pair(text, anchor, pred)
            if hit:
                hits.append(hit)
    hits.extend(_demonstrative_hits(text, anchors))
    hits.extend(_named_as_vermin(text))
    return hits


def _named_as_vermin(text):
    """ "Polish scum", "gypsy vermin": a group's name used to qualify a dehumanising noun."""
    hits = []
    for span in text.spans:
        if span.end >= len(text.tokens) or not any(
                r.kind == "group" and r.how == "adj" for r in span.roles):
            continue
        noun = text.span_at[span.end]
        if noun is None or not any(r.kind == "pred" and r.key == "dehumanising" and
                                   r.how == "link" and "i" not in r.flags for r in noun.roles):
            continue
        # "white trash" is a slur about class more than race, and everywhere in casual use.
        if noun.words.startswith(("a ", "an ")) or noun.words in ("trash", "garbage") or (
                text.quoted[span.start] and text.condemned):
            continue
        if _negated_before(text, span.start, span.sentence):
            continue
        group = next(r.key for r in span.roles if r.kind == "group")
        hits.append(Hit("dehumanising", group, span.words, f"{span.words} {noun.words}"))
    return hits


def _pair(text, anchor, pred):
    for role in pred.roles:
        if role.kind != "pred":
            continue
        if anchor.how == "place" and role.key != "threat":
            continue
        if anchor.how == "singular" and role.key != "threat":
            continue
        if "T" in role.flags and anchor.group != "trans":
            continue
        if role.where == "after" and pred.start >= anchor.end:
            if _object_of_clause(text, anchor):
                continue
            joined, negated = _gap_after(text, anchor, pred, role)
            if joined and not negated:
                negated = _negated_before(text, anchor.start, anchor.sentence)
                if negated and text.is_question(anchor.sentence) and \
                        text.in_sentence(anchor.sentence, "denial", before=anchor.start) is None:
                    negated = False   # "aren't all X criminals?" asks it, does not deny it
        elif role.where == "before" and pred.end <= anchor.start:
            joined, negated = _gap_before(text, pred, anchor, role)
        else:
            continue
        if not joined:
            hit = _contempt_for_wrongdoers(text, anchor, pred, role)
            if hit:
                return hit
            continue
        fires = negated if "i" in role.flags else not negated
        if "i" in role.flags and not negated and text.is_question(anchor.sentence) and (
                "why" in text.tokens[text.sentence_start[anchor.sentence]:anchor.start] or
                role.key == "dehumanising"):
            fires = True   # "why are they allowed here?", "are they even human?"
        if not fires or _countered(text, anchor, pred):
            continue
        words = f"not {pred.words}" if "i" in role.flags else pred.words
        return Hit(role.key, anchor.group, anchor.words, words, anchor.pronoun)
    return None


def _contempt_for_wrongdoers(text, anchor, pred, role):
    """ "Refugees who commit crimes are vermin": about what some did, but the group's name
    still carries the contempt, so it is worth a nudge (not a hold)."""
    if role.key != "dehumanising" or role.how != "link" or "i" in role.flags or \
            anchor.how != "noun" or role.where != "after" or pred.start < anchor.end:
        return None
    main = _relative_clause_end(text, anchor.end, pred.start, wrongdoing=True)
    if main is None or _object_of_clause(text, anchor):
        return None
    joined, negated = _gap_after(text, replace(anchor, end=main), pred, role)
    if not joined or negated or _negated_before(text, anchor.start, anchor.sentence) or \
            _countered(text, anchor, pred):
        return None
    return Hit("contempt", anchor.group, anchor.words, pred.words, anchor.pronoun)


_PREPOSITIONS = {"on", "at", "to", "from", "by", "against", "about", "with", "for", "towards",
                 "toward", "into", "onto", "than", "over", "under", "behind", "near",
                 "between", "among", "amongst", "of"}
_QUANTITIES = {"all", "most", "many", "some", "none", "each", "lot", "lots", "loads", "plenty",
               "full", "majority", "half", "rest", "few", "one", "any", "both", "several"}


def _object_of_clause(text, anchor):
    """ "People who abuse Muslims are scum", "tattoos on women are trash": the group is not
    what "are scum" is about."""
    before = text.token_before(anchor.start)
    if before == "the":
        before = text.token_before(anchor.start, 2)
        after_the = 3
    else:
        after_the = 2
    if before in _PREPOSITIONS and not (
            before == "of" and text.token_before(anchor.start, after_the) in _QUANTITIES):
        return True
    first = text.sentence_start[anchor.sentence]
    for step in (2, 3):
        if text.token_before(anchor.start, step) in ("who", "which", "whoever") and \
                anchor.start - step > first:
            return True
    return False


def _no_group_allowed(text, anchor):
    """ "No travellers allowed", "no gypsies here!" """
    if text.token_before(anchor.start) != "no" or anchor.end >= len(text.tokens):
        return False
    after = text.tokens[anchor.end]
    if after in ("allowed", "wanted", "welcome", "please", "thanks"):
        return True
    return after in ("here", "round", "around") and _at_end(
        text, anchor.end + (1 if after == "here" else 2))


def _demonstrative_hits(text, anchors):
    """ "More Romanians moved in. These animals …": a group named, then called vermin."""
    hits = []
    named = [anchor for anchor in anchors if anchor.how in ("noun", "slur")]
    if not named:
        return hits
    for span in text.spans:
        if not span.has("demonstrative") or span.end >= len(text.tokens):
            continue
        noun = text.span_at[span.end]
        if noun is None or not any(r.kind == "pred" and r.key == "dehumanising" and
                                   r.how == "link" for r in noun.roles):
            continue
        earlier = [a for a in named if a.end <= span.start and
                   span.sentence - a.sentence <= 2]
        if earlier and not text.quoted[span.start] and not _negated_before(
                text, span.start, span.sentence):
            group = earlier[-1]
            hits.append(Hit("dehumanising", group.group, group.words, noun.words,
                            pronoun=f"{span.words} {noun.words}"))
    return hits
