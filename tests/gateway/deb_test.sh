#!/usr/bin/env bash
# The ctigw-gateway Debian package: builds it from BUILD (scripts/build-deb), checks its contents
# (dpkg-deb -c) and control fields (dpkg-deb -I), unpacks it into a throwaway root with a fresh
# dpkg database (no maintainer script runs: they need root and a real system; their syntax is
# checked with sh -n), runs the installed binary on the installed configuration, and verifies
# the unit with systemd-analyze when it exists.
#   tests/gateway/deb_test.sh BUILD SOURCE
set -euo pipefail
build=$1
src=$2
for tool in dpkg-deb dpkg dpkg-shlibdeps; do
  command -v $tool >/dev/null || { echo "SKIP: $tool is not installed (scripts/bootstrap)"; exit 77; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

deb=$("$src/scripts/build-deb" "$build" "$work/out")
[[ -f $deb ]] || fail "no package built"
echo "built $(basename "$deb")"

contents=$(dpkg-deb -c "$deb")
for path in ./usr/bin/ctigw-gateway ./lib/systemd/system/ctigw-gateway.service \
            ./etc/ctigw-gateway/ctigw-gateway.json ./usr/share/man/man8/ctigw-gateway.8.gz \
            ./usr/share/ctigw-gateway/schema/ctigw-gateway.schema.json \
            ./usr/share/ctigw-gateway/examples/minimal-sim.json \
            ./usr/share/doc/ctigw-gateway/copyright ./usr/share/doc/ctigw-gateway/changelog.Debian.gz; do
  grep -q " $path\$" <<<"$contents" || fail "$path is not in the package"
done
grep -q '^-rwxr-xr-x root/root .* ./usr/bin/ctigw-gateway$' <<<"$contents" \
  || fail "the binary is not root-owned 0755"
if grep -v ' root/root ' <<<"$contents" | grep -q .; then fail "files not owned by root"; fi

field() { dpkg-deb -f "$deb" "$1"; }
[[ $(field Package) == ctigw-gateway ]] || fail "Package"
[[ $(field Architecture) == "$(dpkg --print-architecture)" ]] || fail "Architecture"
depends=$(field Depends)
for dep in libc6 libssl3 adduser; do
  grep -q "\b$dep\b" <<<"$depends" || fail "Depends lacks $dep: $depends"
done
info=$(dpkg-deb -I "$deb")
grep -q '/etc/ctigw-gateway/ctigw-gateway.json' <<<"$(dpkg-deb -I "$deb" conffiles)" \
  || fail "the configuration is not a conffile"
for s in postinst prerm postrm; do
  grep -q " $s\b" <<<"$info" || fail "no $s script"
  dpkg-deb -I "$deb" "$s" > "$work/$s"
  sh -n "$work/$s" || fail "$s: syntax error"
done
grep -q 'adduser --system' "$work/postinst" || fail "postinst does not create the system user"
grep -q 'deluser --system' "$work/postrm" || fail "postrm does not remove the system user"

# A throwaway root with its own dpkg database.
root=$work/root
mkdir -p "$root/var/lib/dpkg/updates" "$root/var/lib/dpkg/info"
: > "$root/var/lib/dpkg/status"
force=(--force-not-root --force-depends --force-bad-path --no-triggers)
dpkg --root="$root" "${force[@]}" --unpack "$deb" >/dev/null 2>"$work/dpkg.err" \
  || { cat "$work/dpkg.err" >&2; fail "dpkg --unpack into a throwaway root"; }
dpkg --root="$root" -L ctigw-gateway | grep -q '^/usr/bin/ctigw-gateway$' \
  || fail "dpkg does not list the installed binary"
[[ -x $root/usr/bin/ctigw-gateway ]] || fail "binary not installed"
"$root/usr/bin/ctigw-gateway" --version | grep -q '^ctigw-gateway ' || fail "--version"
# Unpacked, not configured: dpkg keeps a new conffile as .dpkg-new until the configure step
# (which runs postinst, not possible here).
conf=$root/etc/ctigw-gateway/ctigw-gateway.json
[[ -f $conf ]] || conf=$conf.dpkg-new
"$root/usr/bin/ctigw-gateway" check "$conf" || fail "the shipped configuration does not pass check"
zcat "$root/usr/share/man/man8/ctigw-gateway.8.gz" | grep -q '^\.TH CTIGW-GATEWAY 8' \
  || fail "man page"

if command -v systemd-analyze >/dev/null; then
  # verify resolves ExecStart= on this host: point it at the unpacked binary in a copy.
  unit=$work/unit/ctigw-gateway.service
  mkdir -p "$(dirname "$unit")"
  sed "s|/usr/bin/ctigw-gateway|$root/usr/bin/ctigw-gateway|" \
    "$root/lib/systemd/system/ctigw-gateway.service" > "$unit"
  if ! out=$(SYSTEMD_LOG_LEVEL=warning systemd-analyze verify --man=no "$unit" 2>&1); then
    echo "$out" >&2
    fail "systemd-analyze verify"
  fi
  if grep -i 'ctigw-gateway.service' <<<"$out" | grep -qiv 'user.*ctigw-gateway'; then
    echo "$out" >&2
    fail "systemd-analyze verify warned about the unit"
  fi
  echo "systemd-analyze verify: ok"
else
  echo "systemd-analyze not installed: unit verification skipped"
fi
echo "PASS"
