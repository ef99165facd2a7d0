"""The profanity word list: whole words, case-insensitive, held or masked per settings.

The list is the shop's own (``HUB_PROFANITY_WORDS``, edited on Admin → Settings) when set,
else the words of ``HUB_PROFANITY_FILE`` or the built-in file.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from hub.config import Settings

DEFAULT_FILE = Path(__file__).with_name("profanity.txt")


def word_file(settings: Settings) -> Path:
    return settings.profanity_file or DEFAULT_FILE


def read_words(path: Path) -> tuple[str, ...]:
    lines = (line.strip().lower() for line in path.read_text(encoding="utf-8").splitlines())
    return tuple(sorted({line for line in lines if line and not line.startswith("#")}))


def _compiled(words: tuple[str, ...]) -> re.Pattern[str] | None:
    if not words:
        return None
    alternatives = "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


@lru_cache(maxsize=8)
def _file_pattern(path: Path, modified: float) -> re.Pattern[str] | None:
    return _compiled(read_words(path))


_words_pattern = lru_cache(maxsize=8)(_compiled)


def words(settings: Settings) -> tuple[str, ...]:
    """The list in effect: the shop's own (Admin → Settings), else the file's."""
    if settings.profanity_words is not None:
        return settings.profanity_words
    return read_words(word_file(settings))


def pattern(settings: Settings) -> re.Pattern[str] | None:
    """The compiled list: the shop's own words, else the file's (re-read when it changes)."""
    if settings.profanity_words is not None:
        return _words_pattern(settings.profanity_words)
    path = word_file(settings)
    return _file_pattern(path, path.stat().st_mtime)


def find(settings: Settings, text: str) -> list[str]:
    compiled = pattern(settings)
    return [match.group(0) for match in compiled.finditer(text)] if compiled else []


def _masked(match: re.Match[str]) -> str:
    word = match.group(0)
    return word[0] + "*" * (len(word) - 1)


def mask(settings: Settings, text: str) -> str:
    """Each listed word as its first letter and asterisks: the length is kept."""
    compiled = pattern(settings)
    return compiled.sub(_masked, text) if compiled else text
