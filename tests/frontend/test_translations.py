"""Every string is translated: no missing or fuzzy Danish entry in the project's .po files, every string the
pages mark for translation has its Danish entry, and the committed .mo files match the .po files."""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.utils.translation.template import templatize

ROOT = Path(__file__).resolve().parents[2]
SKIP_DIRS = {".venv", "var", ".git", "node_modules", ".mypy_cache", ".ruff_cache"}


def project_po_files(language: str = "da") -> list[Path]:
    return sorted(
        p
        for p in ROOT.rglob(f"locale/{language}/LC_MESSAGES/*.po")
        if not SKIP_DIRS.intersection(p.relative_to(ROOT).parts)
    )


def _unquote(lines: list[str]) -> str:
    return "".join(ast.literal_eval(line) for line in lines)


def parse_po(path: Path) -> list[dict[str, object]]:
    """Entries of a .po file: msgid, msgid_plural, msgstr (list), flags, obsolete. Enough of the format for us."""
    entries: list[dict[str, object]] = []
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
        lines = [line for line in block.strip().splitlines() if line.strip()]
        flags: set[str] = set()
        fields: dict[str, list[str]] = {}
        current = None
        for line in lines:
            if line.startswith("#,"):
                flags.update(flag.strip() for flag in line[2:].split(","))
            elif line.startswith("#"):  # comments, references and obsolete (#~) entries
                continue
            elif line.startswith('"') and current:
                fields[current].append(line)
            else:
                key, _, value = line.partition(" ")
                current = key
                fields[key] = [value]
        if "msgid" not in fields:
            continue
        msgstrs = [_unquote(v) for k, v in sorted(fields.items()) if k.startswith("msgstr")]
        entries.append(
            {
                "msgid": _unquote(fields["msgid"]),
                "plural": _unquote(fields["msgid_plural"]) if "msgid_plural" in fields else None,
                "msgstr": msgstrs,
                "fuzzy": "fuzzy" in flags,
            }
        )
    return entries


def test_the_project_has_danish_po_files():
    assert ROOT / "frontend/locale/da/LC_MESSAGES/django.po" in project_po_files()


@pytest.mark.parametrize("po", project_po_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_danish_translation_is_missing_or_fuzzy(po: Path):
    problems = []
    for entry in parse_po(po):
        if entry["msgid"] == "":
            if entry["fuzzy"]:
                problems.append("the header is marked fuzzy (its translations would be ignored)")
            continue
        if entry["fuzzy"]:
            problems.append(f"fuzzy: {entry['msgid']!r}")
        if not all(entry["msgstr"]):  # type: ignore[arg-type]
            problems.append(f"missing: {entry['msgid']!r}")
    assert not problems, f"{po.relative_to(ROOT)}:\n" + "\n".join(problems)


@pytest.mark.parametrize("po", project_po_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_compiled_mo_matches_the_po(po: Path):
    mo = po.with_suffix(".mo")
    assert mo.exists(), f"{mo.relative_to(ROOT)} is missing: run `make messages` and commit it"
    with mo.open("rb") as handle:
        catalog = gettext.GNUTranslations(handle)
    for entry in parse_po(po):
        if entry["msgid"] and entry["plural"] is None:
            assert catalog.gettext(entry["msgid"]) == entry["msgstr"][0], (  # type: ignore[index]
                f"{mo.relative_to(ROOT)} is older than its .po for {entry['msgid']!r}: run `make messages`"
            )


_TEMPLATE_CALL = re.compile(r"\b(n?)gettext\(u'((?:[^'\\]|\\.)*)'")
_PY_FUNCS = {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy", "pgettext", "pgettext_lazy"}


def frontend_msgids() -> set[str]:
    """What `makemessages` would extract from frontend/: the templates' and the Python modules' strings."""
    found: set[str] = set()
    frontend = ROOT / "frontend"
    for template in frontend.rglob("templates/**/*.*"):
        if template.suffix in {".html", ".txt"}:
            source = templatize(template.read_text(encoding="utf-8"), origin=str(template))
            found.update(ast.literal_eval(f"'{m.group(2)}'") for m in _TEMPLATE_CALL.finditer(source))
    for module in frontend.rglob("*.py"):
        if "migrations" in module.parts:
            continue
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in _PY_FUNCS
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found.add(node.args[0].value)
    return found


def test_every_string_of_the_pages_has_a_danish_translation():
    strings = frontend_msgids()
    assert "Skip to content" in strings and "Your profile is saved." in strings  # the extraction itself works
    translated = {e["msgid"] for e in parse_po(ROOT / "frontend/locale/da/LC_MESSAGES/django.po") if all(e["msgstr"])}  # type: ignore[arg-type]
    missing = sorted(strings - translated)
    assert not missing, "No Danish translation (run `make messages` and translate):\n" + "\n".join(missing)
