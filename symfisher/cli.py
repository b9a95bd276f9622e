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

from .errors import SymfisherError

EXIT = {"proved": 0, "refuted": 1, "inconclusive": 2}
BAD_INPUT = 3
FILE_WARNING = ("PATH.py:NAME loads a model from a Python file: that EXECUTES the file's code, "
                "so only load files you trust")


class InputError(SymfisherError):
    """Bad command-line input (unknown family, missing file or attribute)."""


def load_model(target: str):
    """A catalog family by name, or ``path/to/file.py:name`` (a Model, or a callable returning one)."""
    from .model import Model

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
    import derivations

    try:
        return derivations.get(target).model()
    except KeyError as exc:
        raise InputError(str(exc.args[0]) if exc.args else f"unknown family {target!r}") from None


def _cmd_list(args) -> int:
    import derivations

    for name, fam in derivations.FAMILIES.items():
        params = ", ".join(map(str, fam.params))
        print(f"{name:24s} {fam.title}  [θ = {params}]")
    return 0


def _model_from_args(args):
    """The model named by TARGET, or parsed safely (no eval) from --pdf/--logpdf text."""
    text = args.pdf if args.pdf is not None else args.logpdf
    if text is None:
        if args.target is None:
            raise InputError("give a TARGET (family or file.py:name) or a density with --pdf/--logpdf")
        return load_model(args.target)
    if args.target is not None:
        raise InputError("give either a TARGET or --pdf/--logpdf, not both")
    if args.params is None:
        raise InputError("--pdf/--logpdf needs --params, e.g. --params \"mu:real sigma:positive\"")
    from .model import Model

    return Model.from_string(text, args.data, args.params, args.support, "pdf" if args.pdf is not None else "logpdf",
                             args.given, name=args.name, timeout=args.timeout)


def _cmd_derive(args) -> int:
    from .derive import derive

    start = time.monotonic()
    model = _model_from_args(args)
    d = derive(model, timeout=max(0.5, args.timeout - (time.monotonic() - start)))
    print(d)
    if args.strategies:
        print("\nStrategies:")
        for key, name in d.strategies.items():
            print(f"  {key}: {name}")
    return EXIT[d.equality.status]


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
    text.add_argument("--pdf", help="density or mass function as text, e.g. \"lam*exp(-lam*x)\"")
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
    p.set_defaults(func=_cmd_derive)
    p = sub.add_parser("list", help="list the catalog families")
    p.set_defaults(func=_cmd_list)
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
