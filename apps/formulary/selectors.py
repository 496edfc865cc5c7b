"""Reads of the formulary: the admin's list, one entry, and the doctor's typo-tolerant search.

The search runs in Python on both databases (one code path, the same ranking on SQLite and
PostgreSQL): a per-process index per hospital of every active entry's words and trigrams,
rebuilt when the hospital's formulary changes. A write in this process drops the index on commit
(`forget_index`); another process's write is noticed by one query (the count and the latest
`updated_at`), asked at most every RECHECK_SECONDS, so a search costs no query at all in between.
Ranking: a name that starts with the query, then a word that does, then a substring, then
trigram similarity (as pg_trgm computes it), which finds "paracetmol".
"""

import bisect
import heapq
import threading
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Max, Q, QuerySet

from apps.formulary.models import FormularyEntry
from apps.hospitals.models import Hospital
from common.exceptions import NotFound

MIN_SIMILARITY = 0.3
RECHECK_SECONDS = 2.0


def formulary_list(*, hospital: Hospital, q: str = "", active: bool | None = None) -> QuerySet[FormularyEntry]:
    """The hospital's entries in name order, filtered by a substring of the generic or a brand name."""
    entries = FormularyEntry.objects.filter(hospital=hospital)
    if q:
        entries = entries.filter(Q(generic_name__icontains=q) | Q(brand_names__icontains=q))
    if active is not None:
        entries = entries.filter(is_active=active)
    return entries.order_by("generic_name", "strength", "form", "id")


def formulary_entry_named(*, hospital_id: int, name: str, strength: str) -> FormularyEntry | None:
    """The one active entry a medicine written out in full names, without a pick from the suggestions: its
    generic name in any case and, when one is written, its strength ("10mg" is "10 mg"). None when no entry
    or several (two forms of one strength) match."""
    entries = FormularyEntry.objects.filter(hospital_id=hospital_id, is_active=True, generic_name__iexact=name)
    compact = "".join(strength.split()).lower()
    matching = [entry for entry in entries[:10] if not compact or "".join(entry.strength.split()).lower() == compact]
    return matching[0] if len(matching) == 1 else None


def formulary_get(*, hospital: Hospital, entry_id: int) -> FormularyEntry:
    try:
        return FormularyEntry.objects.get(hospital=hospital, pk=int(entry_id))
    except (FormularyEntry.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def _trigrams(word: str) -> set[str]:
    padded = f"  {word} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


@dataclass
class _Index:
    version: tuple
    checked_at: float
    entries: dict[int, FormularyEntry]
    order: dict[int, tuple]  # entry id -> its place among equals: shorter generic first, then by label
    names: list[tuple[str, int, int]]  # sorted (lower-case name, brand?, entry id): generic and brands
    words: list[tuple[str, int, int]]  # sorted (a word of a name, brand?, entry id)
    postings: dict[str, set[int]]  # trigram -> entry ids
    name_trigrams: dict[int, list[set[str]]]


# Keyed by the hospital's id and creation time: a test database reuses ids, a stale index must not match.
_indexes: dict[tuple, _Index] = {}
_lock = threading.Lock()


def _version(hospital: Hospital) -> tuple:
    stats = FormularyEntry.objects.filter(hospital=hospital).aggregate(n=Count("id"), last=Max("updated_at"))
    return (stats["n"], stats["last"])


def forget_index(hospital_id: int) -> None:
    """Drop the hospital's index in this process (the formulary's services call it on commit)."""
    with _lock:
        for key in [key for key in _indexes if key[0] == hospital_id]:
            del _indexes[key]


def _index(hospital: Hospital) -> _Index:
    key = (hospital.pk, hospital.created_at)
    index = _indexes.get(key)
    now = time.monotonic()
    if index is not None and now - index.checked_at < RECHECK_SECONDS:
        return index
    version = _version(hospital)
    if index is not None and index.version == version:
        index.checked_at = now
        return index
    entries = {entry.pk: entry for entry in FormularyEntry.objects.filter(hospital=hospital, is_active=True)}
    order: dict[int, tuple] = {}
    names: list[tuple[str, int, int]] = []
    words: list[tuple[str, int, int]] = []
    postings: dict[str, set[int]] = {}
    name_trigrams: dict[int, list[set[str]]] = {}
    for pk, entry in entries.items():
        order[pk] = (len(entry.generic_name), entry.label.lower(), pk)
        own = [(entry.generic_name.lower(), 0), *((brand.lower(), 1) for brand in entry.brands)]
        name_trigrams[pk] = []
        for name, is_brand in own:
            names.append((name, is_brand, pk))
            words.extend((word, is_brand, pk) for word in name.replace("+", " ").split()[1:])
            grams = _trigrams(name)
            name_trigrams[pk].append(grams)
            for gram in grams:
                postings.setdefault(gram, set()).add(pk)
    names.sort()
    words.sort()
    index = _Index(version, now, entries, order, names, words, postings, name_trigrams)
    with _lock:
        _indexes[key] = index
    return index


def _prefixed(rows: list[tuple[str, int, int]], query: str) -> list[tuple[str, int, int]]:
    start = bisect.bisect_left(rows, (query,))
    end = bisect.bisect_left(rows, (query + "\uffff",))
    return rows[start:end]


def formulary_search(*, hospital: Hospital, q: str, limit: int = 10) -> list[FormularyEntry]:
    """The hospital's active entries that best match `q` (generic or brand; prefix, substring or typo).

    Tiers, each in (generic before brand, shorter name, label) order, filled until `limit`: a name
    starting with `q`; a later word of a name starting with it; `q` inside a name; trigram similarity.
    """
    query = " ".join((q or "").lower().split())[:100]
    if len(query) < 2:
        return []
    index = _index(hospital)
    found: dict[int, None] = {}  # insertion-ordered set

    def take(candidates: dict[int, int]) -> None:
        fresh = [(is_brand, index.order[pk], pk) for pk, is_brand in candidates.items() if pk not in found]
        for _brand, _order, pk in heapq.nsmallest(limit - len(found), fresh):
            found[pk] = None

    def best(rows: Iterable[tuple[str, int, int]]) -> dict[int, int]:
        chosen: dict[int, int] = {}
        for _name, is_brand, pk in rows:
            chosen[pk] = min(is_brand, chosen.get(pk, 1))
        return chosen

    take(best(_prefixed(index.names, query)))
    if len(found) < limit:
        take(best(_prefixed(index.words, query)))
    if len(found) < limit:
        take(best(row for row in index.names if query in row[0]))
    if len(found) < limit:
        grams = _trigrams(query)
        shared: Counter[int] = Counter()
        for gram in grams:
            for pk in index.postings.get(gram, ()):
                shared[pk] += 1
        similar = []
        for pk, _count in shared.most_common(limit * 5):
            if pk in found:
                continue
            score = max(len(grams & other) / len(grams | other) for other in index.name_trigrams[pk])
            if score >= MIN_SIMILARITY:
                similar.append((-score, index.order[pk], pk))
        for _score, _order, pk in sorted(similar)[: limit - len(found)]:
            found[pk] = None
    return [index.entries[pk] for pk in found]
