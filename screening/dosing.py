"""The standard dose for a client, from mass, age and flags. No database access. [Dosing]"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from screening.policy import DEFAULT_POLICY, Policy
from screening.rules import Flag, dose_flags


@dataclass(frozen=True)
class DosePlan:
    initial_mg: Decimal
    booster_mg: Decimal | None  # None: no booster suggested
    booster_window_hours: tuple[Decimal, Decimal]
    total_mg: Decimal
    initial_mg_per_kg: Decimal
    total_mg_per_kg: Decimal
    ceiling_mg: Decimal
    reduced_initial_mg: Decimal | None  # with the CYP2D6 reduction, when it applies
    adjustments: tuple[str, ...]  # why the plan differs from the plain standard
    flags: tuple[Flag, ...] = ()  # what the rules say of this total (e.g. above 2 mg/kg: information)


def _mg(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


NO_BOOSTER_CODES = {
    "adolescent": "No booster: adolescent.",
    "mania_history": "No booster at first: history of mania (raise the total gradually later).",
    "psychosis_history": "No booster: history of psychosis.",
}
CYP2D6_CODES = {"cyp2d6_inhibitor", "cyp2d6_poor_metabolizer"}


def standard_dose(*, mass_kg: Decimal, age: int, flags: list[Flag] = (), policy: Policy = DEFAULT_POLICY,
                  prior_high_dose_sessions: int = 0) -> DosePlan:
    """Standard initial dose: 100 mg below 60 kg or over 75 years (age on the session day),
    otherwise 125 mg; booster half of it 1.5-2.5 h later unless a flag says none; CYP2D6 flags
    suggest up to 25% less. Never above the ceiling: the booster (then the initial dose) is
    lowered to fit, and the plan says why."""
    mass = Decimal(mass_kg)
    if mass <= 0:
        raise ValueError("Body mass must be positive.")
    adjustments = []
    if mass < policy.reduced_below_kg or age > policy.reduced_over_age:
        initial = Decimal(policy.reduced_initial_mg)
        why = []
        if mass < policy.reduced_below_kg:
            why.append(f"body mass under {policy.reduced_below_kg} kg")
        if age > policy.reduced_over_age:
            why.append(f"age over {policy.reduced_over_age}")
        adjustments.append(f"Initial {policy.reduced_initial_mg} mg: {' and '.join(why)}.")
    else:
        initial = Decimal(policy.standard_initial_mg)
    codes = {fl.code for fl in flags}
    no_booster = [text for code, text in NO_BOOSTER_CODES.items() if code in codes]
    booster = None if no_booster else _mg(initial * policy.booster_fraction)
    adjustments.extend(no_booster)
    reduced = None
    if codes & CYP2D6_CODES:
        reduced = _mg(initial * (1 - policy.cyp2d6_reduction))
        adjustments.append(f"CYP2D6 inhibitor or poor metabolizer: consider down to {reduced} mg initial "
                           f"({int(policy.cyp2d6_reduction * 100)}% lower).")
    ceiling = policy.ceiling_mg(mass).quantize(Decimal("0.1"), rounding=ROUND_DOWN)
    if initial > ceiling:
        # Never suggest more than the client's own ceiling (e.g. a very low body mass).
        adjustments.append(f"Initial lowered from {initial} mg to {ceiling} mg, the ceiling for this body mass; "
                           "no booster.")
        initial, booster = ceiling, None
    elif booster and initial + booster > ceiling:
        fitted = ceiling - initial
        adjustments.append(f"Booster lowered from {booster} mg to {fitted} mg so the total stays within the ceiling "
                           f"of {ceiling} mg." if fitted > 0 else
                           f"No booster: the initial dose already reaches the ceiling of {ceiling} mg.")
        booster = fitted if fitted > 0 else None
    total = initial + (booster or 0)
    return DosePlan(
        initial_mg=initial, booster_mg=booster, booster_window_hours=policy.booster_after_hours, total_mg=total,
        initial_mg_per_kg=(initial / mass).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP),
        total_mg_per_kg=(total / mass).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP),
        ceiling_mg=ceiling, reduced_initial_mg=reduced, adjustments=tuple(adjustments),
        flags=tuple(dose_flags(total, mass, prior_high_dose_sessions, policy)),
    )


def step_range(previous_total_mg: Decimal, policy: Policy = DEFAULT_POLICY) -> tuple[Decimal, Decimal]:
    """Next total when changing a dose above the standard: a step of 10-15% per session."""
    low, high = policy.step_percent
    prev = Decimal(previous_total_mg)
    return _mg(prev * (1 + Decimal(low) / 100)), _mg(prev * (1 + Decimal(high) / 100))
