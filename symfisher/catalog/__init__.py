"""The symfisher catalog: textbook families with their literature Fisher information.

``FAMILIES`` maps each CLI name to its :class:`~symfisher.catalog._family.Family`, sorted by name;
``get(name)`` looks one up. Only SymPy is imported.
"""

from __future__ import annotations

import difflib
from importlib import import_module
from pathlib import Path

from symfisher.catalog._family import Family

__all__ = ["Family", "FAMILIES", "get", "names"]

# The family modules live in the repository's top-level derivations/ folder; a wheel installs them
# into this package (see setup.py). Run from a checkout, the package reads them from there.
_CHECKOUT = Path(__file__).resolve().parents[2] / "derivations"
if not (Path(__file__).parent / "normal.py").exists() and _CHECKOUT.is_dir():
    __path__.append(str(_CHECKOUT))

_MODULES = (
    "bernoulli",
    "beta",
    "binomial",
    "bivariate_normal",
    "bivariate_normal_full",
    "categorical",
    "categorical_onehot",
    "cauchy",
    "erlang",
    "exponential",
    "exponential_scale",
    "gamma_rate",
    "gamma_scale",
    "gamma_shape",
    "geometric",
    "gumbel",
    "half_normal",
    "inverse_gaussian",
    "laplace",
    "logistic",
    "logistic_regression",
    "lognormal",
    "maxwell",
    "negative_binomial",
    "normal",
    "normal_mean",
    "normal_scale",
    "normal_var",
    "pareto",
    "poisson",
    "poisson_regression",
    "rayleigh",
    "shifted_exponential",
    "student_t",
    "student_t3",
    "uniform",
    "von_mises",
    "weibull",
)


def _load() -> dict[str, Family]:
    fams = [import_module(f"{__name__}.{m}").FAMILY for m in _MODULES]
    out = {f.name: f for f in sorted(fams, key=lambda f: f.name)}
    if len(out) != len(fams):  # pragma: no cover - guards against duplicate names
        raise RuntimeError("duplicate family names in the catalog")
    return out


FAMILIES: dict[str, Family] = _load()


def names() -> list[str]:
    """All catalog names, sorted."""
    return list(FAMILIES)


def get(name: str) -> Family:
    """Return the family called ``name`` (underscores and case are tolerated).

    Raises:
        KeyError: unknown name; the message lists the closest catalog names.
    """
    key = name.strip().lower().replace("_", "-").replace(" ", "-")
    try:
        return FAMILIES[key]
    except KeyError:
        close = difflib.get_close_matches(key, FAMILIES, n=5, cutoff=0.5)
        if not close:
            close = [n for n in FAMILIES if key and (key in n or n in key)][:5]
        hint = f"; did you mean: {', '.join(close)}?" if close else ""
        raise KeyError(
            f"unknown family {name!r}{hint} (known: {', '.join(FAMILIES)})"
        ) from None
