# Sourced by the install-layout tests (tests/*/install_layout_test.sh):
# `meson install` into a throwaway DESTDIR, removed on exit, and
# `check NAME CMD...`, which prints PASS or FAIL and counts failures in
# $fails. Usage: source install_destdir.sh MESON BUILD_DIR TEMP_NAME
# Sets DEST (the DESTDIR) and fails=0; exits 1 when the install fails.
DEST=$(mktemp -d "/tmp/$3.XXXXXX")
trap 'rm -rf "$DEST"' EXIT

fails=0
check() { # check NAME CMD...
    local name=$1
    shift
    if "$@"; then
        echo "PASS $name"
    else
        echo "FAIL $name"
        fails=$((fails + 1))
    fi
}

"$1" install -C "$2" --no-rebuild --destdir "$DEST" --quiet >"$DEST/install.log" 2>&1 || {
    echo "FAIL: meson install did not succeed:"
    cat "$DEST/install.log"
    exit 1
}
