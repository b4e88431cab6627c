from .roles import Role

NAV = {
    Role.THERAPIST: [("caseload", "Caseload"), ("checkin_inbox", "Check-ins"), ("consent_outstanding", "Consents"),
                     ("invite_client", "Invite a client"),
                     ("policy", "Safety policy")],
    Role.CLIENT: [("portal", "My care"), ("client_plan", "Flight plan")],
    Role.SUPERVISOR: [("supervision", "Supervisees"), ("policy", "Safety policy")],
    Role.ADMIN: [("team", "Team"), ("invite_staff", "Invite staff"), ("consent_templates", "Consent documents"),
                 ("policy", "Safety policy")],
}


def practice(request):
    membership = getattr(request, "membership", None)
    return {
        "membership": membership,
        "memberships": getattr(request, "memberships", []),
        "nav": NAV.get(membership.role, []) if membership else [],
    }
