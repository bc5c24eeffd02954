#!/usr/bin/env bash
# Install the system libraries and fonts briefgen needs to render (Debian/Ubuntu).
# Idempotent: installs only what is missing, and only when it can (root with apt).
set -euo pipefail

packages=(
  libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b
  fontconfig                     # fc-list: the glyph coverage preflight
  libharfbuzz-subset0            # WeasyPrint's fast font subsetter; without it CJK subsetting is 10-20x slower
  fonts-noto-core                # Noto Serif / Noto Sans: Latin, Cyrillic, Turkic Latin
  fonts-noto-cjk                 # Noto Sans/Serif CJK SC for the Chinese phrase
  fonts-dejavu-core              # DejaVu Serif / Sans: the tests' fixture theme uses other fonts
  libcairo2                      # CairoSVG draws a theme's SVG logo as PNG for Word
  poppler-utils                  # pdftotext, pdffonts, pdftoppm: tests and previews
  libreoffice-writer-nogui       # opens each DOCX headless in the tests
  python3-uno                    # tests: LibreOffice edits a DOCX as a reviewer would (tests/lo_edit.py)
  python3-venv                   # python -m venv: make setup, and the wheel test's fresh environment
  chromium                       # the browser tests of `briefgen serve` (driven by Playwright)
  strace                         # tests: slows one system call to make races between releases reproducible
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "Installing system packages: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
elif command -v apt-get >/dev/null 2>&1 && command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  echo "Installing system packages: ${missing[*]}" >&2
  sudo DEBIAN_FRONTEND=noninteractive apt-get update -qq
  sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "briefgen needs these system packages, which are missing: ${missing[*]}" >&2
  echo "Install them with your package manager (Debian/Ubuntu: sudo apt-get install ${missing[*]})." >&2
  exit 1
fi
