"""Project-wide guards: the layering, tenant scoping and tenancy columns hold everywhere."""

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps

from common.models import HospitalScopedModel

ROOT = Path(__file__).resolve().parent.parent
CLINICAL_APPS = ["patients", "visits", "prescriptions", "pharmacy"]


def test_apps_import_only_downwards():
    """The import-linter contracts in pyproject.toml (see docs/architecture.md)."""
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(  # noqa: S603 (runs our own venv tool, no user input)
        [str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_table_of_hospital_data_carries_its_hospital():
    for label in CLINICAL_APPS:
        for model in apps.get_app_config(label).get_models():
            assert issubclass(model, HospitalScopedModel), f"{model.__name__} must carry its hospital directly"
    assert apps.get_model("audit", "AuditEvent")._meta.get_field("hospital")


def _tenant_model_names() -> set[str]:
    return {
        model.__name__
        for model in apps.get_models()
        if issubclass(model, HospitalScopedModel) or model._meta.label in {"accounts.User", "audit.AuditEvent"}
    }


def _view_modules() -> list[Path]:
    patterns = ("apps/*/views.py", "apps/*/api.py", "apps/*/views/*.py", "apps/*/api/*.py")
    return sorted(path for pattern in patterns for path in ROOT.glob(pattern))


def test_views_never_query_hospital_data_directly():
    """Zulip's rule: fetching tenant rows in view code is how cross-tenant leaks happen. Use selectors."""
    tenant_models = _tenant_model_names()
    offences = []
    for path in _view_modules():
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and node.attr in {"objects", "_default_manager"}
                and isinstance(node.value, ast.Name)
                and node.value.id in tenant_models
            ):
                offences.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.value.id}.{node.attr}")
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") in {"get_object_or_404", "get_list_or_404"}:
                offences.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.func.id}")
    assert not offences, "views must go through hospital-scoped selectors:\n" + "\n".join(offences)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DJANGO_DEBUG": "true"}, "DJANGO_DEBUG must be off"),
        ({"DJANGO_SECRET_KEY": ""}, "DJANGO_SECRET_KEY"),
        ({"DJANGO_SECRET_KEY": "insecure-dev-key-change-me"}, "DJANGO_SECRET_KEY"),
        ({"DJANGO_ALLOWED_HOSTS": ""}, "DJANGO_ALLOWED_HOSTS"),
    ],
)
def test_production_settings_refuse_an_unsafe_configuration(env, message):
    base = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "x" * 64,
        "DJANGO_ALLOWED_HOSTS": "clinic.example.org",
        "DATABASE_URL": "sqlite:///:memory:",
    }
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=base | env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert message in result.stderr


def test_production_settings_start_when_configured():
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "x" * 64,
        "DJANGO_ALLOWED_HOSTS": "clinic.example.org",
        "DATABASE_URL": "sqlite:///:memory:",
    }
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


INLINE_CODE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\sstyle=|\son[a-z]+=|\shx-on", re.IGNORECASE)


def test_templates_carry_no_inline_script_or_style():
    """The coming Content-Security-Policy is default-src 'self' without 'unsafe-inline': JS lives in
    static/js/app.js, CSS in static/css/app.css."""
    offences = [
        f"{path.relative_to(ROOT)}:{number} {line.strip()}"
        for path in sorted((ROOT / "templates").rglob("*.html"))
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if INLINE_CODE.search(line)
    ]
    assert not offences, "inline script or style:\n" + "\n".join(offences)
