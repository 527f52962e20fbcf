#!/usr/bin/env bash
# Backup: the database (pg_dump, custom format), the media store, and the manifest to check a restore by.
# Usage: DATABASE_URL=postgres://… MEDIA_ROOT=/srv/govpm/media scripts/backup.sh /backups/govpm-$(date +%F)
set -euo pipefail
out=${1:?usage: backup.sh OUTPUT_DIR}
: "${DATABASE_URL:?DATABASE_URL must name the production database}"
: "${MEDIA_ROOT:?MEDIA_ROOT must name the media store}"
mkdir -p "$out"
python manage.py backup_manifest --output "$out/manifest.json"   # first: the dump holds at least this much
pg_dump --format=custom --no-owner --file "$out/database.dump" "$DATABASE_URL"
tar -C "$MEDIA_ROOT" -czf "$out/media.tar.gz" .
sha256sum "$out/database.dump" "$out/media.tar.gz" "$out/manifest.json" > "$out/SHA256SUMS"
echo "backup written to $out"
