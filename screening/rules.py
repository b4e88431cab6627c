"""The safety rules: plain facts in, flags out. No database access here.

`evaluate(facts, policy)` returns every flag that applies, each with its tier, a code, a
plain reason, the manual section it rests on, and the facts that triggered it. The rules
are those of the domain guide sections 2-4; the numbers come from `policy.Policy`.

Tiers:
- ALWAYS AVOID: a medicine session is refused while it applies. It resolves only when a
  fact changes (the drug was stopped long enough ago, the dose plan is lowered), never by
  a click.
- CAUTION: the therapist must write a rationale to proceed; the supervisor sees each one.
- PRECAUTION: a checklist line in the flight plan.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from screening import medications as med
from screening.policy import DEFAULT_POLICY, Policy

ALWAYS_AVOID = "always_avoid"
CAUTION = "caution"
PRECAUTION = "precaution"
TIER_ORDER = (ALWAYS_AVOID, CAUTION, PRECAUTION)
TIER_LABELS = {ALWAYS_AVOID: "Always avoid", CAUTION: "Caution", PRECAUTION: "Precaution"}

# After a session MDMA blocks CYP2D6; activity recovers with a ~47 h half-life. [Drug Interactions]
CYP2D6_RECOVERY = ((2, 50), (4, 75), (6, 88), (8, 94), (10, 97))

AIT_RISK_FACTORS = {
    "dependent_relationships": "History of dependent or idealised relationships, especially with health practitioners",
    "seeks_care_over_insight": "Seeking care more than insight",
    "unrealistic_expectations": "Unrealistic expectations of therapy",
    "female_client_older_male_practitioner": "A female client with an older male practitioner",
    "attracted_to_practitioner_gender": "Practitioner of a gender the client is attracted to",
    "sexual_minority": "Being a sexual minority",
    "borderline_narcissistic_symptoms": "Borderline or narcissistic-spectrum symptoms",
}


@dataclass(frozen=True)
class Substance:
    """One line of the client's medication and substance list."""

    name: str
    classes: frozenset[str] = frozenset()  # from the table, or the therapist's classification
    reviewed: bool = False  # known to the table or classified by a therapist
    since: date | None = None  # first dose; after `as_of` means planned
    stopped_on: date | None = None  # last dose; None means still taking
    critical: bool = False  # critical for the client's health (not to be paused casually)


@dataclass(frozen=True)
class SuicideScreen:
    """The six questions of the C-SSRS Screener (Columbia Suicide Severity Rating Scale).

    Each answer is True (yes), False (no) or None (not answered: never read as "no")."""

    wish_to_be_dead: bool | None = False  # 1, past month
    suicidal_thoughts: bool | None = False  # 2, past month
    thoughts_with_method: bool | None = False  # 3, past month
    intent: bool | None = False  # 4, past month
    plan_with_intent: bool | None = False  # 5, past month
    behaviour_lifetime: bool | None = False  # 6, ever
    behaviour_past_3_months: bool | None = False  # 6b (asked only after a yes to 6)

    def risk(self) -> str | None:
        """C-SSRS screener triage: high, moderate, low, or None."""
        if self.intent or self.plan_with_intent or self.behaviour_past_3_months:
            return "high"
        if self.thoughts_with_method or self.behaviour_lifetime:
            return "moderate"
        if self.wish_to_be_dead or self.suicidal_thoughts:
            return "low"
        return None

    def unanswered(self) -> list[str]:
        """Question numbers left unanswered (6b counts only after a yes to 6)."""
        items = [("1", self.wish_to_be_dead), ("2", self.suicidal_thoughts), ("3", self.thoughts_with_method),
                 ("4", self.intent), ("5", self.plan_with_intent), ("6", self.behaviour_lifetime)]
        if self.behaviour_lifetime:
            items.append(("6b", self.behaviour_past_3_months))
        return [number for number, answer in items if answer is None]


SUICIDE_CODES = ("suicide_risk_high", "suicide_risk_moderate", "suicide_risk_low")  # any yes on the screener

RISK_WORDS = {
    "high": "High risk: intent or a plan with intent in the past month, or suicidal behaviour in the past 3 months",
    "moderate": "Moderate risk: thoughts of suicide with a method in the past month, or suicidal behaviour in "
                "the past",
    "low": "Low risk: a wish to be dead or thoughts of suicide in the past month, without a method, intent, plan or "
           "behaviour",
}


@dataclass(frozen=True)
class Facts:
    """What the latest intake, screening and session history say, as of a planned session day."""

    as_of: date
    birth_date: date | None = None
    mass_kg: Decimal | None = None
    # Medical
    hypertension: bool = False
    hypertension_controlled: bool | None = None
    arrhythmia: bool = False
    qt_prolongation: bool = False
    heart_disease: bool = False
    liver_disease: bool = False
    hyperthyroidism: bool = False
    hyperthyroidism_well_managed_mild: bool | None = None  # as assessed by a doctor
    other_serious_condition: bool = False
    other_condition_well_managed_mild: bool | None = None  # as assessed by a doctor
    seizures: bool = False
    pregnant: bool = False
    breastfeeding: bool = False
    cyp2d6_poor_metabolizer: bool = False
    caffeine_mg_per_day: int | None = None
    # Medications and substances
    substances: tuple[Substance, ...] = ()
    # Psychological
    psychosis_personal: bool = False
    psychosis_family: bool = False
    mania_personal: bool = False
    stimulant_addiction: bool = False
    dissociation: bool = False
    lives_with_abuser: bool = False
    followup_capacity: bool | None = None
    suicide_screen: SuicideScreen = field(default_factory=SuicideScreen)
    ait_risk_factors: frozenset[str] = frozenset()
    # History
    # Every other medicine session in the app that is scheduled, in progress or completed (not
    # cancelled or missed), any practitioner. For a planned session (`for_session`) those after
    # it count for spacing too; for the screening review, only those up to `as_of`.
    medicine_sessions_in_app: tuple[date, ...] = ()
    for_session: bool = False
    external_sessions: int = 0  # lifetime MDMA sessions reported outside the practice
    last_external_session_on: date | None = None
    prior_high_dose_sessions: int = 0  # sessions whose total was above the high-dose mg/kg
    planned_total_mg: Decimal | None = None

    @property
    def age(self) -> int | None:
        return age_on(self.birth_date, self.as_of) if self.birth_date else None


def age_on(birth_date: date, day: date) -> int:
    """Completed years on `day`."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


@dataclass(frozen=True)
class Flag:
    tier: str
    code: str
    reason: str
    section: str  # the manual section the rule rests on
    facts: tuple[tuple[str, str], ...] = ()  # what triggered it, as (label, value) pairs

    @property
    def tier_label(self) -> str:
        return TIER_LABELS[self.tier]

    @property
    def key(self) -> str:
        # Stable identity of a flag, for acknowledgements (one per substance where relevant).
        detail = dict(self.facts).get("substance", "")
        return f"{self.code}:{detail}" if detail else self.code


def _facts(**items) -> tuple[tuple[str, str], ...]:
    return tuple((k, str(v)) for k, v in items.items() if v is not None)


def days_since(last: date, as_of: date) -> int:
    return (as_of - last).days


def _last_use_gap(s: Substance, as_of: date) -> int | None:
    """Days from the last dose to `as_of`; 0 while still taking; None if only planned."""
    if s.since is not None and s.since > as_of:
        return None
    if s.stopped_on is None or s.stopped_on >= as_of:
        return 0
    return days_since(s.stopped_on, as_of)


def _starts_within(s: Substance, as_of: date, days: int) -> bool:
    return s.since is not None and as_of < s.since <= as_of + timedelta(days=days)


# --- ALWAYS AVOID ----------------------------------------------------------------------

def _substance_always_avoid(f: Facts, p: Policy) -> list[Flag]:
    flags = []
    washouts = (
        (med.MAOI_IRREVERSIBLE, p.irreversible_maoi_washout_days, "maoi_irreversible",
         "An irreversible MAO inhibitor with MDMA can cause severe serotonin toxicity and death."),
        (med.MAOI_REVERSIBLE, p.reversible_maoi_washout_days, "maoi_reversible",
         "A reversible MAO inhibitor still acting can cause serotonin toxicity with MDMA."),
        (med.HARMALA, p.reversible_maoi_washout_days, "ayahuasca",
         "Ayahuasca's harmala alkaloids are MAO inhibitors; their effect lasts 2-3 days."),
        (med.CYP_STRONG_INHIBITOR, p.strong_inhibitor_washout_days, "cyp_strong_inhibitor",
         "Ritonavir and cobicistat block several enzymes that clear MDMA; the combination can be fatal."),
    )
    for s in f.substances:
        for cls, washout, code, why in washouts:
            if cls not in s.classes:
                continue
            gap = _last_use_gap(s, f.as_of)
            if gap is not None and gap < washout:
                flags.append(Flag(ALWAYS_AVOID, code, f"{why} Needs at least {washout} days since the last dose.",
                                  "Drug Interactions",
                                  _facts(substance=s.name, last_dose=s.stopped_on or "still taking",
                                         days_since_last_dose=gap, required_days=washout)))
            if cls in (med.MAOI_IRREVERSIBLE, med.CYP_STRONG_INHIBITOR) and _starts_within(
                    s, f.as_of, p.maoi_after_session_days):
                flags.append(Flag(ALWAYS_AVOID, f"{code}_planned_after",
                                  f"{why} It is planned to start within {p.maoi_after_session_days} days after "
                                  "the session; move the start later.", "Drug Interactions",
                                  _facts(substance=s.name, planned_start=s.since)))
            elif cls in (med.MAOI_IRREVERSIBLE, med.CYP_STRONG_INHIBITOR) and s.since is not None \
                    and s.since > f.as_of + timedelta(days=p.maoi_after_session_days):
                # Known as soon as it is entered, before any session date exists: the gate refuses a
                # session too close to the start; here the therapist sees the date to plan around.
                last_day = s.since - timedelta(days=p.maoi_after_session_days + 1)
                flags.append(Flag(CAUTION, f"{code}_planned",
                                  f"{why} It is planned to start on {s.since:%d %b %Y}: a medicine session must be on "
                                  f"or before {last_day:%d %b %Y} ({p.maoi_after_session_days} clear days before the "
                                  "start), or the start moved later.", "Drug Interactions",
                                  _facts(substance=s.name, planned_start=s.since, last_session_day=last_day)))
    return flags


def _lifetime(f: Facts, p: Policy) -> list[Flag]:
    would_be = len(f.medicine_sessions_in_app) + f.external_sessions + 1
    if would_be > p.lifetime_session_limit:
        return [Flag(ALWAYS_AVOID, "lifetime_limit",
                     f"This would be MDMA session number {would_be}; the manual's limit is "
                     f"{p.lifetime_session_limit} (heart valve risk).", "Safety",
                     _facts(sessions_in_practice=len(f.medicine_sessions_in_app), reported_elsewhere=f.external_sessions,
                            would_be=would_be, limit=p.lifetime_session_limit))]
    return []


def _hyperthyroidism(f: Facts, p: Policy) -> list[Flag]:
    if f.hyperthyroidism and f.hyperthyroidism_well_managed_mild is not True:
        assessed = "not assessed by a doctor" if f.hyperthyroidism_well_managed_mild is None else "not well managed and mild"
        return [Flag(ALWAYS_AVOID, "hyperthyroidism",
                     f"Hyperthyroidism {assessed}. It must be well managed and mild, as assessed by a doctor.",
                     "Medical Risks", _facts(hyperthyroidism="yes", doctor_assessment=assessed))]
    return []


def _spacing(f: Facts, p: Policy) -> list[Flag]:
    """Days to the nearest other medicine session, before or (for a planned session) after."""
    dates = list(f.medicine_sessions_in_app) + ([f.last_external_session_on] if f.last_external_session_on else [])
    near = [d for d in dates if f.for_session or d <= f.as_of]
    if not near:
        return []
    nearest = min(near, key=lambda d: (abs((f.as_of - d).days), d > f.as_of))
    gap = abs((f.as_of - nearest).days)
    when = "the last medicine session" if nearest <= f.as_of else "the next medicine session"
    facts = _facts(other_medicine_session=nearest, days_between=gap)
    if gap < p.spacing_refuse_days:
        return [Flag(ALWAYS_AVOID, "spacing_minimum",
                     f"Only {gap} days from {when} ({nearest:%d %b %Y}); {p.spacing_refuse_days} days is the absolute "
                     "minimum.", "Session Frequency", facts)]
    if gap < p.spacing_hard_warning_days:
        return [Flag(CAUTION, "spacing_under_20_days",
                     f"Hard warning: only {gap} days from {when} ({nearest:%d %b %Y}). Under "
                     f"{p.spacing_hard_warning_days} days the brain's antioxidant reserve may not have recovered; "
                     f"{p.spacing_caution_days} days is the recommended start.", "Session Frequency", facts)]
    if gap < p.spacing_caution_days:
        return [Flag(CAUTION, "spacing_under_6_weeks",
                     f"{gap} days from {when} ({nearest:%d %b %Y}); {p.spacing_caution_days} days (6 weeks) is the "
                     "recommended starting interval.", "Session Frequency", facts)]
    return []


def _dose(f: Facts, p: Policy) -> list[Flag]:
    if f.planned_total_mg is None or not f.mass_kg or f.mass_kg <= 0:
        return []
    return dose_flags(Decimal(f.planned_total_mg), Decimal(f.mass_kg), f.prior_high_dose_sessions, p)


def dose_flags(total: Decimal, mass_kg: Decimal, prior_high_dose_sessions: int, p: Policy) -> list[Flag]:
    """The flags of a total dose for a body mass: above the ceiling (always avoid), above the
    high-dose mg/kg (information, a precaution; a caution after a handful of such sessions)."""
    per_kg = total / mass_kg
    ceiling = p.ceiling_mg(mass_kg)
    facts = _facts(total_mg=total, mg_per_kg=round(per_kg, 2), ceiling_mg=round(ceiling, 1))
    flags = []
    if total > ceiling:
        flags.append(Flag(ALWAYS_AVOID, "dose_above_ceiling",
                          f"A total of {total} mg is above the ceiling of {round(ceiling, 1)} mg "
                          f"({p.ceiling_mg_per_kg} mg/kg or {p.ceiling_total_mg} mg, whichever is lower).", "Dosing", facts))
    if per_kg > p.high_dose_mg_per_kg:
        if prior_high_dose_sessions >= p.high_dose_handful:
            flags.append(Flag(CAUTION, "high_dose_repeated",
                              f"{total} mg is {round(per_kg, 2)} mg/kg, above {p.high_dose_mg_per_kg} mg/kg again after "
                              f"{prior_high_dose_sessions} such sessions (more than a handful: {p.high_dose_handful}).",
                              "Dosing", facts + _facts(prior_high_dose_sessions=prior_high_dose_sessions)))
        else:
            flags.append(Flag(PRECAUTION, "high_dose",
                              f"{total} mg is {round(per_kg, 2)} mg/kg, above {p.high_dose_mg_per_kg} mg/kg in one "
                              "session: the large trials' dosing, with less certainty about oxidative stress. "
                              "Information; it becomes a caution after a handful of such sessions.", "Dosing", facts))
    return flags


# --- CAUTION ---------------------------------------------------------------------------

SUBSTANCE_AVOID_CLASSES = {med.MAOI_IRREVERSIBLE, med.MAOI_REVERSIBLE, med.HARMALA, med.CYP_STRONG_INHIBITOR}


def _substance_cautions(f: Facts, p: Policy) -> list[Flag]:
    flags = []
    for s in f.substances:
        if not s.reviewed:
            # Whatever its dates: an unknown name stopped two days ago could be an MAOI inside its
            # washout, and one planned after the session could be one too. [Drug Interactions]
            flags.append(Flag(CAUTION, "substance_unreviewed",
                              f"“{s.name}” is not in the medication table and has not been classified by a therapist: "
                              "until it is, it could be an MAO inhibitor or another drug that must not be combined.",
                              "Drug Interactions", _facts(substance=s.name, since=s.since, stopped_on=s.stopped_on)))
            continue
        gap = _last_use_gap(s, f.as_of)
        if gap != 0:
            continue  # not currently taken (stopped, or only planned)
        if not s.classes & SUBSTANCE_AVOID_CLASSES:
            flags.append(Flag(CAUTION, "other_substance",
                              f"Taking {s.name}: other drugs, medicines, supplements and herbs need review for "
                              "interactions with MDMA.", "Drug Interactions",
                              _facts(substance=s.name, critical_for_health="yes" if s.critical else "no")))
    return flags


def _medical_cautions(f: Facts, p: Policy) -> list[Flag]:
    flags = []
    if f.caffeine_mg_per_day is not None and f.caffeine_mg_per_day > p.caffeine_caution_mg_per_day:
        flags.append(Flag(CAUTION, "caffeine_high",
                          f"About {f.caffeine_mg_per_day} mg caffeine a day (practice threshold "
                          f"{p.caffeine_caution_mg_per_day} mg): large amounts raise heart rate and temperature with MDMA.",
                          "Drug Interactions", _facts(caffeine_mg_per_day=f.caffeine_mg_per_day)))
    if f.liver_disease:
        flags.append(Flag(CAUTION, "liver_disease", "Liver disease: the liver clears MDMA.", "Medical Risks",
                          _facts(liver_disease="yes")))
    cardio = []
    if f.hypertension:
        cardio.append("hypertension (controlled)" if f.hypertension_controlled is True else "hypertension, not controlled")
    if f.arrhythmia:
        cardio.append("arrhythmia")
    if f.qt_prolongation:
        cardio.append("QT/QTc prolongation")
    if f.heart_disease:
        cardio.append("heart disease")
    if cardio:
        flags.append(Flag(CAUTION, "cardiovascular",
                          "Cardiovascular condition: MDMA raises blood pressure and heart rate. Uncontrolled "
                          "hypertension, arrhythmia and marked QT prolongation excluded people from the trials.",
                          "Medical Risks", _facts(conditions=", ".join(cardio))))
    if f.other_serious_condition and f.other_condition_well_managed_mild is not True:
        flags.append(Flag(CAUTION, "other_condition",
                          "Another serious medical condition that a doctor has not assessed as well managed and mild.",
                          "Medical Risks", _facts(doctor_assessment="not assessed" if f.other_condition_well_managed_mild
                                                  is None else "not well managed and mild")))
    if f.seizures:
        flags.append(Flag(CAUTION, "seizure_history",
                          "History of seizures: MDMA-related seizures are rare but linked to water, heat and mixing drugs.",
                          "Medical Risks", _facts(seizures="yes")))
    if f.pregnant:
        flags.append(Flag(CAUTION, "pregnancy", "Pregnancy: avoid on the precautionary principle.", "Medical Risks",
                          _facts(pregnant="yes")))
    if f.breastfeeding:
        flags.append(Flag(CAUTION, "breastfeeding", "Breastfeeding: milk should be discarded for 48 hours after the dose.",
                          "Medical Risks", _facts(breastfeeding="yes")))
    age = f.age
    if age is not None and age < p.adult_age:
        flags.append(Flag(CAUTION, "adolescent", f"Age {age}: there is no study data for adolescents; no booster.",
                          "Medical Risks", _facts(age=age)))
    if age is None or not f.mass_kg:
        flags.append(Flag(CAUTION, "dose_facts_missing",
                          "Date of birth or body mass is missing from the intake, so the dose cannot be checked.",
                          "Dosing", _facts(age=age, mass_kg=f.mass_kg)))
    return flags


def _psychological(f: Facts, p: Policy) -> list[Flag]:
    flags = []
    if f.psychosis_personal or f.psychosis_family:
        who = " and ".join(w for w, v in (("personal", f.psychosis_personal), ("family", f.psychosis_family)) if v)
        flags.append(Flag(CAUTION, "psychosis_history", f"{who.capitalize()} history of psychosis; no booster.",
                          "Psychological Risks", _facts(history=who)))
    if f.stimulant_addiction:
        flags.append(Flag(CAUTION, "stimulant_addiction", "Personal history of addiction to amphetamines or cocaine.",
                          "Psychological Risks", _facts(stimulant_addiction="yes")))
    if f.lives_with_abuser:
        flags.append(Flag(CAUTION, "lives_with_abuser",
                          "Lives with a person who abused them: loosening old protective patterns may leave them exposed.",
                          "Psychological Risks", _facts(lives_with_abuser="yes")))
    risk = f.suicide_screen.risk()
    if risk:
        # Any yes: the therapist follows it up (at once for moderate or high), whatever the tier
        # of the rest; acknowledging it records what was done. [Psychological Risks]
        follow_up = "today, before anything else" if risk in ("high", "moderate") else "within the day"
        flags.append(Flag(CAUTION, f"suicide_risk_{risk}",
                          f"C-SSRS screener: {RISK_WORDS[risk].lower()}. Talk with the client {follow_up}; assess "
                          "and document safety, and revisit it in preparation and in the crisis plan.",
                          "Psychological Risks", _facts(risk_level=RISK_WORDS[risk])))
    unanswered = f.suicide_screen.unanswered()
    if unanswered:
        flags.append(Flag(CAUTION, "cssrs_not_answered",
                          f"C-SSRS screener question(s) {', '.join(unanswered)} not answered: ask them in person; a "
                          "skipped question is not a no.", "Psychological Risks",
                          _facts(not_answered=", ".join(unanswered))))
    if f.mania_personal:
        tier = CAUTION if p.mania_is_caution else PRECAUTION
        flags.append(Flag(tier, "mania_history",
                          "History of mania: sleep well before and after, pre-supplied sleep aid, session early in the "
                          "day, no booster at first.", "Psychological Risks", _facts(mania="yes")))
    return flags


# --- PRECAUTION --------------------------------------------------------------------------

def _substance_precautions(f: Facts, p: Policy) -> list[Flag]:
    flags = []
    for s in f.substances:
        gap = _last_use_gap(s, f.as_of)
        if gap is None:
            continue
        if s.classes & {med.SSRI, med.SNRI} and gap < p.ssri_snri_advisory_days:
            flags.append(Flag(PRECAUTION, "ssri_snri",
                              f"{s.name}: SSRIs and SNRIs blunt MDMA (about half the effect even 25 days after stopping); "
                              f"ideally stopped {p.ssri_snri_advisory_days} days before, tapered with the prescriber.",
                              "Drug Interactions", _facts(substance=s.name, last_dose=s.stopped_on or "still taking",
                                                          days_since_last_dose=gap if s.stopped_on else None)))
        if gap == 0 and med.CYP2D6_INHIBITOR in s.classes:
            flags.append(Flag(PRECAUTION, "cyp2d6_inhibitor",
                              f"{s.name} inhibits CYP2D6: consider a dose up to {int(p.cyp2d6_reduction * 100)}% lower.",
                              "Dosing", _facts(substance=s.name)))
        if gap == 0 and med.CYP2D6_SUBSTRATE in s.classes:
            window = ", ".join(f"{pct}% after {d} days" for d, pct in CYP2D6_RECOVERY)
            flags.append(Flag(PRECAUTION, "cyp2d6_after_session",
                              f"{s.name} is cleared by CYP2D6, which MDMA blocks after a session; activity recovers to "
                              f"{window}. Levels of {s.name} may rise in that window.", "Drug Interactions",
                              _facts(substance=s.name)))
        if gap == 0 and s.reviewed and not s.critical and not s.classes & (SUBSTANCE_AVOID_CLASSES | {med.SSRI, med.SNRI}):
            flags.append(Flag(PRECAUTION, "pause_plan",
                              f"{s.name}: if the prescriber agrees, pause about 3 half-lives before the dose and 24 hours "
                              "after.", "Drug Interactions", _facts(substance=s.name)))
    if f.cyp2d6_poor_metabolizer:
        flags.append(Flag(PRECAUTION, "cyp2d6_poor_metabolizer",
                          f"CYP2D6 poor metabolizer: consider a dose up to {int(p.cyp2d6_reduction * 100)}% lower.",
                          "Dosing", _facts(cyp2d6="poor metabolizer")))
    return flags


def _standing_precautions(f: Facts, p: Policy) -> list[Flag]:
    flags = [
        Flag(PRECAUTION, "substance_test", "Test the substance (reagent kit at least, a lab test is better) and record "
             "the result.", "Safety"),
        Flag(PRECAUTION, "water_limit", f"No more than {p.water_limit_litres} L of water in the first "
             f"{p.water_limit_hours} hours unless replacing heavy sweating.", "Safety"),
        Flag(PRECAUTION, "no_driving", "No driving or risky activity on the session day; arrange the way home.", "Safety"),
        Flag(PRECAUTION, "next_day_free", "Plan the next day free.", "Safety"),
    ]
    if f.followup_capacity is not True:
        flags.append(Flag(PRECAUTION, "followup_capacity",
                          "Capacity for more therapy in the weeks after the session is not confirmed: symptoms can "
                          "worsen before they settle.", "Safety",
                          _facts(capacity_confirmed="no" if f.followup_capacity is False else "not sure or not answered")))
    if f.dissociation:
        flags.append(Flag(PRECAUTION, "dissociation",
                          "Dissociation reported: agree grounding steps and what to do if the client goes numb.",
                          "Psychological Risks", _facts(dissociation="yes")))
    factors = sorted(f.ait_risk_factors & set(AIT_RISK_FACTORS))
    if factors:
        flags.append(Flag(PRECAUTION, "ait_risk",
                          "Risk factors for adverse idealising transference: consider witnesses, recording and a "
                          "delegate. They raise risk; they neither cause nor guarantee it.", "Flight Plan",
                          _facts(factors="; ".join(AIT_RISK_FACTORS[k] for k in factors))))
    return flags


RULES = (
    _substance_always_avoid, _lifetime, _hyperthyroidism, _spacing, _dose,
    _substance_cautions, _medical_cautions, _psychological, _substance_precautions, _standing_precautions,
)


def evaluate(facts: Facts, policy: Policy = DEFAULT_POLICY) -> list[Flag]:
    """All flags for `facts`, most severe tier first, in a stable order."""
    flags = [flag for rule in RULES for flag in rule(facts, policy)]
    unique = list(dict.fromkeys(flags))  # a substance listed twice raises one flag per line, not a duplicate
    return sorted(unique, key=lambda fl: (TIER_ORDER.index(fl.tier), fl.code, fl.facts))


def status(flags: list[Flag], acknowledged: frozenset[str] = frozenset()) -> tuple[str, str]:
    """The caseload status and its reason: "not_eligible" while an ALWAYS AVOID flag applies;
    "eligible_with_cautions" while any CAUTION applies (saying how many still need a written
    rationale); otherwise "eligible"."""
    avoid = [fl for fl in flags if fl.tier == ALWAYS_AVOID]
    if avoid:
        return "not_eligible", avoid[0].reason
    cautions = [fl for fl in flags if fl.tier == CAUTION]
    if cautions:
        open_count = sum(fl.key not in acknowledged for fl in cautions)
        if open_count:
            return "eligible_with_cautions", f"{open_count} of {len(cautions)} caution(s) still need a written rationale."
        return "eligible_with_cautions", f"All {len(cautions)} caution(s) acknowledged with a rationale."
    return "eligible", "No always-avoid or caution flags."
