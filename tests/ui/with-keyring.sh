#!/bin/sh
# with-keyring.sh — run a test program beside a Secret Service of its own:
# a gnome-keyring-daemon on the session bus dbus-run-session gave this run
# (never the user's), its keyrings in a temporary directory, the login
# keyring created and unlocked with a throwaway password.  The daemon ends
# with that bus.
#
# What can go wrong: gnome-keyring missing (Debian package gnome-keyring,
# in dev.sh's PACKAGES): the daemon cannot start and the test fails, as it
# should; a daemon that did not get the bus name makes the test's keyring
# probe answer "none" and the test says so.
set -e
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
export XDG_DATA_HOME="$dir/data" XDG_RUNTIME_DIR="$dir/run"
mkdir -p "$XDG_DATA_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
printf 'throwaway' | gnome-keyring-daemon --unlock --components=secrets > "$dir/env"
"$@"
