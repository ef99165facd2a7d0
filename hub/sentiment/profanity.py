"""The profanity word list: whole words, case-insensitive, held or masked per settings."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from hub.config import Settings

DEFAULT_FILE = Path(__file__).with_name("profanity.txt")


def word_file(settings: Settings) -> Path:
    return Path(settings.extra.get("profanity_file") or DEFAULT_FILE)


def read_words(path: Path) -> tuple[str, ...]:
    lines = (line.strip().lower() for line in path.read_text(encoding="utf-8").splitlines())
    return tuple(sorted({line for line in lines if line and not line.startswith("#")}))


@lru_cache(maxsize=8)
def _pattern(path: Path, modified: float) -> re.Pattern[str] | None:
    words = read_words(path)
    if not words:
        return None
    alternatives = "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def pattern(settings: Settings) -> re.Pattern[str] | None:
    """The compiled list; re-read when the file changes."""
    path = word_file(settings)
    return _pattern(path, path.stat().st_mtime)


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
