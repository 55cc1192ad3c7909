"""Moderation: the detector, flags, the review queue, sanctions, appeals and transparency."""
