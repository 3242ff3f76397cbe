#!/usr/bin/env bash
# Runs once, when the postgres volume is first initialised (/docker-entrypoint-initdb.d): a role and a
# database for the api (spot) and for Temporal (temporal, temporal_visibility). Temporal's auto-setup
# then only creates its schema (SKIP_DB_CREATE=true).
set -euo pipefail

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
     -v spot_password="${SPOT_DB_PASSWORD:?}" -v temporal_password="${TEMPORAL_DB_PASSWORD:?}" <<'SQL'
CREATE ROLE spot LOGIN PASSWORD :'spot_password';
CREATE ROLE temporal LOGIN PASSWORD :'temporal_password';
CREATE DATABASE spot OWNER spot;
CREATE DATABASE temporal OWNER temporal;
CREATE DATABASE temporal_visibility OWNER temporal;
SQL

# Temporal's PostgreSQL visibility schema uses btree_gin; create it as superuser.
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname temporal_visibility \
     -c 'CREATE EXTENSION IF NOT EXISTS btree_gin'
