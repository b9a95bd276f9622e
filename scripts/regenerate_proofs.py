"""Generate (or check) the LaTeX and Markdown proofs of every catalog family.

``python -m scripts.regenerate_proofs`` derives each family of :data:`symfisher.catalog.FAMILIES` and writes
``derivations/proofs/<name>.tex`` (a standalone document) and ``<name>.md`` (MathJax Markdown).
``--check`` writes nothing and exits 1 if any file is missing or differs from what would be
generated (stale), 0 otherwise. A family whose derivation fails is reported and makes the exit
status 1; the other families are still written.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Sequence

__all__ = ["proof_texts", "default_directory", "main"]


def default_directory() -> Path:
    """``derivations/proofs`` of the repository, next to the catalog's family modules.

    >>> default_directory().relative_to(Path(__file__).resolve().parents[1]).as_posix()
    'derivations/proofs'
    """
    return Path(__file__).resolve().parents[1] / "derivations" / "proofs"


def proof_texts(name: str, timeout: float = 60.0) -> dict[str, str]:
    """The files of one family's proof: ``{"<name>.tex": ..., "<name>.md": ...}``.

    Args:
        name: A catalog family name (``"normal"``).
        timeout: Time limit of the derivation in seconds.

    Raises:
        KeyError: unknown family.

    >>> sorted(proof_texts("exponential"))
    ['exponential.md', 'exponential.tex']
    """
    import symfisher.catalog as derivations

    from symfisher.core.derivation import derive

    d = derive(derivations.get(name).model(), timeout=timeout)
    return {f"{name}.tex": d.to_latex(document=True), f"{name}.md": d.to_markdown()}


def _one(args: tuple[str, float]) -> tuple[str, dict[str, str] | None, str]:
    name, timeout = args
    try:
        return name, proof_texts(name, timeout), ""
    except Exception as exc:  # noqa: BLE001 - report the family and go on with the others
        return name, None, f"{type(exc).__name__}: {exc}".splitlines()[0]


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``python -m scripts.regenerate_proofs [--check] [--out DIR] [--jobs N] [NAME ...]``."""
    import symfisher.catalog as derivations

    parser = argparse.ArgumentParser(prog="python -m scripts.regenerate_proofs",
                                     description="Write (or --check) derivations/proofs/*.tex and *.md.")
    parser.add_argument("names", nargs="*", help="families (default: all)")
    parser.add_argument("--check", action="store_true", help="exit 1 if a file is missing or stale; write nothing")
    parser.add_argument("--out", type=Path, default=None, help="directory (default: derivations/proofs)")
    parser.add_argument("--jobs", type=int, default=max(1, min(4, os.cpu_count() or 1)), help="parallel derivations")
    parser.add_argument("--timeout", type=float, default=60.0, help="time limit per derivation (s)")
    args = parser.parse_args(argv)
    out = args.out or default_directory()
    names = args.names or derivations.names()
    unknown = [n for n in names if n not in derivations.FAMILIES]
    if unknown:
        print(f"proofs: error: unknown family {unknown[0]!r}", file=sys.stderr)
        return 2
    if not args.check:
        out.mkdir(parents=True, exist_ok=True)
    failed, stale = [], []
    work = [(n, args.timeout) for n in names]
    # the start method symfisher's own workers use: a pool forked from a process that runs JAX's threads inherits them,
    # and its derivations' workers then failed with "No child processes" (the proofs test after the backend tests)
    from symfisher.core.deadline import start_method

    with ProcessPoolExecutor(max(1, args.jobs), mp_context=multiprocessing.get_context(start_method())) as pool:
        for name, files, error in pool.map(_one, work):
            if files is None:
                failed.append(name)
                print(f"proofs: {name}: derivation failed: {error}", file=sys.stderr)
                continue
            for fname, text in files.items():
                path = out / fname
                if args.check:
                    if not path.is_file() or path.read_text(encoding="utf-8") != text:
                        stale.append(fname)
                        print(f"proofs: stale: {path}", file=sys.stderr)
                else:
                    path.write_text(text, encoding="utf-8")
            if not args.check:
                print(f"proofs: wrote {name}.tex, {name}.md")
    if args.check and not stale and not failed:
        print(f"proofs: {len(names)} families up to date in {out}")
    return 1 if failed or stale else 0


if __name__ == "__main__":
    sys.exit(main())
