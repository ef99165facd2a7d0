"""The data folder and everything the hub writes into it is readable by the hub's user alone.

Each test runs with the loosest umask (000), so a mode can only be right because the hub
set it, not because the shell's umask happened to be strict.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from hub.config import Settings
from hub.files import private_database, sqlite_path
from hub.mail.sender import send_due
from hub.photos.uploads import PhotoUpload, prepare_photo, store_photos
from tests.conftest import make_customer, make_product, make_review
from tests.mail.conftest import queue_message
from tests.photos.test_photos import image_bytes


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def assert_private(folder: Path) -> None:
    assert mode(folder) == 0o700, folder
    for path in folder.rglob("*"):
        assert mode(path) == (0o700 if path.is_dir() else 0o600), path


@pytest.fixture
def open_umask() -> Iterator[None]:
    previous = os.umask(0)
    try:
        yield
    finally:
        os.umask(previous)


def test_migrate_makes_the_data_folder_database_and_secret_key_private(tmp_path: Path) -> None:
    data = tmp_path / "var"
    env = {key: value for key, value in os.environ.items() if not key.startswith("HUB_")}
    env["HUB_DATA_DIR"] = str(data)
    subprocess.run(  # noqa: S603 (a fixed command line)
        ["/bin/sh", "-c", f'umask 000 && exec "{sys.executable}" -m hub migrate'],
        env=env,
        check=True,
        capture_output=True,
    )
    assert {path.name for path in data.iterdir()} >= {"hub.sqlite3", "secret_key"}
    assert_private(data)


def test_an_existing_world_readable_database_file_is_made_private(tmp_path: Path) -> None:
    database = tmp_path / "hub.sqlite3"
    database.write_bytes(b"")
    wal = tmp_path / "hub.sqlite3-wal"
    wal.write_bytes(b"")
    database.chmod(0o644)
    wal.chmod(0o666)
    private_database(f"sqlite://{database}?journal_mode=WAL")
    assert (mode(database), mode(wal)) == (0o600, 0o600)
    assert sqlite_path("postgres://hub@127.0.0.1/hub") is None


async def test_mail_files_and_photos_are_private_whatever_the_umask(
    settings: Settings, db: str, open_umask: None
) -> None:
    await queue_message(settings, await make_customer())
    assert await send_due(settings, datetime.now(UTC).replace(year=2100)) == 1
    review = (await make_review(settings, await make_product())).review
    prepared = prepare_photo(PhotoUpload("tent.jpg", image_bytes()))
    await store_photos(settings, review, [prepared], consent=False, now=datetime.now(UTC))
    assert list(settings.mail_dir.glob("*.eml")) and list(settings.media_dir.iterdir())
    assert_private(settings.mail_dir)
    assert_private(settings.media_dir)
