"""Information from data: the empirical Fisher matrix and the observed information, chunked.

Both walk the data in chunks (never holding an n×k×k array), accept any length, and accept Dask
arrays (the optional extra ``dask``): each Dask block is reduced to a k×k partial sum in parallel.
The data may also be a pandas DataFrame or a dict of columns by symbol name (covariate columns
then need not be repeated in ``params``). A row outside the model's support, or a covariate
outside its domain, is refused with a one-line error naming the first such row
(:func:`symfisher.numeric.data.first_outside`).
"""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np

from symfisher.numeric.compiler import real_argument
from symfisher.numeric.crosscheck import resolve_point
from symfisher.numeric.data import columns, first_outside
from symfisher.errors import ModelError

__all__ = ["empirical_fisher", "observed_information"]

CHUNK = 1 << 16


def _is_dask(a: Any) -> bool:
    return hasattr(a, "dask") and hasattr(a, "to_delayed") and hasattr(a, "chunks")


def _from_table(model: Any, data: Any, params: Mapping[Any, Any]) -> tuple[Any, Mapping[Any, Any]]:
    """A DataFrame or dict of columns → (the data array, params with the covariate columns added)."""
    table = columns(data)
    if table is None:
        return data, params
    missing = [x for x in model.data if x.name not in table]
    if missing:
        raise ModelError(f"model {model.name}: the data have no column {missing[0]} "
                         f"(columns: {', '.join(table) or 'none'})")
    named = {(k.name if hasattr(k, "name") else str(k)) for k in params} if isinstance(params, Mapping) else set()
    extra = {}
    for g in model.given:
        if g.name in table:
            if g.name in named:
                raise ModelError(f"model {model.name}: covariate {g} is given both in the data and in params")
            extra[g.name] = table[g.name]
    cols = [table[x.name] for x in model.data]
    if any(_is_dask(c) for c in cols):
        import dask.array as da

        x = cols[0] if len(cols) == 1 else da.stack(cols, axis=1)
    else:
        x = cols[0] if len(cols) == 1 else np.column_stack([np.asarray(c) for c in cols])
    return x, ({**params, **extra} if isinstance(params, Mapping) else params)


def _reduce(derivation: Any, data: Any, params: Mapping[Any, Any], what: str, chunk: int) -> tuple[np.ndarray, int]:
    """(Σ over the data of s sᵀ or −H, number of observations); rows outside the support refused first."""
    model = derivation.model
    data, params = _from_table(model, data, params)
    pos, kw = resolve_point(model, params)
    m = len(model.data)
    num = derivation.lambdify()
    k = len(model.params)
    given = {str(g): g for g in model.given}
    known = {p: v for p, v in zip(model.params, pos) if np.ndim(v) == 0}

    def partial(x: Any, *cov: Any, offset: int = 0) -> tuple[np.ndarray | None, int, tuple | None]:
        x = np.asarray(x, dtype=float)
        if m > 1:
            if x.ndim != 2 or x.shape[1] != m:
                raise ModelError(f"model {model.name}: data must have shape (n, {m}), got {x.shape}")
        elif x.ndim != 1:
            x = x.reshape(-1)
        n = len(x)
        covs = dict(zip(num.given, cov))
        rows = {xs: (x[:, i] if m > 1 else x) for i, xs in enumerate(model.data)}
        rows.update({given[g]: np.broadcast_to(np.asarray(v, dtype=float), (n,)) for g, v in covs.items()})
        bad = first_outside(model, rows, known, offset)
        if bad is not None:
            return None, n, bad
        total = np.zeros((k, k))
        for a in range(0, n, chunk):
            xc = x[a:a + chunk]
            kwc = {g: (v[a:a + chunk] if np.ndim(v) else v) for g, v in covs.items()}
            if what == "outer":
                s = num.score(xc, *pos, **kwc).reshape(-1, k)
                total += s.T @ s
            else:
                total -= num.hessian(xc, *pos, **kwc).reshape(-1, k, k).sum(axis=0)
        return total, n, None

    data = real_argument(data, "data " + (str(model.data[0]) if m == 1 else f"({', '.join(map(str, model.data))})"),
                         model.name)
    covariates = [real_argument(kw[g], f"covariate {g}", model.name) for g in num.given]
    n_data = np.shape(data)[0] if np.ndim(data) else 0
    if n_data == 0:
        raise ModelError(f"model {model.name}: no observations given")
    for g, v in zip(num.given, covariates):
        if np.ndim(v) and np.shape(v)[0] != n_data:
            raise ModelError(f"model {model.name}: covariate {g} has {np.shape(v)[0]} values for {n_data} observations")
    if _is_dask(data) or any(_is_dask(v) for v in covariates):
        import dask
        import dask.array as da

        x = da.asarray(data)
        x = x.rechunk({1: -1}) if x.ndim == 2 else x
        covs = [da.asarray(v).rechunk(x.chunks[0]) if np.ndim(v) else v for v in covariates]
        blocks = x.to_delayed().ravel()
        cov_blocks = [c.to_delayed().ravel() if np.ndim(c) else [c] * len(blocks) for c in covs]
        offsets = np.concatenate([[0], np.cumsum(x.chunks[0])[:-1]]).astype(int)
        parts = dask.compute(*[dask.delayed(partial)(b, *(cb[i] for cb in cov_blocks), offset=int(offsets[i]))
                               for i, b in enumerate(blocks)])
    else:
        parts = [partial(data, *(np.asarray(v, dtype=float) if np.ndim(v) else v for v in covariates))]
    bad = [p[2] for p in parts if p[2] is not None]
    if bad:
        raise ModelError(min(bad)[1])  # the first bad row over all blocks
    return sum(p[0] for p in parts), sum(p[1] for p in parts)


def _chunk(chunk: int) -> int:
    if not (isinstance(chunk, (int, np.integer)) and chunk > 0):
        raise ModelError(f"chunk must be a positive integer, got {chunk!r}")
    return int(chunk)


def empirical_fisher(derivation: Any, data: Any, params: Mapping[Any, Any], *, chunk: int = CHUNK) -> np.ndarray:
    """The empirical Fisher matrix (1/n) Σ_i s(x_i) s(x_i)ᵀ at θ.

    Args:
        derivation: A :class:`~symfisher.core.derivation.Derivation`.
        data: n observations: shape (n,), or (n, m) for m data symbols; NumPy or Dask; or a pandas
            DataFrame / dict of columns by symbol name (data symbols, and covariates if not in params).
        params: Parameter values, dict Symbol → value or name → value; a covariate may be an array of
            n values (one per observation) or a single value.
        chunk: Observations per chunk.

    Returns:
        A k×k float64 array.

    Raises:
        ModelError: Bad parameters, data of the wrong shape, or a row outside the support (the first
            one is named: ``row 1 of the data: x = -3 is outside the support (0, oo) of x``).

    >>> import sympy as sp, symfisher as sf
    >>> x = sp.Symbol("x", positive=True); lam = sp.Symbol("lambda", positive=True)
    >>> d = sf.derive(sf.Model.from_pdf(lam * sp.exp(-lam * x), x, [lam], sp.Interval.open(0, sp.oo)))
    >>> empirical_fisher(d, [1.0, 3.0], {lam: 0.5}).tolist()  # mean of (1/λ − x)²
    [[1.0]]
    """
    total, n = _reduce(derivation, data, params, "outer", _chunk(chunk))
    return total / n


def observed_information(derivation: Any, data: Any, params: Mapping[Any, Any], *,
                         chunk: int = CHUNK) -> np.ndarray:
    """The observed information J(θ) = −Σ_i H(x_i) at θ (a sum, not a mean).

    Args:
        derivation: A :class:`~symfisher.core.derivation.Derivation`.
        data: n observations: shape (n,), or (n, m) for m data symbols; NumPy or Dask; or a pandas
            DataFrame / dict of columns by symbol name (data symbols, and covariates if not in params).
        params: Parameter values, dict Symbol → value or name → value (covariates may be arrays of n).
        chunk: Observations per chunk.

    Returns:
        A k×k float64 array.

    >>> import sympy as sp, symfisher as sf
    >>> x = sp.Symbol("x", positive=True); lam = sp.Symbol("lambda", positive=True)
    >>> d = sf.derive(sf.Model.from_pdf(lam * sp.exp(-lam * x), x, [lam], sp.Interval.open(0, sp.oo)))
    >>> observed_information(d, [1.0, 3.0], {lam: 0.5}).tolist()  # n/λ²
    [[8.0]]
    """
    total, _n = _reduce(derivation, data, params, "hessian", _chunk(chunk))
    return total

