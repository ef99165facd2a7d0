"""What a piece of feedback is about: a few named topics, found by words anyone can read here.

`topics(text)` gives the topics of one answer, in the order of `TOPICS`. A topic is found
when one of its words occurs (whole words, on the normalised lower-case text), or when the
complaint phrases of `sentiment_rules` carry its code ("never arrived" is `delivery`, "runs
small" is `sizing`). No model and no service: the table below is the whole method, so a
brand can see why an answer was filed under a topic. A text matching nothing has no topic.
"""

from __future__ import annotations

import re

from hub.sentiment import rules as sentiment_rules
from hub.sentiment.text import normalise

# topic: (its words, the complaint codes of `sentiment_rules` that also count)
TOPICS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "delivery": (
        ("delivery", "delivered", "shipping", "shipped", "arrived", "arrival", "courier", "parcel", "late"),
        ("delivery",),
    ),
    "quality": (
        ("quality", "broke", "broken", "durable", "sturdy", "material", "fabric", "made"),
        ("quality",),
    ),
    "sizing": (("size", "sizing", "fit", "fits", "small", "large", "tight", "loose"), ("sizing",)),
    "returns": (("return", "returns", "returned", "refund", "refunded", "exchange"), ("return",)),
    "price": (("price", "prices", "expensive", "cheap", "value", "cost", "costs", "money", "worth"), ()),
    "service": (
        ("service", "support", "staff", "helpful", "rude", "answer", "answered", "reply", "replied", "agent"),
        (),
    ),
    "packaging": (("packaging", "packed", "package", "box", "wrapped", "wrapping"), ()),
    "website": (("website", "site", "checkout", "app", "order", "ordering", "payment", "account"), ()),
    "safety": ((), ("safety",)),
}
_WORDS = {topic: re.compile(rf"\b(?:{'|'.join(words)})\b") for topic, (words, _) in TOPICS.items() if words}


def topics(text: str) -> tuple[str, ...]:
    """The topics of ``text``, in the order of `TOPICS`; () when it names none."""
    plain = normalise(text).text.lower()
    codes = {match.code for match in sentiment_rules.find(plain)}
    return tuple(
        topic
        for topic, (_, topic_codes) in TOPICS.items()
        if codes.intersection(topic_codes) or (topic in _WORDS and _WORDS[topic].search(plain))
    )
