"""The text engine: polarity, complaint and urgency phrases, the flag model, profanity.
Pure functions, no database and no I/O beyond reading its own data files."""
