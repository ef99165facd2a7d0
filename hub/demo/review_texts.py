"""Review titles and bodies for the demo, assembled from templates per kind and category.

Kinds: glowing, mild, mixed, snag (a complaint with no negative word: "runs small"),
angry, misclick (negative text under five stars), urgent (safety, legal or payment), blank
(stars only). Slots: {noun} ("jacket"), {this} ("this jacket", "these socks"), {feature} and
{feature2} (praise), {use} (how the customer uses it), {snag} (a complaint).
"""

from __future__ import annotations

import random

FEATURES = {
    "apparel": ("it keeps me warm without feeling bulky", "the fit is spot on",
                "the fabric feels soft against the skin", "it is true to size",
                "the stitching is neat and even"),
    "footwear": ("they were comfortable straight out of the box", "the grip on wet rock is great",
                 "they kept my feet dry all day", "there is room for thick socks",
                 "the laces stay tied"),
    "socks": ("they stay up all day", "they are soft and never itch",
              "my feet stayed dry on a long hike", "they still look new after many washes"),
    "gear": ("it is light enough to carry all day", "it feels sturdy and well made",
             "it packs down really small", "every strap and buckle feels solid",
             "it was easy to work out on the first trip"),
    "light": ("it is bright enough to light up the whole campsite", "the battery lasts for days",
              "it charges quickly over USB", "the beam is easy to adjust"),
    "drinkware": ("it keeps coffee hot all morning", "it is easy to clean",
                  "it fits the cup holder in my car", "it feels solid in the hand"),
    "kitchen": ("it is easy to clean", "it feels solid in the hand", "it looks lovely on the table",
                "the finish is smooth with no rough edges"),
    "textile": ("it is soft and cosy", "the colour is exactly like the photos", "it washes well",
                "the texture is beautiful"),
    "decor": ("the colour is exactly like the photos", "it was easy to hang",
              "it looks great in the hallway"),
    "candle": ("the scent fills the whole room", "it burns evenly for hours",
               "the jar is pretty enough to keep"),
}  # fmt: skip

USES = {
    "apparel": "I wear it on cold morning walks",
    "footwear": "I wear them on muddy weekend hikes",
    "socks": "I wear them on long hikes",
    "gear": "I took it on a three-night trip",
    "light": "I use it on night walks with the dog",
    "drinkware": "I take it on my commute every day",
    "kitchen": "I use it at camp and at home",
    "textile": "I use it every day",
    "decor": "It hangs in our hallway",
    "candle": "I light it most evenings",
}

# (title, sentence): complaints that carry no negative word at all
SNAGS = {
    "apparel": (("Runs small", "It runs small, so I had to order the next size up."),
                ("Sleeves are short", "The sleeves come up short on me."),
                ("Returning it", "I'm returning it for a larger size.")),
    "footwear": (("Narrow fit", "They run narrow and pinch after an hour."),
                 ("Sending them back", "I'm sending them back for half a size up.")),
    "socks": (("Holes already", "There are holes in both heels after a month."),
              ("Slipping down", "They keep slipping down inside my boots.")),
    "gear": (("Zip gave up", "The zip stopped working on the second trip."),
             ("Buckle snapped", "A buckle snapped after a week.")),
    "light": (("Stopped working", "It stopped working after a week."),
              ("Won't charge", "It stopped charging after two weeks.")),
    "drinkware": (("Lid leaks", "The lid leaks in my bag."),
                  ("Paint chipped", "The paint chipped after a few washes.")),
    "kitchen": (("Handle came loose", "The handle came loose after a few washes."),
                ("Cracked", "The box was fine but it arrived cracked.")),
    "textile": (("Colour faded", "The colour faded after two washes."),
                ("Shrank", "It shrank in the wash.")),
    "decor": (("Missing parts", "The hanging hooks were missing from the box."),),
    "candle": (("Barely any scent", "I can barely smell it, even in a small room."),
               ("Tunnelled", "It burned straight down the middle and left a thick wall of wax.")),
}  # fmt: skip
LATE = (("Took ages", "It took three weeks to get here."),)
LOST = (
    ("Never arrived", "The parcel never arrived, though the tracking says delivered."),
    ("Sent it back", "I sent it back the day it came."),
)

URGENT = {
    "apparel": (("Allergic reaction", "I had an allergic reaction to the fabric, a rash all over my neck."),),
    "socks": (("Allergic reaction", "I had an allergic reaction to the dye and my feet came up in hives."),),
    "textile": (("Rash", "The dye gave my daughter a rash, please check what is in it."),),
    "light": (("Overheated", "The {noun} overheated while charging and started smoking."),),
    "drinkware": (("Burned my hand", "The {noun} got so hot it burned my hand."),),
    "kitchen": (("Burned my hand", "The handle got so hot it burned my hand."),),
    "candle": (("Smoke everywhere", "The candle started smoking and left black soot on the ceiling."),),
    "any": (
        (
            "Charged twice",
            "I was charged twice for this order and will file a chargeback if it is not fixed.",
        ),
        ("Where is my order", "I never received it and I am talking to my lawyer."),
    ),
}

TEMPLATES = {
    "glowing": (
        "Absolutely love {this}! {Feature}, and {feature2}. Highly recommend.",
        "Best {noun} I have owned. {Feature}. Worth every penny.",
        "Exceeded my expectations. {use} and {feature}. Already bought another for my sister.",
        "Fantastic quality. {Feature}, and delivery was quick too.",
        "Could not be happier. {Feature}.",
    ),
    "mild": (
        "Nice {noun}. {Feature}. A little pricey, but good.",
        "Happy with it so far. {Feature}.",
        "Good {noun} for the money. {use}.",
        "Does what it says. {Feature}, though I wish it came in more colours.",
    ),
    "mixed": (
        "{Feature}, but {snag_lower}",
        "Mixed feelings. It looks good, but {snag_lower}",
        "It's fine for the price. {Snag}",
    ),
    "snag": ("{Snag}", "{Snag} Shame, because {feature}.", "Bought {this} for everyday use. {Snag}"),
    "angry": (
        "Terrible. The {noun} fell apart within a month and nobody answered my emails. Waste of money.",
        "Very disappointed. Cheaply made and not as pictured. Save your money.",
        "Worst purchase this year. It broke the first time I used it.",
        "Awful quality for the price. I would not recommend {this} to anyone.",
    ),
    "misclick": (
        "Broke on the first day, really disappointed.",
        "Poor quality, it was damaged when it arrived and support was useless.",
        "Terrible, it fell apart after one use.",
    ),
}

TITLES = {
    "glowing": (
        "Love it",
        "Perfect {noun}",
        "Five stars",
        "Brilliant",
        "Exactly what I wanted",
        "Great quality",
    ),
    "mild": ("Very good", "Happy with it", "Nice {noun}", "Solid choice", "Does the job"),
    "mixed": ("Good, not great", "Mixed feelings", "Almost there", "OK for the price"),
    "angry": ("Very disappointed", "Avoid", "Waste of money", "Terrible"),
    "misclick": ("Disappointed", "Broke", "Not good"),
}

# Texts the moderation pipeline stops or changes, and those a moderator rejects:
# (when, rating, title, body, rejected_for). Held texts are recent: they wait for a moderator.
MODERATED = (
    ("older", 5, "Great deals", "Watches at half price: https://example.net/a https://example.net/b "
     "https://example.net/c", ""),
    ("older", 5, "Check this out", "Earn money from home at www.example.net/earn, www.example.net/"
     "join and www.example.net/win", ""),
    ("older", 4, "Happy", "Good {noun}. Any questions, call me on 555-0148.", ""),
    ("older", 4, "Nice", "Nice {noun}, my email is sam.lee@example.org if you want photos.", ""),
    ("older", 3, "Question", "Does anyone know when the shop in town opens again?", "off_topic"),
    ("older", 5, "Best ever", "Best shop ever, I have never bought anything here but I love it.", "fake"),
    ("recent", 5, "Brilliant", "This {noun} is fucking brilliant, buy it.", ""),
    ("recent", 2, "Sizing", "The sizing is bullshit, I had to send it back.", ""),
    ("recent", 4, "Great", "Great {noun}, no bullshit, does the job.", ""),
)  # fmt: skip


def review_text(rng: random.Random, kind: str, noun: str, category: str) -> tuple[str, str]:
    """A (title, body) pair for a review of a `category` product called `noun`."""
    if kind == "blank":
        return rng.choice(TITLES["glowing"] + TITLES["mild"]).format(noun=noun), ""
    if kind == "urgent":
        title, body = rng.choice(URGENT.get(category, ()) + URGENT["any"])
        return title, body.format(noun=noun)
    snags = SNAGS[category] + LATE + (LOST if kind == "snag" else ())
    snag_title, snag = rng.choice(snags)
    body = rng.choice(TEMPLATES[kind]).format(**_slots(rng, noun, category, snag))
    title = snag_title if kind == "snag" else rng.choice(TITLES[kind]).format(noun=noun)
    return title, body


def _slots(rng: random.Random, noun: str, category: str, snag: str) -> dict[str, str]:
    feature, feature2 = rng.sample(FEATURES[category], 2)
    plural = noun.endswith("s") and not noun.startswith("pair of")
    return {
        "noun": noun,
        "this": f"these {noun}" if plural else f"this {noun}",
        "use": USES[category],
        "feature": feature,
        "feature2": feature2,
        "Feature": feature[0].upper() + feature[1:],
        "Snag": snag,
        "snag_lower": _lower_first(snag),
    }


def _lower_first(sentence: str) -> str:
    if sentence.startswith(("I ", "I'")):
        return sentence
    return sentence[0].lower() + sentence[1:]
