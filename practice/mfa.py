"""The second factor: who must have one, and whether this session has used it.

Staff (and superusers) must hold a TOTP authenticator, and every session of theirs must have
passed it: allauth records each factor used in the session (`method: "mfa"` after a TOTP or
recovery code), and enrolling an authenticator in this session counts as having used it.
Having an authenticator is not enough: a session opened by any other path (a password form
that skips the second step) is signed out before anything is shown.
"""

from __future__ import annotations

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from allauth.mfa.signals import authenticator_added
from django.dispatch import receiver

ENROLLED_KEY = "mfa_enrolled_user"


def required_for(user, memberships) -> bool:
    """Staff of any practice (and superusers) must have TOTP before seeing anything else."""
    return user.is_superuser or any(m.is_staff_role for m in memberships)


HAS_KEY = "mfa_has_authenticator"


def has_authenticator(user, session=None) -> bool:
    """Does the user hold a TOTP authenticator? Once seen, remembered in their session (staff
    cannot remove theirs), so the usual request costs no query for it."""
    if session is not None and session.get(HAS_KEY) == str(user.pk):
        return True
    found = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    if found and session is not None:
        session[HAS_KEY] = str(user.pk)
    return found


def session_passed(request) -> bool:
    """Did this session (for this user) pass a second factor or enrol one?"""
    user = request.user
    if any(r.get("method") == "mfa" for r in get_authentication_records(request, user)):
        return True
    return request.session.get(ENROLLED_KEY) == str(user.pk)


@receiver(authenticator_added)
def _enrolled_in_this_session(sender, request=None, user=None, authenticator=None, **kwargs):
    # Enrolment asks for a current code from the new authenticator, so the session has used it.
    if request is not None and user is not None and authenticator is not None \
            and authenticator.type == Authenticator.Type.TOTP:
        request.session[ENROLLED_KEY] = str(user.pk)
        # allauth sends this on commit; saved here so the mark holds whenever that runs.
        request.session.save()
