# Sourced by .ci/run: a throwaway PostgreSQL server on loopback for the tests tagged "postgresql"
# (PostgreSqlClusterLockTests), which skip themselves without one. Best effort: whatever goes wrong is
# said and CI goes on without the server. Uses Debian's packages (installed if missing, as root with
# apt-get), a fresh cluster in a temp dir run by the 'postgres' user (the server refuses to run as root),
# trust authentication on 127.0.0.1 only, a free port, and no durability (fsync off): the data is
# thrown away with the directory when CI ends.

SUPERVISOR_PG_DIR=""
SUPERVISOR_PG_BIN=""

supervisor_pg_bin() {
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    [[ -n "${dir}" && -x "${dir}/initdb" && -x "${dir}/pg_ctl" ]] && echo "${dir}"
}

supervisor_pg_free_port() {
    local port
    for port in $(seq 54329 54399); do
        if ! (exec 3<>"/dev/tcp/127.0.0.1/${port}") 2>/dev/null; then
            echo "${port}"
            return 0
        fi
    done
    return 1
}

# Starts the server and exports SUPERVISOR_TEST_POSTGRESQL_URL; returns non-zero, having said why, if it cannot.
supervisor_pg_start() {
    if [[ -n "${SUPERVISOR_TEST_POSTGRESQL_URL:-}" ]]; then
        echo "PostgreSQL: using SUPERVISOR_TEST_POSTGRESQL_URL from the environment"
        return 0
    fi
    if [[ "$(id -u)" != 0 ]]; then
        echo "PostgreSQL: not root, so no throwaway server (set SUPERVISOR_TEST_POSTGRESQL_URL to use one)"
        return 1
    fi
    SUPERVISOR_PG_BIN=$(supervisor_pg_bin)
    if [[ -z "${SUPERVISOR_PG_BIN}" ]]; then
        if ! command -v apt-get >/dev/null; then
            echo "PostgreSQL: no server installed and no apt-get to install one"
            return 1
        fi
        echo "PostgreSQL: installing Debian's postgresql package"
        if ! timeout 600 env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends postgresql \
                >/tmp/supervisor-ci-apt.log 2>&1; then
            timeout 300 apt-get update -q >>/tmp/supervisor-ci-apt.log 2>&1 || true
            if ! timeout 600 env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends postgresql \
                    >>/tmp/supervisor-ci-apt.log 2>&1; then
                echo "PostgreSQL: apt-get install postgresql failed (see /tmp/supervisor-ci-apt.log)"
                return 1
            fi
        fi
        SUPERVISOR_PG_BIN=$(supervisor_pg_bin)
        if [[ -z "${SUPERVISOR_PG_BIN}" ]]; then
            echo "PostgreSQL: installed, but no initdb/pg_ctl under /usr/lib/postgresql/*/bin"
            return 1
        fi
    fi
    if ! id postgres >/dev/null 2>&1; then
        echo "PostgreSQL: no 'postgres' user to run the server as"
        return 1
    fi
    local port
    if ! port=$(supervisor_pg_free_port); then
        echo "PostgreSQL: no free port in 54329-54399"
        return 1
    fi
    SUPERVISOR_PG_DIR=$(mktemp -d /tmp/supervisor-ci-pg.XXXXXX)
    chown postgres: "${SUPERVISOR_PG_DIR}"
    if ! runuser -u postgres -- "${SUPERVISOR_PG_BIN}/initdb" -D "${SUPERVISOR_PG_DIR}/data" -U postgres -A trust \
            -E UTF8 --locale=C --no-sync >"${SUPERVISOR_PG_DIR}/initdb.log" 2>&1; then
        echo "PostgreSQL: initdb failed:"; tail -n 5 "${SUPERVISOR_PG_DIR}/initdb.log"
        return 1
    fi
    if ! runuser -u postgres -- "${SUPERVISOR_PG_BIN}/pg_ctl" -D "${SUPERVISOR_PG_DIR}/data" \
            -l "${SUPERVISOR_PG_DIR}/server.log" -w -t 60 \
            -o "-c listen_addresses=127.0.0.1 -p ${port} -k ${SUPERVISOR_PG_DIR} -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
            start >/dev/null 2>&1; then
        echo "PostgreSQL: the server did not start:"; tail -n 5 "${SUPERVISOR_PG_DIR}/server.log" 2>/dev/null
        return 1
    fi
    export SUPERVISOR_TEST_POSTGRESQL_URL="jdbc:postgresql://127.0.0.1:${port}/postgres?user=postgres"
    echo "PostgreSQL: $("${SUPERVISOR_PG_BIN}/postgres" --version) on 127.0.0.1:${port} (${SUPERVISOR_PG_DIR})"
}

# Stops the server and removes its directory; safe to call when nothing was started.
supervisor_pg_stop() {
    if [[ -n "${SUPERVISOR_PG_DIR}" && -d "${SUPERVISOR_PG_DIR}" ]]; then
        if [[ -f "${SUPERVISOR_PG_DIR}/data/postmaster.pid" ]]; then
            runuser -u postgres -- "${SUPERVISOR_PG_BIN}/pg_ctl" -D "${SUPERVISOR_PG_DIR}/data" -m immediate -w -t 30 \
                stop >/dev/null 2>&1 || true
        fi
        rm -rf "${SUPERVISOR_PG_DIR}"
        SUPERVISOR_PG_DIR=""
    fi
}
