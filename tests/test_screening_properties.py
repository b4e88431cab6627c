"""Properties of the rules engine over generated facts (hypothesis)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from screening import medications as med
from screening.rules import AIT_RISK_FACTORS, Facts, Substance, SuicideScreen, evaluate

AS_OF = date(2027, 6, 1)
RISK_BOOLEANS = [
    "hypertension", "arrhythmia", "qt_prolongation", "heart_disease", "liver_disease", "hyperthyroidism",
    "other_serious_condition", "seizures", "pregnant", "breastfeeding", "cyp2d6_poor_metabolizer",
    "psychosis_personal", "psychosis_family", "mania_personal", "stimulant_addiction", "dissociation",
    "lives_with_abuser",
]
NAMES = [e.name for e in med.load_table().entries] + ["unknown herb", "Zoloft 50 mg", "", "<script>x</script>"]

dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 1, 1))
decimals = st.decimals(min_value=Decimal("-10"), max_value=Decimal("100000"), allow_nan=False, places=1)


@st.composite
def substances(draw):
    name = draw(st.sampled_from(NAMES) | st.text(max_size=40))
    m = med.match(name)
    return Substance(name=name, classes=m.classes, reviewed=m.known, since=draw(st.none() | dates),
                     stopped_on=draw(st.none() | dates), critical=draw(st.booleans()))


@st.composite
def all_facts(draw):
    kw = {name: draw(st.booleans()) for name in RISK_BOOLEANS}
    return Facts(
        as_of=AS_OF,
        birth_date=draw(st.none() | dates),
        mass_kg=draw(st.none() | decimals),
        hypertension_controlled=draw(st.none() | st.booleans()),
        hyperthyroidism_well_managed_mild=draw(st.none() | st.booleans()),
        other_condition_well_managed_mild=draw(st.none() | st.booleans()),
        caffeine_mg_per_day=draw(st.none() | st.integers(min_value=-5, max_value=10**6)),
        substances=tuple(draw(st.lists(substances(), max_size=6))),
        followup_capacity=draw(st.none() | st.booleans()),
        suicide_screen=SuicideScreen(*draw(st.lists(st.none() | st.booleans(), min_size=7, max_size=7))),
        ait_risk_factors=frozenset(draw(st.sets(st.sampled_from(sorted(AIT_RISK_FACTORS)) | st.text(max_size=5)))),
        medicine_sessions_in_app=tuple(draw(st.lists(dates, max_size=5))),
        for_session=draw(st.booleans()),
        external_sessions=draw(st.integers(min_value=0, max_value=500)),
        last_external_session_on=draw(st.none() | dates),
        prior_high_dose_sessions=draw(st.integers(min_value=0, max_value=50)),
        planned_total_mg=draw(st.none() | decimals),
        **kw,
    )


def keys(flags):
    return {(fl.tier, fl.key) for fl in flags}


@settings(max_examples=300, deadline=None)
@given(all_facts())
def test_engine_never_raises_and_is_deterministic(facts):
    first = evaluate(facts)
    assert first == evaluate(facts)
    assert all(fl.reason and fl.section for fl in first)


@settings(max_examples=300, deadline=None)
@given(all_facts(), st.sampled_from(RISK_BOOLEANS))
def test_adding_a_risk_fact_never_removes_a_flag(facts, name):
    riskier = replace(facts, **{name: True})
    assert keys(evaluate(facts)) <= keys(evaluate(riskier))


@settings(max_examples=200, deadline=None)
@given(all_facts(), substances())
def test_adding_a_substance_never_removes_a_flag(facts, extra):
    riskier = replace(facts, substances=facts.substances + (extra,))
    assert keys(evaluate(facts)) <= keys(evaluate(riskier))


@settings(max_examples=200, deadline=None)
@given(all_facts(), st.integers(min_value=0, max_value=400))
def test_a_more_recent_medicine_session_never_removes_a_flag(facts, days_ago):
    riskier = replace(facts, medicine_sessions_in_app=facts.medicine_sessions_in_app + (AS_OF - timedelta(days=days_ago),))
    before, after = keys(evaluate(facts)), keys(evaluate(riskier))
    # A nearer session replaces a milder spacing flag with a stricter one; nothing else goes.
    assert {k for k in before if not k[1].startswith("spacing")} <= after
    tiers = {"always_avoid": 0, "caution": 1, "precaution": 2}
    worst = lambda ks: min((tiers[t] for t, c in ks if c.startswith("spacing")), default=3)  # noqa: E731
    assert worst(after) <= worst(before)


def _ready_gate(flags, stage):
    """Everything else on the checklist green and every caution acknowledged."""
    from sessions.readiness.rules import GateFacts

    return GateFacts(stage=stage, flags=tuple(flags), acknowledged=frozenset(fl.key for fl in flags),
                     screening_complete=True, screened_since_last_medicine_session=True,
                     informed_consent_in_force=True, flight_plan_in_force=True, substance_test_recorded=True,
                     prior_sessions_with_practitioner=5, dose_planned=True)


@settings(max_examples=300, deadline=None)
@given(all_facts(), st.sampled_from(["schedule", "start"]))
def test_no_always_avoid_reason_lets_a_medicine_session_be_scheduled_or_started(facts, stage):
    from sessions.readiness.rules import REFUSED, outcome, readiness

    flags = evaluate(facts)
    lines = readiness(_ready_gate(flags, stage))
    if any(fl.tier == "always_avoid" for fl in flags):
        assert outcome(lines) == REFUSED
    else:
        assert outcome(lines) != REFUSED  # with every caution acknowledged, nothing else is red


@settings(max_examples=300, deadline=None)
@given(all_facts(), st.text(min_size=1, max_size=30), st.none() | dates, st.none() | dates)
def test_no_unreviewed_substance_leaves_the_client_eligible_without_a_caution(facts, name, since, stopped):
    from screening.rules import status

    unknown = Substance(name=f"unlisted {name}", since=since, stopped_on=stopped)
    flags = evaluate(replace(facts, substances=facts.substances + (unknown,)))
    assert any(fl.code == "substance_unreviewed" and fl.tier == "caution" and dict(fl.facts)["substance"] == unknown.name
               for fl in flags)
    assert status(flags)[0] != "eligible"
