"""Plain decisions of the reports: periods, and the words for the codes the records keep.
No database access here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

MAX_DAYS = 731  # two years: longer ranges mix policies and practitioners beyond comparison
CHECKIN_DAYS = (1, 3, 7, 14, 28)  # the default check-in days after a medicine session [domain guide §9]
HIGH_DOSE_MG_PER_KG = 2  # above this a dose is "high" [Dosing]
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


def label(labels: dict[str, str], code: str, other: str) -> str:
    """The words for a code; a code without words (a rule added later) is counted as `other`."""
    return labels.get(code, other)


def suppressed(count: int, threshold: int) -> str:
    """A count as a state report shows it: below the small-cell threshold only "fewer than"."""
    return f"fewer than {threshold}" if count < threshold else str(count)


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
