"""The words of a search: tokens, the Danish stemmer, synonyms, category names and "did you mean".

Both search backends (`listings.search`) read a query through `query_terms`: each word of the query becomes a
`Term` — the word, the words it stands for (its synonym groups in `data/synonyms.txt`) and the categories whose
Danish or English name has one of them (`data/lca_categories.csv` and the parents in `categories.PARENTS`). A
listing matches a term when its title, description, brand or model has one of the words (after Danish
stemming), or when it is in one of those categories; it matches the query when it matches every term.

Stemming is Snowball's Danish stemmer: PostgreSQL's `danish` configuration applies it in the database; on
SQLite `stem` applies the same algorithm in Python (the `snowballstemmer` package) to the documents of the FTS5
table and to the query. The vocabulary for suggestions is the synonyms and the category names only — never the
listings' words — so a suggestion tells nobody about a listing they may not see.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import snowballstemmer  # type: ignore[import-untyped]

from .categories import PARENTS, read_lca_rows

SYNONYMS_PATH = Path(__file__).resolve().parent / "data" / "synonyms.txt"
MAX_WORDS = 10
SUGGEST_CUTOFF = 0.8  # difflib ratio: "computor" → "computer" is 0.875; "stol" → "sofa" (0.25) never

# Snowball's Danish stop words (PostgreSQL's `danish` configuration drops the same): they match nothing.
STOP_WORDS = frozenset(
    [
        "og",
        "i",
        "jeg",
        "det",
        "at",
        "en",
        "den",
        "til",
        "er",
        "som",
        "på",
        "de",
        "med",
        "han",
        "af",
        "for",
        "ikke",
        "der",
        "var",
        "mig",
        "sig",
        "men",
        "et",
        "har",
        "om",
        "vi",
        "min",
        "havde",
        "ham",
        "hun",
        "nu",
        "over",
        "da",
        "fra",
        "du",
        "ud",
        "sin",
        "dem",
        "os",
        "op",
        "man",
        "hans",
        "hvor",
        "eller",
        "hvad",
        "skal",
        "selv",
        "her",
        "alle",
        "vil",
        "blev",
        "kunne",
        "ind",
        "når",
        "være",
        "dog",
        "noget",
        "ville",
        "jo",
        "deres",
        "efter",
        "ned",
        "skulle",
        "denne",
        "end",
        "dette",
        "mit",
        "også",
        "under",
        "have",
        "dig",
        "anden",
        "hende",
        "mine",
        "alt",
        "meget",
        "sit",
        "sine",
        "vor",
        "mod",
        "disse",
        "hvis",
        "din",
        "nogle",
        "hos",
        "blive",
        "mange",
        "ad",
        "bliver",
        "hendes",
        "været",
        "thi",
        "jer",
        "sådan",
    ]
)
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Term:
    word: str  # as typed, lower-cased
    words: tuple[str, ...]  # the word and its synonyms, lower-cased, the typed word first
    stems: tuple[str, ...]  # their Danish stems (SQLite's FTS5 documents hold stems)
    categories: tuple[str, ...]  # slugs of categories named by one of the words (a parent stands for its leaves)


def tokens(text: str) -> list[str]:
    """The words of a text, lower-cased (letters and digits; æ, ø, å are letters)."""
    return _WORD.findall(text.lower())


@cache
def _stemmer() -> snowballstemmer.Stemmer:  # type: ignore[no-any-unimported]
    return snowballstemmer.stemmer("danish")


def stem(word: str) -> str:
    return str(_stemmer().stemWord(word.lower()))


def stem_text(text: str) -> str:
    """A text as SQLite's FTS5 table stores it: its words stemmed, separated by spaces."""
    return " ".join(stem(word) for word in tokens(text))


@cache
def synonym_groups() -> tuple[tuple[str, ...], ...]:
    groups = []
    for line in SYNONYMS_PATH.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            groups.append(tuple(word.strip().lower() for word in line.split(",") if word.strip()))
    return tuple(groups)


@cache
def _synonyms_by_stem() -> dict[str, tuple[str, ...]]:
    """stem → every word of every group with a word of that stem ("cykler" → cykl → cykel, bike, …)."""
    merged: dict[str, list[str]] = {}
    for group in synonym_groups():
        for word in group:
            bucket = merged.setdefault(stem(word), [])
            bucket.extend(w for w in group if w not in bucket)
    return {key: tuple(words) for key, words in merged.items()}


@cache
def _category_names() -> dict[str, frozenset[str]]:
    """slug → the stems of its Danish and English names (leaves from the CSV, parents from `PARENTS`)."""
    names: dict[str, frozenset[str]] = {}
    for slug, name_da, name_en, _keys in PARENTS:
        names[slug] = frozenset(stem(w) for w in tokens(f"{name_da} {name_en}") if w not in STOP_WORDS)
    for key, row in read_lca_rows_by_key().items():
        names[key] = frozenset(stem(w) for w in tokens(f"{row['name_da']} {row['name_en']}") if w not in STOP_WORDS)
    return names


@cache
def read_lca_rows_by_key() -> dict[str, dict[str, str]]:
    return {row["key"]: row for row in read_lca_rows()}


@cache
def vocabulary() -> tuple[str, ...]:
    """The words a suggestion may offer: the synonyms and the category names, Danish and English."""
    words = {w for group in synonym_groups() for w in group}
    for _slug, name_da, name_en, _keys in PARENTS:
        words.update(tokens(f"{name_da} {name_en}"))
    for row in read_lca_rows_by_key().values():
        words.update(tokens(f"{row['name_da']} {row['name_en']}"))
    return tuple(sorted(w for w in words if len(w) >= 3 and not w.isdigit() and w not in STOP_WORDS))


def term_for(word: str) -> Term:
    word = word.lower()
    words = [word, *(w for w in _synonyms_by_stem().get(stem(word), ()) if w != word)]
    stems = tuple(dict.fromkeys(stem(w) for w in words))
    wanted = set(stems)
    categories = tuple(sorted(slug for slug, names in _category_names().items() if names & wanted))
    return Term(word=word, words=tuple(words), stems=stems, categories=categories)


def query_terms(q: str) -> list[Term]:
    """The terms of a query (at most `MAX_WORDS`); stop words are left out unless the query has nothing else."""
    words = list(dict.fromkeys(tokens(q)))[:MAX_WORDS]
    kept = [w for w in words if w not in STOP_WORDS] or words
    return [term_for(w) for w in kept]


def suggestion_for(q: str) -> str | None:
    """ "Did you mean": the query with each unknown word that is close to a known one replaced by it, or None.
    Known words are those of the synonyms and the category names (`vocabulary`); a word already known, a number
    or a short word stays as it is."""
    known = vocabulary()
    known_stems = {stem(w) for w in known}
    changed = False
    out = []
    for word in tokens(q)[:MAX_WORDS]:
        if len(word) >= 4 and not word.isdigit() and word not in STOP_WORDS and stem(word) not in known_stems:
            close = difflib.get_close_matches(word, known, n=1, cutoff=SUGGEST_CUTOFF)
            if close:
                out.append(close[0])
                changed = True
                continue
        out.append(word)
    return " ".join(out) if changed else None
