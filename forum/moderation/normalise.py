"""Undo the tricks people use to slip words past a filter, before any rule looks at the text.

`normalise` is the fast path every assessment takes: NFKC, casefold, homoglyphs, zero-width
characters, leetspeak inside words, letters spaced out ("v e r m i n", "r.a.t.s"), letters
repeated ("raaaats": three or more become one) and contractions expanded ("aren't" → "are
not"). A `Repairer` then mends swapped, dropped or undoubled letters in the words the rules
know ("msulims", "vermn", "tranies").
`normalise_with_offsets` does the same but remembers where each character came from, so that
watched words can be replaced in the original text.
"""

import html
import re
import unicodedata
from functools import lru_cache

# Characters that render as nothing: zero-width spaces and joiners, soft hyphen, BOM, …
_INVISIBLE = "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b\u200c\u200d\u200e" \
             "\u200f\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064\u206a" \
             "\u206b\u206c\u206d\u206e\u206f\ufeff"
# Letters from other scripts that look like Latin ones (after NFKC and casefold).
_HOMOGLYPHS = {
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p",
    "с": "c", "т": "t", "у": "y", "х": "x", "і": "i", "ї": "i", "ј": "j", "ѕ": "s", "ԁ": "d",
    "ɡ": "g", "ԛ": "q", "ѡ": "w", "ʀ": "r", "ɪ": "i", "ʏ": "y", "ᴀ": "a", "ʙ": "b", "ᴄ": "c",
    "ᴅ": "d", "ᴇ": "e", "ɢ": "g", "ʜ": "h", "ᴊ": "j", "ᴋ": "k", "ʟ": "l", "ᴍ": "m", "ɴ": "n",
    "ᴏ": "o", "ᴘ": "p", "ᴛ": "t", "ᴜ": "u", "ᴠ": "v", "ᴡ": "w", "ᴢ": "z", "α": "a", "β": "b",
    "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t", "υ": "u",
    "χ": "x", "ω": "w", "ç": "c", "ß": "ss", "ø": "o", "đ": "d", "ł": "l", "ı": "i",
    "‘": "'", "’": "'", "‛": "'", "′": "'", "`": "'", "´": "'", "“": '"', "”": '"', "„": '"',
    "«": '"', "»": '"', "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": " - ", "―": " - ",
    "…": "...",
}
_TABLE = str.maketrans({**{ch: None for ch in _INVISIBLE}, **_HOMOGLYPHS})
# Leetspeak, applied only inside words that also have letters ("r4ts", "m0zz", "@sylum").
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b",
                       "9": "g", "@": "a", "$": "s", "!": "i", "|": "l", "€": "e", "+": "t"})
_LEET_WORD = re.compile(r"(?<![\w@$|€+])(?=[\w@$!|€+]*[a-z])(?=[\w@$!|€+]*[0-9@$|€!+])"
                        r"[\w@$!|€+]*[a-z0-9@$|€+]")
_DIGITS_ONLY_SUFFIX = re.compile(r"^\d+(st|nd|rd|th|s|am|pm|k|m|p|km|kg|mph|ft|ml|g|yo|x)$")
# Three or more single letters with the same separator between them: "v e r m i n", "r.a.t".
_SPACED = re.compile(r"(?<![\w'])[a-z](?:(?:[ .\-_*·/]|  )[a-z]){2,}(?![\w'])")
_SEPARATORS = re.compile(r"[ .\-_*·/]")
# Letters inside a word broken up by dots, stars or dashes: "v.e.r.m.i.n", "m*u*s*l*i*m*s".
_BROKEN = re.compile(r"\b[a-z](?:[.*_·][a-z]){3,}\b")
_REPEATS = re.compile(r"([a-z])\1{2,}")
# A hyphen inside a word joins it: "sub-human", "a-mong" (not "a" and "mong").
_HYPHEN = re.compile(r"(?<=[a-z])-(?=[a-z])")
# Profanity with its middle starred out, read as the word: "f***ing" → "fucking".
_CENSORED = re.compile(r"\bf[*#@%]{1,3}(?:ck|k|c)?(?![*#@%])")
_CONTRACTIONS = [
    (re.compile(r"\bcan'?t\b"), "can not"), (re.compile(r"\bcannot\b"), "can not"),
    (re.compile(r"\bwon'?t\b"), "will not"), (re.compile(r"\bain'?t\b"), "are not"),
    (re.compile(r"\bshan'?t\b"), "shall not"),
    (re.compile(r"\b(are|is|was|were|do|does|did|have|has|had|should|would|could|must|need)"
                r"n'?t\b"), r"\1 not"),
    (re.compile(r"\b(they|we|you)'re\b"), r"\1 are"), (re.compile(r"\btheyre\b"), "they are"),
    (re.compile(r"\b(it|that|there|he|she|what)'s\b"), r"\1 is"),
    (re.compile(r"\bi'm\b"), "i am"), (re.compile(r"\bim\b"), "i am"),
    (re.compile(r"\b(i|you|we|they)'ll\b"), r"\1 will"),
    (re.compile(r"\b(i|you|we|they)'ve\b"), r"\1 have"),
    (re.compile(r"\b(i|you|we|they|he|she)'d\b"), r"\1 would"),
]
_CONTRACTION_HINT = re.compile(r"n'?t\b|'re\b|'s\b|'m\b|'ll\b|'ve\b|'d\b|\bim\b|cannot|"
                               r"theyre")


# Words the rules know (set by rules.py), to read a "1" as "l" where that makes one ("mus1ims").
VOCABULARY = set()


def _fix_leet(match):
    word = match.group(0)
    if word.isdigit() or _DIGITS_ONLY_SUFFIX.match(word):
        return word
    fixed = word.translate(_LEET)
    if "1" in word and fixed not in VOCABULARY:
        with_l = word.replace("1", "l").translate(_LEET)
        if with_l in VOCABULARY:
            return with_l
    return fixed


def _join(match):
    return _SEPARATORS.sub("", match.group(0))


def normalise(text):
    """The text as the rules read it: one line of lower-case, de-obfuscated words."""
    if not text:
        return ""
    if "&" in text and ";" in text:
        text = html.unescape(text)
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    text = text.casefold()
    if not text.isascii():
        text = text.translate(_TABLE)
    return _clean(text)


def _clean(text):
    if any(ch in text for ch in "0123456789@$!|€+"):
        text = _LEET_WORD.sub(_fix_leet, text)
    if "*" in text or "#" in text:
        text = _CENSORED.sub("fuck", text)
    text = _BROKEN.sub(_join, text)
    text = _SPACED.sub(_join, text)
    if "-" in text:
        text = _HYPHEN.sub("", text)
    text = _REPEATS.sub(r"\1", text)
    if _CONTRACTION_HINT.search(text):
        for pattern, replacement in _CONTRACTIONS:
            text = pattern.sub(replacement, text)
    return text


# --- mending known words -------------------------------------------------------------------


class Repairer:
    """Map a misspelt token to the known word it hides: "msulims" → "muslims".

    A letter that lost its double ("tranies", after "trannnies" became one n) is doubled back
    into a word of six letters or more from `fuzzy_words` or `doublable`. Swapped letters (five
    letters or more), a dropped letter (six or more) or an extra one (seven or more) are mended
    only into `fuzzy_words`; a doubled last letter
    ("jewss") or swapped letters are also mended into `content` words. A token that is itself
    an everyday word (`protected`) is left alone.
    """

    def __init__(self, known_words, fuzzy_words, doublable=(), protected=(), content=()):
        self.known = frozenset(known_words)
        self.protected = frozenset(protected)
        self.dropped = {}   # a fuzzy word with one letter dropped → the word
        for word in fuzzy_words:
            if len(word) < 5:
                continue
            for i in range(len(word)):
                variant = word[:i] + word[i + 1:]
                if len(variant) >= 6:
                    self.dropped.setdefault(variant, word)
        self.fuzzy = frozenset(word for word in fuzzy_words if len(word) >= 5)
        self.doublable = self.fuzzy | frozenset(word for word in doublable if len(word) >= 6)
        # Words a trailing doubled letter may be dropped into ("jewss", "scumm").
        self.content = frozenset(content) - self.protected
        self.repair = lru_cache(maxsize=65536)(self._repair)

    def _repair(self, token):
        if token in self.known or len(token) < 4 or token in self.protected:
            return token
        if len(token) == 4:
            return token[:-1] if token[-1] == token[-2] and token[:-1] in self.content else token
        for i in range(len(token)):
            doubled = token[:i + 1] + token[i:]
            if doubled in self.doublable:
                return doubled
        word = self.dropped.get(token)
        if word:
            return word
        if token[-1] == token[-2] and token[:-1] in self.content:
            return token[:-1]
        for i in range(len(token) - 1):
            swapped = token[:i] + token[i + 1] + token[i] + token[i + 2:]
            if swapped in self.fuzzy or swapped in self.content:
                return swapped
        if len(token) >= 7:
            for i in range(len(token)):
                shorter = token[:i] + token[i + 1:]
                if shorter in self.fuzzy:
                    return shorter
        return token




# --- offsets, for replacing watched words in the original text --------------------------------


def normalise_with_offsets(text):
    """(normalised text, offsets): offsets[i] is the index in `text` of normalised char i.

    Slower than `normalise` (it works a character at a time), so it is used only when a
    watched word must be replaced. Contractions are not expanded here.
    """
    chars, offsets = [], []
    for index, ch in enumerate(text or ""):
        folded = unicodedata.normalize("NFKC", ch).casefold().translate(_TABLE)
        for out in folded:
            chars.append(out)
            offsets.append(index)
    out_chars, out_offsets = _apply_keeping_offsets("".join(chars), offsets)
    return out_chars, out_offsets


def _apply_keeping_offsets(text, offsets):
    def substitute(pattern, function, text, offsets):
        pieces, new_offsets, last = [], [], 0
        for match in pattern.finditer(text):
            start, end = match.span()
            pieces.append(text[last:start])
            new_offsets.extend(offsets[last:start])
            replacement = function(match)
            pieces.append(replacement)
            if len(replacement) == end - start:
                new_offsets.extend(offsets[start:end])
            else:  # joined or collapsed: keep the offsets of the letters that stay
                kept = [offsets[start + i] for i, ch in enumerate(match.group(0))
                        if not _SEPARATORS.fullmatch(ch)]
                kept = (kept + [offsets[end - 1]] * len(replacement))[:len(replacement)]
                new_offsets.extend(kept)
            last = end
        pieces.append(text[last:])
        new_offsets.extend(offsets[last:])
        return "".join(pieces), new_offsets

    text, offsets = substitute(_LEET_WORD, _fix_leet, text, offsets)
    text, offsets = substitute(_BROKEN, _join, text, offsets)
    text, offsets = substitute(_SPACED, _join, text, offsets)
    text, offsets = substitute(_REPEATS, lambda m: m.group(1) * 2, text, offsets)
    return text, offsets
