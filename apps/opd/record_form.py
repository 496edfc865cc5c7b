"""The consultation record as the page's plain form: rows of inputs, parsed into the service's lists.

One form posts the whole record (it works without JavaScript); the service writes only what changed.
The same state renders the form from the saved record or, after a refusal, from what was typed,
so nothing the doctor wrote is lost.
"""

import datetime
from dataclasses import dataclass, field

from apps.consultations.models import DiagnosisCertainty, DiagnosisKind
from apps.consultations.selectors import RecordData
from apps.consultations.services import MAX_LINES

BLANK_ROWS = 1  # one empty row under each list: Enter there adds the next line


@dataclass
class RecordFormState:
    complaints: list[dict] = field(default_factory=list)
    diagnoses: list[dict] = field(default_factory=list)
    investigations: list[dict] = field(default_factory=list)
    history: str = ""
    examination: str = ""
    advice: str = ""
    follow_up_date: str = ""
    follow_up_days: str = ""
    errors: dict = field(default_factory=dict)

    def with_blank_rows(self) -> "RecordFormState":
        """Rows for the template: every line plus a blank one (up to each list's limit), numbered from 1."""
        # Diagnoses get no blank row: they are added by ICD search or the free-text input under them.
        for n, row in enumerate(self.diagnoses, start=1):
            row["n"] = n
        blank = {"complaints": {"text": "", "duration": ""}, "investigations": {"text": ""}}
        for name, empty in blank.items():
            rows = getattr(self, name)
            if len(rows) < MAX_LINES[name]:
                rows.extend(dict(empty) for _ in range(BLANK_ROWS))
            for n, row in enumerate(rows, start=1):
                row["n"] = n
        return self

    @classmethod
    def of(cls, record: RecordData) -> "RecordFormState":
        return cls(
            complaints=[{"text": c.text, "duration": c.duration} for c in record.complaints],
            diagnoses=[
                {"icd_code": d.icd_code, "text": d.text, "kind": d.kind, "certainty": d.certainty}
                for d in record.diagnoses
            ],
            investigations=[{"text": i.text} for i in record.investigations],
            history=record.history,
            examination=record.examination,
            advice=record.advice,
            follow_up_date=record.follow_up_date.isoformat() if record.follow_up_date else "",
            follow_up_days=str(record.follow_up_days or ""),
        )

    @classmethod
    def from_post(cls, data) -> "RecordFormState":
        def rows(prefix: str, names: tuple[str, ...], limit: int) -> list[dict]:
            found = []
            for n in range(1, limit + 2):
                row = {name: data.get(f"{prefix}_{name}_{n}", "") for name in names}
                if any(value.strip() for key, value in row.items() if key in ("text", "icd_code", "duration")):
                    found.append(row)
            return found

        state = cls(
            complaints=rows("complaint", ("text", "duration"), MAX_LINES["complaints"]),
            diagnoses=rows("diagnosis", ("icd_code", "text", "kind", "certainty"), MAX_LINES["diagnoses"]),
            investigations=rows("investigation", ("text",), MAX_LINES["investigations"]),
            history=data.get("history", ""),
            examination=data.get("examination", ""),
            advice=data.get("advice", ""),
            follow_up_date=data.get("follow_up_date", "").strip(),
            follow_up_days=data.get("follow_up_days", "").strip(),
        )
        if (removed := data.get("remove_diagnosis", "")).isdigit() and 0 < int(removed) <= len(state.diagnoses):
            del state.diagnoses[int(removed) - 1]
        if picked := data.get("pick_complaint", "").strip():
            state.complaints.append({"text": picked, "duration": ""})
        if picked := data.get("pick_investigation", "").strip():
            state.investigations.append({"text": picked})
        if picked := data.get("pick_advice", "").strip():
            state.advice = f"{state.advice.rstrip()}\n{picked}".strip()
        return state

    def add_diagnosis(self, code: str, title: str) -> None:
        self.diagnoses.append(
            {
                "icd_code": code,
                "text": title,
                "kind": DiagnosisKind.PRIMARY if not self.diagnoses else DiagnosisKind.SECONDARY,
                "certainty": DiagnosisCertainty.PROVISIONAL,
            }
        )

    def changes(self) -> dict:
        """The service's keyword arguments. A follow-up field the doctor typed but the service cannot read
        (not a date, not a number) is passed on as it is, so the service's message names it."""
        changes: dict = {
            "complaints": [{"text": r["text"], "duration": r["duration"]} for r in self.complaints],
            "diagnoses": [
                {k: r[k] for k in ("icd_code", "text", "kind", "certainty") if r.get(k)} for r in self.diagnoses
            ],
            "investigations": [{"text": r["text"]} for r in self.investigations],
            "history": self.history,
            "examination": self.examination,
            "advice": self.advice,
        }
        date, days = self.follow_up_date, self.follow_up_days
        try:
            changes["follow_up_date"] = datetime.date.fromisoformat(date) if date else None
        except ValueError:
            changes["follow_up_date"] = date
        changes["follow_up_days"] = int(days) if days.isdigit() and len(days) < 6 else (days or None)
        return changes
