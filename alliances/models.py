"""Models arrive with the alliances issue; the app is wired in now."""
