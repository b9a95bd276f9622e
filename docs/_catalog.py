"""Generate the catalog pages of the documentation from the committed proofs (run by ``conf.py``).

``derivations/proofs/<name>.md`` holds each family's proof, written by ``python -m scripts.regenerate_proofs``
(MathJax Markdown, checked for staleness in the test suite). This module writes ``docs/catalog/``:
an index table of every family (title, literature source, expected verdict) and one page per family
with the catalog's metadata above the proof. Nothing here is written by hand; files are rewritten only
when their text changes, so incremental builds stay incremental.
"""

from __future__ import annotations

from pathlib import Path

import sympy as sp


def _write(path: Path, text: str) -> None:
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def _escape(text: str) -> str:
    """Text for a Markdown table cell (no pipes, no line breaks)."""
    return " ".join(text.split()).replace("|", "\\|")


def _family_page(fam, proof: str) -> str:
    head, _, body = proof.partition("\n")
    if not head.startswith("# "):
        raise ValueError(f"proof of {fam.name} does not start with a '# ' title")
    params = ", ".join(f"${sp.latex(p)}$" for p in fam.params)
    lines = [
        f"# {fam.name}: {fam.title}",
        "",
        ":::{admonition} Catalog entry",
        f"- **Parameters:** {params}",
        f"- **Literature Fisher information:** $\\mathcal{{I}}(\\theta) = {sp.latex(fam.fisher)}$",
        f"- **Source:** {_escape(fam.source)}",
        f"- **Expected verdict on** $\\mathcal{{I}} = -\\mathbb{{E}}[H]$: {fam.equality}",
    ]
    if fam.notes:
        lines.append(f"- **Notes:** {_escape(fam.notes)}")
    lines += [
        "",
        f"`symfisher derive {fam.name}` prints the same derivation; the proof below is "
        f"`derivations/proofs/{fam.name}.md`, written by `python -m scripts.regenerate_proofs`.",
        ":::",
        "",
        f"## {head[2:].strip()}",
    ]
    # the proof's own sections move one level down, under the page title
    shifted = "\n".join("#" + line if line.startswith("## ") else line for line in body.splitlines())
    return "\n".join(lines) + "\n" + shifted.rstrip() + "\n"


def write_pages(derivations: Path, out: Path) -> list[str]:
    """Write ``out/index.md`` and ``out/<name>.md`` for every catalog family; return the family names.

    Raises:
        FileNotFoundError: a family has no proof in ``derivations/proofs``.
    """
    import symfisher.catalog as catalog

    out.mkdir(parents=True, exist_ok=True)
    rows, names = [], []
    for name, fam in catalog.FAMILIES.items():
        proof = derivations / "proofs" / f"{name}.md"
        if not proof.is_file():
            raise FileNotFoundError(f"no proof for catalog family {name}: run python -m scripts.regenerate_proofs")
        _write(out / f"{name}.md", _family_page(fam, proof.read_text(encoding="utf-8")))
        names.append(name)
        rows.append(f"| [{name}]({name}.md) | {_escape(fam.title)} | {len(fam.params)} | {fam.equality} | "
                    f"{_escape(fam.source.split(',')[0])} |")
    for stale in out.glob("*.md"):
        if stale.stem not in names and stale.stem != "index":
            stale.unlink()
    index = [
        "# The catalog",
        "",
        f"The catalog holds {len(names)} textbook families, one small module each in `derivations/` "
        "(installed as `symfisher.catalog`): the model, the Fisher information from the literature with its "
        "source, and the parametrization. The test suite checks every literature value numerically and against "
        "the engine. Each page below shows the family's step-by-step proof as symfisher generates it "
        "(`Derivation.to_markdown()`); a verdict of *refuted* marks a family whose support depends on θ, so that "
        "I(θ) = E[s sᵀ] and −E[H] differ.",
        "",
        "```python",
        "import symfisher as sf, symfisher.catalog as catalog",
        "d = sf.derive(catalog.get(\"gamma-rate\").model())",
        "```",
        "",
        "| family | parametrization | k | verdict | source |",
        "|---|---|---:|---|---|",
        *rows,
        "",
        "```{toctree}",
        ":hidden:",
        "",
        *names,
        "```",
        "",
    ]
    _write(out / "index.md", "\n".join(index))
    return names
