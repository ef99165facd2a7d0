"""Data in and out in bulk: imports from other review apps and streamed exports."""
