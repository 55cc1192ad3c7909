"""Read a normalised text as the rules see it: words, sentences, quotes, and what each known
phrase is (a group, a slur, a link like "are", a negation, a predicate like "vermin" …).

The lexicon is compiled once into an index of phrases by their first word; `tokenise` cuts the
text into words (mending misspelt known words), sentence ends and quote marks, and `annotate`
marks the longest known phrase at each position. `Text` holds the result and answers the
questions the rules ask of it.
"""

import re
from dataclasses import dataclass

from forum.moderation import lexicon
from forum.moderation import normalise as normalise_module
from forum.moderation.normalise import Repairer


@dataclass(frozen=True)
class Role:
    kind: str            # group, slur, pred, link, neg, pronoun, …
    key: str = ""        # the group, or the predicate's category
    where: str = ""      # after / before (predicates)
    how: str = ""        # link / modal / direct (predicates); noun / adj / singular (groups)
    flags: str = ""      # "?" ambiguous, "!" generic only, "~" reclaimable, "i" inverted,
    #                      "$" at the end of a sentence, "^" right next to the group



@dataclass
class Span:
    start: int
    end: int
    words: str
    roles: tuple
    sentence: int = 0
    quoted: bool = False

    def has(self, kind):
        return any(role.kind == kind for role in self.roles)

    def role(self, kind):
        for role in self.roles:
            if role.kind == kind:
                return role
        return None


# --- building the phrase index ----------------------------------------------------------------


def _split(phrases):
    return [phrase.strip() for phrase in phrases.split("|") if phrase.strip()]


def _build_index():
    entries = {}

    def add(phrase, role):
        flags = ""
        while phrase and phrase[-1] in "?!$^":
            flags += phrase[-1]
            phrase = phrase[:-1]
        if flags:
            role = Role(role.kind, role.key, role.where, role.how, role.flags + flags)
        entries.setdefault(tuple(phrase.split()), []).append(role)

    for key, (_display, _trait, nouns, adjectives, singulars) in lexicon.GROUPS.items():
        for phrase in _split(nouns):
            add(phrase, Role("group", key, how="noun"))
        for phrase in _split(adjectives):
            add(phrase, Role("group", key, how="adj"))
        for phrase in _split(singulars):
            add(phrase, Role("group", key, how="singular"))
    for key, phrases in lexicon.PLACES.items():
        for phrase in _split(phrases):
            add(phrase, Role("place", key))
    for key, slurs in lexicon.SLURS.items():
        for phrase, reclaimable in slurs.items():
            add(phrase, Role("slur", key, flags="~" if reclaimable else ""))
    predicates = [
        (lexicon.DEHUMANISING, "dehumanising", "after", "link", ""),
        (lexicon.DEHUMANISING_VERBS, "dehumanising", "after", "direct", ""),
        (lexicon.DEHUMANISING_BEFORE, "dehumanising", "before", "", ""),
        (lexicon.DEHUMANISING_INVERTED, "dehumanising", "after", "link", "i"),
        (lexicon.THREAT_VERBS, "threat", "before", "", ""),
        (lexicon.THREAT_DIRECT, "threat", "after", "direct", ""),
        (lexicon.EXCLUSION_QUESTION, "exclusion", "before", "", ""),
        (lexicon.GENERALISATION_TRANS, "generalisation", "after", "link", "T"),
        (lexicon.THREAT_PASSIVE, "threat", "after", "link", ""),
        (lexicon.THREAT_MODAL, "threat", "after", "modal", ""),
        (lexicon.EXCLUSION_VERBS, "exclusion", "before", "", ""),
        (lexicon.EXCLUSION_PASSIVE, "exclusion", "after", "link", ""),
        (lexicon.EXCLUSION_MODAL, "exclusion", "after", "modal", ""),
        (lexicon.EXCLUSION_DIRECT, "exclusion", "after", "direct", ""),
        (lexicon.EXCLUSION_INVERTED, "exclusion", "after", "direct", "i"),
        (lexicon.GENERALISATION, "generalisation", "after", "link", ""),
        (lexicon.GENERALISATION_DIRECT, "generalisation", "after", "direct", ""),
        (lexicon.GENERALISATION_INVERTED, "generalisation", "after", "direct", "i"),
        (lexicon.CONTEMPT_BEFORE, "contempt", "before", "", ""),
        (lexicon.CONTEMPT_DIRECT, "contempt", "after", "direct", ""),
    ]
    for phrases, category, where, how, flags in predicates:
        for phrase in _split(phrases):
            add(phrase, Role("pred", category, where, how, flags))
    for phrase in lexicon.EXCLUSION_SPLIT:
        add(phrase, Role("pred", "exclusion", "before", "split"))
    # "out" and "go home" only count at the end: "immigrants out!", not "Poles out shopping".
    for phrase in ("out", "go home", "go back", "get out", "fuck off", "leave"):
        entries[tuple(phrase.split())] = [
            Role(r.kind, r.key, r.where, r.how, r.flags + "$") if r.kind == "pred" else r
            for r in entries.get(tuple(phrase.split()), [])]
    entries[("out",)] = [Role("pred", "exclusion", "after", "direct", "$^")]
    for kind, phrases in (
        ("person", lexicon.PEOPLE), ("link", lexicon.LINKS), ("modal", lexicon.MODALS),
        ("neg", lexicon.NEGATORS), ("denial", lexicon.DENIALS), ("speech", lexicon.SPEECH),
        ("incident", lexicon.INCIDENT), ("condemn", lexicon.CONDEMNATION),
        ("pronoun", lexicon.PRONOUNS), ("demonstrative", lexicon.DEMONSTRATIVES),
        ("first", lexicon.FIRST_PERSON), ("boundary", lexicon.BOUNDARIES),
        ("opinion", lexicon.OPINION_MARKERS), ("reported", lexicon.REPORTED_SPEECH),
        ("filler", lexicon.FILLERS),
    ):
        for phrase in _split(phrases):
            add(phrase, Role(kind))
    index = {}
    for words, roles in entries.items():
        index.setdefault(words[0], []).append((words, tuple(roles)))
    for candidates in index.values():
        candidates.sort(key=lambda item: -len(item[0]))
    return index, entries


INDEX, PHRASES = _build_index()
KNOWN_WORDS = {word for words in PHRASES for word in words}
# Mended only into group names and dehumanising words of six letters or more: slurs are
# short and close to everyday words ("chin", "honey"), so they are caught by the other steps.
_FUZZY = {words[0] for words, roles in PHRASES.items()
          if len(words) == 1 and len(words[0]) >= 6 and
          any(r.kind == "group" or (r.kind == "pred" and r.key == "dehumanising")
              for r in roles)}
# Everyday words one letter away from a known word, which must not be "mended" into it.
_NOT_TYPOS = (
    "muslin|refuges|refuge|raids|parasol|insect|jewels|homes|romans|romance|retired|tinkers|"
    "rapist|rapists|backs|lacks|beats|tails|demos|koran|warming|garage|breasts|breast|whitest|"
    "peoples|prussian|bengals|americas|america|africa|israel|germany|russia|indiana|syria|"
    "nigeria|australia|jamaica|croatia|india|bulgaria|pakistan|estonia|serbia|lithuania|latvia|"
    "somalia|moldova|punjab|romania|poland|albania|hungary|ukraine|slovakia|bosnia|kosovo|"
    "turkey|iraq|iran|afghanistan|morocco|algeria|libya|egypt|sudan|eritrea|ghana|congo|"
    "bangladesh|china|japan|korea|vietnam|scotland|ireland|wales|england|britain|france|italy|"
    "spain|portugal|mexico|brazil|canada|europe|asia|arabia|palestine|czechia|latina|"
    "traveling|travelling|refugee's|cripple|crippled|crippling|niger|ripple|tripple|triple|brunt"
).split("|")
_SLUR_WORDS = {words[0] for words, roles in PHRASES.items()
               if len(words) == 1 and any(r.kind == "slur" for r in roles)}
_CONTENT = {words[0] for words, roles in PHRASES.items()
            if len(words) == 1 and len(words[0]) >= 4 and
            any(r.kind in ("group", "slur", "pred") for r in roles)}
REPAIRER = Repairer(KNOWN_WORDS, _FUZZY, doublable=_SLUR_WORDS, protected=_NOT_TYPOS,
                    content=_CONTENT)
normalise_module.VOCABULARY.update(KNOWN_WORDS)

_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)*|[.!?;\n]+|[\"',=:]|\s-\s")
_END = re.compile(r"[.!?;\n]")

# --- reading the text -----------------------------------------------------------------------


def tokenise(text):
    """Words and punctuation, each word mended if it is a misspelt known word."""
    tokens, quoted, sentences = [], [], []
    in_quote, sentence = False, 0
    repair = REPAIRER.repair
    for match in _TOKEN.finditer(text):
        token = match.group(0)
        first = token[0]
        if first == '"' or (first == "'" and len(token) == 1):
            start, end = match.span()
            if first == "'":
                before = text[start - 1] if start else " "
                after = text[end] if end < len(text) else " "
                if in_quote and not before.isspace():
                    in_quote = False
                elif not in_quote and not before.isalnum() and after.isalnum():
                    in_quote = True
                continue
            in_quote = not in_quote
            continue
        if _END.match(token):
            tokens.append("<end>" if "?" not in token else "<q>")
            quoted.append(in_quote)
            sentences.append(sentence)
            sentence += 1
            continue
        if token[0].isalnum():
            token = repair(token)
        tokens.append(token.strip())
        quoted.append(in_quote)
        sentences.append(sentence)
    return tokens, quoted, sentences


def annotate(tokens, quoted, sentences):
    spans, i, count = [], 0, len(tokens)
    while i < count:
        candidates = INDEX.get(tokens[i])
        if candidates:
            for words, roles in candidates:
                n = len(words)
                if tuple(tokens[i:i + n]) == words:
                    spans.append(Span(i, i + n, " ".join(words), roles, sentences[i],
                                      quoted[i]))
                    i += n
                    break
            else:
                i += 1
        else:
            i += 1
    return spans


class Text:
    """One text's tokens and marked words, with the questions the rules ask of them."""

    def __init__(self, normalised):
        self.tokens, self.quoted, self.sentences = tokenise(normalised)
        self.spans = annotate(self.tokens, self.quoted, self.sentences)
        self.span_at = [None] * len(self.tokens)
        for span in self.spans:
            for i in range(span.start, span.end):
                self.span_at[i] = span
        self.sentence_start, self.sentence_end = {}, {}
        for i, sentence in enumerate(self.sentences):
            self.sentence_start.setdefault(sentence, i)
            self.sentence_end[sentence] = i + 1
        self.condemned = any((span.has("condemn") or span.has("denial")) and not span.quoted
                             for span in self.spans) \
            or any(span.has("incident") for span in self.spans)

    def is_question(self, sentence):
        return self.tokens[self.sentence_end[sentence] - 1] == "<q>"

    def kinds(self, i):
        span = self.span_at[i]
        return {role.kind for role in span.roles} if span else set()

    def token_before(self, i, step=1):
        j = i - step
        if j < 0 or self.sentences[j] != self.sentences[i]:
            return ""
        return self.tokens[j]

    def in_sentence(self, sentence, kind, before=None, after=None):
        for span in self.spans:
            if span.sentence != sentence or not span.has(kind):
                continue
            if before is not None and span.end > before:
                continue
            if after is not None and span.start < after:
                continue
            return span
        return None
