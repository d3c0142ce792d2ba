# Sourced by .ci/run: Debian's chromium and chromium-driver, for the live page's browser tests
# (LivePage*BrowserTests in sample-app), installed when /usr/bin/chromium or /usr/bin/chromedriver is missing.
# When they are there (the usual case) this only prints their versions. In CI (CI=true, which .ci/run sets)
# the tests fail without a browser, so that they are never skipped unnoticed; when it cannot be installed
# here, this says why and exports SUPERVISOR_BROWSER_SKIP_REASON, which the tests repeat as they skip.
#
# Installs as root, or through sudo when that needs no password; the download (the only step that waits on
# the network) is bounded by a timeout, dpkg itself is never killed half-way, and nothing is installed while
# another apt/dpkg holds its lock.

SUPERVISOR_BROWSER_NET_TIMEOUT="${SUPERVISOR_BROWSER_NET_TIMEOUT:-180}"
SUPERVISOR_BROWSER_APT_LOG=/tmp/supervisor-ci-browser-apt.log

supervisor_browser_present() {
    [[ -x /usr/bin/chromium && -x /usr/bin/chromedriver ]]
}

# apt-get as root (directly or through sudo), failing at once while another apt/dpkg holds its lock. The first
# argument is a timeout in seconds for steps that only use the network, or "none" for those that run dpkg.
supervisor_browser_apt() {
    local limit=$1
    shift
    local run=()
    [[ "$(id -u)" != 0 ]] && run=(sudo -n)
    if [[ "${limit}" != none ]]; then
        run+=(timeout "${limit}")
    fi
    "${run[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -y -q -o DPkg::Lock::Timeout=0 "$@" \
        >>"${SUPERVISOR_BROWSER_APT_LOG}" 2>&1
}

# Installs the two packages; prints why and returns non-zero if it cannot.
supervisor_browser_install() {
    if ! command -v apt-get >/dev/null; then
        echo "no /usr/bin/chromium or /usr/bin/chromedriver, and no apt-get to install Debian's chromium and chromium-driver"
        return 1
    fi
    if [[ "$(id -u)" != 0 ]] && ! sudo -n true 2>/dev/null; then
        echo "no /usr/bin/chromium or /usr/bin/chromedriver, and neither root nor a password-less sudo to install them (apt-get install chromium chromium-driver)"
        return 1
    fi
    : >"${SUPERVISOR_BROWSER_APT_LOG}"
    # Download first, under a timeout: killing a download leaves nothing half-done; the lists are refreshed
    # only if the download fails (stale lists name versions the mirror no longer has).
    local net="${SUPERVISOR_BROWSER_NET_TIMEOUT}"
    if ! supervisor_browser_apt "${net}" install --download-only --no-install-recommends chromium chromium-driver; then
        supervisor_browser_apt "${net}" update || true
        if ! supervisor_browser_apt "${net}" install --download-only --no-install-recommends chromium chromium-driver; then
            echo "could not download Debian's chromium and chromium-driver, or apt/dpkg is busy (see ${SUPERVISOR_BROWSER_APT_LOG})"
            return 1
        fi
    fi
    # From the local archive now: no timeout, so dpkg is never interrupted half-way through configuring.
    if ! supervisor_browser_apt none install --no-install-recommends --no-download chromium chromium-driver; then
        echo "installing Debian's chromium and chromium-driver failed (see ${SUPERVISOR_BROWSER_APT_LOG})"
        return 1
    fi
    if ! supervisor_browser_present; then
        echo "chromium and chromium-driver were installed, but /usr/bin/chromium or /usr/bin/chromedriver is still missing"
        return 1
    fi
}

# Makes sure the browser is there, or exports SUPERVISOR_BROWSER_SKIP_REASON saying why it is not.
supervisor_browser_setup() {
    local reason
    if ! supervisor_browser_present; then
        echo "Browser: installing Debian's chromium and chromium-driver (network steps at most ${SUPERVISOR_BROWSER_NET_TIMEOUT}s each)"
        if ! reason=$(supervisor_browser_install); then
            echo "Browser: ${reason}; the live page's browser tests will be skipped"
            export SUPERVISOR_BROWSER_SKIP_REASON="${reason}"
            return 1
        fi
    fi
    # Debian's wrapper script prints a shell warning of its own on some machines: keep only the version.
    echo "Browser: $(/usr/bin/chromium --version 2>/dev/null | head -n 1), $(/usr/bin/chromedriver --version 2>/dev/null | cut -d ' ' -f 1-2)"
}
