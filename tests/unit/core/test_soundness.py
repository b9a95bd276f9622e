"""Soundness: wrong Fisher matrices are refuted, the literature ones never are.

For every catalog family the literature matrix ``fam.fisher`` is perturbed four ways: a wrong
constant (one entry × 8/7), a digamma for a trigamma (or, without polygamma, one entry times a
parameter: a wrong power), a dropped off-diagonal term (when nonzero) and two parameters swapped
(when that changes the matrix). Each claim is compared with the derived Fisher information by
:func:`symfisher.core.verdict.matrices_equal`, the logic :func:`symfisher.check` uses: every perturbation
must be "refuted" and the literature matrix "proved". Where the derivation has no closed form, the
comparison goes through ``check``'s quadrature path, which may say "refuted" or "inconclusive" but
never "proved", and must not refute the literature matrix. Each family is derived once per
session, shared with the other catalog tests (``_uses_cache``). Set ``SYMFISHER_SOUNDNESS_REPORT=path.json``
to write the counts.
"""

from __future__ import annotations

import json
import importlib
import os
from collections import Counter

import pytest
import sympy as sp
from _uses_cache import derived as derived_once

import symfisher.catalog as derivations
import symfisher as sf
from symfisher.core.points import parameter_points
from symfisher.core import evidence as quadrature
from symfisher.core.verdict import matrices_equal

pytestmark = pytest.mark.slow  # perturbs every catalog family's literature matrix

_derive_module = importlib.import_module("symfisher.core.derivation")  # the module, not sf.derive
COUNTS: Counter[str] = Counter()
_NUMERIC: dict = {}


def _perturbations(fam) -> list[tuple[str, sp.Matrix]]:
    lit = sp.Matrix(fam.fisher)
    k, params = lit.rows, list(fam.params)
    out = []
    first = next((i, j) for i in range(k) for j in range(k) if lit[i, j] != 0)
    wrong = lit.copy()
    wrong[first] = lit[first] * sp.Rational(8, 7)
    out.append(("wrong-constant", wrong))
    if lit.has(sp.polygamma):
        out.append(("digamma-for-trigamma", lit.replace(
            lambda e: isinstance(e, sp.polygamma) and e.args[0] == 1, lambda e: sp.polygamma(0, e.args[1]))))
    else:
        i, j = next(((i, j) for i in range(k) for j in range(k) if lit[i, j].free_symbols & set(params)), first)
        p = sorted(lit[i, j].free_symbols & set(params), key=str)[0] if lit[i, j].free_symbols & set(params) \
            else params[0]
        power = lit.copy()
        power[i, j] = lit[i, j] * p
        out.append(("wrong-power", power))
    off = next(((i, j) for i in range(k) for j in range(i + 1, k) if sp.simplify(lit[i, j]) != 0), None)
    if off is not None:
        dropped = lit.copy()
        dropped[off] = dropped[off[::-1]] = 0
        out.append(("dropped-off-diagonal", dropped))
    if k >= 2:
        a, b = params[0], params[1]
        swapped = lit.xreplace({a: b, b: a})
        if not (swapped - lit).applyfunc(sp.simplify).is_zero_matrix:
            out.append(("swapped-parameters", swapped))
    return out


CASES = [(name, label, claim) for name, fam in derivations.FAMILIES.items() for label, claim in _perturbations(fam)]


@pytest.fixture(scope="module")
def derived():
    """Every family derived once: name → (model, Derivation or the SymfisherError it raised)."""
    out = {}
    for name, fam in derivations.FAMILIES.items():
        model = fam.model()
        try:
            out[name] = (model, derived_once(name))
        except sf.SymfisherError as exc:
            out[name] = (model, exc)
        COUNTS["families derived closed" if isinstance(out[name][1], sf.Derivation) and out[name][1].closed
               else "families not closed"] += 1
    yield out
    path = os.environ.get("SYMFISHER_SOUNDNESS_REPORT")
    if path:
        with open(path, "w") as f:
            json.dump(dict(sorted(COUNTS.items())), f, indent=1)


@pytest.fixture
def cached_quadrature(monkeypatch):
    """Quadrature values shared between the claims of one family (they need the same integrals)."""
    original = quadrature.numeric_expectation

    def cached(expr, density, support, point):
        key = (expr, density, tuple(support.items()), tuple(sorted(point.items(), key=str)))
        if key not in _NUMERIC:
            _NUMERIC[key] = original(expr, density, support, point)
        return _NUMERIC[key]

    monkeypatch.setattr(quadrature, "numeric_expectation", cached)


def _points(model, count=3):
    return parameter_points((*model.params, *model.given, *model.constants), model.domain_map,
                            count, 99)


def _verdict(model, d, claim):
    if d.closed:
        return "closed", matrices_equal(sp.ImmutableMatrix(claim), d.fisher, _points(model),
                                        "claimed versus derived Fisher information")
    return "quadrature", _derive_module._check_by_quadrature(model, d, sp.ImmutableMatrix(claim), _points(model, 2))


@pytest.mark.parametrize(("name", "label", "claim"), CASES, ids=[f"{n}-{label}" for n, label, _ in CASES])
def test_perturbed_literature_matrix_is_refuted(name, label, claim, derived, cached_quadrature):
    model, d = derived[name]
    COUNTS["perturbed claims tried"] += 1
    if not isinstance(d, sf.Derivation):
        COUNTS["perturbed claims: derivation failed"] += 1
        pytest.fail(f"{name}: derive raised {d!r}")
    path, verdict = _verdict(model, d, claim)
    COUNTS[f"perturbed claims ({path}): {verdict.status}"] += 1
    if path == "closed":
        assert verdict.status == "refuted", f"{name} {label}: {verdict.reason}"
        assert verdict.counterexample is not None
    else:
        assert verdict.status in ("refuted", "inconclusive"), f"{name} {label}: {verdict.reason}"


@pytest.mark.parametrize("name", list(derivations.FAMILIES))
def test_literature_matrix_is_proved_or_never_refuted(name, derived, cached_quadrature):
    model, d = derived[name]
    COUNTS["literature claims tried"] += 1
    if not isinstance(d, sf.Derivation):
        pytest.fail(f"{name}: derive raised {d!r}")
    path, verdict = _verdict(model, d, derivations.FAMILIES[name].fisher)
    COUNTS[f"literature claims ({path}): {verdict.status}"] += 1
    if path == "closed":
        assert verdict.status == "proved", f"{name}: {verdict.reason}"
    else:
        assert verdict.status != "refuted", f"{name}: {verdict.reason}"


def test_every_family_has_at_least_two_perturbations():
    per_family = Counter(name for name, _, _ in CASES)
    assert set(per_family) == set(derivations.FAMILIES)
    assert min(per_family.values()) >= 2


x = sp.Symbol("x", positive=True)
lam = sp.Symbol("lambda", positive=True)


@pytest.mark.parametrize(
    ("claim", "status"),
    [(sp.Matrix([[1 / lam**2]]), "proved"), (sp.Matrix([[sp.Rational(8, 7) / lam**2]]), "refuted"),
     (sp.Matrix([[1 / lam]]), "refuted"), (sp.Matrix([[-1 / lam**2]]), "refuted")],
)
def test_check_end_to_end_on_the_exponential(claim, status):
    model = sf.Model.from_pdf(lam * sp.exp(-lam * x), x, [lam], sp.Interval.open(0, sp.oo), name="exponential")
    verdict = sf.check(model, claim, timeout=30)
    assert verdict.status == status, verdict.reason
    if status == "refuted":
        assert set(verdict.counterexample) == {lam}


def test_check_end_to_end_on_the_normal_swapped_matrix():
    fam = derivations.get("normal")
    mu, sigma = fam.params
    assert sf.check(fam.model(), fam.fisher, timeout=30).status == "proved"
    verdict = sf.check(fam.model(), fam.fisher.xreplace({mu: sigma, sigma: mu}), timeout=30)
    assert verdict.status == "refuted"
