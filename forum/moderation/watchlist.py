"""Watched words: terms moderators choose to block, hold, flag or replace.

A `WatchList` is built from plain entries (the app loads them from its moderator-managed table)
and matched against normalised text, so "b@nned w0rd" and "b a n n e d" are caught too.
Patterns are whole words or phrases; `*` stands for any letters within a word ("scum*" matches
"scumbag" and "scummy"), and a lone `*` between words for any one word.

    watchlist = WatchList([WatchEntry("scumbag", "hold"),
                           WatchEntry("darn", "replace", "d***")])
    watchlist.check(text)  -> [WatchMatch(entry, matched words), …]
    watchlist.replace(text) -> the text with every "replace" entry replaced
"""

import re
from dataclasses import dataclass

from forum.moderation.normalise import normalise, normalise_with_offsets

WATCH_ACTIONS = ("block", "hold", "flag", "replace")


@dataclass(frozen=True)
class WatchEntry:
    pattern: str
    action: str = "hold"
    replacement: str = ""

    def __post_init__(self):
        if self.action not in WATCH_ACTIONS:
            raise ValueError(f"A watched word's action is one of {', '.join(WATCH_ACTIONS)}, "
                             f"not {self.action!r}.")
        if not normalise(self.pattern).strip(" *"):
            raise ValueError("A watched word needs at least one letter or digit.")


@dataclass(frozen=True)
class WatchMatch:
    entry: WatchEntry
    words: str


def _compile(pattern):
    """A regex for one pattern, over normalised text."""
    words = normalise(pattern).split()
    parts = []
    for word in words:
        if word == "*":
            parts.append(r"\w+")
            continue
        pieces = [re.escape(piece) for piece in word.split("*")]
        parts.append(r"\w*".join(pieces))
    body = r"[\s\W_]+".join(parts)
    return f"(?<!\\w){body}(?!\\w)"


class WatchList:
    """Compiled watched words. Empty lists are cheap: `check` returns [] at once."""

    def __init__(self, entries=()):
        self.entries = tuple(
            entry if isinstance(entry, WatchEntry) else WatchEntry(*entry) for entry in entries
        )
        self._patterns = [re.compile(_compile(entry.pattern)) for entry in self.entries]
        if self._patterns:
            combined = "|".join(f"(?P<w{i}>{p.pattern})" for i, p in enumerate(self._patterns))
            self._combined = re.compile(combined)
        else:
            self._combined = None

    def __len__(self):
        return len(self.entries)

    def __bool__(self):
        return bool(self.entries)

    def check(self, text, normalised=None):
        """Each entry that matches, once, with the (normalised) words it matched."""
        if self._combined is None:
            return []
        normalised = normalise(text) if normalised is None else normalised
        found = {}
        for match in self._combined.finditer(normalised):
            index = int(match.lastgroup[1:])
            found.setdefault(index, match.group(0))
        # Overlapping entries ("scum", "scum*") each deserve a say.
        for index, pattern in enumerate(self._patterns):
            if index not in found:
                match = pattern.search(normalised)
                if match:
                    found[index] = match.group(0)
        return [WatchMatch(self.entries[i], " ".join(words.split()))
                for i, words in sorted(found.items())]

    def replace(self, text):
        """`text` with every match of a "replace" entry swapped for its replacement.

        Matching is on the normalised text; the replaced stretch of the original text runs from
        the first to the last character the match came from.
        """
        replacing = [(entry, pattern) for entry, pattern in zip(self.entries, self._patterns,
                                                                strict=True)
                     if entry.action == "replace"]
        if not replacing:
            return text
        folded, offsets = normalise_with_offsets(text)
        cuts = []
        for entry, pattern in replacing:
            for match in pattern.finditer(folded):
                start = offsets[match.start()]
                end = offsets[match.end() - 1] + 1
                cuts.append((start, end, entry.replacement))
        if not cuts:
            return text
        cuts.sort()
        pieces, last = [], 0
        for start, end, replacement in cuts:
            if start < last:
                continue   # overlaps one already replaced
            pieces.append(text[last:start])
            pieces.append(replacement)
            last = end
        pieces.append(text[last:])
        return "".join(pieces)
