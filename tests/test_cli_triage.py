"""``assistant triage``: contract JSON, readable view, stdin, bad inputs and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from assistant.cli import main
from assistant.schema import FIELD_NAMES

NOTES = "Acme Grocers - grocer\n- proc: Fiserv (I think)\n- 40 kiosks\n- told them 20% off is fine\n"


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_json_output_follows_the_contract(tmp_path: Path) -> None:
    path = _write(tmp_path, "notes.txt", NOTES.encode())
    result = CliRunner().invoke(main, ["triage", str(path), "--json"])
    assert result.exit_code == 0, result.output
    reports = json.loads(result.stdout)
    assert isinstance(reports, list) and len(reports) == 1
    report = reports[0]
    assert report["source"] == str(path)
    assert report["backend"] == "rules"
    assert list(report["fields"]) == list(FIELD_NAMES)
    for field in report["fields"].values():
        assert set(field) >= {"value", "status", "evidence"}
        assert field["status"] in {"confirmed", "uncertain", "missing"}
    ids = {t["id"] for t in report["triggers"]}
    assert {"processor_unknown", "high_risk_use_case", "discount_outside_guardrails"} <= ids
    for trigger in report["triggers"]:
        assert set(trigger) >= {"id", "route_to", "reason", "evidence"}
    assert set(report["gate"]) >= {"ready", "missing"}


def test_stdin_dash() -> None:
    result = CliRunner().invoke(main, ["triage", "-", "--json"], input=NOTES)
    assert result.exit_code == 0
    assert json.loads(result.stdout)[0]["source"] == "stdin"


def test_bad_inputs_exit_2_and_good_ones_still_processed(tmp_path: Path) -> None:
    good = _write(tmp_path, "good.txt", NOTES.encode())
    empty = _write(tmp_path, "empty.txt", b"  \n")
    binary = _write(tmp_path, "blob.bin", b"\x00\x01\x02\x03")
    latin = _write(tmp_path, "latin.txt", "caf\xe9 Fiserv".encode("latin-1"))
    big = _write(tmp_path, "big.txt", b"a" * 1_000_001)
    missing = tmp_path / "nope.txt"
    args = ["triage", str(empty), str(binary), str(good), str(latin), str(big), str(missing), "--json"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    reports = json.loads(result.stdout)
    assert [r["source"] for r in reports] == [str(good)]
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 5
    for name in ("empty.txt", "blob.bin", "latin.txt", "big.txt", "nope.txt"):
        assert any(name in line for line in errors)


def test_readable_view_shows_fields_triggers_and_gate(tmp_path: Path) -> None:
    path = _write(tmp_path, "notes.txt", NOTES.encode())
    result = CliRunner().invoke(main, ["triage", str(path)])
    assert result.exit_code == 0
    assert "processor" in result.stdout and "uncertain" in result.stdout
    assert "high_risk_use_case" in result.stdout
    assert "Gate" in result.stdout


def test_unknown_backend_is_a_user_error(tmp_path: Path) -> None:
    path = _write(tmp_path, "notes.txt", NOTES.encode())
    result = CliRunner().invoke(main, ["triage", str(path), "--backend", "nope"])
    assert result.exit_code == 2
    assert "unknown backend" in result.stderr


def test_backend_from_environment(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("ASSISTANT_BACKEND", "nope")
    path = _write(tmp_path, "notes.txt", NOTES.encode())
    result = CliRunner().invoke(main, ["triage", str(path)])
    assert result.exit_code == 2
