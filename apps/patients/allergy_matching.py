"""When a medicine matches an allergy (SPEC §9): one rule, used by the prescription's add and its tests.

Until the formulary exists (SPEC §10) a medicine is only its written name, so the rule compares
words. Both texts are normalised (Unicode NFKC, case-folded, every run of characters that is not
a letter or digit becomes one space), then an allergy matches when **all its words appear, in
order and next to each other, as whole words** of one of the medicine's terms:

- "Penicillin" matches "Penicillin G", "Benzathine penicillin", "PENICILLIN-V 250 mg";
- "Amoxicillin" matches "Amoxicillin + Clavulanic acid" and "Augmentin (amoxicillin)";
- "Penicillin" does **not** match "Amoxicillin" (a penicillin, but the word is not there: only the
  formulary's ingredients can know that), nor "Sulfa" "Sulfamethoxazole" (no partial words).

Only active allergies count (never a retired one, nor a chronic condition). `medicine_terms` is the
hook for the formulary: it returns the written name today; with a formulary it adds the entry's
generic name and ingredients, and every caller then matches on them without another change.
"""

import re
import unicodedata
from collections.abc import Iterable

_NOT_A_WORD = re.compile(r"[^\w]+|_+")


def normalise(text: str) -> str:
    """ "  PENICILLIN-V (250 mg)" → "penicillin v 250 mg"."""
    folded = unicodedata.normalize("NFKC", text or "").casefold()
    return " ".join(_NOT_A_WORD.sub(" ", folded).split())


def medicine_terms(medicine_name: str) -> list[str]:
    """The names a medicine is known by: today its written name; the formulary adds generic and ingredients."""
    return [medicine_name]


def matches(substance: str, term: str) -> bool:
    """Do all the words of `substance` appear together, as whole words, in `term`?"""
    needle, haystack = normalise(substance), normalise(term)
    return bool(needle) and f" {needle} " in f" {haystack} "


def matching_allergies(allergies: Iterable, medicine_name: str) -> list:
    """The active allergies (not conditions) among `allergies` that `medicine_name` matches."""
    terms = medicine_terms(medicine_name)
    return [
        allergy
        for allergy in allergies
        if allergy.is_active and allergy.is_allergy and any(matches(allergy.substance, term) for term in terms)
    ]
