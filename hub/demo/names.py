"""Word lists for demo people: customers and staff."""

from __future__ import annotations

_FIRST = """
    Aaron Abigail Adam Adrian Aisha Alan Alice Amara Amelia Amir Ana Andre Andrea Angela
    Anna Anthony Ari Arjun Ava Beatrice Ben Bianca Brandon Brian Caleb Camila Carlos Carmen
    Caroline Chloe Chris Claire Connor Daniel David Deborah Diana Diego Dylan Elena Eli
    Elijah Ella Emily Emma Eric Ethan Eva Felix Fatima Fiona Gabriel Grace Greta Hana Hannah
    Harper Hector Henry Ian Imani Isaac Isabel Ivan Jack Jade James Jasmine Jason Javier
    Jenna Jessica Joel John Jonah Jordan Julia Kai Karen Kate Kenji Kevin Kim Laura Layla
    Leah Leo Liam Lily Lucas Lucy Luis Maya Marco Maria Mark Mateo Megan Mia Michael Mina
    Naomi Nathan Nina Noah Nora Olivia Omar Oscar Paul Priya Quinn Rachel Rafael Rebecca
    Riley Rosa Ruby Ryan Samuel Sara Sean Sofia Sophie Stella Tara Theo Thomas Tom Uma
    Victor Vivian Wei Will Yara Yusuf Zoe
    """
FIRST_NAMES = tuple(_FIRST.split())

_LAST = """
    Abbott Acosta Adams Ahmed Alvarez Anderson Baker Banerjee Barnes Bell Bennett Brooks
    Brown Bryant Campbell Carter Castillo Chen Clark Coleman Collins Cook Cooper Cruz Davis
    Diaz Dixon Edwards Ellis Evans Fischer Fisher Flores Foster Garcia Gomez Gordon Graham
    Grant Gray Green Hall Hansen Harris Hayes Hill Holmes Howard Hughes Hunt Ito Jackson
    James Jensen Johnson Jones Kapoor Kelly Khan Kim King Klein Lee Lewis Lin Lopez Marshall
    Martin Martinez Mason Meyer Miller Mitchell Moore Morgan Murphy Nakamura Nelson Nguyen
    Novak Okafor Olsen Ortiz Owens Park Patel Perez Perry Peterson Phillips Price Quinn
    Ramirez Reed Reyes Richards Rivera Roberts Robinson Rossi Russell Sanchez Santos Schmidt
    Scott Shah Silva Singh Smith Stewart Sullivan Tanaka Taylor Thomas Thompson Torres
    Turner Walker Wallace Wang Ward Watson Webb White Williams Wilson Wong Wright Young
    Zhang
    """
LAST_NAMES = tuple(_LAST.split())

EMAIL_DOMAINS = ("example.com", "example.org", "example.net")

# name, email local part, roles; the admin comes from the caller.
STAFF = (
    ("Ben Brooks", "ben.brooks", "agent"),
    ("Cleo Diaz", "cleo.diaz", "agent"),
    ("Mo Reyes", "mo.reyes", "moderator"),
    ("Priya Shah", "priya.shah", "moderator agent"),
)
ADMIN_NAME = "Ada Admin"


def display_name(full_name: str) -> str:
    """ "Jane Doe" -> "Jane D.", the way reviews are signed."""
    first, _, rest = full_name.partition(" ")
    return f"{first} {rest[0]}." if rest else first
