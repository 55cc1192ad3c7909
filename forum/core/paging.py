"""The page number in a list's address, read the same way on every page."""

from flask import request

# Further than anyone pages; a larger number would overflow the database's OFFSET.
MAX_PAGE = 100_000


def page_number():
    """`?page=` as a whole number from 1 to MAX_PAGE; anything else reads as the nearest."""
    return min(max(request.args.get("page", 1, type=int) or 1, 1), MAX_PAGE)
