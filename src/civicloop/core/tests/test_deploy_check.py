"""`civicloop check --deploy` passes cleanly with the documented production settings
(deploy/production.env.example) — and does not without the TLS ones, so the file is what makes
it pass."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet

import civicloop

SRC = Path(civicloop.__file__).resolve().parents[1]
ENV_EXAMPLE = SRC.parent / "deploy" / "production.env.example"
TLS_SETTINGS = (
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
)


def throwaway_key(setting: str) -> str:
    if setting == "CIVICLOOP_FIELD_KEYS_FILE":
        return Fernet.generate_key().decode()
    return secrets.token_urlsafe(48)


def production_env(tmp_path, *, without=()) -> dict[str, str]:
    values = {}
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            values[name] = value
    # The key comes from a file in production; here a throwaway key of 60+ characters.
    values.pop("SECRET_KEY_FILE")
    values["SECRET_KEY"] = secrets.token_urlsafe(64)
    values["CIVICLOOP_VAR_DIR"] = str(tmp_path / "var")
    # The other key files: throwaway keys of the right kind in files of their own.
    for name in [name for name in values if name.endswith("_FILE")]:
        key_file = tmp_path / name.lower()
        key_file.write_text(throwaway_key(name), encoding="utf-8")
        values[name] = str(key_file)
    for name in without:
        values.pop(name)
    # Nothing of the test run's own environment (DEBUG, DATABASE_URL …) leaks in.
    return {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(SRC),
        "HOME": str(tmp_path),
        **values,
    }


def check_deploy(env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "from civicloop.cli import main; main()",
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_documented_production_settings_pass_check_deploy(tmp_path):
    result = check_deploy(production_env(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_without_the_tls_settings_check_deploy_fails(tmp_path):
    result = check_deploy(production_env(tmp_path, without=TLS_SETTINGS))
    assert result.returncode != 0
    assert "security.W004" in result.stderr + result.stdout
    assert "security.W008" in result.stderr + result.stdout
