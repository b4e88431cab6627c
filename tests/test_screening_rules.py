"""The safety rules, table by table, with the domain guide's numbers and their edges."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from screening import medications as med
from screening.policy import DEFAULT_POLICY, LooserPolicyError, Policy
from screening.rules import (
    ALWAYS_AVOID,
    CAUTION,
    PRECAUTION,
    Facts,
    Substance,
    SuicideScreen,
    evaluate,
    status,
)

SESSION_DAY = date(2027, 3, 15)
ADULT = {"birth_date": date(1985, 6, 1), "mass_kg": Decimal("70"), "followup_capacity": True}


def facts(**kw) -> Facts:
    return Facts(as_of=SESSION_DAY, **{**ADULT, **kw})


def codes(f: Facts, tier: str | None = None, policy: Policy = DEFAULT_POLICY) -> set[str]:
    return {fl.code for fl in evaluate(f, policy) if tier is None or fl.tier == tier}


def taken(name: str, *, days_ago: int | None = None, starts_in: int | None = None, **kw) -> Substance:
    """A substance as the matcher would classify it; stopped `days_ago`, or starting later."""
    m = med.match(name)
    since = SESSION_DAY + timedelta(days=starts_in) if starts_in is not None else date(2020, 1, 1)
    stopped = SESSION_DAY - timedelta(days=days_ago) if days_ago is not None else None
    return Substance(name=name, classes=m.classes, reviewed=m.known, since=since, stopped_on=stopped, **kw)


# --- ALWAYS AVOID: drugs --------------------------------------------------------------

@pytest.mark.parametrize("name,days_ago,code,flagged", [
    ("phenelzine", None, "maoi_irreversible", True),  # still taking
    ("Nardil 15mg", 0, "maoi_irreversible", True),
    ("phenelzine", 13, "maoi_irreversible", True),
    ("phenelzine", 14, "maoi_irreversible", False),  # exactly the 14-day washout
    ("phenelzine", 15, "maoi_irreversible", False),
    ("EMSAM patch", 13, "maoi_irreversible", True),
    ("linezolid", 10, "maoi_irreversible", True),
    ("methylene blue", 1, "maoi_irreversible", True),
    ("ayahuasca", 2, "ayahuasca", True),
    ("ayahuasca", 3, "ayahuasca", False),  # exactly the 3-day washout
    ("ayahuasca", 4, "ayahuasca", False),
    ("moclobemide", 2, "maoi_reversible", True),
    ("moclobemide", 3, "maoi_reversible", False),
    ("Paxlovid", None, "cyp_strong_inhibitor", True),  # nirmatrelvir/ritonavir pack
    ("Genvoya", None, "cyp_strong_inhibitor", True),  # elvitegravir/cobicistat combination
    ("elvitegravir/cobicistat/emtricitabine/tenofovir", None, "cyp_strong_inhibitor", True),
    ("Kaletra", 13, "cyp_strong_inhibitor", True),
    ("Tybost", 14, "cyp_strong_inhibitor", False),
])
def test_interactions_that_are_always_avoided(name, days_ago, code, flagged):
    assert (code in codes(facts(substances=(taken(name, days_ago=days_ago),)), ALWAYS_AVOID)) is flagged


@pytest.mark.parametrize("name,starts_in,flagged", [
    ("phenelzine", 1, True), ("phenelzine", 3, True), ("phenelzine", 4, False), ("ritonavir", 2, True),
])
def test_maoi_or_ritonavir_planned_just_after_the_session(name, starts_in, flagged):
    f = facts(substances=(taken(name, starts_in=starts_in),))
    assert any(c.endswith("_planned_after") for c in codes(f, ALWAYS_AVOID)) is flagged


# --- ALWAYS AVOID: history, thyroid, spacing, ceiling -----------------------------------

@pytest.mark.parametrize("in_app,external,flagged", [
    (0, 239, False),  # this would be session 240: allowed
    (0, 240, True),  # this would be session 241
    (100, 139, False),
    (100, 140, True),
])
def test_lifetime_limit_counts_sessions_here_and_elsewhere(in_app, external, flagged):
    dates = tuple(SESSION_DAY - timedelta(days=60 + 50 * i) for i in range(in_app))
    f = facts(medicine_sessions_in_app=dates, external_sessions=external)
    assert ("lifetime_limit" in codes(f, ALWAYS_AVOID)) is flagged


@pytest.mark.parametrize("well_managed_mild,flagged", [(None, True), (False, True), (True, False)])
def test_hyperthyroidism_must_be_well_managed_and_mild(well_managed_mild, flagged):
    f = facts(hyperthyroidism=True, hyperthyroidism_well_managed_mild=well_managed_mild)
    assert ("hyperthyroidism" in codes(f, ALWAYS_AVOID)) is flagged


@pytest.mark.parametrize("days,expected", [
    (13, ("spacing_minimum", ALWAYS_AVOID)),
    (14, ("spacing_under_20_days", CAUTION)),  # exactly 14: not refused
    (19, ("spacing_under_20_days", CAUTION)),
    (20, ("spacing_under_6_weeks", CAUTION)),
    (41, ("spacing_under_6_weeks", CAUTION)),
    (42, None),  # exactly 6 weeks
    (120, None),
])
def test_spacing_since_last_medicine_session(days, expected):
    f = facts(medicine_sessions_in_app=(SESSION_DAY - timedelta(days=days),))
    got = {(fl.code, fl.tier) for fl in evaluate(f) if fl.code.startswith("spacing")}
    assert got == ({expected} if expected else set())


def test_spacing_counts_a_session_reported_outside_the_practice():
    f = facts(medicine_sessions_in_app=(SESSION_DAY - timedelta(days=90),),
              last_external_session_on=SESSION_DAY - timedelta(days=10))
    assert "spacing_minimum" in codes(f, ALWAYS_AVOID)


@pytest.mark.parametrize("mass,total,flagged", [
    (Decimal("70"), Decimal("200"), False),  # 200 mg is the maximum total, allowed
    (Decimal("70"), Decimal("200.1"), True),
    (Decimal("60"), Decimal("180"), False),  # 3 mg/kg exactly
    (Decimal("60"), Decimal("181"), True),
    (Decimal("50"), Decimal("160"), True),  # 3.2 mg/kg though under 200 mg
])
def test_dose_ceiling_is_the_lower_of_3_mg_per_kg_and_200_mg(mass, total, flagged):
    f = facts(mass_kg=mass, planned_total_mg=total)
    assert ("dose_above_ceiling" in codes(f, ALWAYS_AVOID)) is flagged


# --- CAUTION ------------------------------------------------------------------------------

@pytest.mark.parametrize("total,prior,expected", [
    (Decimal("140"), 10, set()),  # 2.0 mg/kg exactly: not "above"
    (Decimal("140.7"), 0, {("high_dose", PRECAUTION)}),  # above, first time: information
    (Decimal("150"), 4, {("high_dose", PRECAUTION)}),
    (Decimal("150"), 5, {("high_dose_repeated", CAUTION)}),  # past the handful
])
def test_doses_above_2_mg_per_kg(total, prior, expected):
    f = facts(planned_total_mg=total, prior_high_dose_sessions=prior)
    assert {(fl.code, fl.tier) for fl in evaluate(f) if fl.code.startswith("high_dose")} == expected


@pytest.mark.parametrize("kw,code", [
    ({"psychosis_personal": True}, "psychosis_history"),
    ({"psychosis_family": True}, "psychosis_history"),
    ({"stimulant_addiction": True}, "stimulant_addiction"),
    ({"liver_disease": True}, "liver_disease"),
    ({"hypertension": True, "hypertension_controlled": False}, "cardiovascular"),
    ({"hypertension": True, "hypertension_controlled": True}, "cardiovascular"),
    ({"arrhythmia": True}, "cardiovascular"),
    ({"qt_prolongation": True}, "cardiovascular"),
    ({"heart_disease": True}, "cardiovascular"),
    ({"other_serious_condition": True}, "other_condition"),
    ({"other_serious_condition": True, "other_condition_well_managed_mild": False}, "other_condition"),
    ({"lives_with_abuser": True}, "lives_with_abuser"),
    ({"pregnant": True}, "pregnancy"),
    ({"breastfeeding": True}, "breastfeeding"),
    ({"seizures": True}, "seizure_history"),
    ({"caffeine_mg_per_day": 401}, "caffeine_high"),
    ({"birth_date": date(2010, 1, 1)}, "adolescent"),
    ({"mass_kg": None}, "dose_facts_missing"),
    ({"birth_date": None}, "dose_facts_missing"),
    ({"suicide_screen": SuicideScreen(intent=True)}, "suicide_risk_high"),
    ({"suicide_screen": SuicideScreen(behaviour_lifetime=True, behaviour_past_3_months=True)}, "suicide_risk_high"),
    ({"suicide_screen": SuicideScreen(thoughts_with_method=True)}, "suicide_risk_moderate"),
    ({"suicide_screen": SuicideScreen(behaviour_lifetime=True)}, "suicide_risk_moderate"),
])
def test_cautions(kw, code):
    assert code in codes(facts(**kw), CAUTION)


@pytest.mark.parametrize("kw,code", [
    ({"other_serious_condition": True, "other_condition_well_managed_mild": True}, "other_condition"),
    ({"caffeine_mg_per_day": 400}, "caffeine_high"),
    ({"birth_date": SESSION_DAY.replace(year=SESSION_DAY.year - 18)}, "adolescent"),  # 18 today
])
def test_not_cautions_at_the_edge(kw, code):
    assert code not in codes(facts(**kw))


def test_adolescent_until_the_18th_birthday():
    day_before = SESSION_DAY.replace(year=SESSION_DAY.year - 18) + timedelta(days=1)
    assert "adolescent" in codes(facts(birth_date=day_before), CAUTION)


@pytest.mark.parametrize("name,code", [
    ("Zoloft 50 mg", "other_substance"),
    ("vitamin b12", "substance_unreviewed"),
    ("my grandmother's tea", "substance_unreviewed"),
])
def test_current_substances_need_review(name, code):
    assert code in codes(facts(substances=(taken(name),)), CAUTION)


def test_a_stopped_ordinary_drug_is_no_longer_a_caution():
    assert "other_substance" not in codes(facts(substances=(taken("ibuprofen", days_ago=5),)))


# --- PRECAUTION ----------------------------------------------------------------------------

@pytest.mark.parametrize("name,days_ago,flagged", [
    ("sertraline", None, True), ("Zoloft 50 mg", 59, True), ("Lexapro", 60, False), ("venlafaxine", 10, True),
])
def test_ssri_snri_two_month_advisory(name, days_ago, flagged):
    f = facts(substances=(taken(name, days_ago=days_ago),))
    assert ("ssri_snri" in codes(f, PRECAUTION)) is flagged


def test_cyp2d6_inhibitors_and_substrates():
    got = codes(facts(substances=(taken("Wellbutrin XL 150"), taken("metoprolol"))), PRECAUTION)
    assert {"cyp2d6_inhibitor", "cyp2d6_after_session"} <= got
    assert "cyp2d6_poor_metabolizer" in codes(facts(cyp2d6_poor_metabolizer=True), PRECAUTION)


def test_mania_is_a_precaution_unless_the_practice_raises_it():
    assert "mania_history" in codes(facts(mania_personal=True), PRECAUTION)
    stricter = DEFAULT_POLICY.tighten(mania_is_caution=True)
    assert "mania_history" in codes(facts(mania_personal=True), CAUTION, stricter)


def test_standing_precautions_and_conditional_ones():
    base = codes(facts(), PRECAUTION)
    assert {"substance_test", "water_limit", "no_driving", "next_day_free"} <= base
    assert "followup_capacity" not in base
    assert "followup_capacity" in codes(facts(followup_capacity=None), PRECAUTION)
    ait = evaluate(facts(ait_risk_factors=frozenset({"sexual_minority", "unrealistic_expectations"})))
    flag = next(fl for fl in ait if fl.code == "ait_risk")
    assert "neither cause nor guarantee" in flag.reason
    assert "Being a sexual minority" in dict(flag.facts)["factors"]


def test_low_suicide_screen_is_a_caution_to_follow_up():
    # Any yes gets a response (issue: "Cssrs risk: low" showed as a blue precaution only).
    assert "suicide_risk_low" in codes(facts(suicide_screen=SuicideScreen(wish_to_be_dead=True)), CAUTION)


# --- Flags carry their evidence; status; policy -------------------------------------------

def test_flags_name_their_section_and_triggering_facts():
    flag = next(fl for fl in evaluate(facts(substances=(taken("phenelzine", days_ago=13),)))
                if fl.code == "maoi_irreversible")
    assert flag.section == "Drug Interactions"
    assert dict(flag.facts) == {"substance": "phenelzine", "last_dose": str(SESSION_DAY - timedelta(days=13)),
                                "days_since_last_dose": "13", "required_days": "14"}


def test_status_in_the_caseload():
    assert status(evaluate(facts()))[0] == "eligible"
    cautious = evaluate(facts(liver_disease=True))
    assert status(cautious) == ("eligible_with_cautions", "1 of 1 caution(s) still need a written rationale.")
    assert status(cautious, frozenset({"liver_disease"}))[1] == "All 1 caution(s) acknowledged with a rationale."
    blocked = evaluate(facts(liver_disease=True, hyperthyroidism=True))
    assert status(blocked, frozenset({"liver_disease", "hyperthyroidism"}))[0] == "not_eligible"


@pytest.mark.parametrize("change", [
    {"irreversible_maoi_washout_days": 13},
    {"lifetime_session_limit": 241},
    {"spacing_refuse_days": 10},
    {"ceiling_total_mg": 250},
    {"caffeine_caution_mg_per_day": 600},
    {"mania_is_caution": False} if DEFAULT_POLICY.mania_is_caution else {"high_dose_handful": 6},
    {"standard_initial_mg": 150},  # not adjustable by a practice at all
])
def test_a_practice_cannot_loosen_a_rule(change):
    with pytest.raises(LooserPolicyError):
        DEFAULT_POLICY.tighten(**change)


def test_a_practice_can_tighten_a_rule():
    stricter = DEFAULT_POLICY.tighten(spacing_refuse_days=21, lifetime_session_limit=100)
    f = facts(medicine_sessions_in_app=(SESSION_DAY - timedelta(days=20),))
    assert "spacing_minimum" in codes(f, ALWAYS_AVOID, stricter)
    assert "spacing_minimum" not in codes(f, ALWAYS_AVOID)
