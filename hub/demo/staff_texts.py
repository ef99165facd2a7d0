"""What the demo team writes: public replies, case replies and notes, canned responses.

Placeholders: {first} (the customer's first name), {noun} (the product), {agent} (the
staff member's first name).
"""

from __future__ import annotations

PUBLIC_REPLIES = (
    "Hi {first}, we're sorry the {noun} let you down. Our support team has emailed you to "
    "put this right. – {agent}",
    "Thank you for telling us, {first}. This is not the experience we want anyone to have; "
    "we've been in touch by email with a replacement. – {agent}",
    "Hi {first}, thanks for the honest review. We've passed your notes to our product team "
    "and sent you a prepaid return label. – {agent}",
)

# resolution code: (what the agent wrote to the customer, the internal note)
CASE_REPLIES = {
    "refund": (
        "Hi {first}, I'm so sorry about this. I've refunded your order in full; you "
        "will see it on your statement within 3–5 working days.",
        "Refunded in full, no return needed.",
    ),
    "replacement": (
        "Hi {first}, sorry the {noun} wasn't right. A replacement is on its way "
        "today and you'll get tracking by email.",
        "Replacement sent by express shipping.",
    ),
    "apology": (
        "Hi {first}, thank you for letting us know, and I'm sorry for the trouble. "
        "I've added a 15% code to your account for next time.",
        "Apologised, goodwill code issued.",
    ),
    "explanation": (
        "Hi {first}, thanks for the feedback. Our {noun} is cut slim on purpose; "
        "I've sent our size guide and a free exchange label.",
        "Explained sizing, exchange label sent.",
    ),
    "no_action": (
        "Hi {first}, thanks for the review! It looked like the stars and the words "
        "didn't match, so I wanted to check everything is OK.",
        "Customer confirmed all fine; the rating was a misclick.",
    ),
}

CASE_NOTES = (
    "Checked the order: delivered, signed for at the door.",
    "Asked the warehouse whether this batch had other complaints.",
    "Customer has ordered before, no earlier issues.",
    "Waiting for photos from the customer.",
)

# {brand} is filled in when the demo is built; the rest is for the agent to adjust.
CANNED_RESPONSES = (
    (
        "Apology and replacement",
        "Hello,\n\nI'm really sorry your order wasn't up to standard. I've sent a replacement "
        "today at no cost, and you'll get tracking by email shortly. There's no need to send the "
        "first one back.\n\nBest wishes,\nThe {brand} team",
    ),
    (
        "Refund",
        "Hello,\n\nI'm sorry this didn't work out. I've issued a full refund for your order; it "
        "will appear on your statement within 3–5 working days.\n\nBest wishes,\nThe {brand} team",
    ),
    (
        "Sizing advice",
        "Hello,\n\nThank you for your feedback on the fit. Our clothing and boots are cut slim, "
        "so most customers size up. Here's a free exchange label for the next size; just drop the "
        "parcel at any post office.\n\nBest wishes,\nThe {brand} team",
    ),
    (
        "Delivery delay",
        "Hello,\n\nI'm sorry your order is taking longer than it should. I've checked with the "
        "carrier and it's on its way; if it hasn't reached you in three working days, reply to "
        "this email and I'll send a new one straight away.\n\nBest wishes,\nThe {brand} team",
    ),
)
