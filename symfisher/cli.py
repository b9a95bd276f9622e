"""Command line: a thin wrapper over :func:`symfisher.derive` (no logic of its own).

Exit codes: 0 proved, 1 refuted, 2 inconclusive, 3 bad input.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from pathlib import Path
from typing import Sequence

from symfisher import cache
from symfisher.errors import SymfisherError

EXIT = {"proved": 0, "refuted": 1, "inconclusive": 2}
BAD_INPUT = 3
CLOSED_PIPE = 141  # 128 + SIGPIPE: the reader of stdout closed the pipe
NO_CACHE_HELP = "derive again instead of using the cache on disk (see symfisher.cache; SYMFISHER_NO_CACHE=1)"
FILE_WARNING = ("PATH.py:NAME loads a model from a Python file: that EXECUTES the file's code, "
                "so only load files you trust")


class InputError(SymfisherError):
    """Bad command-line input (unknown family, missing file or attribute)."""


def load_model(target: str):
    """A catalog family by name, or ``path/to/file.py:name`` (a Model, or a callable returning one)."""
    from symfisher.core.model import Model

    if ":" in target and target.split(":", 1)[0].endswith(".py"):
        path_s, attr = target.rsplit(":", 1)
        path = Path(path_s)
        if not path.is_file():
            raise InputError(f"no such file: {path}")
        spec = importlib.util.spec_from_file_location(f"_symfisher_user_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        try:
            spec.loader.exec_module(module)  # runs the user's code, by design (see FILE_WARNING)
        except SymfisherError:
            raise
        except Exception as exc:  # noqa: BLE001 - report, don't crash
            raise InputError(f"loading {path} failed: {type(exc).__name__}: {exc}") from None
        if not hasattr(module, attr):
            raise InputError(f"{path} has no attribute {attr!r}")
        obj = getattr(module, attr)
        obj = obj() if callable(obj) and not isinstance(obj, Model) else obj
        if hasattr(obj, "model") and not isinstance(obj, Model):
            obj = obj.model()
        if not isinstance(obj, Model):
            raise InputError(f"{target} is a {type(obj).__name__}, not a symfisher Model")
        return obj
    import symfisher.catalog as derivations

    try:
        return derivations.get(target).model()
    except KeyError as exc:
        raise InputError(str(exc.args[0]) if exc.args else f"unknown family {target!r}") from None


def _cmd_list(args) -> int:
    import symfisher.catalog as derivations

    for name, fam in derivations.FAMILIES.items():
        params = ", ".join(map(str, fam.params))
        print(f"{name:24s} {fam.title}  [θ = {params}]")
    return 0


TEXT_ONLY = ("data", "params", "support", "given", "constants")  # options that describe a density given as text


def _check_derive_args(args) -> None:
    """One-line errors for misused options, before any work (no LaTeX engine is looked for first)."""
    text = args.density is not None or args.logdensity is not None
    if args.old_logpdf is not None:
        raise InputError("--logpdf is now --logdensity (the log-density as text); --pdf names the proof's PDF file")
    if args.pdf is not None and not args.pdf.lower().endswith(".pdf"):
        raise InputError(f"--pdf names the proof's output file and must end in .pdf, got {args.pdf!r}; "
                         "give the density as text with --density (or --logdensity)")
    if not text:
        if args.target is None:
            raise InputError("give a TARGET (family or file.py:name) or a density with --density/--logdensity")
        used = [f"--{name}" for name in TEXT_ONLY if getattr(args, name) is not None]
        if used:
            raise InputError(f"{', '.join(used)} {'describes' if len(used) == 1 else 'describe'} a density given "
                             f"with --density/--logdensity; a TARGET ({args.target}) brings its own")
        return
    if args.target is not None:
        raise InputError("give either a TARGET or --density/--logdensity, not both")
    if args.params is None:
        raise InputError("--density/--logdensity needs --params (the parameters with their domains), "
                         "e.g. --params \"p:(0,1)\" or --params \"mu:real sigma:positive\"")


def _model_from_args(args):
    """The model named by TARGET, or parsed safely (no eval) from --density/--logdensity text."""
    from dataclasses import replace

    text = args.density if args.density is not None else args.logdensity
    if text is None:
        model = load_model(args.target)
        return replace(model, name=args.name) if args.name else model
    from symfisher.core.model import Model

    kind = "pdf" if args.density is not None else "logpdf"
    return Model.from_string(text, args.data or "x", args.params, args.support, kind, args.given,
                             constants=args.constants, name=args.name, timeout=args.timeout)


def _cmd_derive(args) -> int:
    _check_derive_args(args)
    engine = _latex_engine() if args.pdf else None
    if args.pdf and engine is None:
        raise InputError("--pdf needs a LaTeX engine: neither latexmk nor pdflatex was found on PATH")
    start = time.monotonic()
    model = _model_from_args(args)
    d = cache.derive_cached(model, timeout=max(0.5, args.timeout - (time.monotonic() - start)))
    print(d)
    if args.strategies:
        print("\n" + strategies_table(d))
    _write_exports(d, args, engine)
    return EXIT[d.equality.status]


def _replay_inputs(args) -> dict | None:
    """What a `derive` that only prints, for a catalog family or a model as text, depends on; else None."""
    if args.func is not _cmd_derive or ":" in (args.target or "") or any(
            getattr(args, name, None) for name in ("latex", "markdown", "pdf")):
        return None
    return {k: v for k, v in vars(args).items() if k != "func"}


# ------------------------------------------------------------------------------------ terminal output
def package_version() -> str:
    """The installed distribution's version (importlib.metadata), else ``symfisher.__version__``."""
    from importlib import metadata

    try:
        return metadata.version("symfisher")
    except metadata.PackageNotFoundError:
        import symfisher

        return getattr(symfisher, "__version__", "unknown")


def strategies_table(d) -> str:
    """Which expectation strategy produced each entry, as a table: entry (θi, θj) → strategy of
    E[s_i s_j] and of −E[H_ij], then E[s_i] (the mean score)."""
    names = [str(p) for p in d.params]
    k = len(names)
    rows = [("entry", "I(θ) = E[s sᵀ]", "−E[H]")]
    rows += [(f"({names[i]}, {names[j]})", d.strategies.get(("fisher", i, j), "—"),
              d.strategies.get(("neg_expected_hessian", i, j), "—")) for i in range(k) for j in range(i, k)]
    rows += [(f"E[s] ({names[i]})", d.strategies.get(("mean_score", i), "—"), "") for i in range(k)]
    widths = [max(len(r[c]) for r in rows) for c in range(3)]
    out = ["Strategies (which expectation strategy produced each entry):"]
    for n, row in enumerate(rows):
        out.append("  " + "  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip())
        if n == 0:
            out.append("  " + "  ".join("─" * w for w in widths))
    return "\n".join(out)


def _cmd_export(args) -> int:
    from symfisher.export.code import export_code

    model = load_model(args.target)
    d = cache.derive_cached(model, timeout=args.timeout)
    path = export_code(d, args.to)
    print(f"wrote {path} (logpdf, score, hessian, fisher, neg_expected_hessian for {model.name})")
    return 0


def _latex_engine() -> str | None:
    import shutil

    return shutil.which("latexmk") or shutil.which("pdflatex")


def _write_exports(d, args, engine: str | None) -> None:
    """--latex / --markdown / --pdf: write the proof (compiling with -halt-on-error for PDF)."""
    import shutil
    import subprocess
    import tempfile

    try:
        if getattr(args, "latex", None):
            Path(args.latex).write_text(d.to_latex(), encoding="utf-8")
        if getattr(args, "markdown", None):
            Path(args.markdown).write_text(d.to_markdown(), encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write {exc.filename}: {exc.strerror}") from None
    if not getattr(args, "pdf", None):
        return
    with tempfile.TemporaryDirectory(prefix="symfisher-") as tmp:
        (Path(tmp) / "proof.tex").write_text(d.to_latex(), encoding="utf-8")
        flags = ["-halt-on-error", "-interaction=nonstopmode"]
        runs = ([[engine, "-pdf", "-quiet", *flags, "proof.tex"]] if Path(engine).name.startswith("latexmk")
                else [[engine, *flags, "proof.tex"]] * 2)
        for cmd in runs:
            try:
                done = subprocess.run(cmd, cwd=tmp, capture_output=True, text=True, timeout=300)
            except subprocess.TimeoutExpired:
                raise InputError(f"{Path(engine).name} took longer than 300 s on the proof") from None
            if done.returncode != 0:
                log = (Path(tmp) / "proof.log")
                text = log.read_text(errors="replace") if log.is_file() else done.stdout
                first = next((ln for ln in text.splitlines() if ln.startswith("!")), f"exit status {done.returncode}")
                raise InputError(f"{Path(engine).name} failed on the proof: {first}")
        try:
            shutil.copyfile(Path(tmp) / "proof.pdf", args.pdf)
        except OSError as exc:
            raise InputError(f"cannot write {exc.filename}: {exc.strerror}") from None


def _cmd_plot(args) -> int:
    from symfisher.uses import plot

    args.out = args.out or f"{args.what}.png"
    if args.what == "likelihood":
        r = plot.plot_likelihood(out=args.out)
        for c in r["curves"]:
            lo, hi = c["interval"]
            print(f"{c['successes']}/{c['trials']}: p̂ = {c['p_hat']:.4g}, observed information J = "
                  f"{c['observed_information']:.6g}, 95% Wald interval [{lo:.4f}, {hi:.4f}]")
    elif args.what == "information":
        if not args.family:
            raise InputError("plot information needs a FAMILY, e.g. 'symfisher plot information bernoulli'")
        r = plot.plot_information(args.family, args.param, out=args.out)
        print(f"I_{r['param']}{r['param']} = {r['expr']}")
    else:
        r = plot.plot_kl(out=args.out)
        for c in r["pairs"]:
            print(f"N{c['theta']} vs N{c['theta2']}: Euclidean distance {c['euclidean']:.4g}, KL = {c['kl']:.6g}")
    print(f"wrote {r['path']}")
    return 0


def _cmd_design(args) -> int:
    from symfisher.uses import design

    d = cache.derive_cached(load_model(args.target), timeout=args.timeout)
    r = design.optimal_design(d, design.bounds_from_text(args.bounds), design.point_from_text(args.at),
                              args.criterion, args.n_support)
    print(r)
    if args.plot:
        print(f"wrote {design.plot_design(r, args.plot)['path']}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="symfisher", description="Fisher information in closed form.")
    parser.add_argument("--version", action="version", version=f"symfisher {package_version()}")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("derive", help="derive score, Fisher information, −E[H] and the verdict",
                       description=f"TARGET is a catalog family (see 'symfisher list') or {FILE_WARNING}. "
                       "Instead of a TARGET, --density/--logdensity give the model as text, parsed safely "
                       "(never executed), e.g. --density \"exp(-(x-mu)^2/(2*sigma^2))/sqrt(2*pi*sigma^2)\" "
                       "--data x --params \"mu:real sigma:positive\" --support \"(-oo, oo)\".")
    p.add_argument("target", nargs="?", help="family name, or path/to/file.py:model_name (executes that file)")
    text = p.add_mutually_exclusive_group()
    text.add_argument("--density", metavar="TEXT",
                      help="the density or mass function as text, e.g. \"lam*exp(-lam*x)\" (needs --params)")
    text.add_argument("--logdensity", metavar="TEXT", help="the log-density as text (needs --params)")
    text.add_argument("--logpdf", dest="old_logpdf", help=argparse.SUPPRESS)  # renamed: a one-line error
    p.add_argument("--data", help="data symbols with assumptions or intervals (default \"x\", real), "
                   "e.g. \"x:(0,1)\"")
    p.add_argument("--params", help="parameters with their domains: assumption words (real, positive, "
                   "nonnegative, integer, ...) or intervals, e.g. \"p:(0,1) mu:real sigma:positive\"")
    p.add_argument("--support", help="support of the data, e.g. \"(-oo, oo)\", \"(0, theta]\", \"Naturals0\"; "
                   "several data symbols: \"x: (0, oo); y: (0, 1)\", or \"simplex\" / \"simplex(n)\" for "
                   "{x_i > 0, Σ x_i < 1} (counts: Σ k_i ≤ n) (default: from the data declaration)")
    p.add_argument("--given", help="covariates with assumptions or intervals, e.g. \"z:real\"")
    p.add_argument("--constants", help="known constants left symbolic, with assumptions or intervals, e.g. "
                                       "\"tau:(0,1)\" (a quantile level)")
    p.add_argument("--name", help="model name for the output (default: the family, or the density text)")
    p.add_argument("--timeout", type=float, default=60.0,
                   help="hard time limit in seconds for validating and deriving (default 60)")
    p.add_argument("--strategies", action="store_true", help="print which strategy produced each entry")
    p.add_argument("--latex", metavar="OUT.tex", help="write the step-by-step proof as a LaTeX document")
    p.add_argument("--markdown", metavar="OUT.md", help="write the proof as Markdown with MathJax math")
    p.add_argument("--pdf", metavar="OUT.pdf", help="compile the proof to this PDF file (needs latexmk or pdflatex)")
    p.set_defaults(func=_cmd_derive)
    p.add_argument("--no-cache", action="store_true", help=NO_CACHE_HELP)
    p = sub.add_parser("export", help="write standalone NumPy code (logpdf, score, hessian, fisher) to a module",
                       description=f"TARGET is a catalog family (see 'symfisher list') or {FILE_WARNING}.")
    p.add_argument("target", help="family name, or path/to/file.py:model_name")
    p.add_argument("--to", required=True, help="the module to write, e.g. normal_fisher.py")
    p.add_argument("--timeout", type=float, default=60.0, help="hard time limit in seconds (default 60)")
    p.set_defaults(func=_cmd_export)
    p.add_argument("--no-cache", action="store_true", help=NO_CACHE_HELP)
    p = sub.add_parser("list", help="list the catalog families")
    p.set_defaults(func=_cmd_list)
    p = sub.add_parser("plot", help="pictures: likelihood curvature, I(θ) of a family, KL vs distance "
                       "(needs matplotlib)")
    p.add_argument("what", choices=["likelihood", "information", "kl"])
    p.add_argument("family", nargs="?", help="catalog family (for 'information')")
    p.add_argument("--param", help="parameter on the x axis (for 'information'; default the first)")
    p.add_argument("--out", help="output file (.png, .svg or .pdf; default WHAT.png)")
    p.set_defaults(func=_cmd_plot)
    p.add_argument("--no-cache", action="store_true", help=NO_CACHE_HELP)
    p = sub.add_parser("design", help="D-, A- or E-optimal design over the covariates, with its certificate",
                       description=f"TARGET is a catalog family with covariates or {FILE_WARNING}.")
    p.add_argument("target", help="family name (e.g. logistic-regression), or path/to/file.py:model_name")
    p.add_argument("--bounds", required=True, help="design region, e.g. \"z:(-3,3)\" or \"z1:(0,1); z2:(-1,1)\"")
    p.add_argument("--at", required=True, help="parameter point θ (and fixed values), e.g. \"beta0=0 beta1=1\"")
    p.add_argument("--criterion", choices=["D", "A", "E"], default="D", help="optimality criterion (default D)")
    p.add_argument("--n-support", type=int, help="at most this many support points")
    p.add_argument("--plot", metavar="OUT.png", help="plot the sensitivity function with the design points")
    p.add_argument("--timeout", type=float, default=60.0, help="hard time limit in seconds for deriving (default 60)")
    p.add_argument("--no-cache", action="store_true", help=NO_CACHE_HELP)
    p.set_defaults(func=_cmd_design)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``symfisher`` console script."""
    parser = build_parser()
    try:
        args = parser.parse_args(_attached_texts(sys.argv[1:] if argv is None else argv))
    except SystemExit as exc:
        return BAD_INPUT if exc.code not in (0, None) else 0
    try:
        with cache.disabled(getattr(args, "no_cache", False)):  # a warm `derive` replays its output
            code = cache.run_recorded(_replay_inputs(args), lambda: args.func(args))
        sys.stdout.flush()  # a reader that closed the pipe (`symfisher list | head -2`) shows here, not at exit
        return code
    except BrokenPipeError:
        return _closed_pipe()
    except SymfisherError as exc:
        print(f"symfisher: error: {exc}{_hint(exc, args)}", file=sys.stderr)
        return BAD_INPUT


#: options whose value is a formula, which may start with a minus sign
FORMULA_OPTIONS = ("--density", "--logdensity")


def _attached_texts(argv: Sequence[str]) -> list[str]:
    """``argv`` with a formula that starts with a minus sign attached to its option: ``--density "-p**x/…"`` becomes
    ``--density=-p**x/…`` (argparse takes a value that starts with "-" for an option and stops: "expected one
    argument")."""
    out = list(argv)
    for n, (option, value) in enumerate(zip(argv, argv[1:])):
        if option in FORMULA_OPTIONS and value.startswith("-") and not value.startswith("--"):
            out[n], out[n + 1] = f"{option}={value}", None
    return [a for a in out if a is not None]


def _hint(exc: SymfisherError, args: argparse.Namespace) -> str:
    """What to do about an undeclared name in a model given as text: declare it (the data symbol is x by default)."""
    if "undeclared name" not in str(exc) or not (getattr(args, "density", None) or getattr(args, "logdensity", None)):
        return ""
    return " (declare names with --data, --params, --given or --constants; the data symbol is x unless --data says)"


def _closed_pipe() -> int:
    """The reader of stdout went away: end quietly with 128 + SIGPIPE, as a killed pipe writer would."""
    import os

    try:  # the interpreter's last flush of the dead pipe must not print a traceback
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # stdout is no file (captured): nothing is left to flush
        pass
    return CLOSED_PIPE


if __name__ == "__main__":
    sys.exit(main())
