"""Plain decisions of the reports: periods, and the words for the codes the records keep.
No database access here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

MAX_DAYS = 731  # two years: longer ranges mix policies and practitioners beyond comparison
DOSE_BANDS = ((0, 80), (80, 100), (100, 120), (120, 140), (140, 160), (160, None))


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    @property
    def short(self) -> str:
        """"Q4 2026" for a calendar quarter, else the dates."""
        if quarter_of(self.start) == self:
            return f"Q{(self.start.month - 1) // 3 + 1} {self.start.year}"
        return f"{self.start:%-d %b %Y} to {self.end:%-d %b %Y}"

    @property
    def label(self) -> str:
        if quarter_of(self.start) == self:
            return f"{self.short} ({self.start:%-d %b} to {self.end:%-d %b %Y})"
        return self.short

    def bounds(self, zone: ZoneInfo) -> tuple[datetime, datetime]:
        """[start, end) as aware datetimes: whole days on the practice's clock."""
        return (datetime.combine(self.start, time(0), tzinfo=zone),
                datetime.combine(self.end + timedelta(days=1), time(0), tzinfo=zone))


def quarter_of(day: date) -> Period:
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = date(day.year, first_month, 1)
    after = date(day.year + 1, 1, 1) if first_month == 10 else date(day.year, first_month + 3, 1)
    return Period(start, after - timedelta(days=1))


def recent_quarters(today: date, count: int = 8) -> list[Period]:
    """This quarter and the ones before it, newest first."""
    quarters, day = [], today
    for _ in range(count):
        q = quarter_of(day)
        quarters.append(q)
        day = q.start - timedelta(days=1)
    return quarters


def period_problem(start: date, end: date) -> str | None:
    """Why a period cannot be reported, in words, or None."""
    if end < start:
        return "The period ends before it starts: choose an end date on or after the start date."
    if (end - start).days + 1 > MAX_DAYS:
        return "Choose a period of at most two years."
    return None


PER_KG_BANDS = ((0, 1.5), (1.5, 2.0), (2.0, 2.5), (2.5, 3.0), (3.0, None))  # mg/kg; 2 is "high" [Dosing]


def per_kg_labels() -> list[str]:
    """The words for PER_KG_BANDS, in order."""
    return [f"under {high:g} mg/kg" if not low else f"{low:g} mg/kg or more" if high is None else
            f"{low:g} to under {high:g} mg/kg" for low, high in PER_KG_BANDS]


def band_labels() -> list[str]:
    """The words for DOSE_BANDS, in order."""
    return [f"under {high} mg" if not low else f"{low} mg or more" if high is None else f"{low}-{high - 1} mg"
            for low, high in DOSE_BANDS]


# The screening rules' codes, as the report names them (aggregate words: no facts, no names).
ALWAYS_AVOID_LABELS = {
    "maoi_irreversible": "Irreversible MAO inhibitor within its washout",
    "maoi_reversible": "Reversible MAO inhibitor within its washout",
    "ayahuasca": "Ayahuasca (harmala alkaloids) within its washout",
    "cyp_strong_inhibitor": "Strong CYP inhibitor (ritonavir, cobicistat) within its washout",
    "maoi_irreversible_planned_after": "Irreversible MAO inhibitor planned to start right after",
    "cyp_strong_inhibitor_planned_after": "Strong CYP inhibitor planned to start right after",
    "lifetime_limit": "Lifetime limit of medicine sessions reached",
    "hyperthyroidism": "Hyperthyroidism not assessed as mild and managed",
    "spacing_minimum": "Too soon after another medicine session",
    "dose_above_ceiling": "Dose above the ceiling",
}
CAUTION_LABELS = {
    "adolescent": "Adolescent",
    "breastfeeding": "Breastfeeding",
    "caffeine_high": "High caffeine intake",
    "cardiovascular": "Heart or blood pressure condition",
    "cssrs_not_answered": "Suicide screener not fully answered",
    "dose_facts_missing": "Facts for the dose missing",
    "high_dose_repeated": "High dose repeated",
    "liver_disease": "Liver disease",
    "lives_with_abuser": "Lives with an abuser",
    "other_condition": "Another medical condition",
    "other_substance": "Another medicine or substance",
    "pregnancy": "Pregnancy",
    "psychosis_history": "History of psychosis",
    "seizure_history": "History of seizures",
    "spacing_under_20_days": "Under 20 days since a medicine session",
    "spacing_under_6_weeks": "Under 6 weeks since a medicine session",
    "stimulant_addiction": "Stimulant addiction",
    "substance_unreviewed": "A medicine not yet reviewed",
    "suicide_risk_low": "Suicide screener: low risk",
    "suicide_risk_moderate": "Suicide screener: moderate risk",
    "suicide_risk_high": "Suicide screener: high risk",
    "maoi_irreversible_planned": "Irreversible MAO inhibitor planned later",
    "cyp_strong_inhibitor_planned": "Strong CYP inhibitor planned later",
}
# Amber lines of the readiness checklist a therapist overrode with a rationale.
GATE_LINE_LABELS = {
    "prior_sessions": "Fewer prior sessions than advised",
    "alliance": "Open alliance alert",
    "substance_test": "No substance test yet (scheduling)",
    "dose_plan": "Dose differs from the standard, or not planned yet",
    "late_start": "Starts after the morning",
}


# Red lines of the readiness checklist that are not screening flags.
GATE_RED_LABELS = {
    "screening_incomplete": "Screening incomplete",
    "screening_outdated": "Screening not repeated since the last medicine session",
    "informed_consent": "No informed consent in force",
    "flight_plan": "No flight plan signed by both",
    "touch_consent": "Touch planned without touch consent",
    "recording_consent": "Recording planned without recording consent",
    "substance_test": "No substance test recorded",
    "dose_plan": "No dose planned",
}


def refusal_label(code: str) -> str:
    """The words for a red line that refused a session (a flag's code or the checklist's own)."""
    if code in GATE_RED_LABELS:
        return GATE_RED_LABELS[code]
    if code in ALWAYS_AVOID_LABELS:
        return ALWAYS_AVOID_LABELS[code]
    if code in CAUTION_LABELS:
        return f"{CAUTION_LABELS[code]} (a caution without its own rationale yet)"
    return "Another red line"


# The kind of an emergency sign, from how the live log words it (sessions.livelog.rules): a
# reading out of range or unstable; an adverse effect that is an emergency by itself is named
# by its own label. First match wins.
SIGN_KINDS = (
    (("Temperature",), "High temperature"),
    (("Systolic pressure", "Diastolic pressure", "Unstable blood pressure"), "Blood pressure high or unstable"),
    (("Unstable heart rate",), "Heart rate unstable"),
)
OTHER_SIGN = "Another emergency sign"


def label(labels: dict[str, str], code: str, other: str) -> str:
    """The words for a code; a code without words (a rule added later) is counted as `other`."""
    return labels.get(code, other)


def suppressed(count: int, threshold: int) -> str:
    """A count as a state report shows it: below the small-cell threshold only "fewer than"."""
    return f"fewer than {threshold}" if count < threshold else str(count)


HIDDEN_TO_PROTECT = "not shown (protects a small group)"


def suppressed_group(counts: list[int], threshold: int) -> list[str]:
    """The cells of a group that splits a published total (each person in exactly one cell):
    every count below the threshold suppressed, and when exactly one is, the next smallest too,
    so that no suppressed cell can be worked out as the total minus the others. A total below
    the threshold needs no more: every cell is then below it too."""
    shown = [suppressed(n, threshold) for n in counts]
    small = [i for i, n in enumerate(counts) if n < threshold]
    if len(small) == 1 and sum(counts) >= threshold:
        _, nearest = min((n, i) for i, n in enumerate(counts) if i != small[0])
        shown[nearest] = HIDDEN_TO_PROTECT
    return shown


def average_shown(value, group: int, threshold: int, places: int = 1) -> str:
    """An average, or why it is not shown (its group is under the threshold, or empty)."""
    if group < threshold or value is None:
        return f"not shown (fewer than {threshold})"
    return f"{float(value):.{places}f}"


def quarter_from(text: str) -> Period | None:
    """ "2026-Q4" as a Period, or None for anything else."""
    year, _, q = text.partition("-Q")
    if not (year.isdigit() and len(year) == 4 and q in ("1", "2", "3", "4")):
        return None
    return quarter_of(date(int(year), 3 * int(q) - 2, 1))


def quarter_key(period: Period) -> str:
    return f"{period.start.year}-Q{(period.start.month - 1) // 3 + 1}"


def age_band(age: int | None, bands: list) -> str:
    if age is None:
        return "Not known"
    for low, high in bands:
        if age >= low and (high is None or age <= high):
            return f"{low} or older" if high is None else f"{low} to {high}"
    return "Under the youngest band"


def export_rows(activity: dict, safety: dict, dosing: dict, outcomes: dict, threshold: int) -> list[tuple]:
    """The report's figures as (section, measure, category, value) rows for a file that leaves
    the app: counts below `threshold` suppressed, no average, median or extreme of a smaller
    group, and no table that names a practitioner (the alliance tables stay on screen)."""
    def count(n):
        return suppressed(n, threshold)

    def of(value, group, places=1, unit=""):
        shown = average_shown(value, group, threshold, places)
        return shown + unit if shown[0].isdigit() else shown

    rows = [("Activity", "Clients served", "", count(activity["served"]))]
    headings = activity["by_kind"].headings
    for row in activity["by_kind"].rows:
        rows += [("Activity", f"Sessions: {row[0]}", status, count(n)) for status, n in zip(headings[1:], row[1:], strict=True)]
    rows.append(("Activity", "Clients found not eligible at screening", "", count(activity["not_eligible"])))
    rows += [("Activity", "Not eligible, by rule", label, count(n)) for label, n in activity["avoid"]]
    rows += [("Activity", "Cautions acknowledged with a rationale", label, count(n)) for label, n in activity["cautions"]]
    rows.append(("Activity", "Refusals by the readiness checklist", "", count(activity["refused"])))
    rows.append(("Activity", "Clients refused by the readiness checklist", "", count(activity["refused_clients"])))
    rows += [("Activity", "Refusals, by red line", label, count(n)) for label, n in activity["refusal_reasons"]]
    rows.append(("Activity", "Checklists passed with a rationale", "", count(activity["override_total"])))
    rows += [("Activity", "Checklist lines passed with a rationale", label, count(n)) for label, n in activity["overrides"]]
    headings = safety["adverse"].headings
    for row in safety["adverse"].rows:
        rows += [("Safety", f"Adverse effect: {row[0]}", column, count(n)) for column, n in zip(headings[1:], row[1:],
                                                                                              strict=True)]
    rows += [("Safety", "Emergency signs: what was done", label, count(n)) for label, n in safety["outcomes"]]
    headings = safety["signs"].headings
    for row in safety["signs"].rows:
        rows += [("Safety", f"Emergency sign: {row[0]}", column, count(n)) for column, n in zip(headings[1:], row[1:],
                                                                                              strict=True)]
    danger = safety["danger"]
    rows += [("Safety", "Danger answers to check-ins", "", count(danger["total"])),
             ("Safety", "Danger answers acknowledged", "", count(danger["acknowledged"])),
             ("Safety", "Minutes to the first acknowledgement", "median", of(danger["median_minutes"],
                                                                             danger["acknowledged"], 0)),
             ("Safety", "Minutes to the first acknowledgement", "longest", of(danger["worst_minutes"],
                                                                              danger["acknowledged"], 0)),
             ("Safety", "Acknowledged late or not at all", "", count(danger["late"]))]
    n = dosing["sessions"]
    rows += [("Dosing", "Medicine sessions with doses logged", "", count(n)),
             ("Dosing", "Total dose per session (mg)", "average", of(dosing["mean"], n)),
             ("Dosing", "Total dose per session (mg)", "median", of(dosing["median"], n)),
             ("Dosing", "Total dose per session (mg)", "lowest", of(dosing["low"], n)),
             ("Dosing", "Total dose per session (mg)", "highest", of(dosing["high"], n)),
             ("Dosing", "Dose per kilogram (mg/kg)", "average", of(dosing["mean_per_kg"], dosing["weighed"], 2)),
             ("Dosing", f"Sessions above {dosing['high_dose_mg_per_kg']} mg/kg", "", count(dosing["above"])),
             ("Dosing", "Boosters given", "", count(dosing["boosters"]))]
    rows += [("Dosing", "Sessions by total dose", label, count(k)) for label, k in dosing["bands"]]
    rows += [("Dosing", "Sessions by dose per kilogram", label, count(k)) for label, k in dosing["per_kg_bands"]]
    for day, r in outcomes["by_day"]:
        rows += [("Outcomes", f"Check-ins, day {day}", "answers", count(r["n"])),
                 ("Outcomes", f"Check-ins, day {day}", "mood, median", of(r["median"], r["n"])),
                 ("Outcomes", f"Check-ins, day {day}", "mood, lower quartile", of(r["q1"], r["n"])),
                 ("Outcomes", f"Check-ins, day {day}", "mood, upper quartile", of(r["q3"], r["n"])),
                 ("Outcomes", f"Check-ins, day {day}", "reporting worsening", count(r["worse"])),
                 ("Outcomes", f"Check-ins, day {day}", "sleep poor", count(r["poor_sleep"])),
                 ("Outcomes", f"Check-ins, day {day}", "sleep fair", count(r["fair_sleep"])),
                 ("Outcomes", f"Check-ins, day {day}", "sleep good", count(r["good_sleep"]))]
    for m in outcomes["measures"]:
        rows += [("Outcomes", f"{m['title']}, change from intake", "clients", count(m["n"])),
                 ("Outcomes", f"{m['title']}, change from intake", "mean at intake", of(m["baseline"], m["n"])),
                 ("Outcomes", f"{m['title']}, change from intake", "mean latest", of(m["latest"], m["n"])),
                 ("Outcomes", f"{m['title']}, change from intake", "mean change", of(m["change"], m["n"])),
                 ("Outcomes", f"{m['title']}, change from intake", "clients with fewer symptoms", count(m["fewer"]))]
    return rows
