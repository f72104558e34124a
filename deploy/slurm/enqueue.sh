#!/usr/bin/env bash
# Puts a chart (or folders of packages) on the queue, from a login node:
#   TELLTALE_DB=postgres://… deploy/slurm/enqueue.sh --chart /shared/charts/top500.csv
# Paths are stored as absolute paths: they must be the same on compute nodes.
set -euo pipefail
: "${TELLTALE_DB:?set TELLTALE_DB to the postgres:// URL}"
exec telltale batch --enqueue "$@" --db "$TELLTALE_DB"
