"""The reports page: activity, safety, dosing and outcomes for a period, in aggregate (no names
of clients, no records). Each read is written to the access log."""

from __future__ import annotations

import csv
from datetime import timedelta
from zoneinfo import ZoneInfo

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode

from clients import access
from clients.demographics import programs
from practice.accountability.reports import rules, selectors
from practice.accountability.reports.forms import ReportForm, StateReportForm
from practice.audit.context import log_access
from practice.audit.models import AccessEvent
from practice.charts import Chart, Series, bar_chart, line_chart
from practice.roles import Role
from screening.services import practice_policy
from sessions.scheduling.models import Status


@access.member_required(Role.ADMIN, Role.SUPERVISOR, Role.THERAPIST)
def reports(request: HttpRequest) -> HttpResponse:
    clients, practitioners = access.report_scope(request.membership)
    zone = ZoneInfo(request.membership.practice.time_zone)  # periods are whole days on the practice's clock
    today = timezone.localdate(timezone=zone)
    form = ReportForm(request.GET, practitioners=practitioners, default=rules.quarter_of(today))
    context = {"form": form, "quarters": rules.recent_quarters(today), "period": None}
    if form.is_valid():
        period = form.period()
        chosen = form.cleaned_data["practitioner"]
        start, end = period.bounds(zone)
        scope = selectors.Scope(clients, practitioners.filter(pk=chosen.pk) if chosen else practitioners, start, end)
        policy = practice_policy(request.membership.practice_id)
        activity, safety = selectors.activity(scope), selectors.safety(scope, policy.danger_escalate_hours)
        dosing, outcomes = selectors.dosing(scope, policy), selectors.outcomes(scope, zone)
        context.update({
            "period": period, "chosen": chosen, "activity": activity, "safety": safety, "dosing": dosing,
            "outcomes": outcomes,
            "charts": {
                "medicine": bar_chart("Medicine sessions by status", [
                    (label, activity["medicine"][code]) for code, label in Status.choices], "chart-medicine"),
                "adverse": bar_chart("Adverse effects logged, by effect", [
                    (row[0], row[-1]) for row in safety["adverse"].rows], "chart-adverse"),
                "doses": bar_chart("Medicine sessions by total dose", dosing["bands"], "chart-doses"),
                "per_kg": bar_chart("Medicine sessions by dose per kilogram", dosing["per_kg_bands"], "chart-per-kg"),
                "signs": bar_chart("Emergency signs handled, by kind", [
                    (row[0], row[-1]) for row in safety["signs"].rows], "chart-signs"),
                "refusals": bar_chart("Red lines that refused a medicine session", activity["refusal_reasons"],
                                      "chart-refusals"),
                "avoid": bar_chart("Clients found not eligible, by rule", activity["avoid"], "chart-avoid"),
                "cautions": bar_chart("Cautions acknowledged, by caution", activity["cautions"], "chart-cautions"),
                "overrides": bar_chart("Checklist lines passed with a rationale", activity["overrides"],
                                       "chart-overrides"),
                "danger": bar_chart("Danger answers to check-ins", [
                    ("Acknowledged in time", safety["danger"]["acknowledged"] - safety["danger"]["late_acknowledged"]),
                    ("Acknowledged late", safety["danger"]["late_acknowledged"]),
                    ("Not acknowledged", safety["danger"]["open"])], "chart-danger") if safety["danger"]["total"] else "",
                "alliance": _alliance_chart(outcomes["alliance"]),
                "mood": bar_chart("Median mood (of 10) by day after the session", [
                    (row[0], float(row[2])) for row in outcomes["checkins"].rows if row[2] != ""], "chart-mood"),
            },
        })
        # A practice's policy is never looser than the default (screening.policy.Policy.tighten).
        threshold = context["threshold"] = policy.small_cell_threshold
        if request.GET.get("format") == "csv":
            log_access(request, request.membership, [], AccessEvent.Kind.EXPORT, view="reports",
                       path=request.get_full_path())
            return _csv(f"report-{period.start:%Y-%m-%d}-{period.end:%Y-%m-%d}.csv",
                        rules.export_rows(activity, safety, dosing, outcomes, threshold))
        log_access(request, request.membership, [], AccessEvent.Kind.REPORT, view="reports",
                   path=request.get_full_path())
        context["csv_query"] = urlencode({k: v for k, v in request.GET.items() if k in ("start", "end", "practitioner")}
                                         | {"format": "csv"})
    return render(request, "practice/reports.html", context, status=200 if form.is_valid() else 400)


@access.member_required(Role.ADMIN)
def state_report(request: HttpRequest) -> HttpResponse:
    """A state program's quarterly aggregates for the whole practice, on screen or as CSV, built
    only from clients who did not opt out, small counts suppressed. Admins file it."""
    practice = request.membership.practice
    zone = ZoneInfo(practice.time_zone)
    quarters = rules.recent_quarters(timezone.localdate(timezone=zone))
    form = StateReportForm(request.GET, programs=programs.programs(), quarters=quarters)
    if not form.is_valid():
        return render(request, "practice/state_report.html", {"form": form}, status=400)
    definition = programs.current(form.cleaned_data["program"])
    period = rules.quarter_from(form.cleaned_data["quarter"])
    policy = practice_policy(practice.pk)
    rows = selectors.state_report(practice.pk, definition, period, zone, policy)
    if request.GET.get("format") == "csv":
        log_access(request, request.membership, [], AccessEvent.Kind.EXPORT, view="state_report",
                   path=request.get_full_path())
        return _csv(f"{definition['key']}-{rules.quarter_key(period)}.csv",
                    [(r.section, r.measure, r.category, r.value) for r in rows])
    log_access(request, request.membership, [], AccessEvent.Kind.REPORT, view="state_report", path=request.get_full_path())
    return render(request, "practice/state_report.html", {
        "form": form, "definition": definition, "period": period, "rows": rows, "threshold": policy.small_cell_threshold,
        "due": period.end + timedelta(days=definition["due_days_after_quarter"]),
        "csv_query": f"program={definition['key']}&quarter={rules.quarter_key(period)}&format=csv"})


def _csv(filename: str, rows) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(["Section", "Measure", "Category", "Value"])
    writer.writerows(rows)
    return response


def _alliance_chart(rows) -> str:
    """Mean BR-WAI total by month, a line per practitioner; with more than three practitioners
    (the chart's distinct line styles) each one's mean over the period as bars instead. The
    table beside it has every row."""
    series: dict[str, list] = {}
    weights: dict[str, list] = {}
    for r in rows:
        name = r["practitioner__user__full_name"] or r["practitioner__user__email"]
        series.setdefault(name, []).append((r["month"].date(), round(float(r["mean_total"]), 1)))
        weights.setdefault(name, []).append((float(r["mean_total"]), r["n"]))
    if not series:
        return ""
    if len(series) > 3:
        means = [(name, round(sum(m * n for m, n in w) / sum(n for _, n in w), 1)) for name, w in weights.items()]
        return bar_chart("Mean alliance (BR-WAI total) over the period, by practitioner", means, "chart-alliance")
    return line_chart(Chart("Mean alliance (BR-WAI total) by month", [Series(n, p) for n, p in series.items()], 16, 80,
                            [(16, "16"), (48, "48"), (80, "80")]), "chart-alliance")
