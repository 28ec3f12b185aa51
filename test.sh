#!/usr/bin/env bash
# Runs the whole test suite against SQLite and a throwaway PostgreSQL 15 server, then prints
# "N passed, M failed[, K skipped]". Installs what the tests need on a fresh Debian machine.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"

# Debian packages the tests use: a PostgreSQL server (initdb, pg_ctl), chromium, Open Babel (obabel), AutoDock Vina (vina) and
# RDKit for Chem; for Guides ffmpeg (ffmpeg, ffprobe, drawtext with DejaVu), espeak-ng (speaks the test narrations), pocketsphinx
# with its en-us model (the default recognizer) and tesseract with English (reads the frames).
packages=(postgresql chromium openbabel autodock-vina python3-rdkit ffmpeg fonts-dejavu-core espeak-ng pocketsphinx pocketsphinx-en-us tesseract-ocr tesseract-ocr-eng)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${missing[*]}"
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo_cmd apt-get update -q >/dev/null
  $sudo_cmd apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi

# External-auth tests run a real OpenID provider (the npm package oidc-provider) with node; Debian's nodejs and npm
# unless a node is already installed (a NodeSource nodejs bundles npm and conflicts with Debian's npm package).
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "Installing Debian packages: nodejs npm"
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo_cmd apt-get update -q >/dev/null
  $sudo_cmd apt-get install -y -q --no-install-recommends nodejs npm >/dev/null
fi
# Exactly the locked versions, from the configured registry.
(cd "$root/tests/oidc-provider" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)

# Tests read shared/fixtures beside the clone. A clone made elsewhere (git clone . /tmp/x) finds them
# beside the repository it was cloned from.
if [ -z "${TESSERA_FIXTURES:-}" ] && [ ! -d "$root/../shared/fixtures" ]; then
  origin=$(git -C "$root" remote get-url origin 2>/dev/null || true)
  if [ -n "$origin" ] && [ -d "$origin/../shared/fixtures" ]; then
    export TESSERA_FIXTURES="$(cd "$origin/../shared/fixtures" && pwd)"
    echo "shared fixtures: $TESSERA_FIXTURES (beside the origin $origin)"
  fi
fi

source "$root/scripts/throwaway-postgres.sh"
work=$(mktemp -d /tmp/tessera-test.XXXXXX)
cleanup() {
  pg_throwaway_stop "$work/pg"
  rm -rf "$work"
}
trap cleanup EXIT
pg_throwaway_start "$work/pg" fsync=off synchronous_commit=off full_page_writes=off max_connections=400
export TESSERA_TEST_POSTGRES="$PG_URL"
echo "PostgreSQL $PG_VERSION on ${PG_URL#postgres://postgres@} (throwaway)"

dotnet build Tessera.slnx -c Release -nologo -v quiet -clp:ErrorsOnly
log="$work/test.log"
trx="$work/trx"
status=0
# A test that hangs is killed after 15 minutes and reported as failed, so CI always ends with the summary line.
dotnet test Tessera.slnx -c Release --no-build -nologo \
  --blame-hang-timeout 15m --blame-hang-dump-type none \
  --logger "console;verbosity=normal" --logger trx --results-directory "$trx" >"$log" 2>&1 || status=$?

# Show what failed (with its message) and what was skipped (with its reason).
grep -E -A 15 '^\s+Failed [A-Za-z]' "$log" || true
grep -E '^\s+Skipped [A-Za-z]|\[SKIP\]' "$log" || true
grep -E 'error (CS|MSB|NU)|Testhost process .* exited with error' "$log" || true

# Sum the counters of every test assembly's TRX report (grep finding nothing is not an error here).
reports=$(cat "$trx"/*.trx 2>/dev/null || true)
read -r passed failed < <(printf '%s' "$reports" | { grep -o '<Counters [^>]*>' || true; } |
  sed -E 's/.* passed="([0-9]+)" failed="([0-9]+)".*/\1 \2/' | awk '{p+=$1; f+=$2} END {print p+0, f+0}')
skipped=$(printf '%s' "$reports" | { grep -o 'outcome="NotExecuted"' || true; } | wc -l)
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  echo "dotnet test exited with $status without a failed test; its output:" >&2
  tail -n 60 "$log" >&2
  failed=1
fi
summary="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && summary="$summary, $skipped skipped"
echo "$summary"
[ "$failed" -eq 0 ]
