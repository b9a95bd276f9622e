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

from symfisher.errors import SymfisherError

EXIT = {"proved": 0, "refuted": 1, "inconclusive": 2}
BAD_INPUT = 3
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


def _model_from_args(args):
    """The model named by TARGET, or parsed safely (no eval) from --pdf/--logpdf text."""
    text = args.pdf_text if args.pdf_text is not None else args.logpdf
    if text is None:
        if args.target is None:
            raise InputError("give a TARGET (family or file.py:name) or a density with --pdf/--logpdf")
        return load_model(args.target)
    if args.target is not None:
        raise InputError("give either a TARGET or --pdf/--logpdf, not both")
    if args.params is None:
        raise InputError("--pdf/--logpdf needs --params, e.g. --params \"mu:real sigma:positive\"")
    from symfisher.core.model import Model

    return Model.from_string(text, args.data, args.params, args.support, "pdf" if args.pdf_text is not None else "logpdf",
                             args.given, name=args.name, timeout=args.timeout)


def _cmd_derive(args) -> int:
    from symfisher.core.derivation import derive

    # --pdf is the density text when --params is given (issue #7), else the proof's PDF output (issue #5)
    text_mode = args.pdf is not None and args.params is not None
    args.pdf_text, args.pdf_out = (args.pdf, None) if text_mode else (None, args.pdf)
    engine = _latex_engine() if args.pdf_out else None
    if args.pdf_out and engine is None:
        raise InputError("--pdf needs a LaTeX engine: neither latexmk nor pdflatex was found on PATH")
    start = time.monotonic()
    model = _model_from_args(args)
    d = derive(model, timeout=max(0.5, args.timeout - (time.monotonic() - start)))
    print(d)
    if args.strategies:
        print("\nStrategies:")
        for key, name in d.strategies.items():
            print(f"  {key}: {name}")
    _write_exports(d, args, engine)
    return EXIT[d.equality.status]


def _cmd_export(args) -> int:
    from symfisher.core.derivation import derive
    from symfisher.export.code import export_code

    model = load_model(args.target)
    d = derive(model, timeout=args.timeout)
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
    if not getattr(args, "pdf_out", None):
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
            shutil.copyfile(Path(tmp) / "proof.pdf", args.pdf_out)
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="symfisher", description="Fisher information in closed form.")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("derive", help="derive score, Fisher information, −E[H] and the verdict",
                       description=f"TARGET is a catalog family (see 'symfisher list') or {FILE_WARNING}. "
                       "Instead of a TARGET, --pdf/--logpdf give the model as text, parsed safely (never executed), "
                       "e.g. --pdf \"exp(-(x-mu)^2/(2*sigma^2))/sqrt(2*pi*sigma^2)\" --data x "
                       "--params \"mu:real sigma:positive\" --support \"(-oo, oo)\".")
    p.add_argument("target", nargs="?", help="family name, or path/to/file.py:model_name (executes that file)")
    text = p.add_mutually_exclusive_group()
    text.add_argument("--pdf", metavar="EXPR_OR_OUT.pdf",
                      help="with --params: the density or mass function as text, e.g. \"lam*exp(-lam*x)\"; "
                           "otherwise: compile the proof to this PDF (needs latexmk or pdflatex)")
    text.add_argument("--logpdf", help="log-density as text")
    p.add_argument("--data", default="x", help="data symbols with assumptions (default \"x\", real)")
    p.add_argument("--params", help="parameters with assumptions, e.g. \"mu:real sigma:positive\"")
    p.add_argument("--support", help="support of the data, e.g. \"(-oo, oo)\", \"(0, theta]\", \"Naturals0\"; "
                   "several data symbols: \"x: (0, oo); y: (0, 1)\" (default: from the data assumptions)")
    p.add_argument("--given", help="covariates with assumptions, e.g. \"z:real\"")
    p.add_argument("--name", default="model", help="model name for the output")
    p.add_argument("--timeout", type=float, default=60.0,
                   help="hard time limit in seconds for validating and deriving (default 60)")
    p.add_argument("--strategies", action="store_true", help="print which strategy produced each entry")
    p.add_argument("--latex", metavar="OUT.tex", help="write the step-by-step proof as a LaTeX document")
    p.add_argument("--markdown", metavar="OUT.md", help="write the proof as Markdown with MathJax math")
    p.set_defaults(func=_cmd_derive)
    p = sub.add_parser("export", help="write standalone NumPy code (logpdf, score, hessian, fisher) to a module",
                       description=f"TARGET is a catalog family (see 'symfisher list') or {FILE_WARNING}.")
    p.add_argument("target", help="family name, or path/to/file.py:model_name")
    p.add_argument("--to", required=True, help="the module to write, e.g. normal_fisher.py")
    p.add_argument("--timeout", type=float, default=60.0, help="hard time limit in seconds (default 60)")
    p.set_defaults(func=_cmd_export)
    p = sub.add_parser("list", help="list the catalog families")
    p.set_defaults(func=_cmd_list)
    p = sub.add_parser("plot", help="pictures: likelihood curvature, I(θ) of a family, KL vs distance "
                       "(needs matplotlib)")
    p.add_argument("what", choices=["likelihood", "information", "kl"])
    p.add_argument("family", nargs="?", help="catalog family (for 'information')")
    p.add_argument("--param", help="parameter on the x axis (for 'information'; default the first)")
    p.add_argument("--out", help="output file (.png, .svg or .pdf; default WHAT.png)")
    p.set_defaults(func=_cmd_plot)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``symfisher`` console script."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return BAD_INPUT if exc.code not in (0, None) else 0
    try:
        return args.func(args)
    except SymfisherError as exc:
        print(f"symfisher: error: {exc}", file=sys.stderr)
        return BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())
