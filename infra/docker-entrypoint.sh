#!/bin/sh
# Entrypoint of the connector image. The connector reads its config from a file; on ECS the whole
# config arrives as JSON in TALLY_CONFIG_JSON (see infra/stack.ts), written here to the file the
# command names (owner-only), then the connector replaces this shell.
# TALLY_CONFIG_FILE and TALLY_APP_DIR exist to run this script outside the image (tests).
set -eu
config_file="${TALLY_CONFIG_FILE:-/etc/tally/config.json}"
if [ -n "${TALLY_CONFIG_JSON:-}" ]; then
  umask 077
  printf '%s\n' "$TALLY_CONFIG_JSON" > "$config_file"
fi
# A small young generation keeps peak RSS down on large XML files.
exec node --max-semi-space-size=4 "${TALLY_APP_DIR:-/app}/bin/tally-connector.mjs" "$@"
