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
