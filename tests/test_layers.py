"""The layering of the code, read from its imports with grimp (function-level imports too).

The layer order is written in LAYERS below and in the README's Architecture section. A module
may import only from its own layer or below; no module may sit in an import cycle; a views
module is imported only by its own package or a URLconf. These tests fail on any breach.
"""

from __future__ import annotations

import sys

import grimp
import pytest
from django.conf import settings

APPS = ("practice", "clients", "screening", "sessions")

# Layer of each package, lowest first; a module takes the layer of its longest matching prefix.
LAYERS = {
    "practice": 0,  # the base: tenancy, roles, auditing, delivery, timing
    "clients": 1,
    # The appointment book sits between clients and screening: screening reads a client's
    # medicine-session history (spacing, lifetime limit), and the book needs only clients.
    "sessions.scheduling.models": 1.5,
    "screening": 2,
    "sessions": 3,
    # The top: pages that show everything about a client or a supervisee, the team and account
    # pages, the seeds and commands, the root URLconf.
    "practice.urls": 4, "practice.management": 4, "practice.demo": 4, "practice.pages": 4, "practice.team": 4,
    "practice.account": 4, "practice.accountability": 4,
    # ... whose own records are base data (the access policy reads concerns).
    "practice.accountability.concerns.models": 0, "practice.accountability.review.models": 0,
}


def _layer(module: str) -> float:
    prefix = max((p for p in LAYERS if module == p or module.startswith(p + ".")), key=len)
    return LAYERS[prefix]


@pytest.fixture(scope="module")
def imports() -> dict[str, set[str]]:
    sys.path.insert(0, str(settings.BASE_DIR))
    graph = grimp.build_graph(*APPS)
    modules = {m for m in graph.modules if ".migrations" not in m}
    return {m: {d for d in graph.find_modules_directly_imported_by(m) if d in modules} for m in modules}


def _against(imports: dict[str, set[str]]) -> set[tuple[str, str]]:
    return {(m, d) for m, deps in imports.items() for d in deps if _layer(d) > _layer(m)}


def test_imports_follow_the_layer_order(imports):
    assert _against(imports) == set(), "imports against the layer order (see the README's Architecture)"


def _cycles(edges: dict[str, set[str]]) -> list[set[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index, low, stack, on_stack, found, counter = {}, {}, [], set(), [], [0]
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter[0]
                    counter[0] += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(component)
    return found


def test_cycle_finder_finds_cycles():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [{"a", "b", "c"}]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles(imports):
    assert _cycles(imports) == [], "modules in an import cycle"


def test_views_are_imported_only_by_their_package_or_a_urlconf(imports):
    found = {(m, d) for m, deps in imports.items() for d in deps
             if d.rsplit(".", 1)[-1].startswith("views") and not m.endswith("urls")
             and d.rsplit(".", 1)[0] != m.rsplit(".", 1)[0]}
    assert found == set(), "a views module imported from outside its package"


def test_the_layer_checks_can_fail():
    """The checks above see what they should: made-up upward imports are caught."""
    assert _against({"screening.facts": {"sessions.livelog.models"}, "sessions.x": {"screening.rules"}}) == {
        ("screening.facts", "sessions.livelog.models")}
    assert _against({"clients.access": {"practice.accountability.concerns.views"}}) != set()
    assert _layer("screening.rules") < _layer("sessions.livelog.services")
    assert _layer("sessions.scheduling.models") < _layer("screening.facts") < _layer("sessions.scheduling.services")
    assert _layer("practice.accountability.concerns.models") == 0 < _layer("practice.accountability.concerns.views")

