"""Reviews: the model and its public rule, replies, votes, moderation, the moderation
pipeline and the rating aggregates."""
