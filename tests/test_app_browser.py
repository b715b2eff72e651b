"""Browser test: a new SDR's journey in headless Debian Chromium, asserting what they see.

paste -> review a field -> resolve a trigger -> add a conflicting note -> pick a value ->
draft and download the email -> open the opportunity. Screenshots of each step go to
``$ASSISTANT_ARTIFACTS_DIR`` (else ``$ASSISTANT_HOME/artifacts``); the folder is printed.
"""

from __future__ import annotations

import os
import shutil
import socket
from collections.abc import Iterator
from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TEAM_SCREENSHOT = Path("/tmp/team/app_screenshot.png")
FIRST_NOTE = """Discovery call - Kestrel Parking
Omni SDR (Sam): Which processor are you on today?
Dana Ruiz (Kestrel, VP Operations): We are on Fiserv today.
Dana Ruiz (Kestrel, VP Operations): We run 300 unattended parking kiosks with PAX IM30 readers in the United States.
Dana Ruiz (Kestrel, VP Operations): My email is dana.ruiz@kestrel.example, cc Bo Li <bo.li@kestrel.example>.
Omni SDR (Sam): Thanks. I will send a recap on Friday with the open questions.
"""
FOLLOW_UP = """Follow-up call - Kestrel Parking
Dana Ruiz (Kestrel, VP Operations): Update: finance moved us to Elavon last month.
Dana Ruiz (Kestrel, VP Operations): We will start with 40 kiosks.
"""
SDR = "Sam Rivera"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian chromium at /usr/bin/chromium"),
    pytest.mark.filterwarnings("ignore:.*:Warning:gradio.queueing"),
]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _artifacts(tmp_path: Path) -> Path:
    """Where screenshots go: ASSISTANT_ARTIFACTS_DIR, else $ASSISTANT_HOME/artifacts, else tmp."""
    configured = os.environ.get("ASSISTANT_ARTIFACTS_DIR")
    home = os.environ.get("ASSISTANT_HOME")
    folder = Path(configured) if configured else Path(home) / "artifacts" if home else tmp_path / "artifacts"
    folder = folder / "browser"
    folder.mkdir(parents=True, exist_ok=True)
    print(f"\nbrowser screenshots: {folder}")
    return folder


@pytest.fixture
def app_url(tmp_path: Path) -> Iterator[str]:
    from assistant.app import launch_app
    from assistant.config import get_settings

    home = tmp_path / "home"
    settings = get_settings(
        home=home,
        database_url=f"sqlite:///{home / 'assistant.db'}",
        backend="rules",
        sender_name=SDR,
        sender_email="sam.rivera@omni.example",
    )
    port = _free_port()
    demo = launch_app(settings, "127.0.0.1", port, block=False, quiet=True)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        demo.close()


def _choose(page: Any, elem_id: str, text: str) -> None:
    """Pick the dropdown option that contains ``text``."""
    page.locator(f"#{elem_id} input").click()
    page.locator(f'#{elem_id} li[role="option"]', has_text=text).first.click()


def _status(page: Any, text: str) -> None:
    page.locator("#status", has_text=text).wait_for(timeout=15_000)


def test_sdr_journey(app_url: str, tmp_path: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    shots = _artifacts(tmp_path)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(
                viewport={"width": 1400, "height": 1000},
                accept_downloads=True,
                permissions=["clipboard-read", "clipboard-write"],
            )
            page = context.new_page()
            outside: list[str] = []
            page.on(
                "request",
                lambda request: (
                    outside.append(request.url)
                    if not request.url.startswith((app_url, "data:", "blob:"))
                    else None
                ),
            )
            page.goto(app_url, wait_until="networkidle")

            # the Email tab before anything: a hint, not empty boxes
            page.get_by_role("tab", name="Email").click()
            assert "Pick an opportunity" in page.locator("#email-status").inner_text()
            assert not page.locator("#email-body").is_visible()  # no empty boxes before a draft
            page.screenshot(path=str(shots / "0-email-hint.png"))
            page.get_by_role("tab", name="Triage").click()

            # 1. paste and triage
            opportunity = page.locator("#opportunity input")
            opportunity.fill("Kestrel Parking")
            opportunity.press("Enter")
            page.locator("#notes textarea").fill(FIRST_NOTE)
            page.locator("#triage-btn").click()
            _status(page, "Note 1 (pasted) saved and triaged")
            triggers = page.locator("#triggers").inner_text()
            assert "Higher-risk deployment" in triggers and "Certification SME" in triggers
            assert "high_risk_use_case" not in triggers  # triggers in words, not ids
            processor_row = page.locator('#fields tr[data-field="processor"]')
            assert "We are on Fiserv today." in processor_row.inner_text()  # first quote next to the value
            processor_row.get_by_text("show in note").click()
            assert page.evaluate("location.hash") == "#quote-processor"
            assert page.locator("#notes-view mark#quote-processor").inner_text() == "We are on Fiserv today."
            page.screenshot(path=str(shots / "1-triaged.png"), full_page=True)

            # 2. review a field: the economic buyer the notes do not name
            value_box = page.locator("#review-value textarea, #review-value input").first
            _choose(page, "review-field", "contact role")
            sync_api.expect(value_box).to_have_value("VP Operations")  # the current value, ready to edit
            _choose(page, "review-field", "economic buyer")
            sync_api.expect(value_box).to_have_value("")
            value_box.fill("Maria Lopez (CFO)")
            page.locator("#set-field").click()
            _status(page, "economic buyer set to 'Maria Lopez (CFO)'")
            buyer = page.locator('#fields tr[data-field="economic_buyer"]')
            assert "Maria Lopez (CFO)" in buyer.inner_text() and f"set by {SDR}" in buyer.inner_text()

            # 3. resolve a trigger with a note
            _choose(page, "review-trigger", "Higher-risk deployment")
            page.locator("#review-action").get_by_text("Resolve (decided)").click()
            page.locator("#review-comment textarea, #review-comment input").first.fill(
                "SME confirmed kiosk scope with Dana"
            )
            page.locator("#save-review").click()
            resolved = page.locator('#triggers [data-trigger="high_risk_use_case"][data-review="resolved"]')
            resolved.wait_for(timeout=15_000)
            assert f"resolved by {SDR}" in resolved.inner_text()
            page.screenshot(path=str(shots / "2-reviewed.png"), full_page=True)

            # 4. a conflicting follow-up, and the same note pasted twice
            _choose(page, "kind", "Follow-up")
            page.locator("#notes textarea").fill(FOLLOW_UP)
            page.locator("#triage-btn").click()
            _status(page, "Notes disagree")
            count_row = page.locator('#fields tr[data-field="device_count"]')
            assert count_row.get_attribute("data-state") == "conflict"
            assert "300" in count_row.inner_text() and "40" in count_row.inner_text()
            assert "note 1" in count_row.inner_text() and "note 2" in count_row.inner_text()
            page.locator("#triage-btn").click()
            _status(page, "identical to note 2")
            page.screenshot(path=str(shots / "3-conflict.png"), full_page=True)

            # 5. pick a value
            _choose(page, "conflict", "device count = 40 (note 2)")
            page.locator("#pick-value").click()
            _status(page, "device count: kept '40' from note 2")
            count_row = page.locator('#fields tr[data-field="device_count"]')
            assert (
                count_row.get_attribute("data-state") == "confirmed"
                and f"set by {SDR}" in count_row.inner_text()
            )
            page.get_by_text("Audit log (who changed what").click()
            audit = page.locator("#audit").inner_text()
            assert "field picked" in audit and "trigger resolved" in audit and "field set" in audit

            # 6. draft, read and download the email
            page.locator("#draft-btn").click()
            page.locator("#email-status", has_text="Draft for Kestrel Parking").wait_for(timeout=15_000)
            assert page.locator("#email-to input, #email-to textarea").first.input_value() == (
                "Dana Ruiz <dana.ruiz@kestrel.example>"
            )
            assert (
                "bo.li@kestrel.example"
                in page.locator("#email-cc input, #email-cc textarea").first.input_value()
            )
            body = page.locator("#email-body textarea").input_value()
            assert body.rstrip().endswith(SDR + "\nOmni FastFlex team") and "Maria Lopez" in body
            href = page.locator("#mailto a").get_attribute("href") or ""
            assert href.startswith(
                "mailto:dana.ruiz@kestrel.example?cc=bo.li%40kestrel.example"
            ) or href.startswith("mailto:dana.ruiz@kestrel.example?cc=bo.li@kestrel.example")
            page.locator("#copy-all").click()
            copied = page.evaluate("navigator.clipboard.readText()")
            assert copied.startswith("To: Dana Ruiz <dana.ruiz@kestrel.example>\nCc: ") and copied.endswith(
                body
            )
            page.screenshot(path=str(shots / "4-email.png"), full_page=True)
            with page.expect_download() as download_info:
                page.locator("#eml-download").click()
            eml_path = shots / "draft.eml"
            download_info.value.save_as(str(eml_path))
            message = message_from_bytes(eml_path.read_bytes(), policy=default_policy)
            assert message["To"].addresses[0].addr_spec == "dana.ruiz@kestrel.example"
            assert message["From"].addresses[0].display_name == SDR

            # 7. open the opportunity from the list
            page.get_by_role("tab", name="Opportunities").click()
            page.locator("#opportunities").get_by_text("Kestrel Parking").locator(
                "visible=true"
            ).first.click()
            detail = page.locator("#opportunity-detail")
            detail.locator("h3", has_text="Kestrel Parking").wait_for(timeout=15_000)
            text = detail.inner_text()
            assert f"Owner (SDR): {SDR}" in text and "Timeline" in text and "Note 2" in text
            assert "Stage gate" in text and "Next steps" in text
            page.screenshot(path=str(shots / "5-opportunity.png"), full_page=True)
            assert outside == []  # offline: no CDN, fonts or analytics requests
        finally:
            browser.close()
    shot = shots / "1-triaged.png"
    assert shot.stat().st_size > 10_000
    if TEAM_SCREENSHOT.parent.is_dir():
        shutil.copyfile(shot, TEAM_SCREENSHOT)
