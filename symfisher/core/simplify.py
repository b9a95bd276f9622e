"""Simplification under hard time limits, and a sound zero test.

``tidy`` returns the shortest of a few normal forms (``cancel``, ``simplify``, exponentials and
gamma functions rewritten). ``is_zero`` answers True only when some symbolic normal form is exactly
0 — numeric values are used only to answer False early (a clearly nonzero value at a random point).
"""

from __future__ import annotations

import functools
import random

import mpmath
import sympy as sp

from symfisher.core.deadline import in_worker, run_with_deadline
from symfisher.core.lowest_terms import factored_lowest_terms, vanishes
from symfisher.core.points import domain_of, draw
from symfisher.core.special_forms import (canonical_polygammas, rational_betas, shift_betas,
                                          special_arguments_in_lowest_terms)
from symfisher.core.size import more_nodes_than
from symfisher.errors import BudgetExceeded

HYPERBOLIC = (sp.cosh, sp.sinh, sp.tanh, sp.coth, sp.sech, sp.csch)
# functions that rewrite(gamma) turns into Γ ratios for gammasimp (ψ⁽ⁿ⁾ has no such form: the same simplify twice)
_GAMMA_LIKE = (sp.beta, sp.gamma, sp.catalan, sp.factorial, sp.binomial)


def _exp_powers(expr: sp.Expr, flipped: bool = False) -> tuple[dict, sp.Dummy, sp.Expr] | None:
    """exp(r_i·a) → w^{r_i·d} for rational r_i (d: their common denominator), with w = exp(a/d), or w = exp(−a/d)
    when ``flipped``; ``None`` when the exponentials' arguments are not rational multiples of one another."""
    args = {e.args[0] for e in expr.atoms(sp.exp)}
    if not args:
        return None
    base = min(args, key=sp.count_ops) * (-1 if flipped else 1)
    ratios = {a: sp.cancel(a / base) for a in args}
    if not all(r.is_Rational for r in ratios.values()):
        return None
    den = sp.ilcm(1, 1, *[r.q for r in ratios.values()])
    w = sp.Dummy("w", positive=True)
    return {sp.exp(a): w ** (r * den) for a, r in ratios.items()}, w, sp.exp(base / den)


def exp_as_rational(expr: sp.Expr) -> sp.Expr | None:
    """Exponentials exp(r_i·a) with rational r_i written as w^{r_i}, cancelled, and put back."""
    if expr.has(sp.Integral, sp.Sum):  # an exp of the integration variable must not leave its integral
        return None
    powers = _exp_powers(expr)
    if powers is None:
        return None
    mapping, w, back = powers
    rational = expr.xreplace(mapping)
    if rational.has(sp.exp):
        return None
    return sp.factor(sp.cancel(rational)).xreplace({w: back})


def exp_monomials(expr: sp.Expr) -> tuple[dict, dict] | None:
    """exp(Σ c_m·m) → Π w_m^{c_m·d_m} (c_m rational, m a monomial of the expanded exponent, w_m = exp(m/d_m) with d_m
    the common denominator of m's coefficients), and w_m → exp(m/d_m) to put back; None without exponentials. The
    exponentials of a truncated normal law, exp(−μ²/(2s²)) and exp(−(1 − μ)²/(2s²)), become products of powers of
    exp(μ²/s²), exp(μ/s²) and exp(1/s²), so ``cancel`` sees every relation among them."""
    atoms = expr.atoms(sp.exp)
    if not atoms:
        return None
    split = {}
    for e in atoms:
        terms = [t.as_coeff_Mul() for t in sp.Add.make_args(sp.expand(e.args[0]))]
        if not all(c.is_Rational for c, _ in terms):
            return None
        split[e] = terms
    dens: dict[sp.Expr, int] = {}
    for terms in split.values():
        for c, m in terms:
            dens[m] = sp.ilcm(dens.get(m, 1), c.q)
    gens = {m: sp.Dummy("w", positive=True) for m in dens}
    mapping = {e: sp.Mul(*[gens[m] ** (c * dens[m]) for c, m in terms]) for e, terms in split.items()}
    return mapping, {w: sp.exp(m / dens[m]) for m, w in gens.items()}


def _canonical_erf(expr: sp.Expr) -> sp.Expr:
    """erf and erfc with expanded arguments of canonical sign: erf(−z) = −erf(z), erfc(z) = 1 − erf(z)."""
    def one(e):
        z = sp.expand(e.args[0])
        value = -sp.erf(-z) if z.could_extract_minus_sign() else sp.erf(z)
        return value if isinstance(e, sp.erf) else 1 - value
    return expr.replace(lambda e: isinstance(e, (sp.erf, sp.erfc)), one)


def zero_over_generators(expr: sp.Expr) -> bool:
    """Whether ``expr`` cancels to 0 as a rational function of its transcendental atoms once the exponentials are powers
    of independent generators (:func:`exp_monomials`), error functions have canonical arguments and constant powers
    such as π^{7/2} are powers of one root (:func:`_constant_roots`)."""
    expr = _canonical_erf(expr)
    found = exp_monomials(expr)
    if found is not None:
        expr = expr.xreplace(found[0])
    roots, _ = _constant_roots(expr)
    return sp.cancel(sp.together(expr.xreplace(roots))) == 0


def _constant_roots(expr: sp.Expr) -> tuple[dict, dict]:
    """c^{p/q} → r^p, with r = c^{1/q}, for the non-integer powers of a constant such as π (``cancel`` treats π³ and
    π^{5/2} as unrelated and leaves π^{5/2}/π^{11/2}; as powers of √π they cancel); and r → c^{1/q} to put back."""
    roots: dict[sp.Expr, int] = {}
    for p in expr.atoms(sp.Pow):
        if p.base.is_number and not p.base.is_Rational and p.exp.is_Rational and not p.exp.is_Integer:
            roots[p.base] = sp.ilcm(roots.get(p.base, 1), p.exp.q)
    mapping, back = {}, {}
    for c, q in roots.items():
        r = sp.Dummy("r", positive=True)
        mapping.update({p: r ** (p.exp * q) for p in expr.atoms(sp.Pow) if p.base == c and p.exp.is_Rational})
        mapping[c], back[r] = r ** q, c ** sp.Rational(1, q)
    return mapping, back


def _function_plus_number(f: sp.Expr) -> tuple[sp.Expr, sp.Expr] | None:
    """(g, c) when ``f`` is g + c, g a function such as erf(·) and c a number."""
    if not f.is_Add or len(f.args) != 2:
        return None
    c, g = sorted(f.args, key=lambda t: not t.is_number)
    return (g, c) if c.is_number and isinstance(g, sp.Function) else None


def _divides_by_function_plus_number(expr: sp.Expr) -> bool:
    return any(p.exp.is_negative and _function_plus_number(p.base) for p in expr.atoms(sp.Pow))


def _shifted_denominator(rational: sp.Expr) -> sp.Expr | None:
    """``rational`` with a denominator factor g + c (g a function such as erf(·), c a number) taken as one
    generator E = g + c: the numerator's powers of g become powers of E (erf² + 2 erf + 1 = E²)."""
    shorter = None
    for f in sp.Mul.make_args(sp.fraction(rational)[1]):
        f = f.base if f.is_Pow else f
        shift = _function_plus_number(f)
        if shift is None:
            continue
        (g, c), e = shift, sp.Dummy("E")
        candidate = sp.factor(sp.cancel(rational.xreplace({g: e - c}))).xreplace({e: f})
        if sp.count_ops(candidate) < sp.count_ops(shorter if shorter is not None else rational):
            shorter = candidate
    return shorter


def over_generators(expr: sp.Expr) -> sp.Expr | None:
    """``expr`` as a cancelled, factored rational function of its generators, put back: exponentials as powers of
    one w = e^{±a} (the shorter orientation), constant powers π^{p/q} as powers of π^{1/q}, and a denominator
    factor g + c (g a function, c a number) taken whole. ``None`` when there are no such generators, or no shorter
    form.

    The truncated normal's I_μμ: 94 operations as SymPy's simplify leaves it, 50 here.
    """
    if expr.has(sp.Integral, sp.Sum):
        return None
    roots, roots_back = _constant_roots(expr)
    orientations = (False, True) if expr.has(sp.exp) else (None,)
    best = expr
    for flipped in orientations:
        powers = _exp_powers(expr, flipped) if flipped is not None else ({}, None, None)
        if powers is None or not (powers[0] or roots or _divides_by_function_plus_number(expr)):
            return None
        mapping, w, back = powers
        rational = expr.xreplace(mapping).xreplace(roots)
        if rational.has(sp.exp):
            return None
        rational = sp.factor(sp.cancel(rational))
        rational = _shifted_denominator(rational) or rational
        candidate = rational.xreplace({**roots_back, **({w: back} if w is not None else {})})
        if sp.count_ops(candidate) < sp.count_ops(best):
            best = candidate
    return best if best is not expr else None


def logs_as_powers(expr: sp.Expr, expand: bool = False) -> sp.Expr:
    """exp(c·log b + r) → b^c·exp(r), the definition of b^c (so for every b): α·exp(α log(1 − u))/(1 − u), a density
    after a change of variables, becomes α(1 − u)^(α − 1), and an entry's exp(a log H) becomes H^a. ``expand``: the
    exponent multiplied out first, so that exp(a(log H − log L)) becomes H^a L^(−a) too (standardized densities).

    >>> a, h, u = sp.symbols("a H u", positive=True)
    >>> logs_as_powers(a * sp.exp(a * sp.log(1 - u) - u)), logs_as_powers(sp.exp(-a * sp.log(h)) / a)
    (a*(1 - u)**a*exp(-u), 1/(H**a*a))
    >>> logs_as_powers(sp.exp(a * (sp.log(h) - sp.log(u)))), logs_as_powers(sp.exp(a * (sp.log(h) - sp.log(u))), True)
    (exp(a*(log(H) - log(u))), H**a/u**a)
    """
    def split(e: sp.Expr) -> sp.Expr:
        powers, rest = [], []
        for term in sp.Add.make_args(sp.expand(e.args[0]) if expand else e.args[0]):
            c, logs = term.as_independent(sp.log, as_Add=False)
            (powers.append(logs.args[0] ** c) if isinstance(logs, sp.log) else rest.append(term))
        return sp.Mul(*powers) * sp.exp(sp.Add(*rest)) if powers else e

    return expr.replace(lambda e: isinstance(e, sp.exp) and e.has(sp.log), split) if expr.has(sp.log) else expr


def on_domains(expr: sp.Expr, domains) -> sp.Expr:
    """``expr`` with what a parameter's declared or inferred domain implies applied (|σ| = σ and √(σ²) = σ
    for σ ∈ (0, ∞)): a symbol without assumptions whose domain lies on one side of 0 is replaced by a dummy
    with that sign, which SymPy's constructors use, and put back. The symbol's own assumptions are not
    changed (they are the user's)."""
    signs = signed_symbols(expr.free_symbols, domains)
    return expr.xreplace(signs).xreplace({d: s for s, d in signs.items()}) if signs else expr


def signed_symbols(symbols, domains) -> dict[sp.Symbol, sp.Dummy]:
    """Symbol → a dummy with the sign its domain implies, for the ``symbols`` without sign assumptions whose
    domain lies on one side of 0 (simplify under them, then map back: log(1/r) + log(r) = 0 for r > 0)."""
    signs = {}
    for s in set(symbols) & set(domains or {}):
        side = _side(domains[s])
        if side and not (s.is_extended_nonnegative or s.is_extended_nonpositive):
            signs[s] = sp.Dummy(s.name, real=True, **{side: True})
    return signs


def _side(d: sp.Set) -> str | None:
    """The sign assumption an interval with numeric ends implies (``None``: it holds both signs)."""
    if not isinstance(d, sp.Interval) or not (d.inf.is_number and d.sup.is_number):
        return None
    if d.inf > 0 or d.inf == 0 and d.left_open:
        return "positive"
    if d.sup < 0 or d.sup == 0 and d.right_open:
        return "negative"
    return "nonnegative" if d.inf == 0 else "nonpositive" if d.sup == 0 else None


def _forms(expr: sp.Expr, zero_test: bool = False) -> list[sp.Expr]:
    """Equivalent forms of ``expr`` to choose the shortest from. ``simplify`` tries cancel(together(·)) itself, so
    that form is added only for a zero test (measured on 80 entries of 7 families: it never came out shorter, and
    took a fifth of the time of their simplification)."""
    out = [expr]
    via_w = exp_as_rational(expr)
    if via_w is not None:
        out.append(via_w)
        if via_w == 0:
            return out
    if zero_test:
        try:
            out.append(sp.cancel(sp.together(expr)))
        except (sp.PolynomialError, TypeError, ValueError):
            pass
    s = sp.simplify(expr)
    out.append(s)
    if s.is_rational_function():  # simplify leaves (θ + 1)²(θ + 2)² multiplied out in a denominator
        out.append(sp.factor(s))
    if s.has(*HYPERBOLIC) or expr.has(sp.exp):
        out.append(sp.cancel(sp.powsimp(sp.expand(s.rewrite(sp.exp)))))
    if s.has(*_GAMMA_LIKE):
        out.append(sp.simplify(sp.gammasimp(s.rewrite(sp.gamma))))
    if s.has(sp.polygamma):  # simplify multiplies (α + 1)³ψ″(1/α) out over one denominator: collected, factored
        num, den = sp.fraction(sp.together(s))
        out.append(sp.collect(sp.expand(num), sorted(s.atoms(sp.polygamma), key=sp.default_sort_key), sp.factor)
                   / sp.factor(den))  # the Fisher z law's 4(d₁ + d₂)(d₁ + d₂ + 2), not 4d₁² + 8d₁d₂ + 8d₁ + 4d₂² + 8d₂
    if s.has(sp.log):  # simplify's logcombine packs (a + 1) log a into log(a·a^a): expanded, collected per logarithm
        logs = sorted(sp.expand_log(s).atoms(sp.log), key=sp.default_sort_key)
        out.append(sp.collect(sp.expand_log(s), logs, sp.factor))
    if any(p.base.is_Symbol and p.exp.is_Rational and p.exp.q == 2 for p in s.atoms(sp.Pow)):
        # simplify puts b^{29/2} and b^14 over b^16 when √b meets powers of b (the Benini law's entries)
        out.append(sp.factor_terms(sp.expand(s)))
    split = sp.expand_power_exp(s)
    if split != s:  # p^(r+1) as p·p^r: factor then sees one generator p^r (the zero-truncated negative binomial's
        out.append(sp.powsimp(sp.factor(split)))  # (p − 1)(p^r − 1)², which simplify leaves multiplied out)
    for form in {expr, s}:
        combined = rational_part_combined(form)
        if combined is not None:
            out.append(combined)
    generators = over_generators(s)  # last: where it is no shorter, the forms above are kept
    if generators is not None:
        out.append(generators)
    return out


def rational_part_combined(expr: sp.Expr) -> sp.Expr | None:
    """A sum with its terms that are rational functions of the symbols over one factored denominator and the others
    as they are, where those hold a special function (not exp or log alone: a score's (μ − x)/s² stays apart from
    its e^{(μ − x)/s} terms); ``None`` for fewer than two rational terms or no other term (``simplify`` keeps the
    xgamma law's −1/(θ + 1)² − 1/(θ(θ + 1)) + 2/θ² + 1/(θ²(θ + 1)) apart beside its Ci and Si: it is
    (4θ + 3)/(θ²(θ + 1)²)).

    >>> t = sp.Symbol("t", positive=True)
    >>> rational_part_combined(1 / t + 1 / (t + 1) + sp.Ci(t))
    Ci(t) + (2*t + 1)/(t*(t + 1))
    """
    if not expr.is_Add:
        return None
    rational = [term for term in expr.args if term.is_rational_function()]
    rest = sp.Add(*[t for t in expr.args if t not in rational])
    if len(rational) < 2 or not any(not isinstance(f, (sp.exp, sp.log)) for f in rest.atoms(sp.Function)):
        return None
    return sp.factor(sp.cancel(sp.Add(*rational))) + rest


def _shortest(expr: sp.Expr) -> sp.Expr:
    if more_nodes_than(expr, LARGE_NODES) and not numerically_nonzero(expr) and zero_as_rational_function(expr):
        return sp.S.Zero  # a long sum that cancels: ring arithmetic over the common denominator, not simplify
    try:
        forms = _forms(expr)
    except (RuntimeError, StopIteration, RecursionError, TypeError, ValueError, AttributeError, NotImplementedError):
        return expr  # SymPy's simplify failed on it (a Sum up to floor(x/2) raises StopIteration): keep it as is
    return unpacked_logs(one_minus_form(min(forms, key=form_length)))


def form_length(expr: sp.Expr) -> tuple[int, int]:
    """What the shortest form minimises: operations (a packed logarithm counting one more), then printed length."""
    return sp.count_ops(expr) + packed_logs(expr), len(sp.srepr(expr))


def rational_form(expr: sp.Expr, seconds: float = 5.0) -> sp.Expr | None:
    """For a rational function of symbols, of logarithms of their monomials (log a, log(b/a)) and of polygammas
    ψ⁽ⁿ⁾ of linear forms in them, with rational coefficients: the shortest of ``expr``, its lowest terms factored
    (each factor's logarithms combined: log b − log a = log(b/a) for positive a, b), with polygammas that form's
    numerator collected per ψ⁽ⁿ⁾ with factored coefficients, and its expansion, and each with a negative coefficient
    taken into an odd power of a sum (r/(p²(1 − p)), as the literature prints it, not −r/(p²(p − 1))); ``None`` for
    anything else, or when time runs out.

    ``simplify`` on such a function comes down to ``cancel`` and ``factor``, after rules for trigonometric, gamma
    and other functions that find nothing: over the 53 rational entries of I(θ) met in deriving the sympy.stats laws
    this gives simplify's form in 45, a shorter one with the sign taken in the 8 others, and takes 0.90 s instead of
    4.17 s (with ``factor(cancel(·))``; ``factor`` alone takes a third of that). On the reciprocal law's entries it
    gives (log(b/a) − 1)/(a² log(b/a)²) where simplify gave (log(b/a)² + log(a/b))/(a² log(b/a)³), in 0.06 s instead
    of 0.71 s. Over the 28 entries in polygammas: simplify's form (with its own collection per ψ⁽ⁿ⁾, in
    :func:`_forms`) in 25, a denominator factored or a common factor taken out in the 3 others, in 0.47 s instead of
    4.12 s. Only for functions of the parameters: on a score, simplify keeps (x − μ)² whole where this expands it.
    """
    functions = expr.atoms(sp.Function)
    if expr.atoms(sp.NumberSymbol, sp.Float) or not all(_generator(f) for f in functions):
        return None
    if not expr.xreplace({f: sp.Dummy() for f in functions}).is_rational_function():
        return None
    try:
        return run_with_deadline(_lowest_terms, (expr,), seconds)
    except BudgetExceeded:
        return None


def _generator(f: sp.Expr) -> bool:
    """log of a product of powers of symbols with rational exponents (b/a, √σ), or ψ⁽ⁿ⁾ of a linear form in symbols
    with rational coefficients."""
    if isinstance(f, sp.log):
        return all(g.as_base_exp()[0].is_Symbol and g.as_base_exp()[1].is_Rational for g in sp.Mul.make_args(f.args[0]))
    if isinstance(f, sp.polygamma) and f.args[0].is_Integer:
        return all(t.as_coeff_Mul()[0].is_Rational and (t.is_Rational or t.as_coeff_Mul()[1].is_Symbol)
                   for t in sp.Add.make_args(f.args[1]))
    return False


def _lowest_terms(expr: sp.Expr) -> sp.Expr:
    polygammas = sorted(expr.atoms(sp.polygamma), key=sp.default_sort_key)
    # the generators kept as they stand (factor would expand log(b/a) and ψ(a + 1))
    generators = {g: sp.Dummy() for g in (*expr.atoms(sp.log), *polygammas)}
    back = {d: g for g, d in generators.items()}
    plain = expr.xreplace(generators)
    factored = factored_lowest_terms(plain)
    if factored is None:
        factored = sp.factor(plain)
    # in lowest terms already: the factors of numerator and denominator are canonical, so common ones cancel; the
    # same forms as factor(cancel(·)) on the 159 rational entries, in 0.57 s instead of 1.52 s
    forms = [factored]
    if polygammas:
        num, den = sp.fraction(factored)
        forms += [sp.collect(sp.expand(num), [generators[g] for g in polygammas], sp.factor) / den, sp.expand(factored)]
    forms = [f.xreplace(back) for f in forms]
    if expr.has(sp.log):  # combined first (a sign taken into log b − log a would give log(a/b)), and only where a
        # factor holds several logarithms (logcombine writes 2 − log(b/a) as log(a/b) + 2)
        forms = [_logs_combined(f, expr) for f in forms]
    return one_minus_form(min((expr, *forms, *(g for f in forms for g in _sign_taken_in(f))), key=form_length))


def one_minus_form(expr: sp.Expr) -> sp.Expr:
    """−c·(t − 1)^k·… → c·(1 − t)^k·… for k odd, the sign taken into the first odd power of a sum with a number term,
    where that is no longer: n/(p(1 − p)) rather than −n/(p(p − 1)), (1 − e^(−2λ))/λ² rather than −(−1 + e^(−2λ))/λ².

    >>> p = sp.Symbol("p", positive=True)
    >>> one_minus_form(-3 / (p * (p - 1)))
    3/(p*(1 - p))
    """
    taken = _sign_taken_in(expr, number_term=True)[:1]
    return taken[0] if taken and form_length(taken[0]) <= form_length(expr) else expr


def _logs_combined(found: sp.Expr, expr: sp.Expr) -> sp.Expr:
    """``found`` with the logarithms of each factor holding several combined, oriented as ``expr`` writes them."""
    combined = sp.Mul(*[sp.logcombine(f) if len(f.atoms(sp.log)) > 1 else f for f in sp.Mul.make_args(found)])
    return combined.xreplace(_oriented_as_written(combined, expr))


def _oriented_as_written(found: sp.Expr, expr: sp.Expr) -> dict[sp.Expr, sp.Expr]:
    """log(a/b) → −log(b/a) for each logarithm of ``found`` whose reciprocal is the one ``expr`` writes (log(b/a), or
    log b − log a, whichever sign factor chose for the sum)."""
    written = set().union(*(sp.logcombine(s).atoms(sp.log) for s in expr.atoms(sp.Add) if len(s.atoms(sp.log)) > 1))
    args = {g.args[0] for g in written | expr.atoms(sp.log)}
    return {g: -sp.log(1 / g.args[0]) for g in found.atoms(sp.log) if g.args[0] not in args and 1 / g.args[0] in args}


def _sign_taken_in(expr: sp.Expr, number_term: bool = False) -> list[sp.Expr]:
    """c·Π fᵢ with c < 0, once for each odd power of a sum among the fᵢ (``number_term``: a sum with a number term):
    −c·Π fᵢ with that sum negated."""
    c, rest = expr.as_coeff_Mul()
    if not c.is_negative:
        return []
    factors = sp.Mul.make_args(rest)
    out = []
    for k, f in enumerate(factors):
        base, e = f.as_base_exp()
        if base.is_Add and e.is_Integer and e % 2 and (not number_term or any(t.is_Number for t in base.args)):
            out.append(sp.Mul(-c, *factors[:k], sp.Pow(-base, e), *factors[k + 1:]))
    return out


def unpacked_logs(expr: sp.Expr) -> sp.Expr:
    """Each logarithm that :func:`packed_logs` counts expanded where it stands (log(θ^{θ+2}) → (θ + 2) log θ): the
    shortest form may still hold one, when the forms that unpack it are longer elsewhere."""
    packed = _packed_logs(expr)
    return expr.xreplace(packed) if packed else expr


def packed_logs(expr: sp.Expr) -> int:
    """The logarithms of ``expr`` holding a power with a symbolic exponent that its assumptions let expand
    (log(a·a^a) = (a + 1) log a for a > 0), each counted as one more operation when the shortest form is chosen: a
    reader should not have to unpack them. A product of symbols, log(βx), is not counted."""
    return len(_packed_logs(expr))


def _packed_logs(expr: sp.Expr) -> dict[sp.Expr, sp.Expr]:
    """{log: its expansion} for the logarithms :func:`packed_logs` counts."""
    expanded = {lg: sp.expand_log(lg) for lg in expr.atoms(sp.log)
                if any(not p.exp.is_number for p in lg.args[0].atoms(sp.Pow))}
    return {lg: e for lg, e in expanded.items() if e != lg}


#: seconds for rationalizing one square root (:func:`one_root_rationalized`); SymPy's radsimp took 3.2 s on a sum of
#: four fractions with √(1 − 4a² + b) in their denominators, and did not finish in 300 s on nineteen
ROOT_SECONDS = 1.0


def _symbolic_roots(expr: sp.Expr) -> set[sp.Expr]:
    return {p.base for p in expr.atoms(sp.Pow) if abs(p.exp) == sp.S.Half and not p.base.is_number}


def _rationalized_if_shorter(expr: sp.Expr) -> sp.Expr:
    """:func:`one_root_rationalized` when it is shorter, within :data:`ROOT_SECONDS` (else ``expr``: the tidy form
    found before is kept whatever the rationalization does)."""
    if len(_symbolic_roots(expr)) != 1:
        return expr
    try:
        rationalized = run_with_deadline(one_root_rationalized, (expr,), ROOT_SECONDS)
    except BudgetExceeded:
        return expr
    return rationalized if rationalized is not None and sp.count_ops(rationalized) < sp.count_ops(expr) else expr


def one_root_rationalized(expr: sp.Expr) -> sp.Expr | None:
    """``expr`` with its denominator rationalized and cancelled, when it holds the square root of one expression in
    symbols (r = √P, so r² = P is used): simplify leaves (4θ² + r − 1)/r, which is 1 − r for r = √(1 − 4θ²) (the
    cardioid law's I_μμ); ``None`` when there is no such root, or several.

    >>> t = sp.Symbol("theta", positive=True)
    >>> r = sp.sqrt(1 - 4 * t**2)
    >>> one_root_rationalized((4 * t**2 + r - 1) / r)
    1 - sqrt(1 - 4*theta**2)
    """
    return sp.cancel(sp.radsimp(expr)) if len(_symbolic_roots(expr)) == 1 else None


def already_simple(expr: sp.Expr) -> bool:
    """An atom, a rational number, a monomial c·Π pᵢ^nᵢ (c rational, pᵢ symbols, nᵢ integers), a sum of distinct
    plain terms (:func:`_plain_sum`) or a plain product (:func:`_plain_product`): no normal form is shorter, so
    :func:`tidy` returns it as it is without trying.

    >>> s, a, b = sp.symbols("sigma a b", positive=True)
    >>> already_simple(2 / s**2), already_simple(sp.log(a) - sp.polygamma(0, a + b)), already_simple(1 / (s + 1))
    (True, True, True)
    >>> already_simple(sp.exp((a - b) / s) / s**2), already_simple((a + 1) / (a - 1)), already_simple(sp.log(a) / a)
    (True, False, False)
    >>> already_simple(-(2 * a - 2 * b) / (2 * s**2)), already_simple((b - a) / s**2), already_simple((a - b) / -s**2)
    (False, True, False)
    """
    if expr.is_Atom or (expr.is_number and expr.is_Rational):
        return True
    factors = sp.Mul.make_args(expr)
    return all(f.is_Rational or f.is_Symbol or (f.is_Pow and f.base.is_Symbol and f.exp.is_Integer) for f in factors) \
        or _plain_sum(expr) or _plain_product(expr)


def _plain_product(expr: sp.Expr) -> bool:
    """c·Π fᵢ with c rational and each fᵢ a symbol, an integer power of a symbol or of one linear form, or the
    exponential of a linear form or of such a product: the Gumbel law's ∂²ℓ/∂β² = −exp((μ − x)/β)/β², which
    ``simplify`` returns unchanged after 0.09 s."""
    sums, coefficient = 0, sp.S.One
    for f in sp.Mul.make_args(expr):
        if f.is_Rational:
            coefficient *= f
            continue
        if f.is_Symbol:
            continue
        if isinstance(f, sp.exp):
            if not (_linear_form(f.args[0]) or f.args[0].is_Mul and not f.args[0].has(sp.exp)
                    and _plain_product(f.args[0])):
                return False
            continue
        base = f.base if f.is_Pow and f.exp.is_Integer else f
        if not (base.is_Symbol or base.is_Add and _linear_form(base)):
            return False
        sums += base.is_Add
    # (x + 1)(x − 1) may well be shorter as x² − 1, and −(μ − x) as x − μ
    return sums == 0 or sums == 1 and coefficient > 0


def _plain_sum(expr: sp.Expr) -> bool:
    """A term or a sum of rational multiples of symbols, of at most one logarithm of a linear form and of polygammas
    ψ⁽ⁿ⁾ of linear forms no two of which differ by a number (ψ(a + 1) − ψ(a) = 1/a would shorten): a Dirichlet
    score log x₁ − ψ(α₁) + ψ(α₁ + α₂ + α₃), which ``simplify`` returns unchanged after 0.07-0.14 s."""
    logs, polygammas = 0, []
    for term in sp.Add.make_args(expr):
        c, f = term.as_coeff_Mul()
        if not c.is_Rational or f.is_Mul or f.is_Add:
            return False
        if f.is_Symbol:
            continue
        if not (isinstance(f, (sp.log, sp.polygamma)) and _linear_form(f.args[-1])):
            return False
        if isinstance(f, sp.log):
            logs += 1
        elif any(n == f.args[0] and (a - f.args[1]).is_number for n, a in polygammas):
            return False
        else:
            polygammas.append(f.args)
    return logs <= 1


def _linear_form(e: sp.Expr) -> bool:
    """A symbol, or a sum of rational multiples of symbols and a rational constant without a common factor
    (α₁ + α₂ + α₃, 1 − x₁ − x₂; not 2μ − 2x, where simplify takes the 2 out)."""
    return all(t.is_Rational or t.is_Symbol or (t.is_Mul and len(t.args) == 2 and t.args[0].is_Rational
                                                 and t.args[1].is_Symbol) for t in sp.Add.make_args(e)) \
        and (not e.is_Add or e.as_content_primitive()[0] == 1)


def monomial_form(expr: sp.Expr) -> sp.Expr | None:
    """``expr`` expanded, when that is 0 or a monomial c·Π fᵢ^nᵢ whose factors are symbols or functions of symbols
    and numbers (ψ′(k)/λ²; Γ-like functions excepted, which ``simplify`` may merge): then no ``simplify`` can
    shorten it, and the entry needs none; ``None`` otherwise. E[s] = E[∂ log p] is often
    μ²/σ³ + 1/σ − (μ² + σ²)/σ³ as found, and I_σσ often 3(μ² + σ²)/σ⁴ − 3μ²/σ⁴ − 1/σ² (``expand`` takes about a
    millisecond on them, a fifth of ``cancel``, which would also combine unlike denominators, and finds 22 of the
    26 such entries among 114 of sympy.stats's commoner laws).

    >>> s, m, k = sp.symbols("sigma mu k", positive=True)
    >>> monomial_form(-m**2 / s**3 - 1 / s + (m**2 + s**2) / s**3), monomial_form(1 / (s + 1) - 1 / s)
    (0, None)
    >>> monomial_form((sp.digamma(k) - m)**2 - sp.digamma(k)*(sp.digamma(k) - 2*m) + sp.polygamma(1, k) - m**2)
    polygamma(1, k)
    >>> monomial_form(k * sp.sin(m)**2 * sp.besseli(1, k) + k * sp.cos(m)**2 * sp.besseli(1, k))
    k*besseli(1, k)
    """
    expanded = expanded_form(expr)
    return expanded if expanded is not None and is_monomial(expanded) else None


def expanded_form(expr: sp.Expr) -> sp.Expr | None:
    """``expr`` expanded, even powers of sines written through cosines first when it has any (sin²(a) + cos²(a) = 1:
    the von Mises law's E[s_μ]); ``None`` for an entry over :data:`MONOMIAL_NODES` nodes or holding a Piecewise, an
    Integral or a Sum."""
    if more_nodes_than(expr, MONOMIAL_NODES) or expr.has(sp.Piecewise, sp.Integral, sp.Sum):
        return None
    expanded = sp.expand(expr)
    if expanded.has(sp.sin) and not is_monomial(expanded):
        expanded = sp.expand(expanded.xreplace(_even_sine_powers(expanded)))
    return expanded


SHORTER_START = 0.3  # a form with at most this share of an entry's operations is what simplify starts from
# the same for a rational function of exponentials in lowest terms: the ordinal logit's I_ββ came down to 0.42 of its
# operations (simplify: nothing in 5 s), its other entries to 0.52–0.77 (simplify: as short, in 0.2 s, and kept)
EXP_SHORTER_START = 0.5


def simplify_start(expr: sp.Expr, expanded: sp.Expr | None) -> sp.Expr:
    """What ``simplify`` should start from: a form of ``expr`` in which most of it cancelled (at most
    :data:`SHORTER_START` of its operations), else ``expr``. The forms tried: ``expanded`` (:func:`expanded_form`), then,
    for a rational function of symbols, ``cancel``. The exponential family's moments of the multinomial law come as
    81 operations that cancel to −3/(p₁ + p₂ − 1).

    Over the 477 distinct entries simplified in deriving sympy.stats's laws, the 60 that start from such a form (31
    expanded, 29 cancelled) came out as before, and their simplify took 0.60 s instead of 2.66 s; looking for the start
    costs about 3 ms an entry. Expanded forms with less cancellation (0.46–0.89 of the operations) came out otherwise
    in 4 of 58, one of them longer. A rational function of exponentials is also tried in lowest terms
    (:func:`exp_lowest_terms`; at most :data:`EXP_SHORTER_START` of the operations)."""
    most = SHORTER_START * sp.count_ops(expr)
    if expanded is not None and sp.count_ops(expanded) <= most:
        return expanded
    if expanded is not None and not expr.atoms(sp.Function) and expr.is_rational_function():  # (None: too large)
        cancelled = sp.cancel(expr)
        if sp.count_ops(cancelled) <= most:
            return cancelled
    if expanded is not None and expr.has(sp.exp):
        lowest = exp_lowest_terms(expr)
        if lowest is not None and sp.count_ops(lowest) <= EXP_SHORTER_START * sp.count_ops(expr):
            return lowest
    return expr


def exp_lowest_terms(expr: sp.Expr) -> sp.Expr | None:
    """``expr``, a rational function of its symbols and of exponentials of sums of monomials with rational
    coefficients, in lowest terms over its factored denominators (the exponentials as powers of independent
    generators, :func:`exp_monomials`; :func:`~symfisher.core.lowest_terms.factored_lowest_terms`), products of
    exponentials merged; None for anything else. The ordinal logit's I_ββ, 69 operations on which ``simplify`` ran out
    of its 5 s, is 29 operations this way, in 15 ms.

    >>> c, z = sp.symbols("c z", real=True)
    >>> exp_lowest_terms(sp.exp(z - c) / (sp.exp(z - c) + 1) ** 2 + 1 / (1 + sp.exp(c - z)))
    (2*exp(c) + exp(z))*exp(z)/(exp(c) + exp(z))**2
    """
    found = exp_monomials(expr)
    if found is None:
        return None
    lowest = factored_lowest_terms(expr.xreplace(found[0]))
    return None if lowest is None else sp.powsimp(lowest.xreplace(found[1]))


def is_monomial(expr: sp.Expr) -> bool:
    """A product c·Π fᵢ^nᵢ of numbers, symbols and functions of symbols and numbers (Γ-like ones excepted)."""
    return all(_plain_factor(f) for f in sp.Mul.make_args(expr))


def _even_sine_powers(expr: sp.Expr) -> dict[sp.Expr, sp.Expr]:
    """sin^{2k}(a) → (1 − cos²(a))^k for every even power of a sine in ``expr``."""
    return {w: (1 - sp.cos(w.base.args[0]) ** 2) ** (w.exp // 2) for w in expr.atoms(sp.Pow)
            if isinstance(w.base, sp.sin) and w.exp.is_Integer and w.exp > 0 and w.exp % 2 == 0}


MONOMIAL_NODES = 400  # larger entries are left to simplify in a worker (expanding them can take longer than a fork)


def _plain_factor(f: sp.Expr) -> bool:
    base = f.base if f.is_Pow and f.exp.is_Integer else f
    if base.is_Rational or base.is_Symbol:
        return True
    return isinstance(base, sp.Function) and not isinstance(base, _GAMMA_LIKE) \
        and all(a.is_Symbol or a.is_Integer for a in base.args)


_TIDIED: dict[sp.Expr, sp.Expr] = {}  # expr → its tidy form, inside one derivation worker only (see tidy)


def tidy(expr: sp.Expr, seconds: float = 5.0) -> sp.Expr:
    """A short equivalent form of ``expr`` (``expr`` itself when time runs out).

    Inside a derivation worker the forms found are remembered for the rest of that worker's life (one
    derivation), so an entry met twice (E[s sᵀ] and −E[H] often agree) is simplified once; nothing outlives it.
    """
    expr = sp.sympify(expr)
    if already_simple(expr):
        return expr
    memo = _TIDIED if in_worker() else None
    if memo is not None and expr in memo:
        return memo[expr]
    try:
        found = run_with_deadline(_shortest, (expr,), seconds)
    except BudgetExceeded:
        return expr
    found = _rationalized_if_shorter(found)
    if memo is not None:
        memo[expr] = found
    return found


LARGE_NODES = 200  # above it, numbers from a compiled mpmath function: on a sum that is 0, N raises its precision
# until it gives up (1.1 s for each of the folded normal law's residuals of 465 and 759 operations, the compiled
# function 0.05 s); below, N (0.6 ms a call against 1.4 ms, and a few ms for a zero of 10 operations)


def numerically_nonzero(expr: sp.Expr, seed: int = 5) -> bool:
    """Whether ``expr`` is clearly not 0 (|value| > 1e-15 at 30 digits) at one of two random points of its symbols'
    domains: a cheap proof that it is not identically zero."""
    rng = random.Random(seed)
    syms = sorted(expr.free_symbols, key=str)
    large = more_nodes_than(expr, LARGE_NODES)
    for _ in range(2):
        point = {s: draw(domain_of(s), rng, bool(s.is_integer)) for s in syms}
        try:
            v = _value(expr, syms, point, large)
        except (TypeError, ValueError, ArithmeticError, NotImplementedError, ZeroDivisionError):  # no evidence
            return False
        if v is not None and abs(v) > 1e-15:
            return True
    return False


def _value(expr: sp.Expr, syms: list, point: dict, compiled: bool) -> complex | None:
    """``expr`` at ``point``: by :func:`_fixed_precision_value` when ``compiled`` and mpmath has its functions, else
    by ``N`` at 30 digits."""
    if compiled:
        try:
            return _fixed_precision_value(expr, syms, point)
        except (NameError, AttributeError, KeyError, TypeError, NotImplementedError):  # a function mpmath lacks
            pass
    return complex(sp.N(expr.subs(point), 30))


def _mp(v: sp.Expr, digits: int):
    """A SymPy number as an mpmath number at the working precision."""
    v = sp.sympify(v)
    return mpmath.mpf(v.p) / v.q if v.is_Rational else mpmath.mpmathify(sp.N(v, digits + 10))


def _fixed_precision_value(expr: sp.Expr, syms: list, point: dict) -> complex | None:
    """``expr`` at ``point`` by mpmath at 30 and at 60 digits (a compiled function: ``N`` of a residual of 3,600
    operations, the truncated normal law's I_σσ, takes 1.3 s, this 0.2 s); None when the two disagree (cancellation
    ate the digits: no evidence)."""
    f = sp.lambdify(syms, expr, "mpmath")
    values = []
    for digits in (30, 60):
        with mpmath.workdps(digits):
            values.append(complex(f(*[_mp(point[s], digits) for s in syms])))
    low, high = values
    return high if abs(low - high) <= 1e-3 * abs(high) else None


def zero_as_rational_function(expr: sp.Expr) -> bool:
    """Whether ``expr`` is 0 as a rational function of its symbols, function values, non-integer powers and constants,
    each taken as an independent indeterminate (sufficient for 0: the identity holds for every value they take),
    put over the least common multiple of its factored denominators in a polynomial ring
    (:func:`~symfisher.core.lowest_terms.vanishes`): the beta-binomial's residual E[s sᵀ] + E[H], sums
    of reciprocals of 15 linear factors, where ``expand`` ran out of its time."""
    atoms = [*expr.atoms(sp.Function), *expr.atoms(sp.NumberSymbol)]
    powers = powers_of_one_generator([p for p in expr.atoms(sp.Pow) if not p.exp.is_Integer])
    return vanishes(expr.xreplace({**{a: sp.Dummy() for a in atoms}, **powers}))


def powers_of_one_generator(powers: list[sp.Pow]) -> dict[sp.Pow, sp.Expr]:
    """Powers b^(c·t) of one base and one exponent term t (c rational) as integer powers of one indeterminate
    g = b^(c₀·t), c₀ the greatest common divisor of the c: b^a, b^(2a), b^(−a) → g, g², g⁻¹ (the Dagum law's
    residual, which does not vanish with each power an indeterminate of its own)."""
    groups: dict[tuple[sp.Expr, sp.Expr], list[tuple[sp.Pow, sp.Rational]]] = {}
    for power in powers:
        c, t = power.exp.as_coeff_Mul()
        c, t = (c, t) if c.is_Rational else (sp.S.One, power.exp)
        groups.setdefault((power.base, t), []).append((power, c))
    out = {}
    for members in groups.values():
        unit, g = functools.reduce(sp.gcd, [c for _, c in members]), sp.Dummy()
        out.update({power: g ** int(c / unit) for power, c in members})
    return out


def _zero_forms(expr: sp.Expr) -> bool:
    if zero_as_rational_function(expr) or sp.expand(expr) == 0 or exp_as_rational(expr) == 0:
        return True
    if expr.has(sp.exp, sp.erf, sp.erfc) and zero_over_generators(expr):
        return True
    if expr.has(sp.gamma):  # Γ(c + k) through Γ(c) inside sums, which gammasimp misses (the t law's I_νν by its score)
        expr = expr.replace(lambda e: isinstance(e, sp.gamma), sp.expand_func)
        if sp.cancel(sp.together(expr)) == 0:
            return True
    if expr.has(sp.polygamma):  # ψ⁽ⁿ⁾(c + k) through ψ⁽ⁿ⁾(c), which simplify does not do: ψ′(a) − ψ′(a + 3) is rational
        canonical = canonical_polygammas(shift_betas(rational_betas(special_arguments_in_lowest_terms(expr))))
        if canonical == 0 or zero_as_rational_function(canonical) or sp.cancel(sp.together(canonical)) == 0:
            return True
    return any(f == 0 for f in _forms(expr, zero_test=True))


def is_zero(expr: sp.Expr, seconds: float = 5.0) -> bool | None:
    """True: some normal form is exactly 0. False: clearly nonzero at a point. None: undecided."""
    return zero_test(expr, seconds)[0]


def zero_test(expr: sp.Expr, seconds: float = 5.0) -> tuple[bool | None, bool]:
    """:func:`is_zero`'s answer, and whether it is ``None`` because the normal forms ran out of time (a longer try
    may still find 0) rather than because none of them is 0."""
    expr = sp.sympify(expr)
    if expr == 0:
        return True, False
    if expr.has(sp.Integral, sp.Sum):
        return None, False
    if expr.free_symbols and numerically_nonzero(expr):
        return False, False
    try:
        return (True if run_with_deadline(_zero_forms, (expr,), seconds) else None), False
    except BudgetExceeded:
        return None, True
