"""What demo customers answer in surveys: the reason for their NPS score, recovery comments."""

from __future__ import annotations

# kind, prompt, required; {brand} is filled in when the demo is built
POST_PURCHASE_QUESTIONS = (
    ("nps", "How likely are you to recommend {brand} to a friend?", True),
    ("text", "What is the main reason for your score?", False),
    ("csat", "How satisfied were you with the delivery?", False),
)
RECOVERY_QUESTIONS = (
    ("csat", "Did we put things right?", True),
    ("text", "Is there anything else you would like to tell us?", False),
)

REASONS = {
    "promoter": (
        "Great products and fast delivery.",
        "The quality is excellent and customer service is friendly.",
        "Everything I have bought from you has lasted for years.",
        "Lovely designs, and returns are easy.",
        "I trust the reviews here and the gear always matches them.",
        "Quick shipping and everything arrived well packed.",
    ),
    "passive": (
        "Good products, but shipping is expensive.",
        "Nice quality, though prices have gone up.",
        "Delivery was a bit slow this time.",
        "Fine overall, nothing special.",
        "I like the products but the website is hard to search.",
    ),
    "detractor": (
        "My order arrived late and the box was damaged.",
        "The jacket fell apart after a month and support never replied.",
        "Too expensive for the quality you get.",
        "I had to return two items and I am still waiting for the refund.",
        "Wrong size sent twice, very frustrating.",
        "Cheaply made, not what I expected from the photos.",
    ),
}

RECOVERY_COMMENTS = {
    5: (
        "Thank you, the replacement arrived quickly and it's perfect.",
        "Sorted within a day, really impressed.",
    ),
    4: ("Refund came through, thanks for the quick help.", "Good service in the end."),
    3: ("It was fixed in the end, but it took a while.",),
    2: ("Still waiting on the refund I was promised.",),
    1: ("Nobody followed up after the first email.",),
}
