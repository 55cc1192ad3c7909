"""The staff console: the council's one place to run the platform."""
