"""The ``{name:id}`` path convertor: a database id, or a value no row has.

Starlette's ``int`` accepts any number of digits, and a number past the id
column's range makes PostgreSQL (and SQLite past 64 bits) fail with a 500.
"""

from __future__ import annotations

from starlette.convertors import Convertor, register_url_convertor

MAX_ID = 2**31 - 1


class IdConvertor(Convertor[int]):
    regex = "[0-9]{1,19}"

    def convert(self, value: str) -> int:
        number = int(value)
        return number if number <= MAX_ID else 0  # no row has id 0: the lookup misses

    def to_string(self, value: int) -> str:
        return str(int(value))


register_url_convertor("id", IdConvertor())


def whole_number(raw: str) -> int | None:
    """A query parameter as a whole number from 1 to `MAX_ID`, else None.

    Not ``str.isdigit`` alone: it accepts "²", which ``int`` refuses, and a 30-digit page
    number would overflow the database's integers.
    """
    if raw.isascii() and raw.isdigit() and 0 < int(raw) <= MAX_ID:
        return int(raw)
    return None
