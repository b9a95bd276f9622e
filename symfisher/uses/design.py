"""Optimal experimental design: where to measure so that the information Σᵢ wᵢ I(θ; zᵢ) is largest.

An (approximate) design ξ = {(zᵢ, wᵢ)} puts the fraction wᵢ ≥ 0 (Σ wᵢ = 1) of the observations at the
covariate value zᵢ of the design region Z (a box). Its information per observation at θ is

    M(ξ) = Σᵢ wᵢ I(θ; zᵢ),

with I(θ; z) the closed-form Fisher information of a model with covariates (``given``), so the design is
*locally* optimal at θ. Three criteria (Pukelsheim 1993, *Optimal Design of Experiments*, ch. 6):

- ``"D"``: maximise log det M (the volume of the confidence ellipsoid);
- ``"A"``: minimise tr M⁻¹ (the average variance of the estimates);
- ``"E"``: maximise λ_min(M) (the worst-determined direction).

The general equivalence theorem (Kiefer & Wolfowitz 1960; Pukelsheim ch. 7) certifies a design: with the
*sensitivity* d(z) = tr(G I(θ; z)),

- D: G = M⁻¹, and ξ is D-optimal iff max_Z d(z) = p (the number of parameters);
- A: G = M⁻², and ξ is A-optimal iff max_Z d(z) = tr M⁻¹;
- E: G = E = Σⱼ αⱼ vⱼvⱼᵀ with vⱼ orthonormal eigenvectors of λ_min(M) and α in the simplex, and ξ is
  E-optimal iff max_Z d(z) = λ_min(M) for some such E (when λ_min is multiple, the best E is found by
  minimising max_Z tr(E I(θ; z)) over that simplex);

in each case d(zᵢ) equals the bound at the support points. Always max_Z d(z) ≥ bound, and the *gap*
max − bound bounds the loss: D-efficiency ≥ p / max d (Atwood 1969), A-efficiency ≥ 1 − gap / tr M⁻¹,
E-efficiency ≥ λ_min / (λ_min + gap).

:func:`optimal_design` compiles I(θ; z) once (one NumPy function of z, with its z-derivative), evaluates it
on a grid of candidates, finds the support with a multiplicative algorithm (wᵢ ← wᵢ (dᵢ / bound)^ρ) plus
vertex-exchange steps (Fedorov–Wynn: weight moves from the least to the most sensitive point), merges
neighbouring grid points, and polishes points and weights together with L-BFGS-B (analytic gradients),
adding the most sensitive point while the certificate shows a gap. :func:`evaluate_design` certifies any
given design; :func:`plot_design` draws d(z) with the support marked.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Literal, Mapping, Sequence

import numpy as np
import sympy as sp

from symfisher.core.note import written_set
from symfisher.core.points import domain_of, is_discrete_set
from symfisher.errors import ModelError, NotSupportedError, RegularityError
from symfisher.numeric.compiler import compile_function
from symfisher.uses._common import as_derivation, point_map, require_closed

__all__ = ["Certificate", "Design", "bounds_from_text", "evaluate_design", "optimal_design", "plot_design",
           "point_from_text"]

Criterion = Literal["D", "A", "E"]
CRITERIA = ("D", "A", "E")
OBJECTIVE = {"D": "log det M", "A": "tr M⁻¹", "E": "λ_min(M)"}
SENSITIVITY = {"D": "tr(M⁻¹ I(θ; z))", "A": "tr(M⁻² I(θ; z))", "E": "tr(E I(θ; z))"}
BOUND = {"D": "p", "A": "tr M⁻¹", "E": "λ_min(M)"}
_COND_MAX = 1e12      # M with a larger condition number counts as singular
_GRID_POINTS = 20000  # candidates on the grid beyond three covariates (401, 51², 17³ for one to three)
_MERGE = 1e-3         # support points closer than this (in units of the region's side) merge
_DROP = 1e-4          # support points with a smaller weight are dropped after polishing
_EIG_TIE = 1e-5       # E: eigenvalues within this fraction of λ_max count as λ_min (its multiplicity)


# ---------------------------------------------------------------------------------------------- results
@dataclass(frozen=True)
class Certificate:
    """The equivalence-theorem check of a design: max over the region of d(z) against its bound.

    Attributes:
        criterion: "D", "A" or "E".
        maximum: max_Z d(z), d(z) = tr(G I(θ; z)) (G = M⁻¹, M⁻² or the eigenprojection E).
        bound: What the maximum equals at the optimum: p, tr M⁻¹ or λ_min(M).
        gap: maximum − bound (≥ 0 up to rounding; 0 exactly at an optimal design).
        argmax: The covariate values where d(z) is largest.
        efficiency_bound: A lower bound on the design's efficiency from the gap (1 at the optimum).
        multiplicity: E: the multiplicity of λ_min(M) (the dimension of the eigenspace searched); else 1.
    """

    criterion: str
    maximum: float
    bound: float
    gap: float
    argmax: tuple[float, ...]
    efficiency_bound: float
    multiplicity: int = 1

    def optimal(self, tol: float = 1e-6) -> bool:
        """Whether the gap is within ``tol`` relative to the bound."""
        return self.gap <= tol * max(1.0, abs(self.bound))

    def __repr__(self) -> str:
        return (f"Certificate({self.criterion}: max_z {SENSITIVITY[self.criterion]} = {self.maximum:.10g} vs "
                f"{BOUND[self.criterion]} = {self.bound:.10g}, gap {self.gap:.3g}; efficiency ≥ "
                f"{self.efficiency_bound:.6g})")


@dataclass(frozen=True, eq=False)
class Design:
    """A design ξ = {(zᵢ, wᵢ)} with its information, criterion value and certificate.

    Attributes:
        model_name: The model's name.
        criterion: "D", "A" or "E".
        covariates: The designed covariates z (columns of ``points``).
        params: The parameters θ.
        at: The values of θ (and of fixed covariates and constants) the design is computed at.
        bounds: The design region, (low, high) per covariate.
        points: Support points, shape (m, number of covariates), sorted.
        weights: Weights wᵢ (sum 1), shape (m,).
        value: The criterion: log det M (D), tr M⁻¹ (A) or λ_min(M) (E).
        information: M = Σᵢ wᵢ I(θ; zᵢ), p×p.
        certificate: The equivalence-theorem check (:class:`Certificate`).
        optimized: True from :func:`optimal_design`, False for a design given to :func:`evaluate_design`.
    """

    model_name: str
    criterion: str
    covariates: tuple[sp.Symbol, ...]
    params: tuple[sp.Symbol, ...]
    at: Mapping[sp.Symbol, float]
    bounds: tuple[tuple[float, float], ...]
    points: np.ndarray
    weights: np.ndarray
    value: float
    information: np.ndarray
    certificate: Certificate
    optimized: bool = True
    _problem: Any = field(default=None, repr=False)

    @property
    def title(self) -> str:
        """"D-optimal design" (from :func:`optimal_design`) or "design (D criterion)" (a given design)."""
        return f"{self.criterion}-optimal design" if self.optimized else f"design ({self.criterion} criterion)"

    @property
    def objective(self) -> str:
        """What ``value`` is: "log det M", "tr M⁻¹" or "λ_min(M)"."""
        return OBJECTIVE[self.criterion]

    def sensitivity(self, *z: Any) -> np.ndarray:
        """d(z) = tr(G I(θ; z)) of this design, one array argument per covariate (broadcast like NumPy).

        G is M⁻¹ (D), M⁻² (A) or the eigenprojection E of the certificate (E).
        """
        if len(z) != len(self.covariates):
            raise ModelError(f"model {self.model_name}: sensitivity takes {len(self.covariates)} covariate value(s) "
                             f"({', '.join(map(str, self.covariates))}), got {len(z)}")
        arrays = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in z))
        shape = arrays[0].shape
        flat = np.stack([a.ravel() for a in arrays], axis=-1)
        return self._problem.sensitivity(flat, self._problem.gradient_matrix(self)).reshape(shape)

    def efficiency(self, other: Design) -> float:
        """Efficiency of this design relative to ``other`` (same model, θ and criterion).

        D: (det M / det M_other)^{1/p}; A: tr M_other⁻¹ / tr M⁻¹; E: λ_min(M) / λ_min(M_other).
        """
        if other.criterion != self.criterion or other.params != self.params:
            raise ModelError("efficiency compares two designs of the same model and criterion")
        if self.criterion == "D":
            return float(math.exp((self.value - other.value) / len(self.params)))
        if self.criterion == "A":
            return float(other.value / self.value)
        return float(self.value / other.value)

    def as_dict(self) -> dict[str, Any]:
        """{"points": [[...], ...], "weights": [...], "value": ..., "gap": ...} with plain floats."""
        return {"points": self.points.tolist(), "weights": self.weights.tolist(), "value": float(self.value),
                "gap": float(self.certificate.gap)}

    def _support_lines(self) -> list[str]:
        names = [str(c) for c in self.covariates]
        return [f"  {', '.join(f'{n} = {v: .8g}' for n, v in zip(names, pt))}    w = {w:.6g}"
                for pt, w in zip(self.points, self.weights)]

    def __repr__(self) -> str:
        names = ", ".join(map(str, self.covariates))
        def at(pt: np.ndarray) -> str:
            return f"{pt[0]:.6g}" if len(pt) == 1 else f"({', '.join(f'{v:.6g}' for v in pt)})"

        support = ", ".join(f"{at(pt)} (w {w:.4g})" for pt, w in zip(self.points, self.weights))
        return (f"Design({self.title} for {self.model_name} over {names}: {support}; "
                f"{self.objective} = {self.value:.8g}; gap {self.certificate.gap:.2g})")

    def __str__(self) -> str:
        c = self.certificate
        theta = ", ".join(f"{s} = {v:g}" for s, v in self.at.items())
        region = " × ".join(f"[{lo:g}, {hi:g}]" for lo, hi in self.bounds)
        return "\n".join([
            f"{self.title} for {self.model_name} at {theta}",
            f"region: ({', '.join(map(str, self.covariates))}) ∈ {region}",
            f"support ({len(self.weights)} point{'s' if len(self.weights) != 1 else ''}):",
            *self._support_lines(),
            f"{self.objective} = {self.value:.10g}",
            f"certificate: max_z {SENSITIVITY[self.criterion]} = {c.maximum:.10g} at "
            f"({', '.join(f'{v:.6g}' for v in c.argmax)}) vs {BOUND[self.criterion]} = {c.bound:.10g}; "
            f"gap {c.gap:.3g}; efficiency ≥ {c.efficiency_bound:.8g}",
        ])

    def _repr_latex_(self) -> str:
        cols = " & ".join(sp.latex(c) for c in self.covariates)
        rows = r" \\ ".join(" & ".join(f"{v:.6g}" for v in pt) + f" & {w:.6g}"
                            for pt, w in zip(self.points, self.weights))
        obj = {"D": r"\log\det M", "A": r"\operatorname{tr} M^{-1}", "E": r"\lambda_{\min}(M)"}[self.criterion]
        return (f"$\\text{{{self.title}}}: \\begin{{array}}{{{'c' * len(self.covariates)}|c}} {cols} & w "
                f"\\\\ \\hline {rows} \\end{{array}} \\quad {obj} = {self.value:.8g},\\ "
                f"\\text{{gap}} = {self.certificate.gap:.2g}$")


# ---------------------------------------------------------------------------------------------- the problem
def _name_of(key: Any) -> str:
    return key.name if isinstance(key, sp.Symbol) else str(key)


def _real(value: Any, what: str, model: str) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ModelError(f"model {model}: {what} must be a real number, got {value!r:.60}") from None
    if not math.isfinite(v):
        raise ModelError(f"model {model}: {what} must be finite, got {v!r}")
    return v


class _Problem:
    """I(θ; z) as compiled NumPy functions of the designed covariates, with θ and the rest fixed."""

    def __init__(self, derivation: Any, covariate_bounds: Mapping, at: Mapping | Sequence, criterion: str) -> None:
        d = as_derivation(derivation)
        model = d.model
        self.name = model.name
        if criterion not in CRITERIA:
            raise ModelError(f"unknown criterion {criterion!r}; choose one of 'D', 'A', 'E'")
        self.criterion = criterion
        if not model.given:
            raise ModelError(f"model {self.name} has no covariates (given=...), so there is nothing to design")
        if not isinstance(covariate_bounds, Mapping) or not covariate_bounds:
            raise ModelError(f"model {self.name}: covariate_bounds must map covariates to (low, high), e.g. "
                             f"{{{model.given[0].name!r}: (-1, 1)}}")
        given = {g.name: g for g in model.given}
        covs, bounds = [], []
        for key, lohi in covariate_bounds.items():
            name = _name_of(key)
            if name not in given:
                raise ModelError(f"model {self.name}: unknown covariate {name!r}; covariates: "
                                 f"{', '.join(given)}")
            z = given[name]
            if z in covs:
                raise ModelError(f"model {self.name}: covariate {name} given twice in covariate_bounds")
            try:
                lo, hi = lohi
            except (TypeError, ValueError):
                raise ModelError(f"model {self.name}: bounds of covariate {name} must be a pair (low, high), "
                                 f"got {lohi!r:.60}") from None
            lo, hi = _real(lo, f"the low bound of covariate {name}", self.name), \
                _real(hi, f"the high bound of covariate {name}", self.name)
            if not lo < hi:
                raise ModelError(f"model {self.name}: design region of covariate {name} is empty: low {lo:g} is not "
                                 f"below high {hi:g}")
            dom = model.domain_map.get(z, domain_of(z))
            region = sp.Interval(sp.Float(lo), sp.Float(hi))
            inside = dom.is_superset(region) if not is_discrete_set(dom) else \
                all(dom.contains(sp.Integer(v)) == sp.true for v in range(math.ceil(lo), math.floor(hi) + 1))
            if inside is not True:
                raise ModelError(f"model {self.name}: design region [{lo:g}, {hi:g}] of covariate {name} is outside "
                                 f"its domain {written_set(dom)}")
            if is_discrete_set(dom) and math.ceil(lo) > math.floor(hi):
                raise ModelError(f"model {self.name}: design region [{lo:g}, {hi:g}] of integer covariate {name} "
                                 "holds no integer")
            covs.append(z)
            bounds.append((lo, hi))
        order = {g: i for i, g in enumerate(model.given)}
        idx = sorted(range(len(covs)), key=lambda i: order[covs[i]])
        self.covariates = tuple(covs[i] for i in idx)
        self.bounds = tuple(bounds[i] for i in idx)
        self.discrete = np.array([is_discrete_set(model.domain_map.get(z, domain_of(z))) for z in self.covariates])
        self.params = tuple(model.params)
        self.p = len(self.params)
        values = point_map(self.params, at, f"model {self.name}")
        extra = {}
        if isinstance(at, Mapping):
            by_name = {_name_of(k): v for k, v in at.items()}
            others = [s for s in (*model.given, *model.constants) if s not in self.covariates]
            extra = {s: sp.sympify(by_name[s.name]) for s in others if s.name in by_name}
        point = {**values, **extra}
        dmap = model.domain_map
        for s, v in point.items():
            fv = _real(v, f"{'parameter' if s in self.params else 'value of'} {s}", self.name)
            dom = dmap.get(s)
            if dom is not None and dom.contains(sp.Float(fv)) == sp.false and dom.contains(v) == sp.false:
                raise ModelError(f"model {self.name}: parameter {s} = {fv:g} is outside its domain {written_set(dom)}")
        self.at = {s: float(v) for s, v in point.items()}
        fisher = self._closed_fisher(d)
        info = sp.Matrix(fisher).xreplace(point)
        free = sorted(map(str, info.free_symbols - set(self.covariates)))
        if free:
            raise ModelError(f"model {self.name}: no value for {free[0]} (give it in at=..., or bounds to design it)")
        q = len(self.covariates)
        blocks = [info] + [info.diff(z) for z in self.covariates]
        fn = compile_function(list(self.covariates), sp.Matrix.hstack(*blocks), name="design_information")
        p = self.p

        def evaluate(z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            """I(θ; z) (n, p, p) and ∂I/∂z_k (n, q, p, p) at the rows of z (n, q)."""
            with np.errstate(all="ignore"):
                out = np.asarray(fn(*z.T), dtype=float).reshape(len(z), p, q + 1, p).transpose(0, 2, 1, 3)
            out = (out + np.swapaxes(out, -1, -2)) / 2
            return out[:, 0], out[:, 1:]

        self.evaluate = evaluate

    def _closed_fisher(self, d: Any) -> sp.Matrix:
        """I(θ), with entries that did not close taken from −E[H] when the information equality may be used."""
        if d.infinite:
            raise RegularityError(f"model {self.name}: the Fisher information is infinite, so no design is optimal")
        fis = sp.Matrix(d.fisher)
        usable = d.equality.status != "refuted" and not d.model.support_depends_on_params
        for i in range(fis.rows):
            for j in range(fis.cols):
                if fis[i, j].has(sp.Integral, sp.Sum) and usable and not d.neg_expected_hessian[i, j].has(sp.Integral, sp.Sum):
                    fis[i, j] = d.neg_expected_hessian[i, j]
        require_closed(fis, self.name)
        return fis

    # ------------------------------------------------------------------ geometry
    def to_unit(self, z: np.ndarray) -> np.ndarray:
        lo, hi = np.array(self.bounds).T
        return (z - lo) / (hi - lo)

    def from_unit(self, u: np.ndarray) -> np.ndarray:
        lo, hi = np.array(self.bounds).T
        z = lo + u * (hi - lo)
        return np.where(self.discrete, np.round(z), z)

    def grid(self, total: int = _GRID_POINTS) -> np.ndarray:
        q = len(self.covariates)
        per = {1: 401, 2: 51, 3: 17}.get(q, max(5, int(total ** (1 / q))))
        axes = []
        for (lo, hi), disc in zip(self.bounds, self.discrete):
            if disc:
                ints = np.arange(math.ceil(lo), math.floor(hi) + 1, dtype=float)
                axes.append(ints if len(ints) <= per else np.unique(np.round(np.linspace(ints[0], ints[-1], per))))
            else:
                axes.append(np.linspace(lo, hi, per))
        mesh = np.meshgrid(*axes, indexing="ij")
        return np.stack([m.ravel() for m in mesh], axis=-1)

    # ------------------------------------------------------------------ criteria
    def criterion_and_gradient(self, M: np.ndarray, mu: float | None = None,
                               ridge: bool = False) -> tuple[float, np.ndarray | None]:
        """Φ(M) to maximise (log det M, −tr M⁻¹, λ_min or its smooth version) and G = ∂Φ/∂M (D: M⁻¹, A: M⁻²).

        ``ridge``: Φ(M + εI), ε = 10⁻⁹ tr M / p, finite with a true gradient also where M is singular (for the
        optimizer's line search; the final Newton steps and every reported number use M itself).
        """
        if not np.all(np.isfinite(M)):
            return -math.inf, None
        if ridge:
            M = M + max(1e-9 * np.trace(M) / len(M), 1e-300) * np.eye(len(M))
        lam, V = np.linalg.eigh(M)
        if lam[-1] <= 0 or (lam[0] <= lam[-1] / _COND_MAX and not (ridge and lam[0] > 0)):
            return -math.inf, None
        if self.criterion == "D":
            return float(np.sum(np.log(lam))), (V / lam) @ V.T
        if self.criterion == "A":
            return float(-np.sum(1 / lam)), (V / lam**2) @ V.T
        if mu is None:
            return float(lam[0]), np.outer(V[:, 0], V[:, 0])
        s = np.exp(-(lam - lam[0]) / mu)
        total = s.sum()
        return float(lam[0] - mu * math.log(total)), (V * (s / total)) @ V.T

    def sensitivity(self, z: np.ndarray, G: np.ndarray) -> np.ndarray:
        info, _ = self.evaluate(np.asarray(z, dtype=float).reshape(-1, len(self.covariates)))
        return np.einsum("ij,nji->n", G, info)

    def gradient_matrix(self, design: Design) -> np.ndarray:
        M = design.information
        if self.criterion == "D":
            return np.linalg.inv(M)
        if self.criterion == "A":
            inv = np.linalg.inv(M)
            return inv @ inv
        return self._e_matrix(M, design.points)[0]

    def value(self, M: np.ndarray) -> float:
        phi, _ = self.criterion_and_gradient(M)
        return -phi if self.criterion == "A" else phi

    # ------------------------------------------------------------------ E: the eigenprojection of the certificate
    def _e_matrix(self, M: np.ndarray, support: np.ndarray, cand: np.ndarray | None = None) -> tuple[np.ndarray, int]:
        """E = V A Vᵀ over the eigenspace of λ_min(M), A minimising max_z tr(A Vᵀ I(θ; z) V) (A ⪰ 0, tr A = 1)."""
        lam, vecs = np.linalg.eigh(M)
        tied = lam <= lam[0] + _EIG_TIE * max(abs(lam[-1]), 1e-300)
        V = vecs[:, tied]
        m = V.shape[1]
        if m == 1:
            return np.outer(V[:, 0], V[:, 0]), 1
        from scipy.optimize import minimize

        pts = np.vstack([self.grid(), support]) if cand is None else cand
        info, _ = self.evaluate(pts)
        ok = np.all(np.isfinite(info), axis=(1, 2))
        B = np.einsum("ia,nij,jb->nab", V, info[ok], V)
        tri = np.tril_indices(m)
        if m == 2:  # A = ½[[1 + x, y], [y, 1 − x]] with x² + y² ≤ 1: the constraints are linear in (x, y, t)
            def A_of(v: np.ndarray) -> np.ndarray:
                return 0.5 * np.array([[1 + v[0], v[1]], [v[1], 1 - v[0]]])

            start = np.zeros(2)
        else:  # A = L Lᵀ / tr(L Lᵀ)
            def A_of(v: np.ndarray) -> np.ndarray:
                L = np.zeros((m, m))
                L[tri] = v[:-1] if len(v) > len(tri[0]) else v
                A = L @ L.T
                return A / max(np.trace(A), 1e-300)

            start = np.eye(m)[tri] + 1e-3

        def values(v: np.ndarray, idx: np.ndarray) -> np.ndarray:
            return np.einsum("ab,nab->n", A_of(v), B[idx])

        # cutting planes: the support and the largest traces first, then the most violated candidates
        active = np.unique(np.concatenate([np.arange(len(B) - len(support), len(B)),
                                           np.argsort(-np.trace(B, axis1=1, axis2=2))[:20]]))
        v = start
        scale = max(float(np.abs(B).max()), 1e-300)
        for _ in range(30):
            cons = [{"type": "ineq", "fun": lambda w, idx=active: w[-1] - values(w[:-1], idx)}]
            if m == 2:
                cons.append({"type": "ineq", "fun": lambda w: 1 - w[0] ** 2 - w[1] ** 2})
            t0 = float(values(v, active).max())
            res = minimize(lambda w: w[-1], np.append(v, t0), method="SLSQP", constraints=cons,
                           jac=lambda w: np.eye(len(w))[-1], options={"maxiter": 300, "ftol": 1e-15})
            v = res.x[:-1]
            if m == 2 and np.hypot(*v) > 1:
                v = v / np.hypot(*v)
            allv = values(v, np.arange(len(B)))
            worst = np.argsort(-allv)[:10]
            new = np.setdiff1d(worst[allv[worst] > allv[active].max() + 1e-13 * scale], active)
            if not len(new):
                break
            active = np.union1d(active, new)
        return V @ A_of(v) @ V.T, m

    # ------------------------------------------------------------------ the information of a design
    def information(self, points: np.ndarray, weights: np.ndarray) -> np.ndarray:
        info, _ = self.evaluate(points)
        if not np.all(np.isfinite(info)):
            bad = points[~np.all(np.isfinite(info), axis=(1, 2))][0]
            raise RegularityError(f"model {self.name}: I(θ; z) is not finite at "
                                  f"{', '.join(f'{c} = {v:g}' for c, v in zip(self.covariates, bad))}")
        return np.einsum("n,nij->ij", weights, info)

    def certificate(self, points: np.ndarray, weights: np.ndarray, M: np.ndarray) -> Certificate:
        """max_Z d(z) against the bound, on the grid and refined by L-BFGS-B from the best grid points."""
        from scipy.optimize import minimize

        crit = self.criterion
        mult = 1
        if crit == "E":
            G, mult = self._e_matrix(M, points)
            bound = float(np.linalg.eigvalsh(M)[0])
        else:
            phi, G = self.criterion_and_gradient(M)
            bound = float(self.p) if crit == "D" else -phi
        cand = np.vstack([self.grid(), points])
        info, _ = self.evaluate(cand)
        ok = np.all(np.isfinite(info), axis=(1, 2))
        cand, d = cand[ok], np.einsum("ij,nji->n", G, info[ok])
        best_z, best = cand[np.argmax(d)], float(np.max(d))
        q = len(self.covariates)
        lo, hi = np.array(self.bounds).T
        cont = ~self.discrete
        if cont.any():
            for i in np.argsort(d)[::-1][:6]:
                z0 = cand[i]

                def f(u: np.ndarray, z0: np.ndarray = z0) -> tuple[float, np.ndarray]:
                    z = z0.copy()
                    z[cont] = u
                    I, dI = self.evaluate(z[None, :])
                    val = float(np.einsum("ij,ji->", G, I[0]))
                    grad = np.einsum("ij,kji->k", G, dI[0])[cont]
                    if not (math.isfinite(val) and np.all(np.isfinite(grad))):
                        return math.inf, np.zeros(int(cont.sum()))
                    return -val, -grad

                res = minimize(f, z0[cont], jac=True, method="L-BFGS-B", bounds=list(zip(lo[cont], hi[cont])),
                               options={"ftol": 1e-15, "gtol": 1e-12})
                if math.isfinite(res.fun) and -res.fun > best:
                    best_z = z0.copy()
                    best_z[cont] = res.x
                    best = float(-res.fun)
        gap = best - bound
        if crit == "D":
            eff = min(1.0, self.p / best)
        elif crit == "A":
            eff = min(1.0, max(0.0, 1 - gap / bound))
        else:
            eff = min(1.0, bound / (bound + max(gap, 0.0)))
        return Certificate(crit, best, bound, float(gap), tuple(float(v) for v in best_z[:q]), float(eff), mult)

    def design(self, points: np.ndarray, weights: np.ndarray, optimized: bool = True) -> Design:
        span = np.array([hi - lo for lo, hi in self.bounds])
        points = np.where(np.abs(points) < 1e-10 * span, 0.0, points)  # rounding noise at z = 0
        order = np.lexsort(points.T[::-1])
        points, weights = points[order], weights[order]
        M = self.information(points, weights)
        if self.criterion_and_gradient(M)[1] is None:
            raise RegularityError(self._singular(points))
        cert = self.certificate(points, weights, M)
        points.flags.writeable = weights.flags.writeable = M.flags.writeable = False
        return Design(self.name, self.criterion, self.covariates, self.params, self.at, self.bounds, points, weights,
                      self.value(M), M, cert, optimized, self)

    def _singular(self, points: np.ndarray) -> str:
        theta = ", ".join(f"{p} = {self.at[p]:g}" for p in self.params)
        return (f"model {self.name}: the information M = Σ wᵢ I(θ; zᵢ) of the design with {len(points)} support "
                f"point(s) is singular at {theta} ({self.p} parameters)")

    # ------------------------------------------------------------------ search
    def grid_weights(self, cand: np.ndarray, info: np.ndarray, iterations: int = 400) -> np.ndarray:
        """Weights on the candidates: multiplicative updates with vertex-exchange steps."""
        n = len(cand)
        w = np.full(n, 1.0 / n)
        rho = {"D": 1.0, "A": 0.5, "E": 0.5}[self.criterion]
        for it in range(iterations):
            M = np.einsum("n,nij->ij", w, info)
            mu = None
            if self.criterion == "E":
                lam = np.linalg.eigvalsh(M)
                mu = max(0.02 * (lam[-1] - lam[0]), 1e-3 * abs(lam[-1]), 1e-300)
            phi, G = self.criterion_and_gradient(M, mu)
            if G is None:
                raise RegularityError(f"model {self.name}: the information is singular at "
                                      f"{', '.join(f'{p} = {self.at[p]:g}' for p in self.params)} for every design "
                                      "on the region (the parameters are not identifiable there)")
            d = np.maximum(np.einsum("ij,nji->n", G, info), 0.0)
            bound = float(w @ d)
            if d.max() <= bound * (1 + 1e-4):
                break
            w = w * (d / bound) ** rho
            w /= w.sum()
            if it % 5 == 4:  # vertex exchange: weight from the least to the most sensitive support point
                w = self._exchange(w, d, info)
        return w

    def _exchange(self, w: np.ndarray, d: np.ndarray, info: np.ndarray) -> np.ndarray:
        from scipy.optimize import minimize_scalar

        supp = np.flatnonzero(w > 1e-12)
        lo, hi = supp[np.argmin(d[supp])], int(np.argmax(d))
        if lo == hi:
            return w
        M0 = np.einsum("n,nij->ij", w, info)
        delta = info[hi] - info[lo]

        def neg(a: float) -> float:
            phi, _ = self.criterion_and_gradient(M0 + a * delta, None if self.criterion != "E" else 1e-3 * abs(M0).max())
            return -phi if math.isfinite(phi) else 1e300

        res = minimize_scalar(neg, bounds=(0.0, float(w[lo])), method="bounded", options={"xatol": 1e-10})
        w = w.copy()
        w[lo] -= res.x
        w[hi] += res.x
        return w

    def clusters(self, cand: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Start points from the grid weights: each local maximum of w (over grid neighbours) with the mass near it.

        Every candidate carrying weight goes to its nearest peak; a peak's start point is the weighted mean of
        the candidates within a few grid steps of it, its weight all the mass assigned to it.
        """
        from scipy.spatial import cKDTree

        keep = np.flatnonzero(w > 1e-4 * w.max())
        u = self.to_unit(cand[keep])
        ww = w[keep]
        steps = [np.diff(np.unique(u[:, k])) for k in range(u.shape[1])]
        step = max((float(s.min()) for s in steps if len(s)), default=1.0)
        tree = cKDTree(u)
        neighbours = tree.query_ball_point(u, r=1.01 * step, p=np.inf)
        peaks = [i for i, nb in enumerate(neighbours) if ww[i] >= 1e-2 * ww.max() and all(ww[i] >= ww[j] for j in nb)]
        peak_u = u[peaks]
        near = cKDTree(peak_u).query(u, p=np.inf)[1]
        pts, wts = [], []
        for k, i in enumerate(peaks):
            members = np.flatnonzero(near == k)
            close = members[np.max(np.abs(u[members] - u[i]), axis=1) <= 3.01 * step]
            pts.append(self.from_unit((ww[close] @ u[close]) / ww[close].sum()))
            wts.append(ww[members].sum())
        return np.array(pts), np.array(wts) / np.sum(wts)

    def polish(self, points: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Points and weights together by L-BFGS-B: points in the unit box, weights as a softmax."""
        from scipy.optimize import minimize

        m, q = points.shape
        cont = ~self.discrete
        u0 = self.to_unit(points)
        u0 = np.where(u0 < 2e-3, 0.0, np.where(u0 > 1 - 2e-3, 1.0, u0))  # a start next to the boundary: on it
        a0 = np.log(np.maximum(weights, 1e-12))
        a0 -= a0.max()
        span = np.array([hi - lo for lo, hi in self.bounds])
        bounds = [(0.0, 1.0) if c else (float(v), float(v)) for v, c in zip(u0.ravel(), np.tile(cont, m))]
        bounds += [(-50.0, 50.0)] * m

        def unpack(v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            u = v[:m * q].reshape(m, q)
            a = v[m * q:]
            e = np.exp(a - a.max())
            return np.array(self.bounds)[:, 0] + u * span, e / e.sum()

        def run(v0: np.ndarray, mu: float | None) -> np.ndarray:
            def f(v: np.ndarray) -> tuple[float, np.ndarray]:
                z, w = unpack(v)
                info, dinfo = self.evaluate(z)
                M = np.einsum("n,nij->ij", w, info)
                phi, G = self.criterion_and_gradient(M, mu, ridge=True)
                if G is None or not np.all(np.isfinite(dinfo)):
                    return 1e100, np.zeros_like(v)
                g_w = np.einsum("ij,nji->n", G, info)
                g_z = w[:, None] * np.einsum("ij,nkji->nk", G, dinfo) * span
                g_a = w * (g_w - w @ g_w)
                return -phi, -np.concatenate([np.where(cont, g_z, 0.0).ravel(), g_a])

            res = minimize(f, v0, jac=True, method="L-BFGS-B", bounds=bounds,
                           options={"maxiter": 2000 if self.criterion != "E" else 300, "ftol": 1e-16, "gtol": 1e-13})
            return res.x

        v = np.concatenate([u0.ravel(), a0])

        def restarts(v: np.ndarray, mu: float | None) -> np.ndarray:  # L-BFGS-B can stop early at a bound
            last = math.inf
            for _ in range(4):
                v = run(v, mu)
                z, w = unpack(v)
                val = -self.criterion_and_gradient(np.einsum("n,nij->ij", w, self.evaluate(z)[0]), mu, ridge=True)[0]
                if not val < last - 1e-15 * max(1.0, abs(val)):
                    break
                last = val
            return v

        if self.criterion == "E":
            # λ_min smoothed, −μ log Σ e^{−λ_k/μ} (within μ log p of λ_min), μ shrinking relative to λ_max; where
            # λ_min ends simple the criterion is smooth and the exact one is polished, else the last stage stands
            lam = np.linalg.eigvalsh(self.information(points, weights))
            scale = max(abs(lam[-1]), 1e-300)
            for mu in (1e-2, 1e-4, 1e-6, 1e-8):
                v = run(v, mu * scale)
            z, w = unpack(v)
            lam = np.linalg.eigvalsh(self.information(z, w))
            if lam[1] - lam[0] > 1e-3 * abs(lam[-1]):
                z, w = self.newton(*unpack(restarts(v, None)))
        else:
            z, w = self.newton(*unpack(restarts(v, None)))
        return self.from_unit(self.to_unit(z)), w

    def newton(self, points: np.ndarray, weights: np.ndarray, steps: int = 4) -> tuple[np.ndarray, np.ndarray]:
        """Newton steps on the stationarity conditions (D, A; E with a simple λ_min): ∂Φ/∂zᵢ = 0 inside, dᵢ equal.

        The gradient is analytic, its Jacobian central differences of it; a step is taken only when it keeps
        the weights positive, the points inside and Φ from decreasing. Takes L-BFGS-B's 1e-8 to about 1e-12.
        """
        m, q = points.shape
        if m < 2:
            return points, weights
        lo, hi = np.array(self.bounds).T
        span = hi - lo
        u = self.to_unit(points)
        free = (~self.discrete)[None, :] & (u > 1e-9) & (u < 1 - 1e-9)
        nf = int(free.sum())

        def split(v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            uu = u.copy()
            uu[free] = v[:nf]
            w = np.append(v[nf:], 1 - v[nf:].sum())
            return lo + uu * span, w

        def grad(v: np.ndarray) -> tuple[float, np.ndarray | None]:
            zz, w = split(v)
            info, dinfo = self.evaluate(zz)
            phi, G = self.criterion_and_gradient(np.einsum("n,nij->ij", w, info))
            if G is None or np.any(w <= 0):
                return -math.inf, None
            g_w = np.einsum("ij,nji->n", G, info)
            g_z = w[:, None] * np.einsum("ij,nkji->nk", G, dinfo) * span
            return phi, np.concatenate([g_z[free], g_w[:-1] - g_w[-1]])

        v = np.concatenate([u[free], weights[:-1]])
        phi, g = grad(v)
        h = 1e-6
        for _ in range(steps):
            if g is None:
                break
            n = len(v)
            H = np.empty((n, n))
            for i in range(n):
                e = np.zeros(n)
                e[i] = h
                gp, gm = grad(v + e)[1], grad(v - e)[1]
                if gp is None or gm is None:
                    return split(v)
                H[:, i] = (gp - gm) / (2 * h)
            H = (H + H.T) / 2
            try:
                step = -np.linalg.solve(H, g)
            except np.linalg.LinAlgError:
                break
            if not np.all(np.isfinite(step)) or np.max(np.abs(step)) > 1e-3:
                break
            new = v + step
            if np.any(new[:nf] < 0) or np.any(new[:nf] > 1):
                break
            phi_new, g_new = grad(new)
            if g_new is None or phi_new < phi - 1e-14 * max(1.0, abs(phi)):
                break
            v, phi, g = new, phi_new, g_new
            if np.max(np.abs(step)) < 1e-13:
                break
        return split(v)

    def merge(self, points: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Merge support points closer than _MERGE (relative to the region) and drop weights below _DROP."""
        keep = weights >= _DROP * weights.max()
        points, weights = points[keep], weights[keep]
        u = self.to_unit(points)
        order = np.argsort(-weights)
        out_u: list[np.ndarray] = []
        out_w: list[float] = []
        for i in order:
            for k, uk in enumerate(out_u):
                if np.max(np.abs(uk - u[i])) < _MERGE:
                    tw = out_w[k] + weights[i]
                    out_u[k] = (uk * out_w[k] + u[i] * weights[i]) / tw
                    out_w[k] = tw
                    break
            else:
                out_u.append(u[i].copy())
                out_w.append(float(weights[i]))
        w = np.array(out_w)
        return self.from_unit(np.array(out_u)), w / w.sum()


# ---------------------------------------------------------------------------------------------- public
def optimal_design(derivation: Any, covariate_bounds: Mapping[sp.Symbol | str, tuple[float, float]],
                   at: Mapping | Sequence, criterion: Criterion = "D", n_support: int | None = None) -> Design:
    """The locally optimal approximate design on a box of covariate values, with its certificate.

    Maximises log det M (D), −tr M⁻¹ (A) or λ_min(M) (E) over designs ξ = {(zᵢ, wᵢ)}, M = Σᵢ wᵢ I(θ; zᵢ),
    and checks the result with the general equivalence theorem (see the module docstring).

    Args:
        derivation: A Derivation (or a Model, derived here) whose model has covariates (``given``).
        covariate_bounds: Covariate (Symbol or name) → (low, high), the design region; covariates not in it
            are fixed at their value in ``at``. An integer covariate takes integer values only.
        at: The parameter point θ (mapping, or values in parameter order); a mapping may also give fixed
            covariates and free constants of the model (e.g. a known σ).
        criterion: "D", "A" or "E".
        n_support: At most this many support points (default: as many as the optimum needs). With fewer
            points than the optimum needs, the best such design is returned and its certificate shows the gap.

    Returns:
        A :class:`Design`: points, weights, criterion ``value``, information ``M`` and ``certificate``.

    Raises:
        ModelError: No covariates, an unknown covariate or criterion, a region outside the covariate's domain,
            or a parameter value missing or outside its domain.
        RegularityError: The information is singular at θ (e.g. fewer support points than the parameters
            need), or infinite.
        NotSupportedError: I(θ; z) has no closed form.

    Straight-line regression on [−1, 1] (y ~ N(b z, 1), one parameter): all weight at an end point.

    >>> import sympy as sp
    >>> from symfisher import Model, derive
    >>> y, z, b = sp.Symbol("y", real=True), sp.Symbol("z", real=True), sp.Symbol("b", real=True)
    >>> d = derive(Model.from_logpdf(-(y - b * z)**2 / 2 - sp.log(2 * sp.pi) / 2, y, [b], sp.S.Reals, given=[z]))
    >>> r = optimal_design(d, {z: (0, 1)}, {b: 1})
    >>> r.points.ravel().tolist(), r.weights.tolist(), round(r.certificate.gap, 9)
    ([1.0], [1.0], 0.0)
    """
    problem = _Problem(derivation, covariate_bounds, at, criterion)
    if n_support is not None and (isinstance(n_support, bool) or not isinstance(n_support, (int, np.integer))
                                  or n_support < 1):
        raise ModelError(f"n_support must be a positive integer, got {n_support!r}")
    cap = int(n_support) if n_support is not None else None
    cand = problem.grid()
    info, _ = problem.evaluate(cand)
    ok = np.all(np.isfinite(info), axis=(1, 2))
    if not ok.any():
        raise RegularityError(f"model {problem.name}: I(θ; z) is not finite anywhere on the design region")
    cand, info = cand[ok], info[ok]
    if cap is not None:
        rank = max(np.linalg.matrix_rank(i, tol=1e-10 * max(np.abs(i).max(), 1e-300)) for i in info[:: max(1, len(info) // 50)])
        if cap * rank < problem.p:
            raise RegularityError(f"model {problem.name}: n_support = {cap} point(s) give a singular information: "
                                  f"each I(θ; z) has rank {rank}, and {problem.p} parameters "
                                  f"({', '.join(map(str, problem.params))}) need at least {math.ceil(problem.p / rank)}")
    w = problem.grid_weights(cand, info)
    points, weights = problem.clusters(cand, w)
    if cap is not None and len(weights) > cap:
        top = np.argsort(-weights)[:cap]
        points, weights = points[top], weights[top] / weights[top].sum()
    best = None
    for _ in range(6):
        if problem.criterion_and_gradient(problem.information(points, weights))[1] is None:
            raise RegularityError(problem._singular(points))
        points, weights = problem.merge(*problem.polish(points, weights))
        design = problem.design(points, weights)
        if best is None or _better(design, best):
            best = design
        cert = design.certificate
        u_new = problem.to_unit(np.array(cert.argmax)[None, :])
        known = np.max(np.abs(problem.to_unit(design.points) - u_new), axis=1).min() < _MERGE
        if cert.optimal(1e-8) or (known and cert.optimal(1e-6)):
            break
        points, weights = design.points, design.weights
        if not known and (cap is None or len(weights) < cap):
            # Fedorov–Wynn: add the most sensitive point with a small weight and polish again
            points = np.vstack([points, np.array(cert.argmax)[None, :]])
            weights = np.append(weights * 0.9, 0.1)
        elif cap is not None and len(weights) >= cap and not known:
            break
    return best


def _better(a: Design, b: Design) -> bool:
    return a.value < b.value if a.criterion == "A" else a.value > b.value


def evaluate_design(derivation: Any, covariate_bounds: Mapping[sp.Symbol | str, tuple[float, float]],
                    at: Mapping | Sequence, points: Any, weights: Sequence[float] | None = None,
                    criterion: Criterion = "D") -> Design:
    """A given design ξ = {(zᵢ, wᵢ)} with its criterion value and equivalence-theorem certificate.

    Args:
        points: Support points: numbers (one covariate) or rows of covariate values, in the order of
            ``covariate_bounds``' covariates as they appear in the model's ``given``.
        weights: Weights (normalised to sum 1; default equal).
        derivation, covariate_bounds, at, criterion: As in :func:`optimal_design`.

    Raises:
        ModelError: Points outside the region, bad weights, or the errors of :func:`optimal_design`.
        RegularityError: M is singular.

    >>> import sympy as sp
    >>> from symfisher import Model, derive
    >>> y, z, b0, b1 = sp.Symbol("y", real=True), sp.Symbol("z", real=True), *sp.symbols("b0 b1", real=True)
    >>> d = derive(Model.from_logpdf(-(y - b0 - b1 * z)**2 / 2 - sp.log(2 * sp.pi) / 2, y, [b0, b1], sp.S.Reals, given=[z]))
    >>> c = evaluate_design(d, {z: (-1, 1)}, [0, 0], points=[-0.5, 0.5]).certificate
    >>> round(c.maximum, 6), c.bound, round(c.gap, 6)     # d(±1) = 1 + 1/0.25 = 5 > p = 2: not optimal
    (5.0, 2.0, 3.0)
    """
    problem = _Problem(derivation, covariate_bounds, at, criterion)
    q = len(problem.covariates)
    try:
        pts = np.asarray(points, dtype=float)
    except (TypeError, ValueError):
        raise ModelError(f"model {problem.name}: points must be numbers or rows of {q} numbers") from None
    pts = pts.reshape(-1, 1) if pts.ndim <= 1 and q == 1 else pts
    if pts.ndim != 2 or pts.shape[1] != q or len(pts) == 0:
        raise ModelError(f"model {problem.name}: points must be rows of {q} covariate value(s), got shape {pts.shape}")
    lo, hi = np.array(problem.bounds).T
    outside = np.any((pts < lo) | (pts > hi) | ~np.isfinite(pts), axis=1)
    if outside.any():
        raise ModelError(f"model {problem.name}: design point {pts[outside][0].tolist()} is outside the region "
                         f"{' × '.join(f'[{a:g}, {b:g}]' for a, b in problem.bounds)}")
    w = np.full(len(pts), 1.0 / len(pts)) if weights is None else np.asarray(weights, dtype=float).ravel()
    if w.shape != (len(pts),) or np.any(w < 0) or not np.all(np.isfinite(w)) or w.sum() <= 0:
        raise ModelError(f"model {problem.name}: weights must be {len(pts)} non-negative numbers with a positive sum")
    return problem.design(pts.copy(), w / w.sum(), optimized=False)


def plot_design(result: Design, out: str | Path | None = None, *, n: int = 400) -> dict[str, Any]:
    """Plot the sensitivity d(z) over the region with the support points marked (one or two covariates).

    One covariate: d(z) against z, the bound (p, tr M⁻¹ or λ_min) as a dashed line, the support points
    as markers sized by weight; two covariates: contours of d with the points.

    Returns:
        ``{"z": grid (one array per covariate), "sensitivity": d on the grid, "bound": ..., "points": ...,
        "weights": ..., "path": out}``.

    Raises:
        NotSupportedError: matplotlib missing, or more than two covariates.
    """
    from symfisher.uses.plot import _figure, _save

    if not isinstance(result, Design):
        raise ModelError(f"plot_design needs a Design from optimal_design or evaluate_design, got {type(result).__name__}")
    q = len(result.covariates)
    if q > 2:
        raise NotSupportedError(f"plot_design draws one or two covariates, not {q}")
    fig, ax = _figure()
    c = result.certificate
    names = [str(v) for v in result.covariates]
    if q == 1:
        lo, hi = result.bounds[0]
        z = np.linspace(lo, hi, n)
        d = result.sensitivity(z)
        ax.plot(z, d, color="C0", label=f"d(z) = {SENSITIVITY[result.criterion]}")
        ax.axhline(c.bound, color="C3", ls="--", lw=1, label=f"{BOUND[result.criterion]} = {c.bound:.4g}")
        dp = result.sensitivity(result.points[:, 0])
        ax.scatter(result.points[:, 0], dp, s=40 + 400 * result.weights, color="C1", zorder=3, clip_on=False,
                   label="support (size ∝ w)")
        for x, y, w in zip(result.points[:, 0], dp, result.weights):
            ax.annotate(f"{names[0]} = {x:.4g}\nw = {w:.3g}", (x, y), textcoords="offset points", xytext=(0, -28),
                        ha="center", fontsize=8)
        ax.set_xlabel(names[0])
        ax.set_ylabel("sensitivity d(z)")
        grid: Any = z
    else:
        (l0, h0), (l1, h1) = result.bounds
        m = max(40, int(math.sqrt(n * 40)))
        Z0, Z1 = np.meshgrid(np.linspace(l0, h0, m), np.linspace(l1, h1, m), indexing="ij")
        d = result.sensitivity(Z0, Z1)
        cs = ax.contourf(Z0, Z1, d, levels=20, cmap="viridis")
        fig.colorbar(cs, ax=ax, label="sensitivity d(z)")
        ax.scatter(result.points[:, 0], result.points[:, 1], s=40 + 400 * result.weights, color="C1",
                   edgecolor="k", zorder=3, clip_on=False, label="support (size ∝ w)")
        ax.set_xlabel(names[0])
        ax.set_ylabel(names[1])
        grid = (Z0, Z1)
    ax.set_title(f"{result.title} for {result.model_name}: max d = {c.maximum:.6g}, "
                 f"gap {c.gap:.2g}", fontsize=9)
    ax.legend(fontsize=8, loc="best")
    path = _save(fig, out)
    return {"z": grid, "sensitivity": d, "bound": c.bound, "points": result.points, "weights": result.weights,
            "path": path}


# ---------------------------------------------------------------------------------------------- text (the CLI)
_BOUND = re.compile(r"^\s*([A-Za-z_]\w*)\s*:\s*[(\[]\s*([^,]+?)\s*,\s*([^)\]]+?)\s*[)\]]\s*$")
_VALUE = re.compile(r"^\s*([A-Za-z_]\w*)\s*=\s*(\S+)\s*$")


def _number(text: str, what: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise ModelError(f"{what} must be a number, got {text!r:.40}") from None
    if not math.isfinite(v):
        raise ModelError(f"{what} must be finite, got {text!r:.40}")
    return v


def bounds_from_text(text: str) -> dict[str, tuple[float, float]]:
    """Covariate bounds from text: ``"z:(-3,3)"``, several separated by ``;`` (``"z1:(0,1); z2:[-1,1]"``).

    >>> bounds_from_text("z:(-3, 3); w:[0,1e2]")
    {'z': (-3.0, 3.0), 'w': (0.0, 100.0)}
    """
    out: dict[str, tuple[float, float]] = {}
    for item in (t for t in str(text).split(";") if t.strip()):
        m = _BOUND.match(item)
        if m is None:
            raise ModelError(f"bounds must look like \"z:(-3,3)\" (several separated by ';'), got {item.strip()!r:.60}")
        name, lo, hi = m.groups()
        out[name] = (_number(lo, f"the low bound of {name}"), _number(hi, f"the high bound of {name}"))
    if not out:
        raise ModelError("no bounds given; write them like \"z:(-3,3)\"")
    return out


def point_from_text(text: str) -> dict[str, float]:
    """A parameter point from text: ``"b0=0 b1=1"`` (separated by spaces, commas or ``;``).

    >>> point_from_text("beta0=0, beta1=1.5")
    {'beta0': 0.0, 'beta1': 1.5}
    """
    out: dict[str, float] = {}
    for item in (t for t in re.split(r"[\s,;]+", str(text).replace(" =", "=").replace("= ", "=")) if t):
        m = _VALUE.match(item)
        if m is None:
            raise ModelError(f"parameter values must look like \"b0=0 b1=1\", got {item!r:.60}")
        out[m.group(1)] = _number(m.group(2), f"the value of {m.group(1)}")
    if not out:
        raise ModelError("no parameter values given; write them like \"b0=0 b1=1\"")
    return out
