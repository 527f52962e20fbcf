#!/usr/bin/env bash
# Restore a backup into an EMPTY database and media directory, then check it against its manifest.
# Usage: DATABASE_URL=postgres://…/govpm_restored MEDIA_ROOT=/srv/govpm/media-restored scripts/restore.sh BACKUP_DIR
set -euo pipefail
src=${1:?usage: restore.sh BACKUP_DIR}
: "${DATABASE_URL:?DATABASE_URL must name the (empty) database to restore into}"
: "${MEDIA_ROOT:?MEDIA_ROOT must name the (empty) media directory to restore into}"
(cd "$src" && sha256sum --check --quiet SHA256SUMS)
pg_restore --no-owner --exit-on-error --dbname "$DATABASE_URL" "$src/database.dump"
mkdir -p "$MEDIA_ROOT" && tar -C "$MEDIA_ROOT" -xzf "$src/media.tar.gz"
python manage.py check_restore "$src/manifest.json"
