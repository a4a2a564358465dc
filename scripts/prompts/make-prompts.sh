#!/usr/bin/env bash
# Generates the prompt assets in assets/prompts/ from every scripts/prompts/*.tsv (name, language,
# text; one table per application) with
# espeak-ng and sox: 8 kHz 16-bit mono WAV, leading/trailing silence trimmed, normalised to
# -3 dBFS, 50 ms of silence kept at both ends so that prompts joined together (the greeting
# around the extension's digits) do not run into each other. Plus the language-independent
# assets/prompts/tone.wav: 440 Hz for 0.3 s. The assets are committed: servers need neither tool.
#
# Re-runnable: every file is rewritten through a temporary file. Deterministic for one
# espeak-ng/sox version: no dither (-D), no random numbers.
# Usage: scripts/prompts/make-prompts.sh [output-dir]   (default: assets/prompts of this repo)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="${1:-$root/assets/prompts}"

for tool in espeak-ng sox; do
  command -v "$tool" >/dev/null || { echo "make-prompts: $tool is not installed (apt-get install espeak-ng sox)" >&2; exit 1; }
done

voice_for() {
  case "$1" in
    en-US) echo en-us ;;
    it-IT) echo it ;;
    es-ES) echo es ;;
    fr-FR) echo fr-fr ;;
    *) echo "make-prompts: no voice for language $1" >&2; return 1 ;;
  esac
}

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# Trim silence at both ends (silence effect, reversed for the tail), resample, normalise, pad.
finish() { # in.wav out.wav
  sox -D -V1 "$1" -c 1 -b 16 "$tmp/final.wav" \
    silence 1 0.02 0.5% reverse silence 1 0.02 0.5% reverse \
    rate -v 8000 norm -3 pad 0.05 0.05
  mv -f "$tmp/final.wav" "$2"
}

count=0
while IFS=$'\t' read -r name lang text; do
  [[ -z "$name" || "$name" == \#* ]] && continue
  voice="$(voice_for "$lang")"
  mkdir -p "$out/$lang"
  espeak-ng -v "$voice" -w "$tmp/speech.wav" "$text"
  finish "$tmp/speech.wav" "$out/$lang/$name.wav"
  count=$((count + 1))
done < <(cat "$here"/*.tsv)

sox -D -V1 -n -r 8000 -c 1 -b 16 "$tmp/tone.wav" synth 0.3 sine 440 fade t 0.01 0.3 0.01 gain -3
mv -f "$tmp/tone.wav" "$out/tone.wav"

echo "make-prompts: $count spoken prompts and tone.wav in $out ($(du -sh "$out" | cut -f1))"
