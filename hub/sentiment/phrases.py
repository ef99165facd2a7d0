"""Complaint and urgency phrases, by reason code (the data behind `sentiment_rules`).

These catch bad experiences that carry no negative word ("runs small", "never arrived",
"sent it back") and the few that need a person at once ("allergic reaction", "chargeback").
They are general complaint shapes, not products, meant to hold for any shop. Patterns are
regular expressions matched on lower-cased, normalised text (straight quotes); a phrase right
after a negation ("not disappointed", "no holes") does not count.
"""

from __future__ import annotations

_NT = r"(?:n't| not|nt)"  # didn't / did not / didnt
_NUM = r"(?:a|an|one|two|three|four|a few|a couple(?: of)?|\d+|the first|a single)"
_PERIOD = r"(?:hours?|days?|weeks?|months?|wash(?:es|ing|ings)?|wears?|wearings?|uses?|tries)"
_IT = r"(?:it|this|them|these|those|the \w+|both|one|mine|everything)"
_ORDER = (
    r"(?:it|them|my \w+|our \w+|the (?:item|order|package|parcel|product|refund|delivery)s?|"
    r"a refund|an? (?:order|package|replacement|response|reply)|anything)"
)
_BODY = (
    r"(?:skin|hands?|fingers?|face|arms?|legs?|feet|foot|mouth|tongue|lips?|neck|eyes?|"
    r"baby|child|son|daughter|kids?)"
)

PHRASES: dict[str, tuple[str, ...]] = {
    "sizing": (
        r"\bruns? (?:(?:very|really|so|super|way|extremely|a little|a bit|a tad|slightly) )?"
        r"(?:small|large|big|short|long|narrow|wide|tight|huge|tiny)\b",
        r"\btoo (?:big|small|large|tight|loose|long|short|wide|narrow|boxy|baggy|snug|sheer|thin|"
        r"heavy|bulky|revealing|low|high|short-waisted|low-cut|tent-like|wide-legged)\b",
        rf"\b(?:do|does|did|wo|would|could){_NT} fit\b",
        r"\bfit (?:is|was) (?:off|weird|strange|awful|terrible|horrible|odd|bad|poor|wrong)\b",
        r"\b(?:swallowed|drowned|drowning) (?:me|in it|in this)\b|\blike a (?:tent|sack|potato sack)\b",
        r"\bfits? (?:very |really |a bit |a little )?(?:small|large|big|tight)\b",
    ),
    "quality": (
        r"\b(?:fell|falling|came|coming|falls) apart\b",
        r"\b(?:ripped|tore|torn|ripping|tearing|unraveled|unravelled|unraveling|fraying|frayed|"
        r"pilled|pilling|pills|shrank|shrunk|faded|snagged|bled)\b",
        r"\bholes?\b(?! in the wall)",
        r"\b(?:stopped|quit|stops) (?:working|charging|holding|turning)\b",
        rf"\b(?:does|did|do|wo){_NT} (?:even )?(?:work|turn on|charge|hold)\b",
        r"\bnot working\b|\bno longer works\b|\bdied (?:after|within|in)\b",
        r"\b(?:broke|broken|breaks|cracked|dented|scratched|defective|faulty|damaged)\b",
        r"\bcheap(?:ly)? (?:made|material|fabric|quality|looking|feeling|construction|plastic)\b",
        r"\b(?:look|looks|looked|feel|feels|felt|looking|feeling) (?:very |so |really )?cheap\b",
        r"\b(?:poor|bad|low|terrible|awful|inferior) (?:quality|construction|stitching|workmanship)\b",
        r"\bpoorly (?:made|constructed|sewn|stitched|designed|finished)\b",
        r"\bsee[- ]?through\b|\bpaper[- ]thin\b|\bflimsy\b|\bwrinkles? (?:easily|terribly)\b",
        rf"\b(?:last|lasts|lasted) (?:only|just|barely|less than) {_NUM} {_PERIOD}\b",
        rf"\b(?:only|just|barely) (?:last|lasts|lasted) {_NUM} {_PERIOD}\b",
        r"\bbattery (?:life )?(?:is|was)? ?(?:terrible|awful|poor|bad|weak|short|dies|died)\b",
        r"\bleak(?:s|ed|ing|y)?\b",
    ),
    "return": (
        rf"\breturn(?:ed|ing)? {_IT}\b",
        rf"\b(?:sent|send|sending|shipped|ship|mailed) {_IT} back\b",
        r"\b(?:is|are|was|were|it's|they're|will be) (?:going|sent) back\b",
        r"\bback (?:it|they|this|these) (?:goes|go|went)\b|\bgoing back to the store\b",
        r"\b(?:had|have|need|going|decided) to return\b|\bwill be returning\b|\breturned\b",
        r"\brefund(?:ed|s)?\b|\bmoney back\b|\bexchang(?:e|ed|ing) (?:it|them|this|for)\b",
    ),
    "delivery": (
        rf"\bnever (?:arrived|came|showed up|(?:received|got) {_ORDER})\b",
        rf"\b(?:did|has|have|had){_NT} (?:yet )?(?:arrive|arrived|come|shown up|"
        rf"(?:received|receive|got|get) {_ORDER})\b",
        r"\b(?:arrived|came|shipped|delivered|showed up) (?:very |so |really )?"
        r"(?:late|damaged|broken|opened|torn|dirty|used|stained|wrinkled|missing)\b",
        r"\b(?:late|slow|delayed) (?:delivery|shipping|shipment|arrival)\b",
        r"\b(?:delivery|shipping|shipment|package) (?:was|is|took|has been) (?:late|slow|delayed|"
        r"lost|forever|weeks|damaged|missing)\b",
        r"\blost in (?:the )?(?:mail|post|transit)\b|\bstill waiting\b",
        r"\b(?:sent|received|got|shipped) (?:me |us )?(?:the |a )?wrong\b|\bwrong (?:item|order)\b",
        r"\bmissing (?:item|items|parts?|pieces?|buttons?)\b",
    ),
    "complaint": (
        r"\bdisappoint(?:ed|ing|ment|s)?\b|\blet ?down\b|\bunderwhelm(?:ed|ing)\b",
        r"\b(?:wanted|hoped|want|hoping|tried) (?:so badly |so much |really )?to "
        r"(?:love|like|keep)\b|\breally wanted (?:this|it|to)\b",
        r"\bunfortunately\b|\bsadly\b|\bsad(?:ly)? to say\b|\bwhat a shame\b|\btoo bad\b",
        r"\bwaste of (?:money|time)\b|\bnot worth\b|\bsave your money\b|\boverpriced\b",
        rf"\b(?:do|would|wo|could|will){_NT} (?:ever )?(?:recommend|buy|bother|order|purchase)\b",
        r"\b(?:don't|do not|dont) (?:buy|bother|waste|order)\b|\bstay away\b|\bbeware\b",
        r"\bregret\b|\bnever again\b|\b(?:not|never|won't|wont) (?:be )?(?:coming|going) back\b",
        r"\bnot (?:as|like (?:the|in the)) (?:pictured|shown|described|advertised|picture|photo)\b",
        r"\b(?:look|looks|looked) nothing like\b|\bnot (?:for me|what i expected)\b",
        r"\b(?:did|does|do|was)(?:n't| not) (?:work out|flatter|look good|look right)\b",
        r"\b(?:not|never) (?:happy|impressed|satisfied|pleased)\b",
        r"\b(?:rude|unhelpful|ignored|no response)\b|\bnever (?:responded|replied|answered)\b",
        r"\b(?:worst|horrible|terrible|awful|useless|junk|garbage|ripoff)\b|\brip[- ]off\b",
        r"\bat best\b|\b(?:never|not) (?:ever )?(?:go(?:ing)?|com(?:e|ing)|be) back\b",
        r"\bwould(?:n't| not|nt) (?:eat|go|come|shop|order|stay|buy) (?:here|there|again|from)\b",
        r"\bwait(?:ed|ing)? (?:for )?(?:over |almost |nearly |about )?(?:an|\d+|forty|thirty|"
        r"twenty|forty-five) (?:hours?|minutes|mins)\b",
        r"\btoo (?:expensive|pricey|salty|sweet|greasy|oily|loud|noisy|slow|dry|bland|spicy|"
        r"complicated|difficult|hard to)\b",
    ),
    "safety": (
        r"\binjur(?:y|ies|ed|ing)\b|\b(?:got|was|were|get) (?:badly |seriously )?hurt\b",
        rf"\b(?:cut|burned|burnt|burns|scratched|scalded) (?:my|her|his|our) {_BODY}\b",
        r"\ballergic reactions?\b|\b(?:had|having|got|gave (?:me|her|him|us)|caused|causing) "
        r"(?:an? |such an? |severe |bad )?(?:allergic(?: reactions?)?|allergy|allergies)\b",
        r"\brash(?:es)?\b(?! ?guard)|\bhives\b|\bchemical burns?\b|\bburns? marks?\b",
        r"\bburn(?:ed|t)? (?:me|her|him|us|the skin)\b",
        r"\b(?:caught|catch|catches|on) fire\b|\bfire hazard\b|\b(?:burst into|in) flames\b",
        r"\bsmoke (?:came|coming|pouring|poured)\b|\b(?:started|began) smoking\b",
        r"\bsmell(?:s|ed)? (?:of|like) (?:smoke|burning)\b|\bexplod(?:e|ed|es|ing)\b",
        r"\belectric(?:al)? shock\b|\bshocked me\b|\bchoking hazard\b|\bfood poisoning\b",
        r"\b(?:got|get|getting) (?:so |very |really )?sick\b(?! of)",
        r"\bmade (?:me|us|my \w+) (?:so |very |really )?sick\b",
        r"\b(?:went|go|going|taken|rushed|ended up|end up|sent|admitted) (?:to |in )?(?:the )?"
        r"(?:hospital|emergency room|er)\b|\bhospitali[sz]ed\b",
    ),
    "urgent": (
        r"\b(?:lawyer|attorney|legal action|lawsuit|small claims|suing)\b",
        r"\bsue (?:you|them|the|this|your)\b",
        r"\bcharge ?backs?\b|\bdispute (?:the|this|my) charge\b",
        r"\bfraud(?:ulent)?\b|\bscam(?:s|med|mers?)?\b|\bidentity theft\b",
        r"\bstolen (?:credit )?card\b|\bcard (?:was |has been )?stolen\b",
        r"\bunauthori[sz]ed (?:charge|transaction|purchase|payment)s?\b",
        rf"\bnever (?:arrived|showed up|(?:received|got) {_ORDER})\b",
        rf"\b(?:have|has|did){_NT} (?:yet |ever )?(?:arrive|arrived|(?:received|receive|got|get) "
        rf"{_ORDER})\b",
    ),
}

# Safety problems need a person at once, as do legal and payment threats.
URGENT_CODES = frozenset({"safety", "urgent"})
