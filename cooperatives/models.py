"""Models arrive with the cooperatives issue; the app is wired in now."""
