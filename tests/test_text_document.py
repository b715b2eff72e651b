"""Transcripts in the forms reps paste: speakers, roles, email quoting, notes."""

from __future__ import annotations

from assistant.text import CUSTOMER, OMNI, REP, Document


def _roles(text: str) -> dict[str, str]:
    doc = Document.from_text(text)
    return {info.name: info.role for info in doc.speakers.values()}


def test_timestamped_speakers_with_affiliations() -> None:
    doc = Document.from_text(
        "[00:00:05] Sam Lee (Omni SDR): Thanks for joining.\n"
        "[00:00:09] Dana Ruiz (Acme Grocers, VP Payments): Happy to.\n"
        "[00:00:12] Jordan Blake (partner rep): Hi all.\n"
    )
    roles = {s.speaker.name: s.role for s in doc.sentences if s.speaker}
    assert roles == {"Sam Lee": OMNI, "Dana Ruiz": CUSTOMER, "Jordan Blake": REP}
    dana = doc.speakers["dana ruiz"]
    assert dana.affiliation == "Acme Grocers" and dana.job_title == "VP Payments"
    assert doc.sentences[0].text == "Thanks for joining."


def test_zoom_style_speaker_lines_and_self_intro() -> None:
    text = (
        "Priya Shah  00:01\nHi, this is Priya from Omni, I run sales here.\n\n"
        "Tom Baker  00:09\nHey Priya. We're on Elavon today.\n"
    )
    roles = _roles(text)
    assert roles["Priya Shah"] == OMNI
    assert roles["Tom Baker"] == CUSTOMER


def test_webvtt_voice_tags() -> None:
    text = (
        "WEBVTT\n\n1\n00:00:01.000 --> 00:00:04.000\n<v Ana Gomez>We use PAX A920s.</v>\n\n"
        "2\n00:00:05.000 --> 00:00:07.000\n<v Omni SDR>Great.</v>\n"
    )
    doc = Document.from_text(text)
    texts = [s.text for s in doc.sentences]
    assert "We use PAX A920s." in texts
    assert not any("-->" in t for t in texts)


def test_email_thread_attributes_quoted_replies() -> None:
    text = (
        "From: Sam Lee <sam.lee@omni.example>\nSubject: Re: scope\n\nThanks Dana, noted.\n\n"
        "On Tue, Mar 3, 2026 at 9:12 AM Dana Ruiz <dana@acmegrocers.com> wrote:\n"
        "> We're on Worldpay for all 40 stores.\n"
    )
    doc = Document.from_text(text)
    quoted = [s for s in doc.sentences if s.quoted]
    assert quoted and quoted[0].speaker is not None and quoted[0].speaker.name == "Dana Ruiz"
    assert quoted[0].role == CUSTOMER
    assert doc.speakers["sam lee"].role == OMNI


def test_note_labels_and_next_steps_section() -> None:
    doc = Document.from_text("Acme - grocer\n- proc: Fiserv (I think)\nNext steps:\n- send recap\n")
    labelled = [s for s in doc.sentences if s.label == "proc"]
    assert labelled and labelled[0].text == "proc: Fiserv (I think)"
    assert any(s.section == "next steps" and s.text == "send recap" for s in doc.sentences)


def test_initials_do_not_split_sentences() -> None:
    doc = Document.from_text("Customer: We bank with J.P. Morgan Payments. Next question.\n" * 2)
    assert any("J.P. Morgan Payments" in s.text for s in doc.sentences)


def test_quotes_are_verbatim_and_skip_masked_card_data() -> None:
    text = "Dana: the test card is 4111 1111 1111 1111 and we run Fiserv\n"
    doc = Document.from_text(text)
    sentence = doc.sentences[0]
    quote = doc.quote(sentence.start, sentence.end)
    assert quote in doc.text and quote in text
    assert "4111 1111 1111 1111" not in quote


def test_markdown_bold_speakers_and_dash_timestamps() -> None:
    bold = Document.from_text(
        "**Sam Lee (Omni SDR):** Are you on Fiserv?\n**Dana Ruiz (Acme):** Yes, Fiserv.\n**Sam Lee (Omni SDR):** Thanks.\n"
    )
    assert {info.name: info.role for info in bold.speakers.values()} == {
        "Sam Lee": OMNI,
        "Dana Ruiz": CUSTOMER,
    }
    assert bold.sentences[1].text == "Yes, Fiserv."
    dashed = Document.from_text(
        "Sam Lee (Omni) - 00:01 - Are you on Fiserv?\nDana Ruiz - 00:05 - No, we're on TSYS.\nSam Lee (Omni) - 00:09 - ok\n"
    )
    assert dashed.speakers["dana ruiz"].role == CUSTOMER
    assert dashed.sentences[1].text == "No, we're on TSYS."


def test_slack_and_initials_formats() -> None:
    slack = Document.from_text(
        "Ray Kowalski (Pacific Rail Partners)  9:02 AM\nbig one for you. they're on Elavon\n\n"
        "Maya Lindqvist (Omni SDR)  9:05 AM\nnice\n"
    )
    assert slack.speakers["ray kowalski"].role == REP
    legend = Document.from_text(
        "Omni: Priya Raman (internal SDR), Luc Bertrand (certification SME)\n"
        "Customer: Élodie Caron (Head of Digital)\n\n00:05 PR: Hello.\n00:18 LB: Acquirer?\n00:20 EC: Worldline.\n"
    )
    assert legend.speakers["lb"].role == OMNI and legend.speakers["lb"].title == "certification_sme"
    assert legend.speakers["ec"].role == CUSTOMER and legend.speakers["ec"].name == "Élodie Caron"
