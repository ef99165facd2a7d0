"""A fast re-implementation of TextBlob's (pattern's) lexicon polarity, with its blind spots fixed.

The word scores come from TextBlob's own data file, `textblob/en/en-sentiment.xml`, so the
figures start where `TextBlob(text).sentiment` does. The scoring loop differs on purpose:

* negation reaches over a few words and contractions ("don't really love it"), where pattern
  only saw a bare "not" right before the word;
* counterfactuals ("wanted to love", "hoped it would be better") flip praise, too;
* review words missing from the adjective lexicon are added (`SUPPLEMENT`), and "cheap" —
  a compliment in the lexicon — is the complaint it is in reviews.
"""

from __future__ import annotations

import importlib.util
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import NamedTuple

NEGATED_PRAISE = -0.7  # pattern uses -0.5; "I don't love it" is a complaint, not a shrug
NEGATED_CRITICISM = -0.4  # "not bad" is faint praise
NEGATION_REACH = 3
NEGATORS = frozenset(
    {
        "not",
        "no",
        "never",
        "nothing",
        "none",
        "nor",
        "neither",
        "without",
        "hardly",
        "barely",
        "cannot",
        "n't",
        "don't",
        "didn't",
        "doesn't",
        "isn't",
        "wasn't",
        "aren't",
        "weren't",
        "won't",
        "wouldn't",
        "couldn't",
        "shouldn't",
        "haven't",
        "hasn't",
        "hadn't",
        "can't",
        "ain't",
        # apostrophes are often left out
        "dont",
        "didnt",
        "doesnt",
        "isnt",
        "wasnt",
        "arent",
        "werent",
        "wont",
        "wouldnt",
        "couldnt",
        "shouldnt",
        "havent",
        "hasnt",
        "hadnt",
        "cant",
        "aint",
    }
)
# "no" and its like negate the next word only: "no good", but not "no holes after many".
SHORT_NEGATORS = frozenset({"no", "nothing", "none", "nor", "without"})
COUNTERFACTUALS = frozenset(
    {
        "wanted",
        "hoped",
        "hoping",
        "wish",
        "wished",
        "expected",
        "expecting",
        "supposed",
    }
)
CLAUSE_BREAKS = frozenset(
    {
        ".",
        "?",
        ";",
        ":",
        ",",
        "(",
        ")",
        "but",
        "however",
        "although",
        "though",
        "yet",
        "except",
        "\n",
    }
)

# (polarity, subjectivity) for review vocabulary the adjective lexicon lacks or gets wrong.
# General English only: nothing about one kind of product.
SUPPLEMENT: dict[str, tuple[float, float]] = {
    # praise that turns into complaint once negated ("don't like", "not working")
    "like": (0.4, 0.6),
    "likes": (0.4, 0.6),
    "recommend": (0.5, 0.6),
    "recommended": (0.5, 0.6),
    "works": (0.3, 0.3),
    "working": (0.3, 0.3),
    "worked": (0.3, 0.3),
    "work": (0.2, 0.3),
    "fits": (0.4, 0.4),
    "flattering": (0.6, 0.8),
    "comfy": (0.5, 0.8),
    "tasty": (0.6, 0.8),
    "enjoy": (0.5, 0.6),
    "enjoyed": (0.6, 0.6),
    "impressed": (0.6, 0.8),
    "satisfied": (0.5, 0.7),
    "pleased": (0.6, 0.8),
    "happier": (0.6, 0.8),
    "worth": (0.3, 0.3),
    # complaints
    "cheap": (-0.4, 0.7),
    "cheaply": (-0.5, 0.7),
    "cheapo": (-0.6, 0.8),
    "flimsy": (-0.6, 0.8),
    "unflattering": (-0.6, 0.8),
    "overpriced": (-0.6, 0.8),
    "itchy": (-0.5, 0.8),
    "scratchy": (-0.5, 0.8),
    "frumpy": (-0.5, 0.9),
    "unwearable": (-0.8, 0.8),
    "junk": (-0.8, 0.8),
    "garbage": (-0.8, 0.8),
    "trash": (-0.8, 0.8),
    "crappy": (-0.8, 0.9),
    "defective": (-0.8, 0.6),
    "defect": (-0.6, 0.5),
    "defects": (-0.6, 0.5),
    "faulty": (-0.7, 0.6),
    "damaged": (-0.6, 0.5),
    "upset": (-0.6, 0.8),
    "meh": (-0.3, 0.9),
    "blah": (-0.3, 0.9),
    "unusable": (-0.8, 0.7),
    "disappoint": (-0.6, 0.7),
    "disappoints": (-0.6, 0.7),
    "dissapointed": (-0.75, 0.75),
    "disapointed": (-0.75, 0.75),
    "dissapointing": (-0.6, 0.7),
    "unimpressed": (-0.5, 0.8),
    "unsatisfied": (-0.6, 0.8),
    "dissatisfied": (-0.6, 0.8),
    "unsatisfactory": (-0.6, 0.8),
    "displeased": (-0.6, 0.8),
    "broke": (-0.5, 0.4),
    "waste": (-0.6, 0.6),
    "wasted": (-0.6, 0.6),
    "ripoff": (-0.8, 0.8),
    "rip-off": (-0.8, 0.8),
    "refund": (-0.3, 0.3),
    "hate": (-0.8, 0.9),
    "hated": (-0.8, 0.9),
    "suck": (-0.8, 0.9),
    "sucks": (-0.8, 0.9),
    "sucked": (-0.8, 0.9),
    "overrated": (-0.6, 0.8),
    "underwhelming": (-0.5, 0.8),
    "tasteless": (-0.6, 0.8),
    "flavorless": (-0.6, 0.8),
    "soggy": (-0.5, 0.7),
    "greasy": (-0.4, 0.6),
    "inedible": (-0.9, 0.8),
    "shoddy": (-0.7, 0.8),
    "subpar": (-0.6, 0.8),
    "sub-par": (-0.6, 0.8),
    "inferior": (-0.6, 0.7),
    "unprofessional": (-0.6, 0.8),
    "unhelpful": (-0.5, 0.8),
    "uncomfortable": (-0.5, 0.8),
    "unfriendly": (-0.5, 0.8),
    "lousy": (-0.7, 0.9),
    "sloppy": (-0.5, 0.8),
    "unacceptable": (-0.7, 0.8),
    "inadequate": (-0.5, 0.7),
    "unreliable": (-0.6, 0.7),
    "pricey": (-0.2, 0.6),
    "returned": (-0.3, 0.3),
    "returning": (-0.3, 0.3),
    "problem": (-0.3, 0.4),
    "problems": (-0.3, 0.4),
    "issue": (-0.2, 0.4),
    "issues": (-0.2, 0.4),
    "flaw": (-0.5, 0.5),
    "flawed": (-0.5, 0.6),
    "glitch": (-0.4, 0.5),
    "glitchy": (-0.5, 0.6),
    "buggy": (-0.5, 0.6),
    "crashes": (-0.5, 0.4),
    "crashed": (-0.5, 0.4),
    "froze": (-0.4, 0.4),
    "freezes": (-0.4, 0.4),
    "hassle": (-0.5, 0.6),
    "nightmare": (-0.8, 0.8),
    "disaster": (-0.8, 0.8),
    "mistake": (-0.4, 0.5),
    "discomfort": (-0.4, 0.6),
    "lacked": (-0.3, 0.5),
    "lacking": (-0.3, 0.5),
    "lacks": (-0.3, 0.5),
    "pissed": (-0.7, 0.9),
    "furious": (-0.8, 0.9),
    "irritated": (-0.5, 0.8),
    "negligent": (-0.6, 0.8),
    "unwelcome": (-0.5, 0.8),
    "gross": (-0.6, 0.8),
    "vile": (-0.8, 0.9),
    "smelly": (-0.5, 0.7),
    "misleading": (-0.5, 0.7),
    # nouns the adjective lexicon scores as insults ("chicken" = coward) but reviews mean food
    "chicken": (0.0, 0.0),
}


class Word(NamedTuple):
    polarity: float
    subjectivity: float
    intensity: float
    modifier: bool


@dataclass(frozen=True, slots=True)
class Hit:
    """A scored stretch of tokens, e.g. `not really good` = tokens first..last."""

    first: int
    last: int
    polarity: float
    subjectivity: float


class LexiconScore(NamedTuple):
    polarity: float
    subjectivity: float
    hits: tuple[Hit, ...]


def _sentiment_file() -> Path:
    spec = importlib.util.find_spec("textblob")
    if spec is None or spec.origin is None:
        raise RuntimeError("textblob is not installed; the sentiment lexicon ships with it")
    return Path(spec.origin).parent / "en" / "en-sentiment.xml"


def _average(rows: list[tuple[float, float, float]]) -> tuple[float, float, float]:
    return (
        sum(r[0] for r in rows) / len(rows),
        sum(r[1] for r in rows) / len(rows),
        sum(r[2] for r in rows) / len(rows),
    )


@cache
def lexicon() -> dict[str, Word]:
    """Word scores as TextBlob computes them (averaged over senses), plus `SUPPLEMENT`."""
    senses: dict[str, dict[str, list[tuple[float, float, float]]]] = {}
    # The file is package data shipped inside textblob, not user input.
    root = ElementTree.parse(_sentiment_file()).getroot()  # noqa: S314
    for node in root.iter("word"):
        attr = node.attrib
        row = (
            float(attr.get("polarity", 0)),
            float(attr.get("subjectivity", 0)),
            float(attr.get("intensity", 1)),
        )
        senses.setdefault(attr["form"], {}).setdefault(attr.get("pos", ""), []).append(row)
    words: dict[str, Word] = {}
    for form, by_tag in senses.items():
        per_tag = {tag: _average(rows) for tag, rows in by_tag.items()}
        p, s, i = _average(list(per_tag.values()))
        words[form] = Word(p, s, i, "RB" in per_tag)
        if "JJ" in per_tag:
            _add_adverb(words, form, per_tag["JJ"])
    for form, (p, s) in SUPPLEMENT.items():
        words[form] = Word(p, s, 1.0, form.endswith("ly"))
    return words


def _add_adverb(words: dict[str, Word], adjective: str, scores: tuple[float, ...]) -> None:
    # pattern maps "terrible" to "terribly" the same way
    stem = adjective[:-1] + "i" if adjective.endswith("y") else adjective
    stem = stem[:-2] if stem.endswith("le") else stem
    words.setdefault(stem + "ly", Word(scores[0], scores[1], scores[2], True))


_NEGATION, _COUNTERFACTUAL, _BREAK, _EXCLAMATION = "negation", "counterfactual", "break", "!"


@cache
def _roles() -> dict[str, Word | str]:
    """One lookup per token: a scored word, or its part in the sentence."""
    roles: dict[str, Word | str] = dict(lexicon())
    roles.update(dict.fromkeys(CLAUSE_BREAKS, _BREAK))
    roles.update(dict.fromkeys(COUNTERFACTUALS, _COUNTERFACTUAL))
    roles.update(dict.fromkeys(NEGATORS, _NEGATION))  # last: the lexicon scores "won't"
    roles[_EXCLAMATION] = _EXCLAMATION
    return roles


def negation_reach(token: str) -> int:
    """How many following words `token` negates (0 if it is no negation)."""
    if token in SHORT_NEGATORS:
        return 1
    return NEGATION_REACH if token in NEGATORS or "n't" in token else 0


def score(tokens: list[str]) -> LexiconScore:
    """Average polarity and subjectivity of the known words in `tokens`."""
    roles = _roles()
    hits: list[list[float]] = []  # [first, last, polarity, subjectivity, flip]
    reach, flip, negation_at, boost = 0, 0.0, 0, 0.0
    for index, token in enumerate(tokens):
        role = roles.get(token)
        if isinstance(role, Word):
            hits.append(_hit(index, role, hits, boost, flip if reach > 0 else 0.0, negation_at))
            reach, boost = 0, role.intensity if role.modifier else 0.0
        elif role is _NEGATION or (role is None and "n't" in token):
            reach, flip, negation_at = negation_reach(token), 1.0, index
        elif role is _COUNTERFACTUAL:
            reach, flip, negation_at = NEGATION_REACH + 1, 0.5, index
        elif role is _BREAK:
            reach, boost = 0, 0.0
        elif role is _EXCLAMATION and hits:
            hits[-1][2] = max(-1.0, min(hits[-1][2] * 1.25, 1.0))
        elif role is None:
            reach -= 1
            boost = boost if len(token) <= 2 else 0.0
    return _summarise(hits)


def _hit(
    index: int, word: Word, hits: list[list[float]], boost: float, flip: float, negation_at: int
) -> list[float]:
    if boost and hits:
        first, _, _, _, earlier_flip = hits.pop()
        polarity = max(-1.0, min(word.polarity * boost, 1.0))
        return [first, index, polarity, word.subjectivity, max(flip, earlier_flip)]
    first = negation_at if flip else index
    return [first, index, word.polarity, word.subjectivity, flip]


def _flipped(polarity: float, flip: float) -> float:
    if flip == 0.0:
        return polarity
    if polarity > 0:
        return polarity * NEGATED_PRAISE
    # counterfactuals (flip 0.5) only turn praise around: "hoped it would not be bad" stays
    return polarity * NEGATED_CRITICISM if flip == 1.0 else polarity


def _summarise(raw: list[list[float]]) -> LexiconScore:
    if not raw:
        return LexiconScore(0.0, 0.0, ())
    hits = tuple(Hit(int(first), int(last), _flipped(p, flip), s) for first, last, p, s, flip in raw)
    polarity = sum(h.polarity for h in hits) / len(hits)
    subjectivity = sum(h.subjectivity for h in hits) / len(hits)
    return LexiconScore(polarity, subjectivity, hits)
