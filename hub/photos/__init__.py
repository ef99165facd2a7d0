"""Customer photos: upload checks, re-encoding without metadata, storage and moderation."""
