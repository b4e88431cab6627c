from practice.crisis import CRISIS
from practice.roles import Role
from practice.timing import TIMING

NAV = {
    Role.THERAPIST: [("today", "Today"), ("agenda", "Agenda"), ("caseload", "Caseload"), ("checkin_inbox", "Check-ins"),
                     ("consent_outstanding", "Consents"), ("invite_client", "Invite a client"), ("reports", "Reports"),
                     ("policy", "Safety policy")],
    Role.CLIENT: [("portal", "My care"), ("client_plan", "Flight plan"), ("my_records", "My records"),
                  ("portal_concerns", "Raise a concern")],
    Role.SUPERVISOR: [("today", "Today"), ("supervision", "Supervisees"), ("agenda", "Agenda"), ("concerns", "Concerns"),
                      ("audit_log", "Audit log"), ("reports", "Reports"), ("policy", "Safety policy")],
    Role.ADMIN: [("team", "Team"), ("invite_staff", "Invite staff"), ("practitioners", "Practitioners"),
                 ("consent_templates", "Consent documents"),
                 ("concerns", "Concerns"), ("audit_log", "Audit log"), ("reports", "Reports"),
                 ("practice_survey_schedule", "Surveys"), ("practice_measure_schedule", "Questionnaires"),
                 ("policy", "Safety policy")],
}


def practice(request):
    membership = getattr(request, "membership", None)
    return {
        "membership": membership,
        "memberships": getattr(request, "memberships", []),
        "nav": NAV.get(membership.role, []) if membership else [],
        "crisis_lines": CRISIS,
        "timing": TIMING,  # templates show the clock numbers the code uses, never their own copies
    }
