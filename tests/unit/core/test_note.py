"""Notes: intermediate results as a str (the message) that also carries its prose and SymPy parts."""

from __future__ import annotations

import copy
import pickle

import pytest
import sympy as sp

from symfisher.core.note import (FISHER, MEAN_SCORE, NEG_HESSIAN, OUTER, REDUCED_FISHER, REDUCED_NEG_HESSIAN,
                                 STEIN_IDENTITY, THETA, ExpectedValue, Label, Note, eq, listed, member, plain)
from symfisher.export.latex import detail_to_latex, math_latex

x = sp.Symbol("x", positive=True)
theta, sigma, mu = sp.Symbol("theta", positive=True), sp.Symbol("sigma", positive=True), sp.Symbol("mu", real=True)
ETA = sp.Symbol("η")

EXPFAM = Note.of("exponential family (", eq(ETA, -1 / (2 * sigma**2)), ", ", eq(sp.Symbol("T"), x**2), ")",
                 rule="exponential family")


# ---------------------------------------------------------------------------------------------- a str
def test_a_note_is_its_text():
    assert isinstance(EXPFAM, str)
    assert EXPFAM == "exponential family (η = -1/(2*sigma**2), T = x**2)"
    assert hash(EXPFAM) == hash(str(EXPFAM)) and {str(EXPFAM): 1}[EXPFAM] == 1
    assert "T = x**2" in EXPFAM and EXPFAM.startswith("exponential") and EXPFAM.split(" (")[0] == "exponential family"
    assert f"[{EXPFAM}]" == "[exponential family (η = -1/(2*sigma**2), T = x**2)]"
    assert type(str(EXPFAM)) is str and repr(EXPFAM) == "Note('exponential family (η = -1/(2*sigma**2), T = x**2)')"


def test_concatenation_keeps_the_parts():
    longer = EXPFAM + "; done"
    assert isinstance(longer, Note) and longer.parts[-1] == "); done" and longer.parts[1] == EXPFAM.parts[1]
    earlier = "so: " + EXPFAM
    assert isinstance(earlier, Note) and earlier.parts[0] == "so: exponential family ("
    assert longer.rule == earlier.rule == "exponential family"


def test_a_note_is_immutable():
    with pytest.raises(AttributeError, match=r"^a Note is immutable: cannot set 'parts'$"):
        EXPFAM.parts = ()
    with pytest.raises(AttributeError, match=r"^a Note is immutable: cannot set 'other'$"):
        EXPFAM.other = 1


# ---------------------------------------------------------------------------------------------- parts
@pytest.mark.parametrize("pieces, parts, text", [
    (("a", "b", "", "c"), ("abc",), "abc"),
    ((), (), ""),
    (("n = ", 3), ("n = ", sp.Integer(3)), "n = 3"),
    ((Note.of("x is ", x), " here"), ("x is ", x, " here"), "x is x here"),
    (((mu, sigma),), ((mu, sigma),), "(mu, sigma)"),
    (((mu,),), ((mu,),), "(mu,)"),
    ((eq(MEAN_SCORE, 0), " (proved)"), (eq(MEAN_SCORE, 0), " (proved)"), "E[s] = 0 (proved)"),
])
def test_of_merges_prose_and_keeps_math(pieces, parts, text):
    note = Note.of(*pieces)
    assert note.parts == parts and note == text


def test_a_spliced_note_brings_its_text_which_is_its_parts_printed():
    inner = Note.of("E[", x**2, "] = ", theta, "", rule="r")
    outer = Note.of("by ", inner, "; ", Note.of(eq(MEAN_SCORE, 0)), " and ", 2, Note(""), (mu, sigma))
    assert outer == "by E[x**2] = theta; E[s] = 0 and 2(mu, sigma)"
    assert outer == "".join(plain(p) for p in outer.parts)


def test_of_rejects_what_is_not_text_or_sympy():
    with pytest.raises(TypeError, match=r"^a note's math must be a SymPy object or an int, got float$"):
        Note.of("rate ", 0.5)


def test_math_join_and_xreplace():
    assert EXPFAM.math == (eq(ETA, -1 / (2 * sigma**2)), eq(sp.Symbol("T"), x**2))
    joined = Note.join("; ", [EXPFAM, Note.of(eq(MEAN_SCORE, 0))])
    assert joined == f"{EXPFAM}; E[s] = 0" and joined.math == (*EXPFAM.math, eq(MEAN_SCORE, 0)) and joined.rule == ""
    assert Note.join("; ", [EXPFAM, EXPFAM]).rule == "exponential family"
    d = sp.Dummy("x")
    moved = Note.of("no strategy found ", ExpectedValue(sp.log(d)), " in closed form").xreplace({d: x})
    assert moved == "no strategy found E[log(x)] in closed form" and moved.math == (ExpectedValue(sp.log(x)),)


@pytest.mark.parametrize("part, text", [
    (eq(sp.Symbol("A"), mu**2 / 2), "A = mu**2/2"),
    (sp.Ne(mu, 0, evaluate=False), "mu ≠ 0"),
    (member(x, sp.Interval.open(0, theta)), "x ∈ (0, theta)"),
    (sp.Gt(sp.Symbol("k"), sp.Rational(1, 2)), "k > 1/2"),
    (sp.ImmutableMatrix([[0, -1 / theta]]), "[0, -1/theta]"),
    (sp.ImmutableMatrix([[1, 2], [3, 4]]), "[[1, 2], [3, 4]]"),
    (eq(MEAN_SCORE, sp.ImmutableMatrix([[-1 / theta]])), "E[s] = [-1/theta]"),
    (ExpectedValue(sp.Symbol("s_mu") * sp.Symbol("s_sigma")), "E[s_mu s_sigma]"),
    (OUTER, "E[s sᵀ]"),
    (eq(FISHER, OUTER), "I(θ) = E[s sᵀ]"),
])
def test_plain_text_of_parts(part, text):
    assert plain(part) == text


def test_unknown_labels_are_refused():
    with pytest.raises(ValueError, match=r"^unknown label 'E\[x\]': a label needs its LaTeX in "
                                         r"symfisher\.core\.note\._LABELS$"):
        Label("E[x]")


def test_eq_and_member_never_evaluate():
    assert isinstance(eq(mu, mu), sp.Eq) and isinstance(member(x, sp.Interval.open(0, sp.oo)), sp.Contains)


# ---------------------------------------------------------------------------------------------- pickling
PICKLED = [
    EXPFAM,
    Note.of(eq(MEAN_SCORE, sp.ImmutableMatrix([[-1 / theta]]))),  # SymPy alone would unpickle this as False
    Note.of("support ", member(x, sp.Interval.open(0, sp.oo)), " depends on ", theta),  # ... and this as True
    Note.of(eq(FISHER, OUTER), " equals ", NEG_HESSIAN, "; ", eq(REDUCED_NEG_HESSIAN, REDUCED_FISHER)),
    Note.of("at ", (mu, sigma), "; ", sp.Function("F")(x), rule="r"),
    Note("plain text"),
    Note(),
]


@pytest.mark.parametrize("note", PICKLED, ids=range(len(PICKLED)))
def test_pickle_and_copy_round_trip(note):
    for back in (pickle.loads(pickle.dumps(note)), copy.deepcopy(note), copy.copy(note)):
        assert type(back) is Note and back == note and back.parts == note.parts and back.rule == note.rule
        assert [type(p) for p in back.parts] == [type(p) for p in note.parts]


# ---------------------------------------------------------------------------------------------- LaTeX of the parts
@pytest.mark.parametrize("part, tex", [
    (OUTER, r"\mathbb{E}[s s^{\top}]"),
    (NEG_HESSIAN, r"-\mathbb{E}[H]"),
    (eq(FISHER, OUTER), r"\mathcal{I}(\theta) = \mathbb{E}[s s^{\top}]"),
    (eq(REDUCED_NEG_HESSIAN, REDUCED_FISHER), r"-\mathbb{E}[H_{\phi}] = \mathcal{I}_{\phi}"),
    (STEIN_IDENTITY, r"\mathbb{E}[C_i\, h(C)] = \sum_j \Sigma_{ij}\, \mathbb{E}[\partial_j h(C)]"),
    (MEAN_SCORE, r"\mathbb{E}[s]"),
    (ExpectedValue(sp.Symbol("s_mu") * sp.Symbol("s_sigma")), r"\mathbb{E}\left[s_{\mu} s_{\sigma}\right]"),
    (ExpectedValue(x) ** 2, r"\left(\mathbb{E}[x]\right)^{2}"),
    (THETA, r"\theta"),
    (eq(ETA, sp.Symbol("alpha") - 1), r"\eta = \alpha - 1"),
    (member(x, sp.Interval.open(0, theta)), r"x \in \left(0, \theta\right)"),
])
def test_latex_of_parts(part, tex):
    assert math_latex(part) == tex


def test_detail_to_latex_typesets_parts_only():
    assert detail_to_latex(EXPFAM) == r"exponential family ($\eta = - \frac{1}{2 \sigma^{2}}$, $T = x^{2}$)"
    assert detail_to_latex(str(EXPFAM)) == r"exponential family ($\eta$ = -1/(2*sigma**2), T = x**2)"
    assert detail_to_latex(Note.of("E[s] = ", *listed([mu, sigma]))) == r"E[s] = $\mu$, $\sigma$"


def test_integrals_and_derivatives_read_as_formulas():
    from symfisher.core.expectation.strategies.incomplete_gamma import INCOMPLETE

    assert plain(INCOMPLETE) == ("∫_a^b u**s*exp(-eta*u)*log(u)**j du = "
                                 "∂^j/∂s^j (eta**(-s - 1)*(-lowergamma(s + 1, a*eta) + lowergamma(s + 1, b*eta)))")
    assert plain(sp.Integral(x**2 + 1, (x, -sp.oo, sp.oo))) == "∫_(-oo)^oo (x**2 + 1) dx"
    assert plain(sp.Derivative(sp.sin(x), x, x)) == "∂^2/∂x^2 sin(x)"
