"""The prescription as text in the patient's language: a wa.me link and a QR code of it (SPEC §10).

The server sends nothing: the link opens WhatsApp on the pharmacist's own phone or computer with
the text ready, addressed to the patient's mobile number; the QR on the print carries the same text.
"""

from urllib.parse import quote

import segno
from django.utils import translation

MAX_TEXT = 1500  # a QR code at medium error correction holds about 2,300 bytes; Devanagari takes 3 a letter


def prescription_text(*, record, items) -> str:
    """ "<Hospital> · <Patient> (<MRN>) · <date>" then one line per medicine, in the patient's language."""
    visit = record.prescription.visit
    patient = visit.patient
    with translation.override(patient.preferred_language or "en"):
        lines = [f"{record.hospital.name} · {patient.full_name} ({patient.mrn}) · {visit.visit_date:%d %b %Y}"]
        for number, item in enumerate(items, start=1):
            lines.append(f"{number}. {item.medicine_name} {item.dosage}: {item.dose_words}")
    text = "\n".join(lines)
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


def whatsapp_url(phone_number: str, text: str) -> str:
    """wa.me with the Indian number (stored as 10 digits) and the text; "" when the patient has no mobile."""
    if not phone_number:
        return ""
    return f"https://wa.me/91{phone_number}?text={quote(text)}"


def qr_data_uri(text: str) -> str:
    """An SVG QR code of `text` as a data: URI (the CSP allows data: images, no inline SVG needed)."""
    return segno.make(text, error="m").svg_data_uri(scale=3, border=2)


def share(*, record, items) -> dict[str, str]:
    text = prescription_text(record=record, items=items)
    return {
        "text": text,
        "whatsapp_url": whatsapp_url(record.prescription.visit.patient.phone_number, text),
        "qr": qr_data_uri(text),
    }
