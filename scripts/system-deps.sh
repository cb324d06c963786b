#!/usr/bin/env bash
# Check the Debian/Ubuntu packages the portal needs; install the missing ones when run as
# root, otherwise print the exact command and stop.
#   scripts/system-deps.sh run    what `make run` needs
#   scripts/system-deps.sh test   what `make test` needs as well
set -euo pipefail

# Why each package is needed:
#   python3-venv          the project's virtual environment
#   libpango-1.0-0, libpangoft2-1.0-0   WeasyPrint lays out the PDF signs with Pango
#   libharfbuzz-subset0   WeasyPrint embeds only the glyphs used (else whole CJK fonts, and
#                         text that does not read back from the PDF)
#   fonts-noto-cjk        Noto Sans CJK SC, regular and bold: Chinese on signs without boxes
#   gettext               msgfmt, to compile the Chinese and English translations
#   poppler-utils         tests read the PDFs back (pdftotext, pdffonts, pdftoppm)
#   chromium              the phone-sized browser test (driven by Playwright, never downloaded)
#   npm                   installs axe-core (package.json), the browser tests' accessibility
#                         check; skipped when an npm (e.g. with a NodeSource nodejs) is there
packages=(python3-venv libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk gettext)
if [ "${1:-run}" = "test" ]; then
  packages+=(poppler-utils chromium)
  command -v npm >/dev/null || packages+=(npm)
fi

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  echo "Installing system packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "Missing system packages: ${missing[*]}" >&2
  echo "Install them with:" >&2
  echo "  sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
