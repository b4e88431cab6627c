"""The concern email to a reviewer: that a concern needs review, and the link; never its text
or category."""

from __future__ import annotations

from practice.emails import compose, link


def concern_review(user, concern, *, added: bool):
    return compose(user.email, "concern", {"practice": concern.practice.name, "added": added,
                                           "link": link("concern_detail", concern.pk)})
