"""Customer text helpers shared by every layer: clean-up, contact-detail detection,
plain-text rendering that keeps customer text inert. Imports nothing of the hub."""
