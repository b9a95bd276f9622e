"""The strategy registry: an explicit ORDER, registration checked against it, bugs surfaced, README in step."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sympy as sp

import symfisher as sf
from symfisher.config import Config
from symfisher.core.expectation import registry
from symfisher.errors import StrategyBug

README = Path(__file__).resolve().parents[4] / "README.md"

x = sp.Symbol("x", positive=True)
lam = sp.Symbol("lambda", positive=True)
EXPONENTIAL = sf.Model.from_pdf(lam * sp.exp(-lam * x), x, [lam], sp.Interval(0, sp.oo), name="exponential")

BUG = "strategy 'exponential-family' raised NameError: name 'undefined_helper' is not defined"


def _noop(engine, f):
    return None


@pytest.fixture
def empty_registry(monkeypatch):
    """A registry with nothing registered (the real one is restored afterwards)."""
    monkeypatch.setattr(registry, "_REGISTERED", {level: {} for level in registry.ORDER})


@pytest.mark.parametrize(("name", "level", "message"), [
    ("quadrature", "atom", r"^strategy 'quadrature' is not in registry\.ORDER\['atom'\]; add it there to say when "
                           r"it is tried$"),
    ("dirac", "expression", r"^strategy 'dirac' is not in registry\.ORDER\['expression'\]; add it there to say "
                            r"when it is tried$"),
    ("dirac", "moment", r"^unknown strategy level 'moment'; levels: expression, atom$"),
])
def test_registering_a_name_not_in_order_raises(name, level, message):
    with pytest.raises(ValueError, match=message):
        registry.register(name, level)


def test_registering_a_name_twice_raises():
    before = dict(registry._REGISTERED["atom"])
    with pytest.raises(ValueError, match=r"^strategy 'integrate' registered twice at level 'atom'$"):
        registry.register("integrate", "atom")(_noop)
    assert registry._REGISTERED["atom"] == before  # the first registration stands


@pytest.mark.parametrize("level", list(registry.ORDER))
def test_strategies_come_in_order_whatever_the_order_of_registration(empty_registry, level):
    names = list(registry.ORDER[level])
    for name in (*names[1::2], *reversed(names[::2])):  # a scrambled order of registration
        registry.register(name, level)(_noop)
    assert [n for n, _ in registry.strategies(level)] == names
    assert registry.names(level) == names


def test_the_installed_strategies_come_in_order():
    for level, names in registry.ORDER.items():
        assert [n for n, _ in registry.strategies(level)] == list(names)


def test_a_strategy_in_order_but_never_registered_is_an_error(empty_registry):
    registry.register("integrate", "atom")(_noop)
    with pytest.raises(RuntimeError, match=r"^strategies exponential-family, gaussian-mgf, gaussian-erf, dirac, symmetry, trigonometric, polylogarithm, "
                       r"hurwitz-zeta, euler-integral, gaussian-tail, incomplete-gamma, exponential-integral, dilogarithm, bessel-k, "
                       r"bessel-gaussian, bessel-generating, reciprocal-symmetry, "
                       r"transform, substitution, digamma, parametric, parity, meijer-g are in registry\.ORDER but not "
                       r"registered; import "
                       r"symfisher\.core\.expectation\.strategies$"):
        registry.strategies("atom")


# ------------------------------------------------------------------------ an unexpected exception is a bug
@pytest.fixture
def broken_expfamily(monkeypatch):
    """The expression-level exponential-family strategy with a bug (the forked workers inherit it)."""
    def broken(engine, f):
        return undefined_helper(engine, f)  # noqa: F821 - the bug

    monkeypatch.setitem(registry._REGISTERED["expression"], "exponential-family", broken)


def test_a_broken_strategy_raises_strategy_bug_in_strict_mode(broken_expfamily):
    assert Config.defaults().strict  # tests/conftest.py sets SYMFISHER_STRICT=1
    with pytest.raises(StrategyBug, match=rf"^{re.escape(BUG)}$"):
        sf.derive(EXPONENTIAL, timeout=30)


def test_a_broken_strategy_is_recorded_and_the_next_one_answers_when_not_strict(broken_expfamily):
    d = sf.derive(EXPONENTIAL, timeout=30, config=Config(strict=False))
    assert d.failures and set(d.failures) == {BUG}
    assert d.fisher == sp.Matrix([[1 / lam**2]])  # from the atom-level exponential-family strategy
    assert d.equality.status == "proved"


def test_a_sound_derivation_records_no_failures():
    d = sf.derive(EXPONENTIAL, timeout=30, config=Config(strict=False))
    assert d.failures == ()
    assert d.fisher == sp.Matrix([[1 / lam**2]])


# ------------------------------------------------------------------------ the README lists ORDER exactly
def _readme_strategy_tables() -> dict[str, list[str]]:
    """{"expression": names, "atom": names} from the tables under "## How it works", in README order."""
    section = README.read_text(encoding="utf-8").split("\n## How it works\n", 1)[1].split("\n## ", 1)[0]
    tables: dict[str, list[str]] = {}
    current = None
    for line in section.splitlines():
        if not line.startswith("|"):
            current = None
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if current is None:  # a header row
            match = re.fullmatch(r"(expression|atom) strategy", cells[0])
            current = match.group(1) if match else ""
            if current:
                assert current not in tables, f"two {current} strategy tables"
                tables[current] = []
        elif current and not set(cells[0]) <= set("-: "):
            tables[current].append(cells[0])
    return tables


def test_readme_tables_list_the_registry_order_exactly():
    tables = _readme_strategy_tables()
    assert list(tables) == ["expression", "atom"]
    for level, names in tables.items():
        assert names == list(registry.ORDER[level]), level


def test_an_expression_strategy_that_closed_no_entry_is_skipped_once_the_entries_fail_fast(monkeypatch):
    """Failing fast, the engine skips expression strategies tried on earlier entries that never gave a result;
    one that gave a result, and every strategy before the entries fail fast, is still tried."""
    from symfisher.core.deadline import Budget
    from symfisher.core.expectation import Context, Engine

    calls: list[str] = []

    def barren(engine, f):
        calls.append("barren")
        return None

    def fruitful(engine, f):
        calls.append("fruitful")
        return None if len(calls) > 2 else engine.by_linearity(f)

    order = {**registry.ORDER, "expression": ("barren", "fruitful")}
    monkeypatch.setattr(registry, "ORDER", order)
    monkeypatch.setitem(registry._REGISTERED, "expression", {"barren": barren, "fruitful": fruitful})
    engine = Engine(Context.of(EXPONENTIAL), Budget.of(30), Config())
    x_ = engine.ctx.data[0]
    assert engine.expect(x_).closed and calls == ["barren", "fruitful"]
    engine._clock.open_spent = engine.config.open_timeout  # the open entries have used their time
    calls.clear()
    assert engine.expect(x_**2).closed
    assert calls == ["fruitful"]  # 'barren' is skipped, 'fruitful' is tried (and closes through linearity)


def test_an_expression_strategy_that_only_left_entries_open_is_skipped_once_the_entries_fail_fast(monkeypatch):
    """A strategy that answered the earlier entries with open results (the ex-Gaussian's location shift: 0.3-0.7 s
    an entry, every one left open) closed none of them: failing fast, it is skipped like one that gave nothing."""
    from symfisher.core.deadline import Budget
    from symfisher.core.expectation import Context, Engine
    from symfisher.core.expectation.base import Expectation

    calls: list[str] = []

    def shift(engine, f):
        calls.append("shift")
        return Expectation(engine.ctx.unevaluated(f), ("shift",), closed=False)

    order = {**registry.ORDER, "expression": ("shift",)}
    monkeypatch.setattr(registry, "ORDER", order)
    monkeypatch.setitem(registry._REGISTERED, "expression", {"shift": shift})
    engine = Engine(Context.of(EXPONENTIAL), Budget.of(30), Config())
    x_ = engine.ctx.data[0]
    assert not engine.expect(x_).closed and calls == ["shift"]
    engine._clock.open_spent = engine.config.open_timeout
    calls.clear()
    assert engine.expect(x_**2).closed  # by linearity, without the barren strategy
    assert calls == []


def test_atom_strategies_run_as_in_the_cheap_pass_once_the_entries_fail_fast(monkeypatch):
    """Failing fast, an atom strategy sees ``cheap_pass`` even in the expensive pass (the Mellin transform defers
    SymPy's integrate then: 0.3 s an entry of the ex-Gaussian, every one left open)."""
    from symfisher.core.deadline import Budget
    from symfisher.core.expectation import Context, Engine

    seen: dict[sp.Expr, bool] = {}

    def spy(engine, g):
        seen.setdefault(g, engine.cheap_pass)
        return None

    monkeypatch.setattr(registry, "ORDER", {**registry.ORDER, "atom": ("parity",)})  # the spy alone: no time spent
    monkeypatch.setitem(registry._REGISTERED, "atom", {"parity": spy})
    engine = Engine(Context.of(EXPONENTIAL), Budget.of(30), Config())
    before, after = sp.log(1 + engine.ctx.data[0] ** 3), sp.log(2 + engine.ctx.data[0] ** 3)
    engine.atom(before, expensive=True)
    engine._clock.failing_fast = True
    engine.atom(after, expensive=True)
    assert (seen[before], seen[after]) == (False, True)


def test_a_substitution_skips_its_expensive_passes_once_the_entries_fail_fast(monkeypatch):
    """Its expensive passes differ from the cheap ones only by the expensive strategies, which do not run then."""
    from symfisher.core.deadline import Budget
    from symfisher.core.expectation import Context, Engine
    from symfisher.core.expectation.strategies import substitution as module

    passes: list[bool] = []
    monkeypatch.setattr(module, "_expect_after", lambda *args: passes.append(args[-1]))
    for failing_fast, expected in ((False, {False, True}), (True, {False})):
        engine = Engine(Context.of(EXPONENTIAL), Budget.of(30), Config())
        engine._clock.failing_fast = failing_fast
        passes.clear()
        assert module.substitution(engine, sp.log(1 + engine.ctx.data[0] ** 3)) is None
        assert set(passes) == expected


def test_shared_work_extends_an_entry_by_at_most_a_quarter_of_its_time(monkeypatch):
    """Work for the whole model that gives a result is not charged to the entry, but the entry still ends by
    1.25 times its time: with 0.6 s of such work an entry of 1 s ended at 1.6 s before."""
    import time

    from symfisher.core.deadline import Budget
    from symfisher.core.expectation import Context, Engine

    def shared_then_wait(engine, f):
        engine.cached("model-work", lambda: time.sleep(0.6) or "built")
        while not engine.budget.expired():
            time.sleep(0.01)
        return None

    monkeypatch.setattr(registry, "ORDER", {**registry.ORDER, "expression": ("shared",)})
    monkeypatch.setitem(registry._REGISTERED, "expression", {"shared": shared_then_wait})
    engine = Engine(Context.of(EXPONENTIAL), Budget.of(30), Config(entry_timeout=1.0, open_timeout=1.0))
    start = time.monotonic()
    engine.expect(engine.ctx.data[0])
    assert 1.2 <= time.monotonic() - start < 1.5


def test_entries_do_not_fail_fast_before_one_was_left_open():
    """With entry_timeout above ten times open_timeout, a tenth of the entry time exceeds the whole open budget;
    the entries still fail fast only once one was left open (the sympy.stats integration config)."""
    from symfisher.core.deadline import Budget
    from symfisher.core.expectation import Context, Engine

    engine = Engine(Context.of(EXPONENTIAL), Budget.of(30), Config(entry_timeout=60.0))
    assert engine.expect(engine.ctx.data[0] ** 2).closed
    assert not engine._clock.failing_fast
    engine._clock.open_spent = 1.0
    engine.expect(engine.ctx.data[0])
    assert engine._clock.failing_fast
