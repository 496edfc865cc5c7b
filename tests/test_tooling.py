"""The tooling's own rules: every `noqa` says why; the pre-commit hooks run the tools `make lint` runs."""

import io
import re
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIPPED_DIRS = {".venv", "venv", "staticfiles", "node_modules", ".git", ".ruff_cache", ".pytest_cache"}
NOQA = re.compile(r"#\s*noqa\b(?P<rest>.*)$", re.IGNORECASE)
# After "noqa": one or more codes, then the reason in parentheses, e.g. ": S603 (runs our own tool)".
EXPLAINED = re.compile(r"^: [A-Z]+[0-9]+(, [A-Z]+[0-9]+)* \([^)]*\w[^)]*\)")


def _python_files():
    for path in ROOT.rglob("*.py"):
        if not SKIPPED_DIRS.intersection(path.relative_to(ROOT).parts):
            yield path


def _requirements() -> dict[str, str]:
    pins = {}
    for name in ("base.txt", "production.txt", "local.txt"):
        for line in (ROOT / "requirements" / name).read_text().splitlines():
            if "==" in line and not line.startswith("#"):
                package, version = line.split("==")
                pins[package.split("[")[0].strip().lower()] = version.strip()
    return pins


def _comments(path: Path):
    """(line number, text) of each comment: a `# noqa` inside a string is no pragma."""
    for token in tokenize.generate_tokens(io.StringIO(path.read_text()).readline):
        if token.type == tokenize.COMMENT:
            yield token.start[0], token.string


def test_every_noqa_names_its_codes_and_says_why():
    bare = [
        f"{path.relative_to(ROOT)}:{number}: {comment}"
        for path in _python_files()
        for number, comment in _comments(path)
        if (match := NOQA.search(comment)) and not EXPLAINED.match(match["rest"])
    ]
    assert bare == [], "say why after the code, e.g. `# noqa: S603 (our own interpreter)`:\n" + "\n".join(bare)


def test_the_check_finds_a_bare_noqa():
    assert not EXPLAINED.match(NOQA.search("x = 1  # noqa")["rest"])
    assert not EXPLAINED.match(NOQA.search("x = 1  # noqa: E731")["rest"])
    assert not EXPLAINED.match(NOQA.search("x = 1  # noqa: E731 ()")["rest"])
    assert EXPLAINED.match(NOQA.search("x = 1  # noqa: E731, F401 (re-exported)")["rest"])


def test_the_hooks_pin_the_versions_make_lint_uses():
    config = (ROOT / ".pre-commit-config.yaml").read_text()
    hooked = dict(re.findall(r"additional_dependencies: \[([\w-]+)==([\w.]+)\]", config))
    assert set(hooked) == {"django-upgrade", "ruff", "djlint"}
    pins = _requirements()
    assert {package: pins.get(package) for package in hooked} == hooked


def test_django_upgrade_targets_the_django_we_run():
    config = (ROOT / ".pre-commit-config.yaml").read_text()
    django = _requirements()["django"]
    assert f"--target-version {'.'.join(django.split('.')[:2])}" in config


def test_every_service_and_selector_names_its_actor_type():
    """mypy (`make lint`) refuses an unannotated service or selector; this keeps the actor a `User`, not `Any`."""
    import ast

    loose = []
    for path in sorted((ROOT / "apps").glob("*/s*.py")):
        if path.name not in ("services.py", "selectors.py"):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                for arg in node.args.kwonlyargs + node.args.args:
                    if arg.arg in ("by", "doctor") and ast.unparse(arg.annotation or ast.Constant(None)) not in (
                        "User",
                        "User | None",
                    ):
                        loose.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}({arg.arg})")
    assert loose == [], loose
