from decimal import Decimal

from django.template.loader import render_to_string

from apps.visits.models import PatientVitals


def test_the_vitals_line_has_no_separator_of_its_own_to_dangle_when_the_last_vitals_were_not_taken():
    # The "·" between two vitals is app.css's (.vitals-line > span + span::before).
    html = render_to_string("includes/vitals_summary.html", {"vitals": PatientVitals(pulse_rate=80)})
    assert "<span>Pulse 80</span>" in html
    assert "·" not in html
    both = render_to_string(
        "includes/vitals_summary.html", {"vitals": PatientVitals(pulse_rate=80, temperature_c=Decimal("37.2"))}
    )
    assert both.index("<span>Pulse 80</span>") < both.index("<span>37.2 °C</span>")
