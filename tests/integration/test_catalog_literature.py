"""Numerical verification of every literature Fisher matrix in ``derivations``.

Independent of the ``symfisher`` engine: for each family, at two random parameter points
(fixed seed), the score s = ∇θ log p is differentiated with SymPy, lambdified, and
E[s s^T] is computed by adaptive quadrature over the support (``scipy.integrate.quad_vec``,
nested for bivariate data) or by direct (truncated) summation for discrete data. The result
must equal the catalog's literature matrix to a relative tolerance of 1e-6, and the density
must integrate / sum to one. For ``equality="refuted"`` families we additionally check that
-E[H] differs from E[s s^T]; for ``"proved"`` ones that it agrees.
"""

from __future__ import annotations

import functools
import itertools

import numpy as np
import pytest
import sympy as sp
from scipy import integrate

from symfisher.catalog import FAMILIES, get

pytestmark = pytest.mark.slow  # whole catalog against the literature

RTOL = 1e-6
SEED = 20240611
COVARIATE_VALUES = (0.7, -0.4)
# Families whose -E[H] only matches E[s s^T] distributionally (kink in the log-density).
DISTRIBUTIONAL_HESSIAN = {"laplace"}


# ----------------------------------------------------------------------------- helpers


def _data(fam):
    return fam.data if isinstance(fam.data, tuple) else (fam.data,)


def _support_of(fam, sym):
    return fam.support[sym] if isinstance(fam.support, dict) else fam.support


def _constants(fam):
    """Every non-data symbol: parameters, covariates and known constants."""
    syms = set(fam.expr.free_symbols) | set(fam.fisher.free_symbols)
    for d in _data(fam):
        syms |= set(_support_of(fam, d).free_symbols)
    return sorted(syms - set(_data(fam)), key=str)


def _point(fam, k):
    """The k-th random evaluation point (k = 0, 1), inside the parameter domain."""
    rng = np.random.default_rng([SEED, k, sum(map(ord, fam.name))])
    vals = {}
    for s in _constants(fam):
        if s in fam.given:
            vals[s] = COVARIATE_VALUES[k]
        elif s in fam.domain:
            dom = fam.domain[s]
            lo, hi = float(dom.inf), float(dom.sup)
            if fam.name.startswith("categorical"):  # joint constraint p1 + p2 < 1
                hi = 0.45
            vals[s] = lo + (hi - lo) * rng.uniform(0.1, 0.9)
        elif s.is_integer:
            vals[s] = int(rng.integers(2, 7))
        elif s.is_positive:
            vals[s] = rng.uniform(0.6, 2.5)
        else:
            vals[s] = rng.uniform(-1.5, 1.5)
    return vals


_LOG_SPECIAL = {
    sp.factorial: lambda a: sp.loggamma(a + 1),
    sp.gamma: lambda a: sp.loggamma(a),
}


def _stable_log(expr):
    """Expand the log and replace log(Γ(·)), log(k!), log(C(a, b)) by loggamma (no overflow)."""

    def fix(e):
        if isinstance(e, sp.log):
            (a,) = e.args
            if isinstance(a, sp.binomial):
                n, k = a.args
                return sp.loggamma(n + 1) - sp.loggamma(k + 1) - sp.loggamma(n - k + 1)
            for cls, rule in _LOG_SPECIAL.items():
                if isinstance(a, cls):
                    return rule(a.args[0])
        return e

    return sp.expand_log(sp.log(expr), force=True).replace(lambda e: isinstance(e, sp.log), fix)


def _derivatives(fam):
    logf = fam.expr if fam.kind == "logpdf" else _stable_log(fam.expr)
    score = [sp.diff(logf, p) for p in fam.params]
    hess = [[sp.diff(si, q) for q in fam.params] for si in score]
    dens = sp.exp(fam.expr) if fam.kind == "logpdf" else fam.expr
    return logf, dens, score, hess


def _vector_integrand(fam, vals, modes):
    """One lambdified g(data) -> [density, then per mode the upper-triangular entries].

    modes: a tuple of "ss" (entries of s s^T) and/or "negH" (entries of -H).
    """
    logf, dens, score, hess = _derivatives(fam)
    m = len(fam.params)
    pairs = [(i, j) for i in range(m) for j in range(i, m)]
    entries = []
    for mode in modes:
        if mode == "ss":
            entries += [score[i] * score[j] for i, j in pairs]
        else:
            entries += [-hess[i][j] for i, j in pairs]
    subs = {s: sp.Float(v) if not isinstance(v, int) else sp.Integer(v) for s, v in vals.items()}
    data = _data(fam)
    f = sp.lambdify(
        data,
        [dens.subs(subs), sp.exp(logf.subs(subs)), *(e.subs(subs) for e in entries)],
        modules=["scipy", "numpy"],
        cse=True,
    )
    n = len(entries)

    def g(*xs):
        out = np.zeros(n + 1)
        with np.errstate(all="ignore"):
            d, w, *ent = (float(v) for v in f(*xs))
        if not np.isfinite(w) or w < 1e-300:
            return out  # negligible mass (possibly overflowed intermediate terms)
        out[0] = d if np.isfinite(d) else w  # literal density; stable form on overflow
        out[1:] = w * np.asarray(ent)
        return out

    return g, pairs, m


def _segments(lo, hi, breaks):
    pts = sorted({b for b in breaks if lo < b < hi})
    edges = [lo, *pts, hi]
    return list(zip(edges[:-1], edges[1:]))


def _quad1(g, lo, hi, breaks, epsrel=1e-11):
    total = 0.0
    for a, b in _segments(lo, hi, breaks):
        res, _err = integrate.quad_vec(g, a, b, epsabs=1e-13, epsrel=epsrel, limit=2000)
        total = total + res
    return total


def _bounds(fam, sym, vals):
    s = _support_of(fam, sym)
    subs = {k: v for k, v in vals.items()}
    return float(s.inf.subs(subs)), float(s.sup.subs(subs))


def _discrete_points(fam, sym, vals):
    s = _support_of(fam, sym)
    if s == sp.S.Naturals0:
        return None  # infinite: handled by truncation
    s = s.subs(vals)
    return [int(v) for v in s]


def _expectation(fam, vals, modes=("ss",)):
    """Return (total mass, [E[s s^T] and/or -E[H] matrices, one per mode])."""
    g, pairs, m = _vector_integrand(fam, vals, modes)
    data = _data(fam)
    breaks = [float(v) for v in vals.values()] + [0.0]
    discrete = all(d.is_integer for d in data)
    if discrete:
        grids = [_discrete_points(fam, d, vals) for d in data]
        if any(gr is None for gr in grids):
            assert len(data) == 1
            total, x, block = 0.0, 0, 500
            while True:
                chunk = sum(g(xx) for xx in range(x, x + block))
                total = total + chunk
                x += block
                tail_term = g(x)
                if abs(tail_term[0]) < 1e-18 and np.all(np.abs(tail_term) < 1e-18):
                    break
                assert x < 20000, "sum did not converge"
        else:
            total = sum(g(*pt) for pt in itertools.product(*grids))
    elif len(data) == 1:
        lo, hi = _bounds(fam, data[0], vals)
        total = _quad1(g, lo, hi, breaks)
    else:
        # Bivariate (Gaussian) data: nested adaptive quadrature. Infinite bounds are cut at
        # ±L, L = 12·(1 + max|θ|), where the neglected mass is far below 1e-20.
        (x, y) = data
        L = 12.0 * (1.0 + max(abs(float(v)) for v in vals.values()))
        lx, hx = (max(b, -L) if i == 0 else min(b, L) for i, b in enumerate(_bounds(fam, x, vals)))
        ly, hy = (max(b, -L) if i == 0 else min(b, L) for i, b in enumerate(_bounds(fam, y, vals)))

        def inner(xv):
            return _quad1(lambda yv: g(xv, yv), ly, hy, breaks, epsrel=1e-10)

        total = _quad1(inner, lx, hx, breaks, epsrel=1e-10)
    mats = []
    for r in range(len(modes)):
        mat = np.zeros((m, m))
        for k, (i, j) in enumerate(pairs):
            mat[i, j] = mat[j, i] = total[1 + r * len(pairs) + k]
        mats.append(mat)
    return total[0], mats


@functools.lru_cache(maxsize=None)
def _numeric(name, k):
    """(mass, E[s s^T], -E[H]) at the k-th point, computed once per (family, point)."""
    fam = get(name)
    vals = _point(fam, k)
    mass, (ss, negH) = _expectation(fam, vals, ("ss", "negH"))
    return vals, mass, ss, negH


def _literature(fam, vals):
    f = sp.lambdify(list(vals), fam.fisher, modules=["scipy", "numpy"])
    return np.array(f(*vals.values()), dtype=float)


def _close(a, b, rtol=RTOL):
    scale = max(np.max(np.abs(a)), np.max(np.abs(b)), 1e-300)
    return np.allclose(a, b, rtol=rtol, atol=rtol * scale * 1e-2)


# ----------------------------------------------------------------------------- tests

CASES = [pytest.param(name, k, id=f"{name}-{k}") for name in FAMILIES for k in (0, 1)]


@pytest.mark.parametrize("name,k", CASES)
def test_literature_fisher_matches_numeric_E_ssT(name, k):
    fam = get(name)
    if name in DISTRIBUTIONAL_HESSIAN:  # -H contains DiracDelta: compute E[s s^T] only
        vals = _point(fam, k)
        mass, (num,) = _expectation(fam, vals, ("ss",))
    else:
        vals, mass, num, _ = _numeric(name, k)
    assert mass == pytest.approx(1.0, rel=1e-8, abs=1e-8), f"density does not normalize: {mass}"
    lit = _literature(fam, vals)
    assert lit.shape == (len(fam.params),) * 2
    assert np.allclose(lit, lit.T)
    assert _close(num, lit), f"at {vals}:\nnumeric E[ss^T] =\n{num}\nliterature =\n{lit}"


@pytest.mark.parametrize("name,k", CASES)
def test_information_equality_verdict(name, k):
    if name in DISTRIBUTIONAL_HESSIAN:
        pytest.skip("-E[H] equals E[ss^T] only with the distributional (DiracDelta) Hessian")
    fam = get(name)
    _, _, ss, negH = _numeric(name, k)
    if fam.equality == "refuted":
        assert not _close(ss, negH, rtol=1e-3), f"-E[H] unexpectedly equals E[ss^T]: {negH}"
    else:
        assert _close(ss, negH), f"-E[H] =\n{negH}\nE[ss^T] =\n{ss}"


def test_catalog_shape():
    assert len(FAMILIES) >= 32
    assert list(FAMILIES) == sorted(FAMILIES)
    for name, fam in FAMILIES.items():
        assert fam.name == name
        assert name == name.lower() and " " not in name and "_" not in name
        assert fam.fisher.shape == (len(fam.params),) * 2
        assert fam.equality in ("proved", "refuted")
        assert fam.source and fam.notes and fam.title
        assert set(fam.fisher.free_symbols) <= set(fam.params) | set(fam.given) | set(
            _constants(fam)
        )
        for p in fam.params:
            assert p.is_real, f"{name}: parameter {p} lacks a real/positive assumption"
        for d in _data(fam):
            assert d.is_real, f"{name}: data symbol {d} lacks a real assumption"


def test_get_unknown_name_lists_close_matches():
    with pytest.raises(KeyError, match="gamma-rate"):
        get("gama-rate")
    assert get("Gamma_Rate") is FAMILIES["gamma-rate"]
