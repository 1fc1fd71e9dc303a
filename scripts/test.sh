#!/usr/bin/env bash
# The project's one test command (README, .ci/run). Installs what the tests need on a brand-new
# machine that has only the .NET SDK, then runs every test project and prints one closing line.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
# The RabbitMQ tests start a private broker node when no Docker engine answers (ENVIRONMENT.md).
command -v rabbitmq-server >/dev/null 2>&1 || [ -x /usr/sbin/rabbitmq-server ] || need_apt+=(rabbitmq-server)
# The SMTP delivery tests talk to a real SMTP server.
# Debian's python3 (not a pyenv shim) is the one the package installs into.
/usr/bin/python3 -c 'import aiosmtpd' >/dev/null 2>&1 || need_apt+=(python3-aiosmtpd)
# The dashboard tests drive a headless Chromium (screenshots, clicking through a re-drive).
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
# pdftotext, pdffonts, pdfinfo, pdftoppm, pdfsig read the PDFs back as a receiver would; openssl ts is the local timestamp authority.
command -v pdfsig >/dev/null 2>&1 || need_apt+=(poppler-utils)
command -v openssl >/dev/null 2>&1 || need_apt+=(openssl)
# Ajv (tests/schema-check) compiles the published JSON Schemas in strict mode, as non-.NET senders read them.
command -v node >/dev/null 2>&1 || need_apt+=(nodejs)
command -v npm >/dev/null 2>&1 || need_apt+=(npm)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing: ${need_apt[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    # The package's post-install may start a default node; the tests never use it, so stop it.
    apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
    if command -v rabbitmqctl >/dev/null 2>&1; then rabbitmqctl stop >/dev/null 2>&1 || true; fi
  else
    echo "warning: missing ${need_apt[*]} and cannot apt-get install; the tests that need them will fail" >&2
  fi
fi

# Ajv, pinned by tests/schema-check/package-lock.json; from the npm registry once, then node_modules is reused.
if [ ! -d tests/schema-check/node_modules/ajv ] && command -v npm >/dev/null 2>&1; then
  (cd tests/schema-check && npm ci --silent --no-audit --no-fund) || echo "warning: npm ci in tests/schema-check failed; the schema strict-mode tests will fail" >&2
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
dotnet test ChuyenDoiSo.sln -c Release --nologo "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
# One closing line any CI reads: 'N passed, N failed'.
passed=$(grep -Eo 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -Eo 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
skipped=$(grep -Eo 'Skipped: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
echo "$passed passed, $failed failed, $skipped skipped"
if [ "$passed" -eq 0 ] && [ "$status" -eq 0 ]; then echo "no test ran" >&2; exit 1; fi
exit "$status"
