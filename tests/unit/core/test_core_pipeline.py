"""symfisher.core.pipeline: the stream of (key, value) results the derivation worker sends."""

from __future__ import annotations

import functools

import pytest
import sympy as sp

from symfisher.config import Config
from symfisher.core.deadline import Budget
from symfisher.core.expectation import registry
from symfisher.core.model import Model
from symfisher.core.pipeline import Entry, entries, pipeline
from symfisher.core.simplify import is_zero
from symfisher.errors import StrategyBug

x = sp.Symbol("x", positive=True)
xr = sp.Symbol("x", real=True)
lam = sp.Symbol("lambda", positive=True)
mu = sp.Symbol("mu", real=True)
sigma = sp.Symbol("sigma", positive=True)
POS = sp.Interval.open(0, sp.oo)

EXPONENTIAL = Model(sp.log(lam) - lam * x, (x,), (lam,), ((x, POS),), name="exponential")
NORMAL = Model(-(xr - mu) ** 2 / (2 * sigma**2) - sp.log(sigma) - sp.log(2 * sp.pi) / 2, (xr,), (mu, sigma),
               ((xr, sp.S.Reals),), name="normal")


def run(model: Model, config: Config | None = None) -> list[tuple[str, object]]:
    if config is None:
        return list(_default_run(model))
    return list(pipeline(model, config, Budget.of(30)))


@functools.lru_cache(maxsize=None)
def _default_run(model: Model) -> tuple[tuple[str, object], ...]:
    """The stream under the default Config, computed once per model (the normal model takes seconds)."""
    return tuple(pipeline(model, Config(), Budget.of(30)))


def matrix(stream, key: str, k: int) -> dict[tuple[int, int], Entry]:
    out = {ij: v for name, (ij, v) in ((n, v) for n, v in stream if n == key)}
    assert sorted(out) == entries(k)
    return out


def test_entries_is_the_upper_triangle_row_by_row():
    assert entries(0) == []
    assert entries(1) == [(0, 0)]
    assert entries(2) == [(0, 0), (0, 1), (1, 1)]
    assert entries(3) == [(0, 0), (0, 1), (0, 2), (1, 1), (1, 2), (2, 2)]


k_shape = sp.Symbol("k", positive=True)
LOMAX = Model(sp.log(k_shape) + k_shape * sp.log(lam) - (k_shape + 1) * sp.log(lam + x), (x,), (k_shape, lam),
              ((x, POS),), name="lomax")


@pytest.mark.parametrize("model, keys", [
    pytest.param(EXPONENTIAL, ["score", "timing", "mean", "timing", "fisher", "timing", "neh", "timing",
                               "score", "hessian"], id="exponential"),
    pytest.param(NORMAL, ["score", "timing", "mean", "mean", "timing", "fisher", "fisher", "fisher", "timing",
                          "neh", "neh", "neh", "timing", "score", "hessian"], id="normal"),
    pytest.param(LOMAX, ["score", "timing", "mean", "mean", "timing", "fisher", "fisher", "fisher", "timing",
                         "neh", "neh", "neh", "timing", "fisher", "neh", "score", "hessian"], id="lomax"),
])
def test_keys_stream_in_order(model, keys):
    """The score unsimplified (H is differentiated from the simplified score); E[s], E[s sᵀ] and −E[H] as found,
    each stage timed, the entries that expand to a monomial or are plain products (all the normal law's, the Lomax
    law's I_λλ = k/(λ²(k + 2))) already in their final form; then the entries that simplify (simplified in a worker
    meanwhile: I_kλ of the Lomax law, also met as −E[H] and simplified once), then the simplified score and Hessian
    (simplified in a worker of its own while the expectations were taken)."""
    stream = run(model)
    assert [key for key, _ in stream] == keys
    timings = [value for key, value in stream if key == "timing"]
    assert [stage for stage, _ in timings] == ["differentiate", "regularity", "fisher", "neg_expected_hessian"]
    assert all(isinstance(t, float) and t >= 0 for _, t in timings)


def test_exponential_values():
    """I(λ) = 1/λ² = −E[∂²ℓ/∂λ²], E[s] = 0."""
    stream = run(EXPONENTIAL)
    score = [v for key, v in stream if key == "score"]
    assert all(sp.simplify(s[0] - (1 / lam - x)) == 0 for s in score)
    hessian = [v for key, v in stream if key == "hessian"]
    assert all(h == {(0, 0): -1 / lam**2} for h in hessian)
    means = [v for key, v in stream if key == "mean"]
    assert means == [(0, Entry(sp.Integer(0), "exponential-family", means[0][1].detail))]
    fisher, neh = matrix(stream, "fisher", 1), matrix(stream, "neh", 1)
    assert isinstance(fisher[(0, 0)], Entry)
    assert fisher[(0, 0)].value == 1 / lam**2 and fisher[(0, 0)].strategy == "exponential-family"
    assert fisher[(0, 0)].detail.startswith("exponential family")
    assert neh[(0, 0)] == Entry(1 / lam**2, "data-free", "")


def test_normal_values():
    """Normal (μ, σ): I = diag(1/σ², 2/σ²) (e.g. Lehmann & Casella, Theory of Point Estimation, Ex. 2.6.2)."""
    stream = run(NORMAL)
    expected = {(0, 0): 1 / sigma**2, (0, 1): sp.Integer(0), (1, 1): 2 / sigma**2}
    for key in ("fisher", "neh"):
        got = matrix(stream, key, 2)
        assert all(is_zero(got[ij].value - value) for ij, value in expected.items()), key
        assert all(e.conditions == () for e in got.values())
    means = {v[0]: v[1].value for key, v in stream if key == "mean"}  # the last sent stands (simplified)
    assert [means[0], means[1]] == [0, 0]
    assert matrix(stream, "fisher", 2)[(0, 1)].strategy == "exponential-family"


def test_independent_blocks_give_products_of_means():
    """Two independent normal means: E[s₁ s₂] = E[s₁] E[s₂] = 0 without an integral."""
    x1, x2 = sp.symbols("x1 x2", real=True)
    m1, m2 = sp.symbols("mu1 mu2", real=True)
    model = Model(-(x1 - m1) ** 2 / 2 - (x2 - m2) ** 2 / 2 - sp.log(2 * sp.pi), (x1, x2), (m1, m2),
                  ((x1, sp.S.Reals), (x2, sp.S.Reals)), name="two-means")
    fisher = matrix(run(model), "fisher", 2)
    assert fisher[(0, 1)].value == 0 and fisher[(0, 1)].strategy == "independence"
    assert fisher[(0, 0)].value == 1 and fisher[(1, 1)].value == 1


def test_linear_predictor_path_for_logistic_regression():
    """Logistic regression η = β0 + β1 z: I = z zᵀ e^η/(1 + e^η)² from the one-predictor model."""
    y, z = sp.Symbol("y", integer=True), sp.Symbol("z", real=True)
    b0, b1 = sp.symbols("beta0 beta1", real=True)
    eta = b0 + b1 * z
    model = Model(y * eta - sp.log(1 + sp.exp(eta)), (y,), (b0, b1), ((y, sp.FiniteSet(0, 1)),), given=(z,),
                  name="logistic")
    stream = run(model)
    assert [key for key, _ in stream] == ["score", "hessian", "timing", "mean", "mean", "timing", "fisher", "fisher",
                                          "fisher", "timing", "neh", "neh", "neh", "timing"]
    weight = sp.exp(eta) / (1 + sp.exp(eta)) ** 2
    row = (1, z)
    for key in ("fisher", "neh"):
        got = matrix(stream, key, 2)
        for (i, j), e in got.items():
            assert is_zero(e.value - row[i] * row[j] * weight), (key, i, j)
            assert e.strategy.startswith("linear-predictor+")
            assert "linear predictor eta = beta0 + beta1*z" in e.detail
    assert matrix(stream, "fisher", 2)[(0, 1)].strategy == "linear-predictor+finite-support"
    assert "proved on the reduced model" in matrix(stream, "neh", 2)[(1, 1)].detail
    assert [v[1].value for key, v in stream if key == "mean"] == [0, 0]
    score = [v for key, v in stream if key == "score"][0]
    assert is_zero(score[1] - z * (y - sp.exp(eta) / (1 + sp.exp(eta))))


def _break_first_strategy(monkeypatch):
    """Make "finite-support", the first expression strategy, raise on every call."""
    original = registry.strategies

    def broken(engine, f):
        raise ZeroDivisionError("boom")

    def patched(level):
        return [(name, broken if (level, name) == ("expression", "finite-support") else fn)
                for name, fn in original(level)]

    monkeypatch.setattr(registry, "strategies", patched)


def test_strategy_failures_are_streamed_when_not_strict(monkeypatch):
    _break_first_strategy(monkeypatch)
    stream = run(EXPONENTIAL, Config(strict=False))
    failures = [value for key, value in stream if key == "failures"]
    assert failures, [key for key, _ in stream]
    assert all(set(f) == {"strategy 'finite-support' raised ZeroDivisionError: boom"} for f in failures)
    assert [len(f) for f in failures] == sorted(len(f) for f in failures)  # cumulative, never shrinking
    keys = [key for key, _ in stream]
    assert keys.index("failures") == keys.index("mean") + 1  # sent right after the entry that hit it
    assert matrix(stream, "fisher", 1)[(0, 0)].value == 1 / lam**2  # the next strategy still answers


def test_strategy_failures_raise_when_strict(monkeypatch):
    _break_first_strategy(monkeypatch)
    with pytest.raises(StrategyBug, match=r"^strategy 'finite-support' raised ZeroDivisionError: boom$"):
        run(EXPONENTIAL, Config(strict=True))


def test_large_model_differentiates_in_a_worker_meanwhile():
    """Past three parameters the derivatives of log p for the result come from a worker started with the
    expectations (which differentiate their own log-density), after them, with their own timing."""
    a, b, c, d = sp.symbols("a b c d", positive=True)
    rate = a * b * c * d
    model = Model(sp.log(rate) - rate * x, (x,), (a, b, c, d), ((x, POS),), name="exponential-product")
    stream = run(model)
    keys = [key for key, _ in stream]
    assert keys.index("score") > max(i for i, key in enumerate(keys) if key == "neh")
    score = next(v for key, v in stream if key == "score")
    assert [sp.simplify(s - (1 / p - rate / p * x)) for s, p in zip(score, (a, b, c, d))] == [0, 0, 0, 0]
    hessian = next(v for key, v in stream if key == "hessian")
    assert sorted(hessian) == entries(4) and sp.simplify(hessian[(0, 0)] + 1 / a**2) == 0
    timings = dict(v for key, v in stream if key == "timing")
    assert set(timings) == {"differentiate", "regularity", "fisher", "neg_expected_hessian"}


def test_a_score_that_is_a_plain_sum_once_the_logarithms_are_expanded_is_not_simplified(monkeypatch):
    """The Beta score from log(Γ(a + b)/(Γ(a)Γ(b)) x^(a−1) (1 − x)^(b−1)) is log x − ψ(a) + ψ(a + b) once the logarithm
    is expanded: the rows take it (and its Hessian −ψ′(a) + ψ′(a + b)) as they stand, with no simplify."""
    import symfisher.core.pipeline as pl

    a, b, u = sp.Symbol("a", positive=True), sp.Symbol("b", positive=True), sp.Symbol("u", positive=True)
    beta = Model(sp.log(sp.gamma(a + b) / (sp.gamma(a) * sp.gamma(b)) * u ** (a - 1) * (1 - u) ** (b - 1)), (u,),
                 (a, b), ((u, sp.Interval.open(0, 1)),), name="beta")
    monkeypatch.setattr(pl, "_simplified", lambda *args, **kw: pytest.fail("simplify was called"))
    ctx = pl.Context.of(beta)
    expanded = [sp.diff(ctx.logpdf, p).xreplace(dict(ctx.to_user)) for p in beta.params]
    rows = dict(pl._simplified_rows(beta, Config.defaults(), [sp.diff(beta.logpdf, p) for p in beta.params], expanded))
    assert rows[(0,)] == sp.log(u) - sp.polygamma(0, a) + sp.polygamma(0, a + b)
    assert rows[(1,)] == sp.log(1 - u) - sp.polygamma(0, b) + sp.polygamma(0, a + b)
    assert rows[(0, 0)] == -sp.polygamma(1, a) + sp.polygamma(1, a + b) and rows[(0, 1)] == sp.polygamma(1, a + b)


def test_an_error_function_below_is_simplified_term_by_term(monkeypatch):
    """The skew-normal score has 1 + erf(a(x − μ)/(√2 s)) below: each term is simplified on its own (whole, simplify
    would put the sum over (1 + erf)^k), and a term keeps its form unless simplify shortens it."""
    import symfisher.core.pipeline as pl

    mu, s, a = sp.Symbol("mu", real=True), sp.Symbol("s", positive=True), sp.Symbol("a", real=True)
    y = sp.Symbol("y", real=True)
    logpdf = -(y - mu) ** 2 / (2 * s**2) - sp.log(sp.sqrt(2 * sp.pi) * s) + sp.log(1 + sp.erf(a * (y - mu) / (sp.sqrt(2) * s)))
    score_mu = sp.diff(logpdf, mu)
    assert pl._error_function_below(score_mu, [y]) and not pl._error_function_below(score_mu, [sp.Symbol("z")])
    seen = []
    real_simplified = pl._simplified
    monkeypatch.setattr(pl, "_simplified", lambda e, config, *rest: seen.append(e) or real_simplified(e, config, *rest))
    out = pl._simplify_derivative(score_mu, Config.defaults(), [y])
    assert seen == list(sp.Add.make_args(score_mu))  # term by term, never the whole sum
    assert sp.count_ops(out) < sp.count_ops(score_mu)  # −(2μ − 2y)/(2s²) became (y − μ)/s²
    assert (y - mu) / s**2 in sp.Add.make_args(out)
    point = {y: 0.3, mu: -0.2, s: 1.7, a: 2.5}
    assert float(out.subs(point)) == pytest.approx(float(score_mu.subs(point)), rel=1e-14)
    rice = sp.log(y) - y**2 / (2 * s**2) + sp.log(sp.besseli(0, y * mu / s**2))  # a Bessel function keeps simplify
    assert not pl._error_function_below(sp.diff(rice, mu), [y])


def test_an_open_entry_is_collected_over_its_unevaluated_sums():
    """The closed part of an open entry is cancelled, each unevaluated sum keeps one coefficient (the negative
    multinomial's I_{k₀p₁}: the logarithms cancel), and nothing inside the sums is touched."""
    from symfisher.core.pipeline import _open_tidy

    k, p, q, x = sp.symbols("k p q x", positive=True)
    S = sp.Sum(p**x * sp.polygamma(0, k + x) / sp.factorial(x), (x, 0, sp.oo))
    T = sp.Sum(x * p**x * sp.polygamma(0, k + x) / sp.factorial(x), (x, 0, sp.oo))
    messy = (k * p * (sp.log(q) / p - sp.polygamma(0, k) / p) / q - k * sp.log(q) / q + k * sp.polygamma(0, k) / q
             - k * S / q + T / p + (1 / p - 1 / p) * T)
    tidy = _open_tidy(messy)
    assert tidy == -k * S / q + T / p
    assert _open_tidy(sp.log(1 + S)) == sp.log(1 + S)  # not linear in the sum: left as it is
    assert _open_tidy(k / q - 1 / q) == k / q - 1 / q  # closed: not this function's


def test_a_long_closed_entry_of_a_large_model_is_tidied_in_a_worker_meanwhile():
    """Where the model is not small (long scores) but has few parameters, a closed entry of more than
    TIDY_IN_PROCESS_OPS operations is sent as found, and its tidy runs in a worker while the engine goes on (it had kept
    the engine waiting 4 s on the Marshall–Olkin Weibull law); a short one is tidied in place, with no worker."""
    import symfisher.core.pipeline as pl
    from symfisher.core.expectation.base import Expectation

    long_zero = sp.Add(*[(mu + i) ** 2 / (sigma + i) - (mu**2 + 2 * i * mu + i**2) / (sigma + i)
                         for i in range(1, 40)])
    assert sp.count_ops(long_zero) > pl.TIDY_IN_PROCESS_OPS
    with pl._Simplifying(pl.Context.of(NORMAL), Config.defaults(), Budget.of(30), small=False) as finish:
        found = finish(Expectation(long_zero, ("linearity",)), "fisher", (0, 0))
        assert found.value == long_zero and len(finish.workers) == 1
        short = finish(Expectation((mu**2 - 1) / (mu - 1), ("linearity",)), "fisher", (0, 1))
        assert short.value == mu + 1 and len(finish.workers) == 1
        assert list(finish.simplified()) == [("fisher", ((0, 0), found._replace(value=sp.S.Zero)))]
