"""A page of a long list without counting the whole list: one row more than the page is read to
know whether another page follows, so the first page costs the same at 30 rows or 30,000."""

from __future__ import annotations

from dataclasses import dataclass

LAST_PAGE = 10_000  # a page number beyond this is read as the first page (not an error)


@dataclass(frozen=True)
class Page:
    object_list: list
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)


def page_of(queryset, asked: str | None, size: int) -> Page:
    """Page `asked` (anything that is not a page number reads as 1) of an ordered queryset."""
    number = int(asked) if asked and asked.isdigit() and 1 <= int(asked) <= LAST_PAGE else 1
    rows = list(queryset[(number - 1) * size:number * size + 1])
    return Page(rows[:size], number, len(rows) > size)
