"""What a username is: the one normalisation used to store, find and lock out an account, and its alphabet.

Log-in, the lockout counter and uniqueness all compare `username_key(...)`, never the
database's own case folding: PostgreSQL's UPPER() folds the dotless ı to I where Python's
lower() does not, which once let a look-alike spelling log in while the real one was locked
out. A look-alike is now the same key (fullwidth letters, the Kelvin sign, ſ) or another
key that no account has (ı, Cyrillic а): the same account, or none.
"""

import unicodedata

from django.core.validators import RegexValidator
from django.utils.deconstruct import deconstructible

MAX_LENGTH = 150
ALPHABET_MESSAGE = "Use only letters a–z, digits and . _ - @ (no spaces, accents or other symbols)."


def username_key(username: str) -> str:
    """NFKC, casefold, NFKC again (casefolding can leave text that NFKC would still change), trimmed.

    NUL becomes U+FFFD: PostgreSQL refuses NUL in a query parameter, and no stored key has either.
    """
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", username or "").casefold())
    return folded.strip().replace("\x00", "\N{REPLACEMENT CHARACTER}")


@deconstructible
class SafeUsernameValidator(RegexValidator):
    """New usernames are plain ASCII, so what staff read, type and are locked out under is one thing."""

    regex = r"\A[A-Za-z0-9._@-]+\Z"
    message = ALPHABET_MESSAGE
    flags = 0
