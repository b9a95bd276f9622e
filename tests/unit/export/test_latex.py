"""LaTeX / Markdown proofs: exact strings for small pieces, compiling every catalog proof, the numeric
appendix against the formulas, notebook reprs, the CLI flags and the proofs generator."""

from __future__ import annotations

import math
import random
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace

import pytest
import sympy as sp

import symfisher.catalog as derivations
from symfisher import Model, derive
from symfisher.cli import main
from symfisher.core.note import MEAN_SCORE, NEG_HESSIAN, OUTER, THETA, ExpectedValue, Note, eq, listed, member
from symfisher.core.verdict import Verdict
from symfisher.export import latex as L
from symfisher.export.latex import appendix, blocks, document, layout, markdown
from scripts import regenerate_proofs as proofs

PROOFS = proofs.default_directory()
PDFLATEX = shutil.which("pdflatex")
needs_tex = pytest.mark.skipif(PDFLATEX is None, reason="no LaTeX engine (pdflatex) on PATH")


# ---------------------------------------------------------------------------------------------- exact strings
@pytest.mark.parametrize("name, tex", [
    ("x", "x"),
    ("sigma", r"\sigma"),
    ("Gamma", r"\Gamma"),
    ("Beta", r"\mathrm{B}"),
    ("lambda", r"\lambda"),
    ("α", r"\alpha"),
    ("σ2", r"\sigma_{2}"),
    ("x_1_2", "x_{1,2}"),
    ("x12", "x_{12}"),
    ("mu_x", r"\mu_{x}"),
    ("theta_0", r"\theta_{0}"),
    ("λ_max", r"\lambda_{\mathit{max}}"),
    ("rate", r"\mathit{rate}"),
    ("a#b", r"\text{a\#b}"),
    ("_", r"\text{\_}"),
    ("x__2", "x_{2}"),
    ("café", r"\text{cafe}"),
])
def test_latex_name(name, tex):
    assert L.latex_name(name) == tex


@pytest.mark.parametrize("text, tex", [
    ("plain", "plain"),
    ("50% & $5 #1 {x}_y", r"50\% \& \$5 \#1 \{x\}\_y"),
    ("a\\b ~ c^d", r"a\textbackslash{}b \textasciitilde{} c\textasciicircum{}d"),
    ("σ ≠ ∞", r"$\sigma$ $\neq$ $\infty$"),
    ("x ∈ ℝ — fine…", r"x $\in$ $\mathbb{R}$ --- fine\ldots{}"),
    ("a < b | c", r"a \ensuremath{<} b \ensuremath{|} c"),
    ("汉", "?"),
    ("x ∈ ℝ¹², Σ⁻¹, ℝ²", r"x $\in$ $\mathbb{R}$$^{12}$, $\Sigma$$^{-1}$, $\mathbb{R}$$^{2}$"),
])
def test_escape_text(text, tex):
    assert L.escape_text(text) == tex


a, b = sp.symbols("alpha beta", positive=True)
x = sp.Symbol("x", real=True)


@pytest.mark.parametrize("expr, tex", [
    (sp.polygamma(1, a), r"\psi'\!\left(\alpha\right)"),
    (sp.polygamma(0, a + b), r"\psi\!\left(\alpha + \beta\right)"),
    (sp.polygamma(3, a), r"\psi^{(3)}\!\left(\alpha\right)"),
    (sp.polygamma(1, a) ** 2, r"\left(\psi'\!\left(\alpha\right)\right)^{2}"),
    (sp.loggamma(a), r"\log\Gamma\!\left(\alpha\right)"),
    (sp.log(a), r"\log{\left(\alpha \right)}"),
    (1 / sp.Symbol("σ2") ** 2, r"\frac{1}{\sigma_{2}^{2}}"),
    (sp.Symbol("x_1_2") + sp.Symbol("mu_x"), r"\mu_{x} + x_{1,2}"),
    (sp.Interval.open(0, sp.oo), r"\left(0, \infty\right)"),
    (sp.Function("f_1")(x), r"\operatorname{f\_1}\left(x\right)"),
    (sp.Function("g")(x), r"g\left(x\right)"),
    (sp.beta(a + 1, b + 1 / a), r"\operatorname{B}\left(\alpha + 1, \beta + \frac{1}{\alpha}\right)"),
    (sp.beta(a, b) ** 2, r"\left(\operatorname{B}\left(\alpha, \beta\right)\right)^{2}"),
])
def test_math_latex(expr, tex):
    assert L.math_latex(expr) == tex


SIGMA, MU = sp.Symbol("sigma", positive=True), sp.Symbol("mu", real=True)


@pytest.mark.parametrize("note, tex", [
    (Note("SymPy integrate of the atom"), "SymPy integrate of the atom"),
    (Note.of("exponential family (", eq(sp.Symbol("η"), -1 / (2 * SIGMA**2)), ", ", eq(sp.Symbol("T"), x**2), ")"),
     r"exponential family ($\eta = - \frac{1}{2 \sigma^{2}}$, $T = x^{2}$)"),
    (Note.of("log-partition ", eq(sp.Symbol("A"), MU**2 / (2 * SIGMA**2) + sp.log(SIGMA))),
     r"log-partition $A = \frac{\mu^{2}}{2 \sigma^{2}} + \log{\left(\sigma \right)}$"),
    (Note.of(eq(MEAN_SCORE, 0), " (proved)"), r"$\mathbb{E}[s] = 0$ (proved)"),
    (Note.of("they differ at ", eq(SIGMA, sp.Rational(433, 200)), " by up to 0.426692"),
     r"they differ at $\sigma = \frac{433}{200}$ by up to 0.426692"),
    (Note.of("support independent of ", THETA), r"support independent of $\theta$"),
    (Note.of("support ", member(x, sp.Interval.open(0, SIGMA)), " depends on ", SIGMA),
     r"support $x \in \left(0, \sigma\right)$ depends on $\sigma$"),
    (Note.of(eq(MEAN_SCORE, sp.ImmutableMatrix([[-1 / SIGMA]]))),
     r"$\mathbb{E}[s] = \left[\begin{matrix}- \frac{1}{\sigma}\end{matrix}\right]$"),
    (Note.of("no strategy found ", ExpectedValue(sp.log(sp.Dummy("x") * SIGMA) ** 2), " in closed form"),
     r"no strategy found $\mathbb{E}\left[\log{\left(x \sigma \right)}^{2}\right]$ in closed form"),
    (Note.of(OUTER, " versus ", NEG_HESSIAN), r"$\mathbb{E}[s s^{\top}]$ versus $-\mathbb{E}[H]$"),
    (Note.of("tried ", SIGMA, " ∈ [0.0013, 4.1e+06]"), r"tried $\sigma$ $\in$ [0.0013, 4.1e+06]"),
    (Note.of("at the point ", (MU, SIGMA)), r"at the point $\left(\mu, \sigma\right)$"),
    (Note.of("valid only for ", *listed([MU > 1, SIGMA < 2], " and ")), r"valid only for $\mu > 1$ and $\sigma < 2$"),
    # text without parts is text, never parsed: no math is guessed from it
    ("rate = lambda", "rate = lambda"),
    ("E[s] = [-1/sigma] costs 5% of σ", r"E[s] = [-1/sigma] costs 5\% of $\sigma$"),
    (Note("exponential family (η = -1/(2*sigma**2))"), r"exponential family ($\eta$ = -1/(2*sigma**2))"),
])
def test_detail_to_latex(note, tex):
    assert L.detail_to_latex(note) == tex


def test_notes_in_markdown_and_verdicts():
    note = Note.of("they differ at ", eq(SIGMA, sp.Rational(433, 200)), " by up to 0.4_2 [x]")
    assert document.verdict_to_latex(Verdict("inconclusive", note)) == (
        r"$\textbf{inconclusive}$: they differ at $\sigma = \frac{433}{200}$ by up to 0.4_2 [x]")
    assert markdown.inline_markdown(blocks.note_segments(note), {}) == (
        r"they differ at $\sigma = \frac{433}{200}$ by up to 0.4\_2 \[x\]")


def test_the_exporter_never_parses_engine_text():
    """No module of export/latex imports the text parser, and rendering a proof does not load it."""
    package = Path(L.__file__).parent
    for path in package.glob("*.py"):
        source = path.read_text()
        assert "symfisher.text" not in source and "parse_expression" not in source, path.name
    code = ("import sys, sympy as sp\n"
            "from symfisher.core.derivation import derive\n"
            "from symfisher.core.model import Model\n"
            "x, lam = sp.Symbol('x', positive=True), sp.Symbol('lambda', positive=True)\n"
            "d = derive(Model.from_pdf(lam * sp.exp(-lam * x), x, [lam], sp.Interval.open(0, sp.oo)))\n"
            "d.to_latex(); d.to_markdown()\n"
            "print(sorted(m for m in sys.modules if m.startswith('symfisher.text')))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
                          cwd=Path(__file__).resolve().parents[3])
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_long_sum_is_split_into_lines_that_fit():
    terms = sum(sp.Symbol(f"c_{k}") * sp.polygamma(1, a + k) for k in range(12))
    tex = document.display_latex(blocks.Display((r"\mathcal{I}_{\alpha\alpha}", L.math_latex(terms)), "eq:t", True))
    assert tex.startswith("\\begin{equation}\\label{eq:t}\n\\begin{split}\n")
    rows = tex.split("\\\\\n")
    assert len(rows) >= 3
    assert all(layout.tex_width(r.split("&", 1)[1]) <= layout.LINE_EM for r in rows)
    assert "adjustbox" not in tex


def test_split_terms_respects_brackets():
    tex = L.math_latex(sp.Symbol("y") * (a - b) + sp.exp(-(a + b)) - 1)
    assert layout.split_terms(tex) == [r"y \left(\alpha - \beta\right)", r"+ e^{- \alpha - \beta}", "- 1"]


def test_split_terms_keeps_the_cases_of_a_piecewise_whole():
    """A long log-likelihood written by branches (the asymmetric Laplace's) is broken between terms, never inside the
    cases environment, where a line break had made LaTeX stop at an extra alignment tab."""
    y = sp.Symbol("y")
    branches = sp.Piecewise((-a - b * y - sp.log(3) + sp.log(2), y >= a), (a + 3 * b * y - sp.log(5), True))
    tex = L.math_latex(sp.log(b) + branches)
    terms = layout.split_terms(tex)
    assert len(terms) == 2
    assert all(t.count(r"\begin{cases}") == t.count(r"\end{cases}") for t in terms)


# ---------------------------------------------------------------------------------------------- derivations used below
@pytest.fixture(scope="module")
def exponential():
    xx, lam = sp.Symbol("x", positive=True), sp.Symbol("lambda", positive=True)
    return derive(Model.from_pdf(lam * sp.exp(-lam * xx), xx, [lam], sp.Interval.open(0, sp.oo),
                                 name="exponential"))


@pytest.fixture(scope="module")
def weird():
    """Symbol and model names that are not valid LaTeX."""
    data, mean, sd = sp.Symbol("x_1_2", real=True), sp.Symbol("mu_x", real=True), sp.Symbol("σ2", positive=True)
    density = sp.exp(-(data - mean) ** 2 / (2 * sd ** 2)) / (sp.sqrt(2 * sp.pi) * sd)
    return derive(Model.from_pdf(density, data, [mean, sd], sp.S.Reals, name="weird_name #1 & σ {x}"))


def _compile(tex_path: Path) -> tuple[int, str]:
    """One pdflatex pass (draft mode: no PDF written), returning (exit status, log)."""
    done = subprocess.run([PDFLATEX, "-halt-on-error", "-interaction=nonstopmode", "-draftmode", tex_path.name],
                          cwd=tex_path.parent, capture_output=True, text=True, timeout=120)
    log = tex_path.with_suffix(".log")
    return done.returncode, log.read_text(errors="replace") if log.is_file() else done.stdout


def _problems(rc: int, log: str) -> list[str]:
    out = [ln for ln in log.splitlines() if ln.startswith("!")]
    out += [ln for ln in log.splitlines() if ln.startswith("Overfull \\hbox")]
    if rc != 0 and not out:
        out.append(f"exit status {rc}")
    return out


# ---------------------------------------------------------------------------------------------- documents
def test_document_structure(exponential):
    tex = exponential.to_latex()
    assert tex.startswith("\\documentclass[11pt]{article}\n") and tex.endswith("\\end{document}\n")
    assert tex.isascii()
    for needle in (r"\usepackage{amsmath,amssymb}", r"\section{Model}", r"p(x \mid \lambda) = \lambda e^{- \lambda x}",
                   r"s_{\lambda} = \frac{\partial \ell}{\partial \lambda} = - x + \frac{1}{\lambda}",
                   r"\mathcal{I}_{\lambda\lambda} = \mathbb{E}\left[s_{\lambda}\, s_{\lambda}\right] = \frac{1}{\lambda^{2}}",
                   r"\begin{bmatrix} \dfrac{1}{\lambda^{2}} \end{bmatrix}", "Strategy \\emph{exponential-family}",
                   r"the information equality is proved", r"\section{Numeric implementation}",
                   r"\mathcal{I}_{\lambda\lambda}(\lambda) = {\lambda}^{-2.0}"):
        assert needle in tex, needle
    assert tex.count("\\begin{equation}") == len(re.findall(r"\\label\{eq:exponential:", tex))
    body = exponential.to_latex(document=False)
    assert body.startswith("\\section{Model}") and "\\documentclass" not in body and "\\end{document}" not in body


def test_refuted_document_shows_counterexample():
    d = derive(derivations.get("uniform").model())
    assert d.equality.status == "refuted"
    tex = d.to_latex()
    assert "is refuted" in tex and "Counterexample: at" in tex and r"\toprule" in tex
    assert r"support $x \in \left(0, \theta\right)$ depends on $\theta$" in tex
    fact = d.equality.facts[0]  # a Note: the support and the parameter are SymPy objects, not text
    assert isinstance(fact, Note) and fact == "support x ∈ (0, theta) depends on theta"
    assert [type(p).__name__ for p in fact.parts] == ["str", "Contains", "str", "Symbol"]
    md = d.to_markdown()
    assert "Counterexample: at $\\theta = " in md and "| point | entries of I | entries of J | max \\|difference\\| |" in md


def test_bad_names_are_escaped(weird):
    tex = weird.to_latex()
    assert tex.isascii()
    assert r"\title{Fisher information of the weird\_name \#1 \& $\sigma$ \{x\} model}" in tex
    assert r"p(x_{1,2} \mid \mu_{x}, \sigma_{2})" in tex
    assert r"\mathcal{I}_{\sigma_{2}\sigma_{2}}(\mu_{x}, \sigma_{2}) = \frac{2}{{\sigma_{2}}^{2}}" in tex
    assert "symfisherarg" not in tex and "σ" not in tex


@needs_tex
def test_bad_names_compile(weird, tmp_path):
    path = tmp_path / "weird.tex"
    path.write_text(weird.to_latex(), encoding="utf-8")
    rc, log = _compile(path)
    assert _problems(rc, log) == []


# ---------------------------------------------------------------------------------------------- the catalog proofs
CATALOG_TEX = sorted(PROOFS.glob("*.tex"))


def test_every_family_has_a_proof():
    assert sorted(p.stem for p in CATALOG_TEX) == sorted(derivations.names())
    assert sorted(p.stem for p in PROOFS.glob("*.md")) == sorted(derivations.names())


@pytest.fixture(scope="module")
def compiled(tmp_path_factory):
    """Compile every checked-in proof once (one pass each, in parallel): {name: problems}."""
    work = tmp_path_factory.mktemp("proofs")

    def one(src: Path):
        dst = work / src.name
        shutil.copyfile(src, dst)
        return src.stem, _problems(*_compile(dst))

    with ThreadPoolExecutor(4) as pool:
        return dict(pool.map(one, CATALOG_TEX))


@needs_tex
@pytest.mark.slow  # compiles every catalog proof with pdflatex
@pytest.mark.parametrize("name", [p.stem for p in CATALOG_TEX])
def test_catalog_proof_compiles_without_overfull_boxes(compiled, name):
    assert compiled[name] == []


# ---------------------------------------------------------------------------------------------- numeric appendix
def _stand_in(fam) -> SimpleNamespace:
    """A derivation-shaped object holding a family's literature Fisher matrix."""
    return SimpleNamespace(fisher=sp.ImmutableMatrix(fam.fisher), params=tuple(fam.params))


def _random_point(symbols, domains, rng):
    point = {}
    for s in symbols:
        dom = domains.get(s)
        if dom is not None and dom.is_subset(sp.Interval(0, 1)):
            point[s] = rng.uniform(0.1, 0.9)
        elif s.is_positive or (dom is not None and dom.is_subset(sp.Interval(0, sp.oo))):
            point[s] = rng.uniform(0.6, 4.0)
        elif s.is_integer:
            point[s] = rng.randint(2, 6)
        else:
            point[s] = rng.uniform(-2.0, 2.0)
    return point


@pytest.mark.slow  # every catalog family
@pytest.mark.parametrize("name", derivations.names())
def test_numeric_code_equals_formula(name):
    """Code generated from each literature Fisher entry evaluates to the formula at random points."""
    fam = derivations.get(name)
    d = _stand_in(fam)
    funcs = L.numeric_functions(d)
    rendered = L.numeric_latex(d)
    assert set(funcs) == set(rendered)
    domains = {**{s: sp.S.Reals for s in fam.params}, **dict(fam.domain)}
    rng = random.Random(name)
    for (i, j), f in funcs.items():
        entry = d.fisher[i, j]
        args = appendix.numeric_args(d, entry)
        for _ in range(3):
            point = _random_point(args, domains, rng)
            code = float(f(*[point[s] for s in args]))
            formula = float(sp.N(entry.subs(point), 30))
            assert math.isclose(code, formula, rel_tol=1e-9, abs_tol=1e-12), (i, j, point)
        tex = rendered[(i, j)]
        assert tex.startswith(r"\mathcal{I}_{") and "symfisherarg" not in tex and tex.isascii()


def test_numeric_latex_exact(exponential):
    assert L.numeric_latex(exponential) == {(0, 0): r"\mathcal{I}_{\lambda\lambda}(\lambda) = {\lambda}^{-2.0}"}


def test_special_functions_in_the_appendix_read_as_the_derivation_writes_them():
    """latexify-py prints SciPy's calls by name (iv(1, κ), polygamma(1, a)); the appendix writes the math they compute,
    as the derivation does: I_1(κ), ψ⁽¹⁾(a), ψ for polygamma(0, ·), ln Γ for gammaln, nested calls too."""
    kappa = (r"\mathcal{I}_{\mu\mu}(\mu, \kappa) = \frac{{\kappa} \cdot I_{1} \mathopen{}\left( {\kappa} "
             r"\mathclose{}\right)}")
    assert L.numeric_latex(derive(derivations.get("von-mises").model()))[(0, 0)].startswith(kappa)
    beta = L.numeric_latex(derive(derivations.get("beta").model()))
    assert beta[(0, 1)] == r"\mathcal{I}_{ab}(a, b) = -\psi^{(1)} \mathopen{}\left( {a} + {b} \mathclose{}\right)"
    call = r"\mathrm{{{}}} \mathopen{{}}\left( {} \mathclose{{}}\right)".format
    nested = call("polygamma", "0, " + call("gammaln", "x")) + " + " + call("kv", "2, y")
    assert appendix.special_functions_as_math(nested) == (r"\psi \mathopen{}\left( \ln\Gamma \mathopen{}\left( x "
                                                          r"\mathclose{}\right) \mathclose{}\right) + K_{2} "
                                                          r"\mathopen{}\left( y \mathclose{}\right)")
    for unclosed in (r"\mathrm{iv} \mathopen{}\left( 1, x", r"\frac{\mathrm{iv} \mathopen{}\left( 1, x}{2}"):
        assert appendix.special_functions_as_math(unclosed) == unclosed


def test_unevaluated_entries_get_no_code():
    y, t = sp.Symbol("y", positive=True), sp.Symbol("t", positive=True)
    open_entry = sp.Integral(sp.exp(-t * y) * sp.log(y) ** 2, (y, 0, sp.oo))
    d = SimpleNamespace(fisher=sp.ImmutableMatrix([[open_entry, 1 / t], [1 / t, 2 / t ** 2]]), params=(t, y))
    assert set(L.numeric_functions(d)) == {(0, 1), (1, 1)}


# ---------------------------------------------------------------------------------------------- markdown / notebook
def test_markdown(exponential):
    md = exponential.to_markdown()
    assert md.startswith("# Fisher information of the exponential model\n\n## Model\n")
    assert "$$\np(x \\mid \\lambda) = \\lambda e^{- \\lambda x} \\tag{1}\n$$" in md
    assert md.count("$$\n") == 2 * md.count("\\tag{")
    assert "\\label" not in md and "\\eqref" not in md and "adjustbox" not in md
    assert "Strategy *exponential-family*, as for (5)." in md
    assert exponential._repr_markdown_() == md


def test_repr_latex(exponential):
    assert exponential._repr_latex_() == (
        r"$$\begin{aligned} \mathcal{I}(\lambda) &= \mathbb{E}[s s^{\top}] = \begin{bmatrix} \dfrac{1}{\lambda^{2}} "
        r"\end{bmatrix} \\ -\mathbb{E}[H] &= \begin{bmatrix} \dfrac{1}{\lambda^{2}} \end{bmatrix} \\ "
        r"&\text{information equality: proved} \end{aligned}$$")


@pytest.mark.parametrize("verdict, tex", [
    (Verdict("proved", "the residual is 0"), r"$\textbf{proved}$: the residual is 0"),
    (Verdict("inconclusive", "costs $5"), r"$\textbf{inconclusive}$: costs \$5"),
    (Verdict("refuted", "differ at θ = 1", counterexample={sp.Symbol("theta"): 1}),
     r"$\textbf{refuted}$: differ at θ = 1"),
])
def test_verdict_repr_latex(verdict, tex):
    assert verdict._repr_latex_() == tex


# ---------------------------------------------------------------------------------------------- CLI and generator
def test_cli_writes_latex_and_markdown(tmp_path, capsys):
    tex, md = tmp_path / "e.tex", tmp_path / "e.md"
    assert main(["derive", "exponential", "--latex", str(tex), "--markdown", str(md)]) == 0
    assert tex.read_text().startswith("\\documentclass") and md.read_text().startswith("# Fisher information")


def test_cli_pdf_without_engine(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert main(["derive", "exponential", "--pdf", str(tmp_path / "e.pdf")]) == 3
    err = capsys.readouterr().err
    assert err == ("symfisher: error: --pdf needs a LaTeX engine: neither latexmk nor pdflatex was found on PATH\n")
    assert not (tmp_path / "e.pdf").exists()


@needs_tex
def test_cli_pdf(tmp_path, capsys):
    out = tmp_path / "e.pdf"
    assert main(["derive", "exponential", "--pdf", str(out)]) == 0
    assert out.read_bytes().startswith(b"%PDF")


def test_proofs_generator_and_check(tmp_path, capsys):
    assert proofs.main(["exponential", "--out", str(tmp_path), "--jobs", "1"]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["exponential.md", "exponential.tex"]
    assert proofs.main(["exponential", "--out", str(tmp_path), "--jobs", "1", "--check"]) == 0
    (tmp_path / "exponential.md").write_text("stale")
    assert proofs.main(["exponential", "--out", str(tmp_path), "--jobs", "1", "--check"]) == 1
    assert f"proofs: stale: {tmp_path / 'exponential.md'}" in capsys.readouterr().err
    assert proofs.main(["no-such-family", "--out", str(tmp_path)]) == 2


def test_a_model_named_by_its_formula_gets_a_plain_title():
    """A density given as text without a name is named by its text (cut at 40 characters), the default is "model":
    neither goes into the title, where the proof's first display shows the density as math."""
    from dataclasses import replace

    from symfisher.export.latex.proof import title

    d = derive(derivations.get("exponential").model())
    assert title(d) == "Fisher information of the exponential model"
    for name in ("model", "lam*exp(-lam*x)", "exp(-(log(x-g)-mu)^2/(2*s^2))/((x-g)*s*…"):
        assert title(replace(d, model=replace(d.model, name=name))) == "Fisher information of the model"
    tex = replace(d, model=replace(d.model, name="lam*exp(-lam*x)")).to_latex()
    assert "The model has the density" in tex and "lam*exp" not in tex


def test_euler_constant_is_told_apart_from_a_parameter_named_gamma():
    x, g, b = sp.Symbol("x", real=True), sp.Symbol("gamma", real=True), sp.Symbol("beta", positive=True)
    z = (x - g) / b
    d = derive(Model.from_pdf(sp.exp(-z - sp.exp(-z)) / b, x, [g, b], sp.Reals, name="gumbel-gamma"))
    tex = d.to_latex()
    assert r"\frac{-1 + \gamma_{\mathrm{E}}}{\beta^{2}}" in tex  # the body
    assert r"\mathcal{I}_{\gamma\beta}(\gamma, \beta) = \frac{-1 + \gamma_{\mathrm{E}}}{{\beta}^{2}}" in tex  # appendix
    assert r"Here $\gamma_{\mathrm{E}} \approx 0.5772$ is the Euler--Mascheroni constant." in tex
    gumbel = derive(derivations.get("gumbel").model()).to_latex()
    assert r"\gamma_{\mathrm{E}}" not in gumbel and r"Here $\gamma \approx 0.5772$" in gumbel


@pytest.mark.slow
def test_a_long_entry_with_no_closed_form_is_named_with_its_value_by_quadrature():
    """A normal mixture w·N(0, 1) + (1 − w)·N(m, 1): I_mm holds an integral over 1/(w e^{…} + (1 − w) e^{…}) that
    would fill lines; the proof names it, gives its value at the verdict's first evidence point (the terminal's), and
    points to the integral in the result. Both sections name it, the second time by reference."""
    x, w, m = sp.Symbol("x", real=True), sp.Symbol("w", positive=True), sp.Symbol("m", real=True)
    pdf = (w * sp.exp(-x**2 / 2) + (1 - w) * sp.exp(-(x - m) ** 2 / 2)) / sp.sqrt(2 * sp.pi)
    d = derive(Model.from_pdf(pdf, x, [m], sp.Reals, name="mixture"), timeout=20)
    tex = L.derivation_to_latex(d)
    evidence = d.equality.evidence[0]
    assert rf"\mathcal{{I}}_{{mm}} = \mathbb{{E}}\left[s_{{m}}\, s_{{m}}\right] \approx {evidence.left[0]:.6g}" in tex
    assert rf"\mathcal{{J}}_{{mm}} = -\mathbb{{E}}\left[H_{{mm}}\right] \approx {evidence.right[0]:.6g}" in tex
    assert "No closed form: the expectation stays an integral in the result; its value above is by quadrature" in tex
    assert r"No closed form, as for \eqref{eq:mixture:f00}." in tex
    assert r"\int" not in tex.split(r"\section{Fisher information as")[1].split(r"\section{The information")[0]


def test_the_appendix_shows_only_code_the_one_compiler_writes():
    """sympy.lambdify prints Li₂ as a bare polylog(…) call that would not run; the numeric functions integrate such an
    entry instead, so the appendix must not show code for it."""
    from symfisher.export.latex.appendix import has_numeric_code

    theta = sp.Symbol("theta", real=True)
    assert not has_numeric_code((sp.polylog(2, theta) - sp.polylog(2, -theta)) / (2 * theta**3))
    assert has_numeric_code(1 / theta**2 + sp.log(theta**2 + 1))
