"""Council news and announcements, and their feeds."""
