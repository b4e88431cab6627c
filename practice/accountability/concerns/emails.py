"""The concern email to a reviewer: that a concern needs review, and the link; never its text
or category."""

from __future__ import annotations

from practice.emails import compose, link


def concern_review(user, concern, *, added: bool):
    return compose(user.email, "concern", {"practice": concern.practice.name, "added": added,
                                           "link": link("concern_detail", concern.pk)})


def concern_reply(user, concern):
    """To the client: there is a reply to their concern, and the portal link; never its text."""
    return compose(user.email, "concern_reply", {"practice": concern.practice.name, "name": user.get_short_name(),
                                                 "link": link("portal_concern", concern.pk)})
