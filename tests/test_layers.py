"""The layering of the code, read from its imports with grimp (function-level imports too).

Layers, lowest first: the practice base (tenancy, roles, access, auditing, delivery...),
clients, screening, sessions, then the pages that show everything (practice's views and
accountability pages, the seeds and commands, the root URLconf). A module may import only from
its own layer or below; no import cycles; a views module is imported only by its own package or
a URLconf.

The layout issue (15) is being worked through in steps. What today's code still breaks is
listed below as debt: the test fails on any new violation, and on a listed one that no longer
exists (so the lists only shrink). Remove entries as capabilities move; never add one.
"""

from __future__ import annotations

import sys

import grimp
import pytest
from django.conf import settings

APPS = ("practice", "clients", "screening", "sessions")
TOP = ("practice.urls", "practice.management", "practice.accountability", "practice.pages", "practice.tasks",
       "practice.views", "practice.views_audit", "practice.views_concerns", "practice.views_review")
# The appointment book sits between clients and screening: screening reads a client's
# medicine-session history (spacing, lifetime limit), and the book needs only clients.
LAYER = {"practice": 0, "clients": 1, "sessions.scheduling.models": 1.5, "screening": 2, "sessions": 3}

# Imports against the layer order that today's code still makes (importer, imported).
LAYER_DEBT: set[tuple[str, str]] = set()

# Modules that today sit in one import cycle (models calling services through Deliverable, the
# models index importing its capability modules at the bottom, screening <-> sessions).
CYCLE_DEBT: set[str] = set()

# Views modules imported from outside their package (other than by a URLconf).
VIEWS_DEBT: set[tuple[str, str]] = set()


def _layer(module: str) -> float:
    if module.startswith(TOP):
        return 4
    prefix = max((p for p in LAYER if module == p or module.startswith(p + ".")), key=len)
    return LAYER[prefix]


@pytest.fixture(scope="module")
def imports() -> dict[str, set[str]]:
    sys.path.insert(0, str(settings.BASE_DIR))
    graph = grimp.build_graph(*APPS)
    modules = {m for m in graph.modules if ".migrations" not in m}
    return {m: {d for d in graph.find_modules_directly_imported_by(m) if d in modules} for m in modules}


def test_imports_follow_the_layer_order(imports):
    against = {(m, d) for m, deps in imports.items() for d in deps if _layer(d) > _layer(m)}
    assert against - LAYER_DEBT == set(), "new imports against the layer order (see the README's Architecture)"
    assert LAYER_DEBT - against == set(), "fixed: remove these from LAYER_DEBT"


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


def test_no_new_import_cycles(imports):
    in_cycles = set().union(*_cycles(imports)) if _cycles(imports) else set()
    assert in_cycles - CYCLE_DEBT == set(), "modules newly caught in an import cycle"
    assert CYCLE_DEBT - in_cycles == set(), "out of the cycle now: remove these from CYCLE_DEBT"


def test_views_are_imported_only_by_their_package_or_a_urlconf(imports):
    found = {(m, d) for m, deps in imports.items() for d in deps
             if d.rsplit(".", 1)[-1].startswith("views") and not m.endswith("urls")
             and d.rsplit(".", 1)[0] != m.rsplit(".", 1)[0]}
    assert found - VIEWS_DEBT == set(), "a views module imported from outside its package"
    assert VIEWS_DEBT - found == set(), "fixed: remove these from VIEWS_DEBT"
