"""Gaussian structure: x ~ N(μ(θ), Σ(θ)), whose Fisher information is the Slepian–Bangs formula.

    I_ij = ∂_iμᵀ Σ⁻¹ ∂_jμ + ½ tr(Σ⁻¹ ∂_iΣ Σ⁻¹ ∂_jΣ)

(Slepian 1954; Bangs 1971; Kay, *Fundamentals of Statistical Signal Processing: Estimation Theory*,
1993, §3.9, eq. 3.31). Nothing is integrated: with r = x − μ, the moments E[r] = 0, E[rᵀBr] = tr(BΣ) and
E[rᵀBr · rᵀCr] = tr(BΣ) tr(CΣ) + 2 tr(BΣCΣ) (Isserlis) give both sides of the information equality from
the score and the Hessian of the Gaussian log-density written in the model's μ(θ), Σ(θ):

* E[s sᵀ]: the score s_i = ½ rᵀ Σ⁻¹∂_iΣ Σ⁻¹ r + ∂_iμᵀ Σ⁻¹ r − ½ tr(Σ⁻¹∂_iΣ), squared, by Isserlis;
* −E[H]: the Hessian H_ij = ∂_j s_i, by E[rᵀBr] = tr(BΣ).

Each side is built term by term from the same concrete matrices (the traces tr(A_i) tr(A_j) and
tr(Σ⁻¹∂_ijΣ) appear on one side and cancel there); the verdict then compares the two matrices.

Three forms, by what is known in closed form:

* ``"covariance"``: Σ(θ) explicit (``Model.gaussian``, ``sympy.stats.MultivariateNormal``) and small
  (k ≤ :data:`SYMBOLIC_MAX`): Σ⁻¹ = adj Σ / det Σ symbolically;
* ``"precision"``: read off a log-density written out, log p = −½ xᵀPx + bᵀx + c(θ): P is the
  precision, μ = P⁻¹b; for k > :data:`SYMBOLIC_MAX` only when P does not depend on θ and the mean
  is visible as centred forms x_a − μ_a (checked: Pμ = b), so no inverse is needed at all;
* ``"matrix"``: Σ too large to invert symbolically (a Gaussian-process kernel over n inputs, an
  AR(1) covariance of length n): the results keep Σ⁻¹ as a matrix expression (``MatrixSymbol`` s
  Σ, ∂Σ/∂θ_i) and the numeric functions evaluate them with Cholesky factorisations.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import numpy as np
import sympy as sp

from symfisher.core.note import SLEPIAN_BANGS, Note, eq, superscript
from symfisher.core.points import domain_of, draw
from symfisher.errors import ModelError

__all__ = ["SYMBOLIC_MAX", "GaussianLogDensity", "GaussianStructure", "gaussian_pieces", "find_gaussian",
           "gaussian_derivatives",
           "derive_gaussian", "numeric_covariance"]

#: Largest dimension whose covariance is inverted symbolically (adjugate / determinant).
SYMBOLIC_MAX = 6

#: Sampled parameter points at which a covariance must be positive definite.
PD_POINTS = 4

#: Residuals up to this many operations are cancelled in-process before the forked zero test.
CANCEL_MAX_OPS = 400


# ---------------------------------------------------------------------------------------------- log-density
class GaussianLogDensity(sp.Expr):
    """log N(x | μ, Σ), kept unevaluated: Σ is too large to invert symbolically.

    Args: the data as a ``Tuple``, the mean as an n×1 matrix and the covariance (an n×n matrix or a
    ``FunctionMatrix``). Prints as ``log N(x | mu, Sigma)``; the numeric functions evaluate it with a
    Cholesky factorisation.
    """

    is_commutative = True
    is_real = True

    def __new__(cls, data: sp.Tuple, mean: sp.Basic, cov: sp.Basic) -> GaussianLogDensity:
        return sp.Expr.__new__(cls, sp.Tuple(*data), mean, cov)

    @property
    def data(self) -> tuple[sp.Symbol, ...]:
        return tuple(self.args[0])

    @property
    def mean(self) -> sp.Basic:
        return self.args[1]

    @property
    def cov(self) -> sp.Basic:
        return self.args[2]

    def _label(self) -> str:
        xs = self.data
        x = f"({xs[0]}, …, {xs[-1]})" if len(xs) > 3 else f"({', '.join(map(str, xs))})"
        return f"log N({x} | mu, Sigma; n = {len(xs)})"

    def _sympystr(self, printer: Any) -> str:
        return self._label()

    def _pretty(self, printer: Any) -> Any:
        from sympy.printing.pretty.stringpict import prettyForm

        return prettyForm(self._label())

    def _latex(self, printer: Any) -> str:
        return r"\log \mathcal{N}\left(x \mid \mu(\theta), \Sigma(\theta)\right)"

    def _eval_derivative(self, s: sp.Symbol) -> None:
        return None  # the derivatives are the structure's matrix expressions (see derive_gaussian)

    def _eval_evalf(self, prec: int) -> None:
        return None


# ---------------------------------------------------------------------------------------------- the structure
@dataclass(frozen=True)
class GaussianStructure:
    """x ~ N(μ(θ), Σ(θ)) as recognised on a model.

    Attributes:
        data: The data symbols x (the coordinates, in order).
        params: θ.
        mean: μ(θ), an n×1 matrix.
        form: ``"covariance"``, ``"precision"`` or ``"matrix"`` (see the module docstring).
        cov: Σ(θ) (explicit matrix, or a ``FunctionMatrix`` in the matrix form); ``None`` in the
            precision form when Σ is not needed (P free of θ).
        precision: Σ⁻¹ in closed form (``None`` in the matrix form).
        conditions: Relations on θ where Σ is positive definite (leading principal minors that are not
            positive on the whole domain), empty when it is everywhere.
        source: Where the structure came from: ``"constructor"``, ``"sympy.stats"`` or ``"density"``.
        adjugate, determinant: adj Σ and det Σ when Σ⁻¹ = adj Σ / det Σ is kept uncancelled (many
            symbols): the formulas then work with the polynomial entries of adj Σ and divide by a power
            of det Σ once per entry, instead of carrying 1/det Σ inside every product.
    """

    data: tuple[sp.Symbol, ...]
    params: tuple[sp.Symbol, ...]
    mean: sp.ImmutableMatrix
    form: str
    cov: Any = None
    precision: sp.ImmutableMatrix | None = None
    conditions: tuple[sp.Basic, ...] = ()
    source: str = "constructor"
    names: dict = field(default_factory=dict, compare=False, repr=False)
    adjugate: sp.ImmutableMatrix | None = field(default=None, compare=False, repr=False)
    determinant: sp.Expr | None = field(default=None, compare=False, repr=False)

    @property
    def n(self) -> int:
        return len(self.data)

    @property
    def symbolic(self) -> bool:
        """Whether Σ⁻¹ is in closed form (not the matrix form)."""
        return self.form != "matrix"

    def describe(self) -> Note:
        """One line for the proof."""
        how = {"covariance": "Σ⁻¹ = adj Σ / det Σ in closed form",
               "precision": "precision P = Σ⁻¹ read off log p = −½ xᵀPx + bᵀx + c"
                            + (" (free of θ: no inverse needed)" if self.cov is None else ""),
               "matrix": "Σ⁻¹ kept as a matrix expression (evaluated numerically by Cholesky solves)"}[self.form]
        return Note.of(f"Gaussian data x ∈ ℝ{superscript(self.n)}: x ∼ N(μ(θ), Σ(θ)), {how}; Slepian–Bangs ",
                       SLEPIAN_BANGS, rule="Slepian–Bangs")


# ---------------------------------------------------------------------------------------------- numeric Σ(θ)
class _At(sp.Function):
    """values[index] for a numeric input vector indexed by a kernel's row/column symbol (numeric only)."""


def _numeric_body(body: sp.Expr) -> tuple[sp.Expr, dict]:
    """A kernel body with ``Array[i]`` and ``KroneckerDelta`` made vectorisable: (expression, namespace)."""
    ns: dict = {}
    rep: dict = {}
    names: dict = {}
    for node in sp.preorder_traversal(body):
        if isinstance(node, sp.Indexed) and isinstance(node.args[0], sp.NDimArray):
            array = node.args[0]
            if array not in names:
                names[array] = f"_input{len(names)}"
                ns[names[array]] = np.array([float(v) for v in array], dtype=float)
            rep[node] = sp.Function(names[array])(*node.indices)
    out = body.xreplace(rep)
    out = out.replace(sp.KroneckerDelta, lambda a, b: sp.Function("_delta")(a, b))
    namespace = {k: (lambda v: (lambda idx: v[idx]))(v) for k, v in ns.items()}
    namespace["_delta"] = lambda a, b: (np.asarray(a) == np.asarray(b)).astype(float)
    return out, namespace


def _hoist(bodies: Sequence[sp.Expr], index: set, theta: set) -> tuple[list[sp.Expr], dict]:
    """Kernel bodies with their largest θ-free, index-dependent subexpressions replaced by symbols."""
    table: dict = {}

    def walk(e: sp.Basic) -> sp.Basic:
        fs = e.free_symbols
        if fs & index and not fs & theta:  # a bare index symbol too: the numeric functions never see i, j
            if e not in table:
                table[e] = sp.Dummy(f"h{len(table)}")
            return table[e]
        if not e.args or not fs & theta:
            return e
        return e.func(*[walk(a) for a in e.args])

    return [walk(b) for b in bodies], table


def numeric_covariance(cov: Any, symbols: Sequence[sp.Symbol], exprs: Sequence[sp.Expr] | None = None,
                       lower: bool = False, block: int = 64) -> Callable[..., list[np.ndarray]]:
    """A function of ``symbols`` values (scalars) returning ``[Σ, *exprs]`` (each as a matrix) as n×n arrays.

    ``cov`` is an explicit matrix or a ``FunctionMatrix``; ``exprs`` are further kernel bodies in the
    same index symbols (e.g. ∂Σ/∂θ_i), evaluated together with common subexpressions shared.

    With ``lower=True`` only the lower triangles are evaluated (what LAPACK's ``potrf`` and ``sygst``
    read): Fortran-ordered arrays whose strict upper triangle is zero. A kernel is evaluated on
    blocks of ``block`` rows of the upper triangle of a C-ordered array, whose transpose is that
    Fortran-ordered lower triangle: about half the work of the full matrices. For a kernel the
    arrays are reused by the next call in the same thread (callers may overwrite them in place, and
    must not keep them across calls).
    """
    n = int(cov.shape[0])
    if isinstance(cov, sp.FunctionMatrix):
        i, j = cov.lamda.variables
        bodies, hoisted = _hoist([cov.lamda.expr, *(exprs or [])], {i, j}, set(symbols))
        ns: dict = {}
        prepared = []
        for b in [*bodies, *hoisted.keys()]:
            e, extra = _numeric_body(b)
            prepared.append(e)
            ns.update(extra)
        I = np.arange(n)[:, None]
        J = np.arange(n)[None, :]
        # θ-free parts of the entries (the inputs' squared distances, δ_ij) are computed once, here
        fixed = sp.lambdify((i, j), prepared[len(bodies):], modules=[ns, "numpy"], cse=True)(I, J) if hoisted else []
        fixed = [np.ascontiguousarray(np.broadcast_to(np.asarray(v, dtype=float), (n, n))) for v in fixed]
        fn = sp.lambdify((*hoisted.values(), *symbols), prepared[:len(bodies)], modules=[ns, "numpy"], cse=True)

        def evaluate(*values: float) -> list[np.ndarray]:
            return [np.broadcast_to(np.asarray(v, dtype=float), (n, n)) for v in fn(*fixed, *values)]

        # The lower triangles, with the work on n² entries cut to what the kernel needs: θ-only factors
        # (−1/2ℓ², v/ℓ³) become scalars computed once per call, so an entry costs one array operation per
        # array-valued node (one exp for the squared exponential, shared by Σ and ∂Σ through cse); a term
        # c(θ)·δ_ij is added to the diagonal instead of multiplying an n×n identity.
        arrays = set(hoisted.values())
        deltas = {d for e, d in hoisted.items() if isinstance(e, sp.KroneckerDelta) and set(e.args) == {i, j}}
        scalars: dict = {}

        def fold(e: sp.Expr) -> sp.Expr:
            if not e.free_symbols & arrays:
                return e if e.is_number else scalars.setdefault(e, sp.Dummy(f"s{len(scalars)}"))
            if not e.args:
                return e
            if isinstance(e, (sp.Add, sp.Mul)):
                inner = [fold(a) for a in e.args if a.free_symbols & arrays]
                outer = [a for a in e.args if not a.free_symbols & arrays]
                return e.func(*inner, *([fold(e.func(*outer))] if outer else []))
            return e.func(*[fold(a) for a in e.args])

        rests, diagonals = [], []
        for body in bodies:
            rest, diagonal = [], []
            for term in sp.Add.make_args(body):
                coeff = next((term / d for d in deltas if term.has(d)), None)
                if coeff is not None and not coeff.free_symbols & arrays:
                    diagonal.append(coeff)
                else:
                    rest.append(term)
            rests.append(fold(sp.Add(*rest)))
            diagonals.append(sp.Add(*diagonal))
        scalar_fn = sp.lambdify(tuple(symbols), [_numeric_body(e)[0] for e in [*scalars, *diagonals]],
                                modules=[ns, "numpy"], cse=True)
        block_fn = sp.lambdify((*hoisted.values(), *scalars.values()), [_numeric_body(e)[0] for e in rests],
                               modules=[ns, "numpy"], cse=True)
        work = threading.local()
        upper = np.triu(np.ones((block, block)))  # keeps i ≤ j of a diagonal block

        def evaluate_lower(*values: float) -> list[np.ndarray]:
            outs = getattr(work, "outs", None)  # reused: fresh n×n arrays cost more in page faults than the kernel
            if outs is None:
                outs = work.outs = [np.zeros((n, n)) for _ in bodies]  # C order, upper triangle i ≤ j filled
            found = [float(v) for v in scalar_fn(*map(np.float64, values))]  # NumPy's float rules, as on arrays
            coefficients, shifts = found[:len(scalars)], found[len(scalars):]
            for r0 in range(0, n, block):
                r1 = min(n, r0 + block)
                for out, v in zip(outs, block_fn(*[f[r0:r1, r0:] for f in fixed], *coefficients)):
                    out[r0:r1, r0:] = v
                    diag = out[r0:r1, r0:r1]
                    np.multiply(diag, upper[:r1 - r0, :r1 - r0], out=diag)
            for out, shift in zip(outs, shifts):
                if shift:
                    out.reshape(-1)[::n + 1] += shift
            return [o.T for o in outs]  # Fortran order, lower triangle filled, strict upper zero

        return evaluate_lower if lower else evaluate
    mats = [sp.ImmutableMatrix(cov), *(exprs or [])]
    fn = sp.lambdify(tuple(symbols), [sp.ImmutableMatrix(m).tolist() for m in mats], modules="numpy", cse=True)

    def evaluate_explicit(*values: float) -> list[np.ndarray]:
        out = [np.array(m, dtype=float).reshape(n, n) for m in fn(*values)]
        return [np.asfortranarray(np.tril(m)) for m in out] if lower else out

    return evaluate_explicit


# ---------------------------------------------------------------------------------------------- constructor
def _as_matrix(value: Any, what: str, name: str) -> Any:
    if isinstance(value, str):
        raise ModelError(f"model {name}: the {what} must be SymPy expressions, got the string {value[:40]!r}")
    if isinstance(value, (sp.FunctionMatrix, sp.MatrixBase)):
        return value if isinstance(value, sp.FunctionMatrix) else sp.ImmutableMatrix(value)
    try:
        m = sp.ImmutableMatrix(value)
    except (TypeError, ValueError, sp.SympifyError):
        raise ModelError(f"model {name}: the {what} must be a SymPy matrix or a list of SymPy expressions, "
                         f"got {type(value).__name__}") from None
    for e in m:
        if isinstance(e, str) or not isinstance(e, sp.Expr):
            raise ModelError(f"model {name}: the {what} must hold SymPy expressions, got {e!r:.40}")
    return m


def _point_text(point: dict) -> str:
    return ", ".join(f"{k} = {v}" for k, v in point.items())


def _check_symmetric(cov: Any, free: Sequence[sp.Symbol], domains: dict, name: str) -> None:
    """Σ = Σᵀ: symbolically for explicit matrices, at index pairs and a sampled θ for a kernel."""
    rng = random.Random(5)
    point = {s: draw(domains.get(s, domain_of(s)), rng, bool(s.is_integer)) for s in free}
    if isinstance(cov, sp.FunctionMatrix):
        i, j = cov.lamda.variables
        n = int(cov.shape[0])
        body = cov.lamda.expr.xreplace(point)
        pairs = sorted({(a % n, b % n) for a, b in ((0, 1), (1, 0), (n - 1, 0), (n // 2, n // 3), (2, n - 1))})
        for a, b in pairs:
            if a == b:
                continue
            ab, ba = body.xreplace({i: a, j: b}), body.xreplace({i: b, j: a})
            if abs(float(ab) - float(ba)) > 1e-9 * max(1.0, abs(float(ab))):
                raise ModelError(f"model {name}: the covariance is not symmetric: entry ({a + 1},{b + 1}) = {float(ab):.6g}"
                                 f" but entry ({b + 1},{a + 1}) = {float(ba):.6g} at {_point_text(point)}")
        return
    n = cov.rows
    for a in range(n):
        for b in range(a + 1, n):
            diff = cov[a, b] - cov[b, a]
            if diff == 0 or sp.expand(diff) == 0:
                continue
            try:
                value = complex(diff.xreplace(point).evalf(15))
            except TypeError:
                value = 1.0
            if diff.free_symbols - set(point) or abs(value) > 1e-12 or sp.simplify(diff) != 0:
                raise ModelError(f"model {name}: the covariance is not symmetric: entry ({a + 1},{b + 1}) is "
                                 f"{sp.sstr(cov[a, b])} but entry ({b + 1},{a + 1}) is {sp.sstr(cov[b, a])}"
                                 + (f" (they differ at {_point_text(point)})" if abs(value) > 1e-12 else ""))


def _leading_minors(cov: sp.ImmutableMatrix) -> list[sp.Expr]:
    return [sp.factor(cov[:m, :m].det(method="berkowitz")) for m in range(1, cov.rows + 1)]


def _positive_definite_conditions(cov: Any, free: Sequence[sp.Symbol], domains: dict, name: str
                                  ) -> tuple[sp.Basic, ...]:
    """Where Σ(θ) is positive definite: () when it is at every sampled point, the leading principal
    minors that are not provably positive when it is at some, and a ModelError when it fails at one
    (kernels, large Σ) or at every sampled point (small explicit Σ)."""
    from symfisher.core.points import parameter_points

    points = parameter_points(free, domains, PD_POINTS, 20240611)
    evaluate = numeric_covariance(cov, free)
    failed = []
    for point in points:
        values = [float(point[s]) for s in free]
        try:
            S = evaluate(*values)[0]
        except (TypeError, ValueError, ZeroDivisionError, OverflowError) as exc:
            raise ModelError(f"model {name}: the covariance cannot be evaluated at {_point_text(point)} "
                             f"({type(exc).__name__})") from None
        if not np.all(np.isfinite(S)):
            failed.append((point, float("nan")))
            continue
        try:
            np.linalg.cholesky(S)
        except np.linalg.LinAlgError:
            failed.append((point, float(np.linalg.eigvalsh((S + S.T) / 2)[0])))
    if not failed:
        return ()
    point, smallest = failed[0]
    explicit = isinstance(cov, sp.MatrixBase) and cov.rows <= SYMBOLIC_MAX
    if not explicit or len(failed) == len(points):
        raise ModelError(f"model {name}: the covariance is not positive definite at {_point_text(point)} "
                         f"(smallest eigenvalue {smallest:.6g})")
    return tuple(m > 0 for m in _leading_minors(cov) if not m.is_positive)


@dataclass(frozen=True)
class GaussianPieces:
    """What ``Model.gaussian`` needs: the log-density, the checked symbols and the structure."""

    logpdf: sp.Expr
    data: tuple[sp.Symbol, ...]
    structure: GaussianStructure


def gaussian_pieces(mean: Any, cov: Any, data: Sequence[sp.Symbol], params: Sequence[sp.Symbol],
                    given: Sequence[sp.Symbol], domains: dict, name: str) -> GaussianPieces:
    """Check a mean vector and a covariance and build log N(x | μ, Σ).

    Raises:
        ModelError: shapes that do not fit the data, a covariance that is not symmetric or not positive
            definite at a sampled parameter point (named), a parameter in neither μ nor Σ.
    """
    m = _as_matrix(mean, "mean", name)
    S = _as_matrix(cov, "covariance", name)
    n = len(data)
    if m.shape not in ((n, 1), (1, n)):
        raise ModelError(f"model {name}: the mean must be a vector of length {n} (one entry per data symbol), "
                         f"got shape {m.shape[0]}×{m.shape[1]}")
    m = sp.ImmutableMatrix(n, 1, list(m))
    if not isinstance(S.shape[0], (int, sp.Integer)) or tuple(map(int, S.shape)) != (n, n):
        raise ModelError(f"model {name}: the covariance must be {n}×{n} for {n} data symbols, got shape "
                         f"{S.shape[0]}×{S.shape[1]}")
    inside = set(m.free_symbols) | set(S.free_symbols)
    if isinstance(S, sp.FunctionMatrix):
        inside -= set(S.lamda.variables)
    stray = sorted(map(str, inside & set(data)))
    if stray:
        raise ModelError(f"model {name}: the mean or covariance depends on the data symbol {stray[0]}")
    for p in params:
        if p not in inside:
            raise ModelError(f"model {name}: parameter {p} appears neither in the mean nor in the covariance")
    free = sorted(inside, key=str)
    _check_symmetric(S, free, domains, name)
    conditions = _positive_definite_conditions(S, free, domains, name)
    r = sp.ImmutableMatrix(n, 1, [x - mu for x, mu in zip(data, m)])
    if isinstance(S, sp.MatrixBase) and n <= SYMBOLIC_MAX:
        precision, det, adj = _inverse(S)
        quad = (r.T * precision * r)[0, 0] if adj is None else (r.T * adj * r)[0, 0] / det
        logpdf = -quad / 2 - sp.expand_log(sp.log(det), force=False) / 2 - n * sp.log(2 * sp.pi) / 2
        structure = GaussianStructure(tuple(data), tuple(params), m, "covariance", S, precision, conditions,
                                      adjugate=adj, determinant=None if adj is None else det)
    else:
        logpdf = GaussianLogDensity(sp.Tuple(*data), m, S)
        structure = GaussianStructure(tuple(data), tuple(params), m, "matrix", S, None, conditions)
    return GaussianPieces(logpdf, tuple(data), structure)


def _inverse(S: sp.ImmutableMatrix) -> tuple[sp.ImmutableMatrix, sp.Expr, sp.ImmutableMatrix | None]:
    """(Σ⁻¹, det Σ, adj Σ) with Σ⁻¹ = adj Σ / det Σ; for few symbols the entries are cancelled (the
    tridiagonal precision of AR(1)), for a diagonal Σ it is diag(1/Σ_aa) (adj ``None``)."""
    if S.is_diagonal():
        return (sp.ImmutableMatrix(sp.diag(*[1 / S[a, a] for a in range(S.rows)])),
                sp.Mul(*[S[a, a] for a in range(S.rows)]), None)
    det = sp.factor(S.det(method="berkowitz"))
    adj = sp.ImmutableMatrix(S.adjugate(method="berkowitz"))
    few = len(S.free_symbols) <= 3
    precision = sp.ImmutableMatrix(S.rows, S.cols, lambda a, b: sp.factor(adj[a, b] / det) if few else adj[a, b] / det)
    return precision, det, None if few else adj


# ---------------------------------------------------------------------------------------------- recognition
def _quadratic(logpdf: sp.Expr, xs: Sequence[sp.Symbol]) -> tuple[sp.Matrix, sp.Matrix, sp.Expr] | None:
    """(P, b, c) with log p = −½ xᵀPx + bᵀx + c, else ``None`` (terms read off the expansion, no Poly)."""
    if not logpdf.is_polynomial(*xs):
        return None
    index = {x: a for a, x in enumerate(xs)}
    k = len(xs)
    P, b, c = sp.zeros(k, k), sp.zeros(k, 1), []
    quad: dict = {}
    lin: dict = {}
    for term in sp.Add.make_args(sp.expand(logpdf, power_exp=False, log=False)):
        coeff, rest = term.as_independent(*xs, as_Add=False)
        if rest == 1:
            c.append(coeff)
            continue
        powers = rest.as_powers_dict()
        idx = [index[x] for x, e in powers.items() for _ in range(int(e))] \
            if all(x in index and e.is_Integer and e > 0 for x, e in powers.items()) else None
        if idx is None or len(idx) > 2:
            return None
        (lin if len(idx) == 1 else quad).setdefault(tuple(sorted(idx)), []).append(coeff)
    if not quad:
        return None
    for (a,), cs in lin.items():
        b[a] = sp.Add(*cs)
    for (a, bb), cs in quad.items():
        v = sp.Add(*cs)
        if a == bb:
            P[a, a] = -2 * v
        else:
            P[a, bb] = P[bb, a] = -v
    return P, b, sp.Add(*c)


def _centred_mean(logpdf: sp.Expr, xs: Sequence[sp.Symbol], params: set) -> sp.Matrix | None:
    """μ read off centred forms x_a − μ_a(θ) in log p, one per data symbol, else ``None``."""
    found: dict[sp.Symbol, set] = {x: set() for x in xs}
    for node in sp.preorder_traversal(logpdf):
        if not node.is_Add:
            continue
        inside = node.free_symbols & set(xs)
        if len(inside) != 1:
            continue
        x = next(iter(inside))
        rest = node - x
        if rest.free_symbols & set(xs):
            continue
        found[x].add(-rest)
    if not all(len(v) == 1 for v in found.values()):
        return None
    return sp.Matrix([next(iter(found[x])) for x in xs])


def find_gaussian(logpdf: sp.Expr, data: Sequence[sp.Symbol], params: Sequence[sp.Symbol],
                  support: Sequence[tuple[sp.Symbol, sp.Set]], domains: dict, seconds: float = 5.0
                  ) -> GaussianStructure | None:
    """The Gaussian structure of a log-density written out (≥ 2 data symbols on ℝ), else ``None``.

    The precision P and b are read off log p = −½ xᵀPx + bᵀx + c(θ); μ = P⁻¹b. The θ-dependence of c
    must be the Gaussian's, ∂_i c = −½ ∂_i(μᵀPμ) + ½ tr(Σ ∂_iP), checked symbolically (else ``None``:
    the expectation engine takes over).
    """
    xs = tuple(data)
    if len(xs) < 2 or any(s != sp.S.Reals for _, s in support):
        return None
    theta = set(params)
    k = len(xs)
    centred = _centred(logpdf, xs, theta)
    if centred is not None:  # log p = −½ (x − m)ᵀP(x − m) + c₀: read in the centred coordinates (no big expansion)
        P, mu, c0 = centred
        if P.is_diagonal() or not _positive_diagonal(P, domains) or not (P.free_symbols | mu.free_symbols | c0.free_symbols) & theta:
            return None  # independent coordinates: the independence structure handles them entry by entry
        S = None if not (P.free_symbols & theta) else (_inverse(sp.ImmutableMatrix(P))[0] if k <= SYMBOLIC_MAX else None)
        if P.free_symbols & theta and S is None:
            return None
        Pm = sp.ImmutableMatrix(P)
        for p in params:  # c₀ must carry the Gaussian's ½ log det P, nothing else in θ
            dP = Pm.diff(p)
            logdet = sp.Integer(0) if dP.is_zero_matrix else _trace_product(S, dP) / 2
            residual = sp.diff(c0, p) - logdet
            if not _vanishes(residual, seconds):
                return None
        return GaussianStructure(xs, tuple(params), sp.ImmutableMatrix(mu), "precision", S, Pm, (), source="density")
    found = _quadratic(logpdf, xs)
    if found is None:
        return None
    P, b, c = found
    if P.is_diagonal() or not (P.free_symbols | b.free_symbols | c.free_symbols) & theta:
        return None
    P_free = not (P.free_symbols & theta)
    if k > SYMBOLIC_MAX or not _positive_diagonal(P, domains):
        return None
    S = _inverse(sp.ImmutableMatrix(P))[0]
    mu = sp.ImmutableMatrix((S * b).applyfunc(sp.cancel))
    Pm = sp.ImmutableMatrix(P)
    if P_free:  # c + ½ μᵀPμ must be free of θ (its log det part is)
        residual = sp.expand(c + sp.Add(*[mu[a] * b[a] for a in range(k)]) / 2)
        if residual.free_symbols & theta:
            return None
    for p in ([] if P_free else params):
        dP = Pm.diff(p)
        logdet = sp.Integer(0) if dP.is_zero_matrix else _trace_product(S, dP) / 2
        residual = sp.diff(c, p) + sp.diff((mu.T * b)[0, 0], p) / 2 - logdet
        if not _vanishes(residual, seconds):
            return None
    conditions: tuple = ()
    return GaussianStructure(xs, tuple(params), mu, "precision", S, Pm, conditions, source="density")


def _vanishes(residual: sp.Expr, seconds: float) -> bool:
    """``residual == 0``: expanded, then over one denominator while it is small (the log-det residuals
    are rational in θ: 0.02 s where the forked ``is_zero`` took 0.35 s), then by ``is_zero``."""
    from symfisher.core.simplify import is_zero

    if residual == 0 or sp.expand(residual) == 0:
        return True
    if sp.count_ops(residual) <= CANCEL_MAX_OPS and sp.cancel(residual) == 0:
        return True
    return is_zero(residual, seconds)


def _centred(logpdf: sp.Expr, xs: Sequence[sp.Symbol], theta: set) -> tuple[sp.Matrix, sp.Matrix, sp.Expr] | None:
    """(P, m, c₀) with log p = −½ (x − m)ᵀP(x − m) + c₀ when log p is written in centred forms x_a − m_a."""
    m = _centred_mean(logpdf, xs, theta)
    if m is None:
        return None
    cs = [sp.Dummy(f"c{a}", real=True) for a in range(len(xs))]
    found = _quadratic(logpdf.xreplace({x: m[a] + cs[a] for a, x in enumerate(xs)}), cs)
    if found is None:
        return None
    P, b, c0 = found
    if any(v != 0 and sp.expand(v) != 0 for v in b):
        return None
    return P, m, c0


def _positive_diagonal(P: sp.Matrix, domains: dict) -> bool:
    rng = random.Random(7)
    syms = sorted(P.free_symbols, key=str)
    point = {s: draw(domains.get(s, domain_of(s)), rng, bool(s.is_integer)) for s in syms}
    try:
        return all(float(P[a, a].xreplace(point)) > 0 for a in range(P.rows))
    except TypeError:
        return False


# ---------------------------------------------------------------------------------------------- the formulas
_ZERO = sp.S.Zero
Rows = list  # a matrix as a list of rows (indexing a SymPy matrix entry by entry costs microseconds each)


def _rows(M: Any) -> Rows | None:
    """``M`` as a list of rows, ``None`` when every entry is zero."""
    rows = M.tolist() if hasattr(M, "tolist") else M
    return None if all(v is _ZERO for row in rows for v in row) else rows


def _trace_product(A: Any, B: Any) -> sp.Expr:
    """tr(AB) = Σ_ab A_ab B_ba, without forming AB."""
    if A is None or B is None:
        return _ZERO
    A, B = (m.tolist() if hasattr(m, "tolist") else m for m in (A, B))
    n = len(A)
    return sp.Add(*[A[a][b] * B[b][a] for a in range(n) for b in range(n)
                    if A[a][b] is not _ZERO and B[b][a] is not _ZERO])


def _quadratic_form(u: Any, M: Any, v: Any) -> sp.Expr:
    """uᵀMv (u, v sequences, ``None`` for zero; M a matrix or a list of rows)."""
    if u is None or v is None or M is None:
        return _ZERO
    M = M.tolist() if hasattr(M, "tolist") else M
    vs = [(b, w) for b, w in enumerate(v) if w is not _ZERO]
    return sp.Add(*[u[a] * M[a][b] * w for a in range(len(M)) if u[a] is not _ZERO for b, w in vs
                    if M[a][b] is not _ZERO])


def _dot(u: Any, v: Any) -> sp.Expr:
    if u is None or v is None:
        return _ZERO
    return sp.Add(*[a * b for a, b in zip(u, v) if a is not _ZERO and b is not _ZERO])


def _matmul(A: Rows | None, B: Rows | None) -> Rows | None:
    if A is None or B is None:
        return None
    n, m = len(A), len(B)
    out = [[sp.Add(*[A[a][c] * B[c][b] for c in range(m) if A[a][c] is not _ZERO and B[c][b] is not _ZERO])
            for b in range(len(B[0]))] for a in range(n)]
    return _rows(out)


def _negated(A: Rows | None) -> Rows | None:
    return None if A is None else [[-e for e in row] for row in A]


def _matvec(A: Rows | None, v: Any) -> list | None:
    if A is None or v is None:
        return None
    out = [_dot(row, v) for row in A]
    return None if all(w is _ZERO for w in out) else out


def _vector(m: Any) -> list | None:
    out = list(m)
    return None if all(w is _ZERO for w in out) else out


def _derivative(v: Sequence[sp.Expr] | None, p: sp.Symbol) -> list | None:
    """∂v/∂p entry by entry (entries free of p are not differentiated), ``None`` when zero."""
    return None if v is None else _vector([sp.diff(e, p) if p in e.free_symbols else _ZERO for e in v])


class _Pieces:
    """The concrete matrices of the covariance and precision forms, computed once and shared.

    Σ⁻¹ = c · Pn with c = 1/det Σ and Pn = adj Σ when the structure keeps the adjugate, else c = 1 and
    Pn = Σ⁻¹. Every term of the formulas is a polynomial in the entries of Pn times a power of c, so
    an entry is one sum of such products over one power of det Σ (no per-entry cancellation needed).
    Only parameters that Σ (or P) depends on get derivative matrices.
    """

    def __init__(self, g: GaussianStructure) -> None:
        self.g = g
        params = g.params
        if g.adjugate is not None:
            self.Pn, self.c = g.adjugate.tolist(), 1 / g.determinant
        else:
            self.Pn, self.c = g.precision.tolist(), sp.S.One
        self.dmu = [_derivative(list(g.mean), p) for p in params]
        self.covariance = g.form == "covariance"
        if self.covariance:
            self.M = sp.ImmutableMatrix(g.cov)  # the matrix whose derivatives enter: Σ
        else:
            self.M = g.precision  # ∂_iΣ = −Σ ∂_iP Σ: the precision's derivatives enter
            self.S = None if g.cov is None else g.cov.tolist()
        inside = self.M.free_symbols
        self.dM = [_rows(self.M.diff(p)) if p in inside else None for p in params]
        # the numerators of A_i = Σ⁻¹∂_iΣ = c · Pn ∂_iΣ (covariance) or −∂_iP Σ (precision)
        if self.covariance:
            self.An = [_matmul(self.Pn, d) for d in self.dM]
        else:
            self.An = [_negated(_matmul(d, self.S)) for d in self.dM]
        self.trn = [_ZERO if a is None else sp.Add(*[a[r][r] for r in range(len(a))]) for a in self.An]
        self._d2M: dict = {}

    def d2M(self, i: int, j: int) -> Rows | None:
        key = (min(i, j), max(i, j))
        if key not in self._d2M:
            p, q = self.g.params[key[0]], self.g.params[key[1]]
            both = self.dM[key[0]] is not None and self.dM[key[1]] is not None
            self._d2M[key] = _rows(self.M.diff(p, q)) if both else None
        return self._d2M[key]

    # the scalar pieces, each with its power of c
    def tr(self, i: int) -> sp.Expr:  # tr(Σ⁻¹∂_iΣ)
        return self.c * self.trn[i] if self.covariance else self.trn[i]

    def tt(self, i: int, j: int) -> sp.Expr:  # tr(Σ⁻¹∂_iΣ Σ⁻¹∂_jΣ)
        t = _trace_product(self.An[i], self.An[j])
        return self.c**2 * t if self.covariance else t

    def d2(self, i: int, j: int) -> sp.Expr:  # tr(Σ⁻¹∂_ijΣ)
        if self.covariance:
            return self.c * _trace_product(self.Pn, self.d2M(i, j))
        # precision form: tr(Σ⁻¹∂_ijΣ) = 2 tr(∂_iPΣ∂_jPΣ) − tr(∂_ijP Σ)
        return 2 * self.tt(i, j) - _trace_product(self.d2M(i, j), self.S)

    def mean_term(self, i: int, j: int) -> sp.Expr:  # ∂_iμᵀ Σ⁻¹ ∂_jμ
        return self.c * _quadratic_form(self.dmu[i], self.Pn, self.dmu[j])


@dataclass(frozen=True)
class GaussianResult:
    """E[s], E[s sᵀ] and −E[H] (upper triangles) from the structure, with the score and Hessian in the
    matrix form (``None`` otherwise: see :func:`gaussian_derivatives`)."""

    mean: list
    fisher: dict
    neh: dict
    detail: Note
    score: list | None = None
    hessian: dict | None = None


def derive_gaussian(g: GaussianStructure) -> GaussianResult:
    """Both sides of the information equality from the structure (see the module docstring)."""
    if g.form == "matrix":
        return _derive_matrix(g)
    f = _Pieces(g)
    k = len(g.params)
    tr, tt, d2, mean_term = f.tr, f.tt, f.d2, f.mean_term
    # E[s_i] = ½ E[rᵀ A_i Σ⁻¹ r] − ½ tr A_i = ½ tr(A_i Σ⁻¹ Σ) − ½ tr A_i
    mean = [tr(i) / 2 - tr(i) / 2 for i in range(k)]
    fisher, neh = {}, {}
    for i in range(k):
        for j in range(i, k):
            ti, tj = tr(i), tr(j)
            tij, tji = tt(i, j), tt(j, i)
            dij, mij = (d2(i, j), mean_term(i, j))
            # Isserlis: E[(½rᵀB_ir − ½tr A_i + ∂_iμᵀΣ⁻¹r)(…)_j] with E[rᵀB_ir rᵀB_jr] = tr A_i tr A_j + 2 tr(A_iA_j)
            fisher[(i, j)] = (ti * tj + 2 * tij) / 4 - ti * tj / 4 - tj * ti / 4 + ti * tj / 4 + mij
            # H_ij = ∂_j s_i; E[rᵀBr] = tr(BΣ): −E[H_ij] = ½tr(A_jA_i) + ½tr(A_iA_j) − ½tr(Σ⁻¹∂_ijΣ)
            #        − ½tr(A_jA_i) + ½tr(Σ⁻¹∂_ijΣ) + ∂_iμᵀΣ⁻¹∂_jμ
            neh[(i, j)] = tji / 2 + tij / 2 - dij / 2 - tji / 2 + dij / 2 + mij
    return GaussianResult(mean, fisher, neh, g.describe())


def gaussian_derivatives(g: GaussianStructure) -> tuple[list, dict]:
    """The score s and the upper triangle of the Hessian H of log N(x | μ(θ), Σ(θ)), from the structure.

    With r = x − μ and v = Σ⁻¹r, in the covariance form (∂_iΣ⁻¹ = −Σ⁻¹∂_iΣΣ⁻¹)::

        s_i  = ½ vᵀ∂_iΣ v + ∂_iμᵀv − ½ tr(Σ⁻¹∂_iΣ),
        H_ij = −vᵀ∂_jΣ Σ⁻¹ ∂_iΣ v + ½ vᵀ∂_ijΣ v − ∂_jμᵀΣ⁻¹∂_iΣ v − ∂_iμᵀΣ⁻¹∂_jΣ v − ∂_iμᵀΣ⁻¹∂_jμ
               + ½ tr(Σ⁻¹∂_jΣ Σ⁻¹∂_iΣ) − ½ tr(Σ⁻¹∂_ijΣ) + ∂_ijμᵀv;

    in the precision form (log p = −½ rᵀPr + c₀(θ), ∂_i c₀ = ½ tr(Σ∂_iP), checked by the recognition)::

        s_i  = ∂_iμᵀv − ½ rᵀ∂_iP r + ½ tr(Σ∂_iP),
        H_ij = ∂_ijμᵀv + ∂_iμᵀ∂_jP r + ∂_jμᵀ∂_iP r − ∂_iμᵀP∂_jμ − ½ rᵀ∂_ijP r − ½ tr(Σ∂_jPΣ∂_iP)
               + ½ tr(Σ∂_ijP).

    These are exactly the derivatives of the log-density, written in the entries of Σ⁻¹ (or adj Σ over
    a power of det Σ) instead of differentiating its expanded form k + k(k + 1)/2 times.
    """
    if g.form == "matrix":
        raise ValueError("gaussian_derivatives: the matrix form carries its own matrix-expression derivatives")
    f = _Pieces(g)
    params, k, c, Pn = g.params, len(g.params), f.c, f.Pn
    r = [x - m for x, m in zip(g.data, g.mean)]
    vn = _matvec(Pn, r)  # v = c · vn
    d2mu = {(i, j): _derivative(f.dmu[i], params[j]) for i in range(k) for j in range(i, k)
            if f.dmu[i] is not None and f.dmu[j] is not None}
    score, hessian = [], {}
    if f.covariance:
        w = [_matvec(d, vn) for d in f.dM]  # ∂_iΣ v / c
        for i in range(k):
            score.append(c**2 * _dot(vn, w[i]) / 2 + c * _dot(f.dmu[i], vn) - c * f.trn[i] / 2)
        for i in range(k):
            for j in range(i, k):
                d2S = f.d2M(i, j)
                hessian[(i, j)] = sp.Add(
                    -c**3 * _quadratic_form(w[j], Pn, w[i]),
                    c**2 * _quadratic_form(vn, d2S, vn) / 2,
                    -c**2 * (_quadratic_form(f.dmu[j], Pn, w[i]) + _quadratic_form(f.dmu[i], Pn, w[j])),
                    -c * _quadratic_form(f.dmu[i], Pn, f.dmu[j]),
                    f.tt(j, i) / 2, -f.d2(i, j) / 2, c * _dot(d2mu.get((i, j)), vn))
        return score, hessian
    S, dP = f.S, f.dM
    for i in range(k):
        score.append(_dot(f.dmu[i], vn) - _quadratic_form(r, dP[i], r) / 2 + _trace_product(S, dP[i]) / 2)
    for i in range(k):
        for j in range(i, k):
            dPij = f.d2M(i, j)
            hessian[(i, j)] = sp.Add(
                _dot(d2mu.get((i, j)), vn), _quadratic_form(f.dmu[i], dP[j], r), _quadratic_form(f.dmu[j], dP[i], r),
                -_quadratic_form(f.dmu[i], Pn, f.dmu[j]), -_quadratic_form(r, dPij, r) / 2,
                -f.tt(j, i) / 2, _trace_product(S, dPij) / 2)
    return score, hessian


# ---------------------------------------------------------------------------------------------- matrix form
def _canonical_trace(factors: Sequence[sp.MatrixExpr]) -> sp.Expr:
    """tr(F_1 ⋯ F_m) in a canonical rotation/reversal (every factor symmetric: tr(ABC) = tr(CᵀBᵀAᵀ) = tr(CBA))."""
    m = len(factors)
    options = []
    for seq in (list(factors), list(reversed(factors))):
        for s in range(m):
            rot = seq[s:] + seq[:s]
            options.append((tuple(sp.sstr(f) for f in rot), rot))
    _, best = min(options, key=lambda o: o[0])
    return sp.Trace(sp.MatMul(*best))


def matrix_names(g: GaussianStructure) -> dict:
    """The MatrixSymbols of the matrix form: Σ, ∂Σ/∂θ_i, ∂²Σ/∂θ_i∂θ_j, ∂μ/∂θ_i (only the non-zero ones)."""
    n, params = g.n, g.params
    cov: sp.FunctionMatrix | sp.MatrixBase = g.cov
    body = cov.lamda.expr if isinstance(cov, sp.FunctionMatrix) else None
    out: dict = {"Sigma": (sp.MatrixSymbol("Sigma", n, n), body if body is not None else cov)}

    def deriv(*ps: sp.Symbol) -> Any:
        if body is not None:
            return sp.diff(body, *ps)
        return sp.ImmutableMatrix(cov).diff(*ps)

    def nonzero(v: Any) -> bool:
        return not (v == 0 if body is not None else v.is_zero_matrix)

    for i, p in enumerate(params):
        d = deriv(p)
        if nonzero(d):
            out[("dSigma", i)] = (sp.MatrixSymbol(f"Sigma_{p}", n, n), d)
        for j in range(i, len(params)):
            d2 = deriv(p, params[j])
            if nonzero(d2):
                out[("d2Sigma", i, j)] = (sp.MatrixSymbol(f"Sigma_{p}{params[j]}", n, n), d2)
        dm = g.mean.diff(p)
        if not dm.is_zero_matrix:
            out[("dmu", i)] = (sp.MatrixSymbol(f"mu_{p}", n, 1), dm)
    return out


def _derive_matrix(g: GaussianStructure) -> GaussianResult:
    """The matrix form: each entry a matrix expression in Σ⁻¹ (never inverted symbolically)."""
    names = matrix_names(g)
    n, k = g.n, len(g.params)
    Sigma = names["Sigma"][0]
    Q = sp.Inverse(Sigma)
    x, mu = sp.MatrixSymbol("x", n, 1), sp.MatrixSymbol("mu", n, 1)
    r = x - mu
    zero = sp.Integer(0)

    def dS(i):
        return names.get(("dSigma", i), (None,))[0]

    def d2S(i, j):
        return names.get(("d2Sigma", min(i, j), max(i, j)), (None,))[0]

    def dmu(i):
        return names.get(("dmu", i), (None,))[0]

    def trace(*fs):
        return zero if any(f is None for f in fs) else _canonical_trace(fs)

    def qform(u, M, v):  # uᵀMv = tr(M v uᵀ), a scalar expression (no entries written out)
        return zero if u is None or v is None else sp.Trace(sp.MatMul(M, v, u.T))

    score, hessian, mean, fisher, neh = [], {}, [], {}, {}
    for i in range(k):
        parts = [qform(r, Q * dS(i) * Q, r) / 2 if dS(i) is not None else zero, qform(dmu(i), Q, r),
                 -trace(Q, dS(i)) / 2]
        score.append(sp.Add(*parts))
        # E[s_i] = ½ tr(Σ⁻¹∂_iΣΣ⁻¹Σ) − ½ tr(Σ⁻¹∂_iΣ): Σ⁻¹Σ = I
        mean.append(trace(Q, dS(i)) / 2 - trace(Q, dS(i)) / 2)
    for i in range(k):
        for j in range(i, k):
            tij = trace(Q, dS(i), Q, dS(j))
            tji = trace(Q, dS(j), Q, dS(i))
            ti, tj = trace(Q, dS(i)), trace(Q, dS(j))
            fisher[(i, j)] = (ti * tj + 2 * tij) / 4 - ti * tj / 4 - tj * ti / 4 + ti * tj / 4 \
                + qform(dmu(i), Q, dmu(j))
            neh[(i, j)] = tji / 2 + tij / 2 - trace(Q, d2S(i, j)) / 2 - tji / 2 + trace(Q, d2S(i, j)) / 2 \
                + qform(dmu(i), Q, dmu(j))
            both = dS(i) is not None and dS(j) is not None
            h = [-qform(r, Q * dS(j) * Q * dS(i) * Q, r) if both else zero,
                 qform(r, Q * d2S(i, j) * Q, r) / 2 if d2S(i, j) is not None else zero,
                 -qform(dmu(j), Q * dS(i) * Q, r) if dS(i) is not None else zero,
                 -qform(dmu(i), Q * dS(j) * Q, r) if dS(j) is not None else zero,
                 -qform(dmu(i), Q, dmu(j)), trace(Q, dS(j), Q, dS(i)) / 2, -trace(Q, d2S(i, j)) / 2]
            d2m = g.mean.diff(g.params[i], g.params[j])
            if not d2m.is_zero_matrix:
                h.append(qform(sp.MatrixSymbol(f"mu_{g.params[i]}{g.params[j]}", n, 1), Q, r))
            hessian[(i, j)] = sp.Add(*h)
    detail = Note.of(g.describe(), "; ", eq(sp.Symbol("Sigma"), sp.Symbol(f"Sigma(θ) ({n}×{n})")),
                     ", the derivatives ∂Σ/∂θ_i and ∂μ/∂θ_i evaluated entrywise")
    return GaussianResult(mean, fisher, neh, detail, score, hessian)
