"""A real worker process for tests/test_two_workers.py: one pass of the named jobs at a given time.

``python -m tests.worker_process NOW JOB [JOB …]`` reads its settings from the HUB_* variables,
connects, prints ``ready`` and waits for a line on its input (so that two workers start
their pass together), runs ``hub.worker.run_once`` with only those jobs, and prints the
counts as JSON.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from datetime import datetime

from hub import db
from hub.config import load_settings
from hub.worker import JOBS, run_once


async def main(now: datetime, names: list[str]) -> dict[str, int]:
    for name in list(JOBS):
        if name not in names:
            del JOBS[name]
    settings = load_settings()
    await db.connect(settings.database_url)
    try:
        print("ready", flush=True)
        await asyncio.to_thread(sys.stdin.readline)
        return await run_once(settings, now)
    finally:
        await db.disconnect()


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, stream=sys.stderr)
    counts = asyncio.run(main(datetime.fromisoformat(sys.argv[1]), sys.argv[2:]))
    print(json.dumps(counts), flush=True)
