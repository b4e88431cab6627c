"""Every number the safety rules use, in one place.

The defaults come from the domain guide (sections 2-4), which cites the manual's Safety,
Drug Interactions, Dosing and Session Frequency sections. A practice may make a rule
stricter, never looser: `Policy.tighten()` refuses any change in the unsafe direction.
Defaults that the guide leaves open are marked "ours" and are stated as such to users.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from decimal import Decimal

# For each setting, which direction is stricter. "up": a larger number is stricter.
STRICTER = {
    "irreversible_maoi_washout_days": "up",
    "maoi_after_session_days": "up",
    "reversible_maoi_washout_days": "up",
    "strong_inhibitor_washout_days": "up",
    "lifetime_session_limit": "down",
    "spacing_refuse_days": "up",
    "spacing_hard_warning_days": "up",
    "spacing_caution_days": "up",
    "high_dose_mg_per_kg": "down",
    "high_dose_handful": "down",
    "ceiling_mg_per_kg": "down",
    "ceiling_total_mg": "down",
    "ssri_snri_advisory_days": "up",
    "caffeine_caution_mg_per_day": "down",
    "adult_age": "up",
    "mania_is_caution": "up",  # True is stricter than False
    "alert_temperature_c": "down",
    "alert_systolic_jump": "down",
    "alert_heart_rate_jump": "down",
    "alert_systolic_max": "down",
    "alert_diastolic_max": "down",
    "danger_escalate_hours": "down",
    "rupture_drop_points": "down",
    "rupture_mean_below": "up",
    "rupture_reverse_answer_at_least": "down",
    "small_cell_threshold": "up",
}


# What each adjustable setting means, for the policy page.
LABELS = {
    "irreversible_maoi_washout_days": "Days since an irreversible MAOI (always avoid below this)",
    "maoi_after_session_days": "Days after a session in which starting an MAOI or ritonavir/cobicistat is refused",
    "reversible_maoi_washout_days": "Days since ayahuasca or a reversible MAOI (always avoid below this)",
    "strong_inhibitor_washout_days": "Days since ritonavir or cobicistat (always avoid below this)",
    "lifetime_session_limit": "Lifetime MDMA sessions allowed",
    "spacing_refuse_days": "Minimum days between medicine sessions (refused below this)",
    "spacing_hard_warning_days": "Days between sessions below which a hard warning applies",
    "spacing_caution_days": "Days between sessions below which a caution applies",
    "high_dose_mg_per_kg": "Total mg/kg above which a dose counts as high",
    "high_dose_handful": "High-dose sessions allowed before each further one is a caution",
    "ceiling_mg_per_kg": "Ceiling: total mg/kg",
    "ceiling_total_mg": "Ceiling: total mg",
    "ssri_snri_advisory_days": "Days off SSRIs/SNRIs advised before a session",
    "caffeine_caution_mg_per_day": "Caffeine per day above which a caution applies (mg)",
    "adult_age": "Age below which the adolescent caution applies",
    "mania_is_caution": "Treat a history of mania as a CAUTION (default: precaution)",
    "alert_temperature_c": "Session alert: temperature above (°C)",
    "alert_systolic_jump": "Session alert: systolic change between readings above (mmHg)",
    "alert_heart_rate_jump": "Session alert: heart-rate change between readings above (bpm)",
    "alert_systolic_max": "Session alert: systolic above (mmHg)",
    "alert_diastolic_max": "Session alert: diastolic above (mmHg)",
    "danger_escalate_hours": "Hours before an unacknowledged danger check-in goes to the supervisor",
    "rupture_drop_points": "Alliance alert: BR-WAI total fell by at least (points, from the previous rating)",
    "rupture_mean_below": "Alliance alert: BR-WAI mean item score below",
    "rupture_reverse_answer_at_least": "Alliance alert: a negatively worded item answered at least (1-5; 4 = Very often)",
    "small_cell_threshold": "State reports: counts below this are shown as \"fewer than\" it, and no average of fewer",
}


VITAL_NAMES = {"temperature_c": "temperature (°C)", "heart_rate": "heart rate (bpm)", "systolic": "systolic (mmHg)",
               "diastolic": "diastolic (mmHg)", "spo2": "SpO2 (%)"}


class LooserPolicyError(ValueError):
    """A practice tried to relax a safety rule."""


@dataclass(frozen=True)
class Policy:
    # Always avoid [Drug Interactions; Safety]
    irreversible_maoi_washout_days: int = 14
    maoi_after_session_days: int = 3  # ours: "planned within the days after a session"
    reversible_maoi_washout_days: int = 3  # ayahuasca / moclobemide
    strong_inhibitor_washout_days: int = 14  # ours: ritonavir/cobicistat stopped this recently still counts
    lifetime_session_limit: int = 240
    # Spacing between medicine sessions [Session Frequency]
    spacing_refuse_days: int = 14
    spacing_hard_warning_days: int = 20
    spacing_caution_days: int = 42  # 6 weeks
    # Dose [Dosing]
    standard_initial_mg: int = 125
    reduced_initial_mg: int = 100
    reduced_below_kg: Decimal = Decimal("60")
    reduced_over_age: int = 75
    booster_fraction: Decimal = Decimal("0.5")
    booster_after_hours: tuple[Decimal, Decimal] = (Decimal("1.5"), Decimal("2.5"))
    cyp2d6_reduction: Decimal = Decimal("0.25")
    high_dose_mg_per_kg: Decimal = Decimal("2")
    high_dose_handful: int = 5
    ceiling_mg_per_kg: Decimal = Decimal("3")
    ceiling_total_mg: int = 200
    step_percent: tuple[int, int] = (10, 15)
    # Precautions and cautions [Safety; Medical Risks; Psychological Risks]
    ssri_snri_advisory_days: int = 60  # "ideally 2 months"
    caffeine_caution_mg_per_day: int = 400  # ours: the guide says "large amounts"
    water_limit_litres: Decimal = Decimal("0.5")
    water_limit_hours: int = 6
    adult_age: int = 18
    mania_is_caution: bool = False  # a practice may raise mania history to a CAUTION
    # Emergency alerts during a session [When to Seek Emergency Care]; "unstable" thresholds are ours.
    alert_temperature_c: Decimal = Decimal("38.5")
    alert_systolic_jump: int = 30
    alert_heart_rate_jump: int = 25
    alert_systolic_max: int = 180
    alert_diastolic_max: int = 110
    # Readings outside these are impossible and refused; inside them but outside the "usual"
    # band they are recorded only once someone confirms them (ours, physiological limits).
    vitals_limits: tuple = (("temperature_c", Decimal("30"), Decimal("44")), ("heart_rate", 20, 250),
                            ("systolic", 50, 300), ("diastolic", 20, 200), ("spo2", 50, 100))
    vitals_usual: tuple = (("temperature_c", Decimal("35"), Decimal("41")), ("heart_rate", 40, 180),
                           ("systolic", 80, 230), ("diastolic", 40, 140), ("spo2", 88, 100))
    # Integration check-ins [Between Sessions]: the domain guide's default (section 9)
    danger_escalate_hours: int = 4
    # The readiness checklist [Preparation]: sessions with the practitioner before a medicine session.
    # A medicine session takes the day: it is scheduled to start before this hour on the client's
    # clock, or with a written rationale [Manual: The Therapeutic MDMA Session] (the hour is ours).
    medicine_start_before_hour: int = 11
    min_prior_sessions: int = 3
    preferred_prior_sessions: int = 5
    # A written rationale (a caution acknowledged, an amber line overridden) is at least a sentence.
    rationale_min_chars: int = 20
    # Alliance rupture alerts (BR-WAI): ours, not published norms (brwai.md) [Trust Your Personal Experience]
    rupture_drop_points: int = 5
    rupture_mean_below: Decimal = Decimal("3.5")
    rupture_reverse_answer_at_least: int = 4
    # State program reports: the usual small-cell rule (ours to apply; a practice may only raise it).
    small_cell_threshold: int = 11

    def ceiling_mg(self, mass_kg: Decimal | None) -> Decimal:
        """The highest total dose: the lower of the mg/kg ceiling and the absolute one."""
        total = Decimal(self.ceiling_total_mg)
        return min(self.ceiling_mg_per_kg * Decimal(mass_kg), total) if mass_kg else total

    def tighten(self, **changes) -> Policy:
        """A copy with `changes`, refusing any that would loosen a rule."""
        for name, value in changes.items():
            if name not in STRICTER:
                raise LooserPolicyError(f"\"{LABELS.get(name, 'This setting')}\" is not one a practice can change.")
            current = getattr(self, name)
            looser = value < current if STRICTER[name] == "up" else value > current
            if looser:
                raise LooserPolicyError(f"{LABELS[name]}: {shown(value)} would be less strict than {shown(current)}; "
                                        "a practice may only make the rules stricter.")
        return replace(self, **changes)

    def as_dict(self) -> dict:
        return {f.name: _plain(getattr(self, f.name)) for f in fields(self)}


def shown(value) -> str:
    """A setting's value as people read it: yes/no, not True/False."""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, tuple):
        return " to ".join(shown(v) for v in value)
    return str(value)


def _plain(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


DEFAULT_POLICY = Policy()


def from_overrides(overrides: dict) -> Policy:
    """The default policy with stored overrides applied (JSON values back to their types)."""
    typed = {k: type(getattr(DEFAULT_POLICY, k))(v) for k, v in overrides.items()}
    return DEFAULT_POLICY.tighten(**typed)

assert set(STRICTER) <= set(asdict(DEFAULT_POLICY)), "STRICTER names a setting that does not exist"
