"""Reads of the reports: every figure is aggregated in PostgreSQL (a fixed number of queries
whatever the amount of data), over the sessions of the chosen practitioners with clients the
viewer's reports cover (clients.access.report_scope)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection
from django.db.models import (
    Aggregate,
    Avg,
    Case,
    CharField,
    Count,
    FloatField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, TruncMonth

from clients.caseload.models import Client
from clients.demographics.models import DemographicAnswers
from clients.intake.models import IntakeVersion
from practice.accountability.reports import rules
from practice.models import Membership
from practice.roles import Role
from practice.timing import TIMING
from screening.models import CautionAcknowledgement, ScreeningReview
from screening.rules import ALWAYS_AVOID
from sessions.checkins.models import CheckInAcknowledgement, CheckInAnswer
from sessions.livelog.models import DoseGiven, SessionEvent
from sessions.livelog.rules import ADVERSE_EFFECTS
from sessions.measures.models import MeasureResponse
from sessions.measures.rules import INSTRUMENTS
from sessions.readiness.models import GateCheck, GateRefusal
from sessions.scheduling.models import Kind, Status, TherapySession
from sessions.surveys import instruments
from sessions.surveys.models import RuptureAlert, SurveyResponse


class Percentile(Aggregate):
    """percentile_cont(fraction) over the expression (PostgreSQL's ordered-set aggregate)."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, fraction: float, **extra):
        super().__init__(expression, fraction=float(fraction), **extra)


@dataclass
class Scope:
    clients: QuerySet  # the clients the viewer's reports cover
    practitioners: QuerySet  # the practitioners chosen (all the viewer may report on, or one)
    start: datetime
    end: datetime  # exclusive

    def sessions(self) -> QuerySet:
        return TherapySession.objects.filter(client__in=self.clients, practitioner__in=self.practitioners)

    def in_period(self, column: str) -> Q:
        return Q(**{f"{column}__gte": self.start, f"{column}__lt": self.end})


@dataclass
class Table:
    """Rows of (label, figures...) under their column headings."""

    headings: list[str]
    rows: list[list] = field(default_factory=list)


def _over(queryset, template: str, *before, after=()) -> list[tuple]:
    """Run `template` with `{q}` standing for the queryset as a subquery: for what the ORM does
    not express (JSON elements, ordered-set aggregates over an aggregate). Only the ORM's own SQL
    and this module's fixed text are put into the statement; values are parameters (`before`
    for placeholders ahead of `{q}`, `after` for those behind it)."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(template.replace("{q}", f"({sql})"), [*before, *params, *after])  # noqa: S608
        return cursor.fetchall()


def activity(scope: Scope) -> dict:
    sessions = scope.sessions().filter(scope.in_period("scheduled_start"))
    counts = {(r["kind"], r["status"]): r["n"] for r in sessions.values("kind", "status").annotate(n=Count("id"))}
    served = sessions.filter(status=Status.COMPLETED).aggregate(n=Count("client", distinct=True))["n"]
    by_kind = Table(["Kind of session", *[s.label for s in Status]])
    for kind in Kind:
        row = [counts.get((kind.value, s.value), 0) for s in Status]
        if any(row):
            by_kind.rows.append([kind.label, *row])
    medicine = {s.value: counts.get((Kind.MEDICINE.value, s.value), 0) for s in Status}

    overrides = GateCheck.objects.filter(session__in=scope.sessions(), outcome="rationale").filter(
        scope.in_period("checked_at"))
    override_rows = _over(overrides.values("lines"), "SELECT e->>'code', count(*) FROM {q} g, jsonb_array_elements(g.lines) e "
                          "WHERE e->>'level' = 'rationale' GROUP BY 1")
    cautions = CautionAcknowledgement.objects.filter(acknowledged_by__in=scope.practitioners, client__in=scope.clients
                                                     ).filter(scope.in_period("acknowledged_at"))
    caution_rows = _over(cautions.values("flag_key"), "SELECT split_part(c.flag_key, ':', 1), count(*) FROM {q} c GROUP BY 1")
    # Screening has no practitioner of its own: the covered clients on the chosen caseloads.
    avoid, not_eligible = screened_out(scope, _clients_of(scope))
    refused = refusals(scope)
    return {
        "served": served, "by_kind": by_kind, "medicine": medicine, "not_eligible": len(not_eligible),
        "refused": refused["n"], "refused_clients": len(refused["clients"]), "refusal_reasons": refused["reasons"],
        "overrides": _labelled(override_rows, rules.GATE_LINE_LABELS, "Another checklist line"),
        "override_total": overrides.count(),
        "cautions": _labelled(caution_rows, rules.CAUTION_LABELS, "Another caution"),
        "avoid": avoid,
    }


def screened_out(scope: Scope, clients: QuerySet) -> tuple[list[tuple[str, int]], set]:
    """([(always-avoid rule, clients)], the ids of the clients it applied to) over the screenings
    of `clients` in the period: the clients found not eligible, and why."""
    flagged = ScreeningReview.objects.filter(client__in=clients).filter(scope.in_period("created_at")).values(
        "client_id", "flags")
    avoid_rows = _over(flagged, "SELECT e->>'code', count(DISTINCT r.client_id) FROM {q} r, jsonb_array_elements(r.flags) e "
                       "WHERE e->>'tier' = %s GROUP BY 1", after=[ALWAYS_AVOID])
    ids = {row[0] for row in _over(flagged, "SELECT DISTINCT r.client_id FROM {q} r WHERE EXISTS (SELECT 1 FROM "
                                            "jsonb_array_elements(r.flags) e WHERE e->>'tier' = %s)", after=[ALWAYS_AVOID])}
    return _labelled(avoid_rows, rules.ALWAYS_AVOID_LABELS, "Another always-avoid rule"), ids


def refusals(scope: Scope) -> dict:
    """The readiness checklist's refusals in the period: how many, of which clients, and the
    red lines that stood (a refusal may have several)."""
    found = GateRefusal.objects.filter(by__in=scope.practitioners, client__in=scope.clients).filter(scope.in_period("at"))
    clients = list(found.values_list("client_id", flat=True))  # one per refusal: few
    reasons: dict[str, int] = {}
    for code, n in _over(found.values("codes"), "SELECT c, count(*) FROM {q} r, jsonb_array_elements_text(r.codes) c "
                                                "GROUP BY 1"):
        name = rules.refusal_label(code)
        reasons[name] = reasons.get(name, 0) + n
    return {"n": len(clients), "clients": set(clients),
            "reasons": sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))}


def _clients_of(scope: Scope) -> QuerySet:
    """The covered clients on the chosen practitioners' caseloads (screening has no practitioner)."""
    return scope.clients.filter(assignments__therapist__in=scope.practitioners, assignments__ended_at__isnull=True)


def _labelled(rows, labels: dict, other: str) -> list[tuple[str, int]]:
    """(label, count), codes without words merged under `other`, largest first."""
    merged: dict[str, int] = {}
    for code, n in rows:
        name = rules.label(labels, code, other)
        merged[name] = merged.get(name, 0) + n
    return sorted(merged.items(), key=lambda kv: (-kv[1], kv[0]))


def safety(scope: Scope, escalate_hours: int) -> dict:
    events = SessionEvent.objects.filter(session__in=scope.sessions()).filter(scope.in_period("at"))
    adverse: dict[str, dict[str, int]] = {}
    for row in events.filter(kind=SessionEvent.Kind.ADVERSE).values("code", "severity").annotate(n=Count("id")):
        name = ADVERSE_EFFECTS.get(row["code"], ("Another adverse effect", False))[0]
        adverse.setdefault(name, {}).setdefault(row["severity"], 0)
        adverse[name][row["severity"]] += row["n"]
    severities = [*SessionEvent.Severity.values, ""]
    adverse_table = Table(["Adverse effect", *SessionEvent.Severity.labels, "Severity not recorded", "Total"])
    for name, by in sorted(adverse.items(), key=lambda kv: (-sum(kv[1].values()), kv[0])):
        adverse_table.rows.append([name, *[by.get(s, 0) for s in severities], sum(by.values())])
    outcomes = {r["code"]: r["n"] for r in events.filter(kind=SessionEvent.Kind.OUTCOME).values("code")
                .annotate(n=Count("id"))}
    # Emergency signs by kind and by what was done (the severity of a sign is the care it needed).
    kinds = [*rules.SIGN_KINDS, *[((label,), label) for label, emergency in ADVERSE_EFFECTS.values() if emergency]]
    sign_kind = Case(*[When(Q(*[Q(text__startswith=p) for p in prefixes], _connector=Q.OR), then=Value(label))
                       for prefixes, label in kinds], default=Value(rules.OTHER_SIGN), output_field=CharField())
    signs: dict[str, dict[str, int]] = {}
    for row in events.filter(kind=SessionEvent.Kind.OUTCOME).annotate(sign=sign_kind).values("sign", "code").annotate(
            n=Count("id")):
        signs.setdefault(row["sign"], {})[row["code"]] = row["n"]
    signs_table = Table(["Emergency sign", *SessionEvent.Outcome.labels, "Total"])
    for kind, by in sorted(signs.items(), key=lambda kv: (-sum(kv[1].values()), kv[0])):
        signs_table.rows.append([kind, *[by.get(code, 0) for code in SessionEvent.Outcome.values], sum(by.values())])
    # Two steps: the period's danger answers of the covered clients first (few, on the partial
    # index `answer_danger`), then only those with their session and first acknowledgement. In
    # one statement the planner walked every check-in of the practice by session (130 ms at
    # 100,000 check-ins over two years, against about 50 ms this way).
    danger_ids = list(CheckInAnswer.objects.filter(danger=True, checkin__client__in=scope.clients).filter(
        scope.in_period("submitted_at")).values_list("pk", flat=True))
    first_ack = CheckInAcknowledgement.objects.filter(answer=OuterRef("pk")).order_by("at").values("at")[:1]
    # `or [0]`: no answer has id 0; an empty list would make no statement at all, and the
    # number of queries would then depend on the data.
    answers = CheckInAnswer.objects.filter(pk__in=danger_ids or [0], checkin__session__practitioner__in=scope.practitioners
                                           ).annotate(first_ack=Subquery(first_ack)).values("submitted_at", "first_ack")
    [(total, acknowledged, median_s, worst_s, late, late_acknowledged)] = _over(
        answers, "SELECT count(*), count(q.first_ack), "
        "percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM q.first_ack - q.submitted_at)), "
        "max(extract(epoch FROM q.first_ack - q.submitted_at)), "
        "count(*) FILTER (WHERE coalesce(q.first_ack, now()) > q.submitted_at + make_interval(hours => %s)), "
        "count(*) FILTER (WHERE q.first_ack > q.submitted_at + make_interval(hours => %s)) FROM {q} q",
        escalate_hours, escalate_hours)
    return {
        "adverse": adverse_table, "adverse_total": sum(r[-1] for r in adverse_table.rows),
        "outcomes": [(label, outcomes.get(code, 0)) for code, label in SessionEvent.Outcome.choices],
        "signs": signs_table,
        "danger": {"total": total, "acknowledged": acknowledged, "open": total - acknowledged,
                   "median_minutes": None if median_s is None else round(median_s / 60),
                   "worst_minutes": None if worst_s is None else round(worst_s / 60),
                   "late": late, "late_acknowledged": late_acknowledged, "escalate_hours": escalate_hours},
    }


def dosing(scope: Scope, policy) -> dict:
    """`policy`: the practice's, for where a dose counts as high (mg/kg)."""
    medicine = scope.sessions().filter(kind=Kind.MEDICINE, status=Status.COMPLETED).filter(
        scope.in_period("scheduled_start"))
    # The body mass in force on the session day: the newest intake submitted before it.
    mass = IntakeVersion.objects.filter(client=OuterRef("session__client"), body_mass_kg__isnull=False,
                                        submitted_at__lte=OuterRef("session__scheduled_start")
                                        ).order_by("-submitted_at").values("body_mass_kg")[:1]
    per_session = (DoseGiven.objects.filter(session__in=medicine).values("session").annotate(
        total=Sum("amount_mg"), boosters=Count("id", filter=Q(which=DoseGiven.Which.BOOSTER)),
        mass=Subquery(mass)))
    [(n, mean, median, low, high, mean_per_kg, weighed, above, boosters, with_booster)] = _over(
        per_session, "SELECT count(*), avg(q.total), percentile_cont(0.5) WITHIN GROUP (ORDER BY q.total), "
        "min(q.total), max(q.total), avg(q.total / q.mass), count(q.mass), count(*) FILTER (WHERE q.total / q.mass > %s), "
        "sum(q.boosters), count(*) FILTER (WHERE q.boosters > 0) FROM {q} q", policy.high_dose_mg_per_kg)
    per_kg = dict(_over(per_session, "SELECT (SELECT count(*) FROM unnest(%s::numeric[]) AS lim "
                                     "WHERE q.total / q.mass >= lim), count(*) FROM {q} q WHERE q.mass IS NOT NULL GROUP BY 1",
                        [high for _, high in rules.PER_KG_BANDS if high]))
    # The band of each session: how many band limits its total reaches (0 = the first band).
    band_counts = dict(_over(per_session, "SELECT (SELECT count(*) FROM unnest(%s::numeric[]) AS lim WHERE q.total >= lim), "
                                          "count(*) FROM {q} q GROUP BY 1",
                             [high for _, high in rules.DOSE_BANDS if high]))
    labels = rules.band_labels()
    return {"sessions": n, "mean": mean, "median": median, "low": low, "high": high,
            "mean_per_kg": mean_per_kg, "weighed": weighed, "above": above, "boosters": boosters or 0,
            "above_share": round(100 * above / weighed) if weighed else 0,
            "with_booster": with_booster, "bands": [(label, band_counts.get(i, 0)) for i, label in enumerate(labels)],
            "per_kg_bands": [(label, per_kg.get(i, 0)) for i, label in enumerate(rules.per_kg_labels())],
            "high_dose_mg_per_kg": policy.high_dose_mg_per_kg}


def outcomes(scope: Scope, zone) -> dict:
    answers = CheckInAnswer.objects.filter(checkin__client__in=scope.clients,
                                           checkin__session__practitioner__in=scope.practitioners,
                                           checkin__day__in=TIMING.checkin_days).filter(scope.in_period("submitted_at"))
    by_day = {r["checkin__day"]: r for r in answers.values("checkin__day").annotate(
        n=Count("id"), median=Percentile("mood", 0.5), q1=Percentile("mood", 0.25), q3=Percentile("mood", 0.75),
        worse=Count("id", filter=~Q(worsening=CheckInAnswer.Worsening.NONE)),
        poor_sleep=Count("id", filter=Q(sleep="poor")), fair_sleep=Count("id", filter=Q(sleep="fair")),
        good_sleep=Count("id", filter=Q(sleep="good")))}
    # Sleep is answered poor / fair / good: its spread is the share of each.
    checkins = Table(["Day after the session", "Answers", "Mood, median (of 10)", "Mood, middle half",
                      "Reporting worsening", "Sleep poor", "Sleep fair", "Sleep good"])
    for day in TIMING.checkin_days:
        r = by_day.get(day)
        if r:
            checkins.rows.append([f"Day {day}", r["n"], _num(r["median"]), f"{_num(r['q1'])} to {_num(r['q3'])}",
                                  _share(r["worse"], r["n"]), _share(r["poor_sleep"], r["n"]),
                                  _share(r["fair_sleep"], r["n"]), _share(r["good_sleep"], r["n"])])
    responses = SurveyResponse.objects.filter(client__in=scope.clients, practitioner__in=scope.practitioners
                                              ).filter(scope.in_period("submitted_at"))
    alliance = list(responses.annotate(month=TruncMonth("submitted_at", tzinfo=zone)).values(
        "practitioner__user__full_name", "practitioner__user__email", "month").annotate(
        n=Count("id"), mean_total=Avg("total"), bond=Avg(Cast(KT("subscales__bond"), FloatField())),
        tasks_goals=Avg(Cast(KT("subscales__tasks_goals"), FloatField())), lowest=Min("total"),
        highest=Max("total")).order_by(
        "practitioner__user__full_name", "practitioner__user__email", "month"))
    ruptures = [(r["response__practitioner__user__full_name"] or r["response__practitioner__user__email"], r["n"])
                for r in RuptureAlert.objects.filter(response__in=responses).values(
                    "response__practitioner__user__full_name", "response__practitioner__user__email").annotate(
                    n=Count("id")).order_by("-n", "response__practitioner__user__full_name")]
    return {"checkins": checkins, "by_day": [(day, by_day[day]) for day in TIMING.checkin_days if day in by_day],
            "alliance": alliance, "ruptures": ruptures, "measures": measure_change(scope)}


def measure_change(scope: Scope) -> list[dict]:
    """Per symptom measure: clients whose latest answer in the period follows an intake answer
    (their baseline), with the mean baseline, mean latest and mean change (negative: fewer
    symptoms). Screening-like: the clients on the chosen practitioners' caseloads."""
    baseline = MeasureResponse.objects.filter(client=OuterRef("client"), instrument_key=OuterRef("instrument_key"),
                                              slot="intake").values("total")[:1]
    latest = (MeasureResponse.objects.filter(client__in=_clients_of(scope)).exclude(slot="intake")
              .filter(scope.in_period("submitted_at")).order_by("client_id", "instrument_key", "-submitted_at")
              .distinct("client_id", "instrument_key").annotate(baseline=Subquery(baseline))
              .values("instrument_key", "total", "baseline"))
    rows = _over(latest, "SELECT q.instrument_key, count(*), avg(q.baseline), avg(q.total), avg(q.total - q.baseline), "
                         "count(*) FILTER (WHERE q.total < q.baseline) FROM {q} q WHERE q.baseline IS NOT NULL GROUP BY 1")
    found = {key: (n, base, now, change, fewer) for key, n, base, now, change, fewer in rows}
    out = []
    for key in INSTRUMENTS:
        if key in found:
            n, base, now, change, fewer = found[key]
            out.append({"title": instruments.load(key).short_title, "n": n, "baseline": base, "latest": now,
                        "change": change, "fewer": fewer})
    return out


def _num(v) -> str:
    return "" if v is None else f"{v:g}" if float(v).is_integer() else f"{v:.1f}"


def _share(part: int, whole: int) -> str:
    return f"{part} ({round(100 * part / whole)}%)" if whole else "0"


@dataclass
class StateRow:
    section: str
    measure: str
    category: str
    value: str  # already suppressed: what the report and the CSV show


def state_report(practice_id, definition: dict, period: rules.Period, zone, policy) -> list[StateRow]:
    """The program's quarterly aggregates over the practice's clients who did not opt out, each
    count below the policy's `small_cell_threshold` shown as "fewer than", no average of a
    smaller group. No names, ids or free text: only the definition's words, the rules' words
    and numbers."""
    threshold = policy.small_cell_threshold

    start, end = period.bounds(zone)
    latest = (DemographicAnswers.objects.filter(client__practice_id=practice_id, program=definition["key"])
              .order_by("client_id", "-number").distinct("client_id").values("pk"))
    opted_out = DemographicAnswers.objects.filter(pk__in=latest, opted_out=True).values("client_id")
    included = Client.objects.filter(practice_id=practice_id).exclude(pk__in=opted_out)
    scope = Scope(included, Membership.objects.filter(practice_id=practice_id, role=Role.THERAPIST), start, end)
    completed = scope.sessions().filter(status=Status.COMPLETED).filter(scope.in_period("scheduled_start"))
    served = included.filter(pk__in=completed.values("client_id"))
    served_n = served.count()
    medicine = completed.filter(kind=Kind.MEDICINE)
    sessions_n, medicine_clients = (lambda r: (r["n"], r["clients"]))(
        medicine.aggregate(n=Count("id"), clients=Count("client", distinct=True)))
    # Denied: found not eligible at screening, or refused by the readiness checklist (distinct people).
    avoid, not_eligible = screened_out(scope, included)
    refused = refusals(scope)
    denied = not_eligible | refused["clients"]
    dosing_data = dosing(scope, policy)
    severity = {r["severity"]: r["n"] for r in SessionEvent.objects.filter(
        session__in=scope.sessions(), kind=SessionEvent.Kind.ADVERSE).filter(scope.in_period("at"))
        .values("severity").annotate(n=Count("id"))}

    rows: list[StateRow] = []
    show = lambda n: rules.suppressed(n, threshold)  # noqa: E731
    for field_ in definition["activity"]:
        key, label = field_["key"], field_["label"]
        if key == "clients_served":
            rows.append(StateRow("Activity", label, "", show(served_n)))
        elif key == "individual_sessions":
            rows.append(StateRow("Activity", label, "", show(sessions_n)))
        elif key == "group_sessions":
            rows.append(StateRow("Activity", label, "", show(0)))
        elif key == "denied":
            rows.append(StateRow("Activity", label, "", show(len(denied))))
        elif key == "denied_reasons":
            reasons: dict[str, int] = {}
            for reason, n in [*avoid, *refused["reasons"]]:
                reasons[reason] = reasons.get(reason, 0) + n
            rows += [StateRow("Activity", label, reason, show(n)) for reason, n in sorted(reasons.items())]
        elif key == "adverse_reactions":
            rows += [StateRow("Activity", label, name, show(severity.get(code, 0))) for code, name in
                     [*SessionEvent.Severity.choices, ("", "Severity not recorded")]]
        elif key == "average_sessions_per_client":
            value = sessions_n / medicine_clients if medicine_clients else None
            rows.append(StateRow("Activity", label, "", rules.average_shown(value, medicine_clients, threshold)))
        elif key == "average_dose_mg":
            rows.append(StateRow("Activity", label, "",
                                 rules.average_shown(dosing_data["mean"], dosing_data["sessions"], threshold)))

    answers = DemographicAnswers.objects.filter(pk__in=latest, client__in=served)
    counts = _over(answers.values("client_id", "answers"),
                   "SELECT e.key, v.opt, count(DISTINCT a.client_id) FROM {q} a, jsonb_each(a.answers) e, "
                   "jsonb_array_elements_text(CASE WHEN jsonb_typeof(e.value) = 'array' THEN e.value "
                   "ELSE jsonb_build_array(e.value) END) v(opt) GROUP BY 1, 2")
    answered = dict(_over(answers.values("client_id", "answers"),
                          "SELECT e.key, count(DISTINCT a.client_id) FROM {q} a, jsonb_each(a.answers) e GROUP BY 1"))
    by_item: dict = {}
    for key, option, n in counts:
        by_item.setdefault(key, {})[option] = n
    for item in definition["items"]:
        labels = [o["label"] for o in item["options"]] + ["Not answered"]
        counts = [by_item.get(item["key"], {}).get(o["key"], 0) for o in item["options"]]
        counts.append(served_n - answered.get(item["key"], 0))
        # One answer each: the cells split the clients served, so one small cell alone could be
        # worked out; several answers each (race, reasons): they do not add up to it.
        values = [show(n) for n in counts] if item.get("multiple") else rules.suppressed_group(counts, threshold)
        rows += [StateRow("Clients served", item["label"], label, value) for label, value in zip(labels, values,
                                                                                                 strict=True)]
    dob = IntakeVersion.objects.filter(client=OuterRef("pk"), submitted_at__isnull=False,
                                       date_of_birth__isnull=False).order_by("-submitted_at").values("date_of_birth")[:1]
    ages = dict(_over(served.annotate(dob=Subquery(dob)).values("dob"),
                      "SELECT date_part('year', age(%s::date, q.dob))::int, count(*) FROM {q} q GROUP BY 1",
                      period.end))
    bands: dict[str, int] = {}
    for age, n in ages.items():
        band = rules.age_band(age, definition["age_bands"])
        bands[band] = bands.get(band, 0) + n
    labels = [rules.age_band(low, definition["age_bands"]) for low, _ in definition["age_bands"]]
    age_labels = [*labels, "Not known"]
    for band, value in zip(age_labels, rules.suppressed_group([bands.get(b, 0) for b in age_labels], threshold),
                           strict=True):
        rows.append(StateRow("Clients served", "Age at the end of the quarter", band, value))
    return rows
