"""Write the README's settings table from the settings themselves (hub/config.py).

    python scripts/settings_table.py           # rewrite the table in README.md
    python scripts/settings_table.py --check   # exit 1 when README.md's table is out of date

The table is the block of lines that starts with the header ``| variable | default | …``;
tests/test_config.py fails when it differs from ``hub.config.settings_table()``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from hub.config import settings_table

README = Path(__file__).resolve().parent.parent / "README.md"
HEADER = "| variable | default | what it does |"


def with_table(text: str, table: str) -> str:
    lines = text.splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.startswith(HEADER))
    end = start
    while end < len(lines) and lines[end].startswith("|"):
        end += 1
    return "".join([*lines[:start], table, *lines[end:]])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check, write nothing")
    arguments = parser.parse_args()
    text = README.read_text(encoding="utf-8")
    wanted = with_table(text, settings_table())
    if arguments.check:
        if wanted != text:
            print("README.md's settings table is out of date: run python scripts/settings_table.py")
            return 1
        return 0
    README.write_text(wanted, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
