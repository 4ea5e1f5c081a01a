#!/bin/sh
# Debian/Ubuntu packages used by the data pipeline (synthesis, noise, format conversion) and by
# the peer systems the eval/bench scripts compare against. npm test does not need any of them.
set -eu

PACKAGES="
  espeak-ng
  flite
  sox libsox-fmt-all
  festival festvox-kallpc16k festvox-kdlpc16k festvox-us-slt-hts
  pocketsphinx pocketsphinx-en-us pocketsphinx-testdata
  apertium apertium-eng-spa
  chromium
"

if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
else
  SUDO=
fi

# shellcheck disable=SC2086
$SUDO apt-get update
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends $PACKAGES

echo "installed:"
for tool in espeak-ng flite sox text2wave pocketsphinx apertium chromium; do
  if command -v "$tool" >/dev/null 2>&1; then echo "  ok       $tool"; else echo "  missing  $tool"; fi
done
