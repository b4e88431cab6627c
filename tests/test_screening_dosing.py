"""The dose calculator, with the guide's edges: 59.9/60/60.1 kg and age 75/76."""

from datetime import date
from decimal import Decimal

import pytest

from screening.dosing import standard_dose, step_range
from screening.rules import Facts, evaluate


@pytest.mark.parametrize("mass,age,initial", [
    ("59.9", 40, 100), ("60", 40, 125), ("60.1", 40, 125),
    ("80", 75, 125), ("80", 76, 100), ("45", 80, 100),
])
def test_standard_initial_dose(mass, age, initial):
    plan = standard_dose(mass_kg=Decimal(mass), age=age)
    assert plan.initial_mg == initial
    # Half the initial dose, unless that would pass the client's ceiling (3 mg/kg here).
    assert plan.booster_mg == min(Decimal(initial) / 2, Decimal(mass) * 3 - initial)
    assert plan.total_mg == plan.initial_mg + plan.booster_mg <= plan.ceiling_mg


def test_mg_per_kg_and_ceiling():
    plan = standard_dose(mass_kg=Decimal("62.5"), age=30)
    assert plan.initial_mg_per_kg == Decimal("2.00")
    assert plan.total_mg_per_kg == Decimal("3.00")
    assert plan.ceiling_mg == Decimal("187.5")
    assert standard_dose(mass_kg=Decimal("90"), age=30).ceiling_mg == Decimal("200.0")


@pytest.mark.parametrize("kw", [
    {"psychosis_family": True}, {"mania_personal": True}, {"birth_date": date(2011, 1, 1)},
])
def test_no_booster_suggested_where_the_guide_says(kw):
    facts = Facts(as_of=date(2027, 1, 1), mass_kg=Decimal("70"), **{"birth_date": date(1990, 1, 1), **kw})
    plan = standard_dose(mass_kg=Decimal("70"), age=facts.age, flags=evaluate(facts))
    assert plan.booster_mg is None and plan.total_mg == plan.initial_mg
    assert any("No booster" in a for a in plan.adjustments)


def test_cyp2d6_suggests_up_to_a_quarter_less():
    facts = Facts(as_of=date(2027, 1, 1), mass_kg=Decimal("70"), birth_date=date(1990, 1, 1),
                  cyp2d6_poor_metabolizer=True)
    plan = standard_dose(mass_kg=Decimal("70"), age=36, flags=evaluate(facts))
    assert plan.reduced_initial_mg == Decimal("93.8")


def test_steps_above_standard_are_10_to_15_percent():
    assert step_range(Decimal("150")) == (Decimal("165.0"), Decimal("172.5"))


def test_impossible_mass_is_refused():
    with pytest.raises(ValueError):
        standard_dose(mass_kg=Decimal("0"), age=30)
