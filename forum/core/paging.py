"""The page number in a list's address, read the same way on every page, and where a page sits
in its list."""

from dataclasses import dataclass, field

from flask import request

# Further than anyone pages; a larger number would overflow the database's OFFSET.
MAX_PAGE = 100_000


def page_number():
    """`?page=` as a whole number from 1 to MAX_PAGE; anything else reads as the nearest."""
    return min(max(request.args.get("page", 1, type=int) or 1, 1), MAX_PAGE)


@dataclass
class Pages:
    """Where one page sits in a list a service counted itself: what the shared pager macro
    (`_macros/pagination.html`) reads. `items` is the page's rows, when the caller has them."""

    page: int
    per_page: int
    total: int
    items: list = field(default_factory=list)

    @property
    def pages(self):
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self):
        return self.page > 1

    @property
    def has_next(self):
        return self.page < self.pages

    @property
    def prev_num(self):
        return self.page - 1 if self.has_prev else None

    @property
    def next_num(self):
        return self.page + 1 if self.has_next else None
