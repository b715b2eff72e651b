"""Train the acts classifier (``make train``): evals/acts/*.tsv -> policy/acts_model.npz.

Features are the runtime's own (:func:`assistant.extract.rules.act_model.features`):
hashed word and character n-grams plus the structure the acts layer reads from
the sentence (target, another party's work, modal, question, first person, acts
the phrase lists saw) and the speaker's side from the corpus.  A multinomial
logistic regression (scikit-learn, a dev dependency only) is fitted twice:

1. on the training part, to score the held-out part (hand-written sentences kept
   out by a stable hash, and a fifth of the composed ones); the scores go to
   ``evals/acts/SCORES.md``;
2. on everything, for the shipped weights (float16, rounded, deterministic).

    python scripts/train_acts.py            # train, write scores and weights
    python scripts/train_acts.py --check    # train and compare with the shipped file (exit 1 if it differs)
"""

from __future__ import annotations

import argparse
import sys
import zlib
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.extract.rules.act_model import DIMENSIONS, Structure, features  # noqa: E402
from assistant.extract.rules.acts import document_clauses  # noqa: E402
from assistant.extract.rules.context import Context  # noqa: E402
from assistant.policy.loader import PolicyBundle, load_bundle  # noqa: E402
from assistant.text import Document  # noqa: E402

CORPUS = ROOT / "evals" / "acts"
WEIGHTS = ROOT / "policy" / "acts_model.npz"
SCORES = CORPUS / "SCORES.md"
CLASSES = ("none", "pricing", "promise", "request")
C = 4.0


def read_rows() -> list[tuple[str, str, str, str]]:
    """(source, label, side, text) for every corpus line."""
    rows = []
    for path in sorted(CORPUS.glob("*.tsv")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            label, side, text = line.split("\t", 2)
            if label not in CLASSES:
                raise SystemExit(f"{path.name}: unknown label {label!r}")
            rows.append((path.stem, label, side, text))
    return rows


def structure(bundle: PolicyBundle, side: str, text: str) -> Structure:
    """What the acts layer reads from the sentence on its own, with the corpus's speaker side."""
    doc = Document.from_text(text)
    clauses = document_clauses(Context.create(doc, bundle))
    return Structure(
        side=side,
        target=any(c.target is not None for c in clauses),
        owner_work=any(c.work is not None and c.work.owner is not None for c in clauses),
        question=text.rstrip(" )\"'").endswith("?"),
        modal=any(c.modal for c in clauses),
        first_person=any(c.first_person for c in clauses),
        acts=tuple(sorted({name for c in clauses for name in c.acts})),
    )


def matrix(bundle: PolicyBundle, rows: list[tuple[str, str, str, str]]):  # type: ignore[no-untyped-def]
    from scipy.sparse import csr_matrix

    data, indices, indptr = [], [], [0]
    for _, _, side, text in rows:
        index, counts = np.unique(
            np.asarray(features(text, structure(bundle, side, text))), return_counts=True
        )
        values = counts.astype(np.float64)
        values /= np.sqrt(values @ values) or 1.0
        data.extend(values.tolist())
        indices.extend(index.tolist())
        indptr.append(len(indices))
    return csr_matrix((data, indices, indptr), shape=(len(rows), DIMENSIONS))


def held_out(source: str, text: str) -> bool:
    bucket = zlib.crc32(text.encode("utf-8")) % 10
    return bucket < 5 if source == "handwritten" else bucket < 2


def fit(x, y):  # type: ignore[no-untyped-def]
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=C, max_iter=3000, tol=1e-6)
    model.fit(x, y)
    return model


def scores_table(title: str, truth: list[str], predicted: list[str]) -> list[str]:
    lines = [
        f"### {title} ({len(truth)} sentences)",
        "",
        "| label | support | precision | recall |",
        "|---|---|---|---|",
    ]
    for label in CLASSES:
        tp = sum(t == p == label for t, p in zip(truth, predicted, strict=True))
        support = sum(t == label for t in truth)
        said = sum(p == label for p in predicted)
        precision = tp / said if said else 0.0
        recall = tp / support if support else 0.0
        lines.append(f"| {label} | {support} | {precision:.2f} | {recall:.2f} |")
    accuracy = sum(t == p for t, p in zip(truth, predicted, strict=True)) / max(1, len(truth))
    lines += ["", f"accuracy {accuracy:.3f}", ""]
    return lines


def export(model) -> dict[str, np.ndarray]:  # type: ignore[no-untyped-def]
    order = [list(model.classes_).index(name) for name in CLASSES]
    return {
        "classes": np.asarray(CLASSES),
        "weights": np.round(model.coef_[order], 3).astype(np.float16),
        "bias": np.round(model.intercept_[order], 3).astype(np.float16),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--check", action="store_true", help="compare with the shipped weights, write nothing"
    )
    args = parser.parse_args()
    bundle = load_bundle()
    rows = read_rows()
    x = matrix(bundle, rows)
    y = np.asarray([row[1] for row in rows])
    final = export(fit(x, y))
    if args.check:
        with np.load(WEIGHTS, allow_pickle=False) as shipped:
            gap = float(
                np.abs(shipped["weights"].astype(np.float32) - final["weights"].astype(np.float32)).max()
            )
            same = list(shipped["classes"]) == list(final["classes"]) and gap <= 0.01
        print(f"retrained vs shipped: max weight difference {gap:.4f} -> {'same' if same else 'DIFFERENT'}")
        return 0 if same else 1
    train = [i for i, row in enumerate(rows) if not held_out(row[0], row[3])]
    test = [i for i, row in enumerate(rows) if held_out(row[0], row[3])]
    split_model = fit(x[train], y[train])
    predicted = split_model.predict(x[test])
    lines = [
        "# Acts classifier: held-out sentence scores",
        "",
        f"Written by `scripts/train_acts.py` (`make train`). Corpus: {len(rows)} sentences "
        f"({sum(r[0] == 'handwritten' for r in rows)} hand-written, {sum(r[0] == 'composed' for r in rows)} "
        f"composed from hand-written parts by `scripts/acts_corpus.py`). Trained on {len(train)}, scored on "
        f"{len(test)} held out by a stable hash of the text. Multinomial logistic regression, C={C}, "
        f"{DIMENSIONS} hashed features.",
        "",
    ]
    for source, title in (("handwritten", "hand-written, held out"), ("composed", "composed, held out")):
        picked = [k for k, i in enumerate(test) if rows[i][0] == source]
        lines += scores_table(title, [str(y[test][k]) for k in picked], [str(predicted[k]) for k in picked])
    SCORES.write_text("\n".join(lines), encoding="utf-8")
    np.savez_compressed(WEIGHTS, **final)
    print("\n".join(lines))
    print(f"weights -> {WEIGHTS.relative_to(ROOT)} ({WEIGHTS.stat().st_size // 1024} KiB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
