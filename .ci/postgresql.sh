# Sourced by .ci/run: a throwaway PostgreSQL server on loopback for the tests tagged "postgresql"
# (PostgreSqlClusterLockTests, PostgreSqlJdbcQueueStoreTests), which skip themselves without one; every
# module's test JVM inherits the exported SUPERVISOR_TEST_POSTGRESQL_URL from Maven. Best effort: whatever
# goes wrong is said and CI goes on without the server. A fresh cluster in a temp dir, run by the 'postgres' user (the
# server refuses to run as root), on 127.0.0.1 only, password authentication (scram-sha-256, a random
# password made per run, handed to the test in the JDBC URL), a free port, and no durability (fsync
# off): the data is thrown away with the directory when CI ends.
#
# Uses Debian's packages. When the server is already installed (the usual case) this takes about a
# second. Otherwise, as root, it installs them, within a bounded time: the download (the only step that
# waits on the network) is bounded by a timeout, dpkg itself is never killed half-way, and nothing is
# installed while another apt/dpkg holds its lock. Before the server package goes in, postgresql-common's
# create_main_cluster is set to false, so the package neither creates nor starts a 'main' cluster on
# port 5432 that nothing would remove (the setting stays: it only concerns clusters made at install).

SUPERVISOR_PG_DIR=""
SUPERVISOR_PG_BIN=""

# Seconds for each network step of an install; at most three of them run (download, update, download).
SUPERVISOR_PG_NET_TIMEOUT="${SUPERVISOR_PG_NET_TIMEOUT:-90}"
SUPERVISOR_PG_APT_LOG=/tmp/supervisor-ci-apt.log

supervisor_pg_bin() {
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    [[ -n "${dir}" && -x "${dir}/initdb" && -x "${dir}/pg_ctl" ]] && echo "${dir}"
}

# apt-get that fails at once, rather than waits, while another apt/dpkg holds its lock. The first argument
# is a timeout in seconds for steps that only use the network, or "none" for those that run dpkg.
supervisor_pg_apt() {
    local limit=$1
    shift
    if [[ "${limit}" == none ]]; then
        env DEBIAN_FRONTEND=noninteractive apt-get -y -q -o DPkg::Lock::Timeout=0 "$@" >>"${SUPERVISOR_PG_APT_LOG}" 2>&1
    else
        timeout "${limit}" env DEBIAN_FRONTEND=noninteractive apt-get -y -q -o DPkg::Lock::Timeout=0 "$@" \
            >>"${SUPERVISOR_PG_APT_LOG}" 2>&1
    fi
}

# Installs Debian's postgresql package; returns non-zero, having said why, if it cannot.
supervisor_pg_install() {
    if ! command -v apt-get >/dev/null; then
        echo "PostgreSQL: no server installed and no apt-get to install one"
        return 1
    fi
    echo "PostgreSQL: installing Debian's postgresql package (network steps at most ${SUPERVISOR_PG_NET_TIMEOUT}s each)"
    : >"${SUPERVISOR_PG_APT_LOG}"
    # Download first, under a timeout: killing a download leaves nothing half-done; the lists are refreshed
    # only if the download fails (stale lists name versions the mirror no longer has).
    local net="${SUPERVISOR_PG_NET_TIMEOUT}"
    if ! supervisor_pg_apt "${net}" install --download-only --no-install-recommends postgresql; then
        supervisor_pg_apt "${net}" update || true
        if ! supervisor_pg_apt "${net}" install --download-only --no-install-recommends postgresql; then
            echo "PostgreSQL: could not download the postgresql package, or apt/dpkg is busy (see ${SUPERVISOR_PG_APT_LOG})"
            return 1
        fi
    fi
    # From the local archive now: no timeout, so dpkg is never interrupted half-way through configuring.
    # postgresql-common first, then no main cluster, then the server (as the official Docker image does).
    if ! supervisor_pg_apt none install --no-install-recommends --no-download postgresql-common; then
        echo "PostgreSQL: installing postgresql-common failed (see ${SUPERVISOR_PG_APT_LOG})"
        return 1
    fi
    local conf=/etc/postgresql-common/createcluster.conf
    if grep -qE '^[#[:space:]]*create_main_cluster' "${conf}" 2>/dev/null; then
        sed -i -E 's/^[#[:space:]]*create_main_cluster.*$/create_main_cluster = false/' "${conf}"
    else
        mkdir -p "$(dirname "${conf}")" && echo "create_main_cluster = false" >>"${conf}"
    fi
    if ! supervisor_pg_apt none install --no-install-recommends --no-download postgresql; then
        echo "PostgreSQL: installing postgresql failed (see ${SUPERVISOR_PG_APT_LOG})"
        return 1
    fi
}

# Whether something listens on 127.0.0.1:port.
supervisor_pg_port_taken() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Starts the server and exports SUPERVISOR_TEST_POSTGRESQL_URL; returns non-zero, having said why, if it cannot.
# With SUPERVISOR_PG_DURABLE=true the server keeps PostgreSQL's own durability (fsync, synchronous commit), as a
# production server does: the durable queue benchmark measures on that.
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
        supervisor_pg_install || return 1
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
    SUPERVISOR_PG_DIR=$(mktemp -d /tmp/supervisor-ci-pg.XXXXXX)
    chown postgres: "${SUPERVISOR_PG_DIR}"
    chmod 700 "${SUPERVISOR_PG_DIR}"
    # Hex, so it needs no escaping in the JDBC URL.
    local password
    password=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
    (umask 077 && printf '%s\n' "${password}" >"${SUPERVISOR_PG_DIR}/pwfile")
    chown postgres: "${SUPERVISOR_PG_DIR}/pwfile"
    # TCP needs the password; the socket (in the private temp dir) only lets the 'postgres' OS user in.
    if ! runuser -u postgres -- "${SUPERVISOR_PG_BIN}/initdb" -D "${SUPERVISOR_PG_DIR}/data" -U postgres \
            --auth-host=scram-sha-256 --auth-local=peer --pwfile="${SUPERVISOR_PG_DIR}/pwfile" \
            -E UTF8 --locale=C --no-sync >"${SUPERVISOR_PG_DIR}/initdb.log" 2>&1; then
        rm -f "${SUPERVISOR_PG_DIR}/pwfile"
        echo "PostgreSQL: initdb failed:"; tail -n 5 "${SUPERVISOR_PG_DIR}/initdb.log"
        return 1
    fi
    rm -f "${SUPERVISOR_PG_DIR}/pwfile"
    # A port nobody listens on now; another CI run may take it first, so a start that cannot bind tries
    # the next one.
    local port tries=0 durability="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    [[ "${SUPERVISOR_PG_DURABLE:-}" == true ]] && durability=""
    for port in $(seq 54329 54399); do
        supervisor_pg_port_taken "${port}" && continue
        tries=$((tries + 1))
        if runuser -u postgres -- "${SUPERVISOR_PG_BIN}/pg_ctl" -D "${SUPERVISOR_PG_DIR}/data" \
                -l "${SUPERVISOR_PG_DIR}/server.log" -w -t 60 \
                -o "-c listen_addresses=127.0.0.1 -p ${port} -k ${SUPERVISOR_PG_DIR} ${durability}" \
                start >/dev/null 2>&1; then
            export SUPERVISOR_TEST_POSTGRESQL_URL="jdbc:postgresql://127.0.0.1:${port}/postgres?user=postgres&password=${password}"
            echo "PostgreSQL: $("${SUPERVISOR_PG_BIN}/postgres" --version) on 127.0.0.1:${port} (${SUPERVISOR_PG_DIR})"
            return 0
        fi
        if ! grep -qiE 'could not bind|address already in use|could not create any TCP/IP sockets' \
                "${SUPERVISOR_PG_DIR}/server.log" 2>/dev/null || [[ ${tries} -ge 10 ]]; then
            break
        fi
        echo "PostgreSQL: port ${port} was taken meanwhile; trying the next one"
        : >"${SUPERVISOR_PG_DIR}/server.log"
    done
    echo "PostgreSQL: the server did not start:"; tail -n 5 "${SUPERVISOR_PG_DIR}/server.log" 2>/dev/null
    return 1
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
