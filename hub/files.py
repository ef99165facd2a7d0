"""Files only the hub's own user can read: the data folder, the database, mail and media.

Modes are set explicitly (``chmod`` after creating), so the operator's umask cannot widen
them: the folder holds customer data, the secret key and copies of mails.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import BinaryIO

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600
SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")


def private_dir(path: Path) -> Path:
    """``path`` created if missing (with its parents) and made 0700."""
    path.mkdir(parents=True, exist_ok=True)
    if (path.stat().st_mode & 0o777) != PRIVATE_DIR:
        path.chmod(PRIVATE_DIR)
    return path


def write_private(path: Path, data: bytes, *, exclusive: bool = False) -> None:
    """Write ``data`` to ``path`` as a 0600 file, replacing what was there.

    ``exclusive`` fails with ``FileExistsError`` instead, for a file that two processes
    starting at once must not both write (the secret key).
    """
    flags = os.O_WRONLY | os.O_CREAT | (os.O_EXCL if exclusive else os.O_TRUNC)
    fd = os.open(path, flags, PRIVATE_FILE)
    try:
        os.fchmod(fd, PRIVATE_FILE)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)


def create_private(path: Path) -> BinaryIO:
    """A new 0600 file at ``path``, open for writing in pieces (an upload streamed to disk).

    Fails with ``FileExistsError`` rather than replace a file that is there.
    """
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    os.fchmod(fd, PRIVATE_FILE)
    return os.fdopen(fd, "wb")


def sqlite_path(database_url: str) -> Path | None:
    """The file of an ``sqlite://`` URL, or None for PostgreSQL and in-memory databases."""
    if not database_url.startswith("sqlite://") or ":memory:" in database_url:
        return None
    return Path(database_url.removeprefix("sqlite://").split("?", 1)[0])


def private_database(database_url: str) -> None:
    """Make an SQLite file private before the first connection opens it.

    SQLite creates its WAL and shared-memory files with the database file's own mode,
    so a 0600 database keeps its companions 0600 too; existing ones are fixed as well.
    """
    path = sqlite_path(database_url)
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT, PRIVATE_FILE))
    for candidate in (path, *(path.with_name(path.name + suffix) for suffix in SQLITE_COMPANIONS)):
        if candidate.exists() and (candidate.stat().st_mode & 0o777) != PRIVATE_FILE:
            candidate.chmod(PRIVATE_FILE)
