"""How the link, e-mail and phone scan grows with text length (issue 13: linear, not quadratic).

For each hostile shape, a 5,000-character text is timed against 50 ordinary short reviews
(about 5,000 characters in all). A linear scan gives a ratio near 1; the old patterns gave
300-1,500 on runs of hyphens, dots or word characters.

    python bench/contact_details.py
"""

from __future__ import annotations

import time
from collections.abc import Callable

from hub.text.contact_details import count_links, has_contact_details, mask_personal_data

SHORT = "Stayed dry all night; see www.example.com or mail me at dana@example.net, 555 1234. "
HOSTILE = {
    "word run": "a" * 5000,
    "hyphens": "a-" * 2500,
    "dots": "a." * 2500,
    "digits and dots": "1." * 2500,
    "at signs": "a@" * 2500,
    "spaced digits": "1 " * 2500,
    "prose": (SHORT * 60)[:5000],
}
SCANS: dict[str, Callable[[str], object]] = {
    "count_links": count_links,
    "mask_personal_data": mask_personal_data,
    "has_contact_details": has_contact_details,
}


def best_of(scan: Callable[[str], object], texts: list[str], repeats: int = 5) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        for text in texts:
            scan(text)
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    short = [SHORT[: 5000 // 50]] * 50
    print(f"{'scan':22} {'text':16} {'5,000 chars / 50 short':>24}")
    for name, scan in SCANS.items():
        baseline = best_of(scan, short)
        for shape, text in HOSTILE.items():
            print(f"{name:22} {shape:16} {best_of(scan, [text]) / baseline:24.2f}")


if __name__ == "__main__":
    main()
