#!/usr/bin/env bash
# Builds chemgate's Debian package from the release build (`make package` runs `make release` first):
#   .build/package/chemgate_<version>_<arch>.deb    the package (dpkg-deb; no other tool)
#   .build/package/chemgate_<version>_<arch>.debug  the binary's debug info (gdb finds it through
#                                                   the binary's .gnu_debuglink; not installed)
# The binary links the Swift runtime statically (--static-swift-stdlib), so the box needs no Swift;
# its Debian dependencies are read from the binary itself (ldd → dpkg -S).
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${CHEMGATE_RELEASE_BIN:-.build/release/chemgate}
[ -x "$BIN" ] || { echo "package: no release build at $BIN; run 'make package'" >&2; exit 1; }
out=.build/package
version=$("$BIN" --version | sed -n 's/^chemgate \([^ ]*\) .*/\1/p')
arch=$(dpkg --print-architecture)
name="chemgate_${version}_${arch}"
root="$out/$name"
rm -rf "$root" "$out/$name.deb" "$out/$name.debug"
mkdir -p "$root/DEBIAN" "$root/usr/bin" "$root/lib/systemd/system" "$root/etc/chemgate" \
    "$root/usr/share/chemgate" "$root/usr/share/doc/chemgate/examples" "$root/var/lib/chemgate"

# The binary, stripped, with its debug info kept beside the package.
objcopy --only-keep-debug "$BIN" "$out/$name.debug"
install -m 0755 "$BIN" "$root/usr/bin/chemgate"
strip --strip-debug --strip-unneeded "$root/usr/bin/chemgate"
objcopy --add-gnu-debuglink="$out/$name.debug" "$root/usr/bin/chemgate"

install -m 0644 packaging/chemgate.service "$root/lib/systemd/system/chemgate.service"
install -m 0644 packaging/chemgate.yaml "$root/etc/chemgate/chemgate.yaml"
cp -r Devices "$root/usr/share/chemgate/Devices"
[ -d profiles ] && cp -r profiles "$root/usr/share/chemgate/profiles"
cp examples/*.yaml "$root/usr/share/doc/chemgate/examples/"
cp README.md docs/*.md "$root/usr/share/doc/chemgate/"
find "$root/usr/share" -type d -exec chmod 0755 {} + && find "$root/usr/share" -type f -exec chmod 0644 {} +

# Dependencies: the Debian package of every shared library the binary loads, at its installed version.
depends=$(ldd "$root/usr/bin/chemgate" | awk '/=> \// { print $3 }' | while read -r library; do
    package=$(dpkg -S "$(readlink -f "$library")" 2>/dev/null | head -1 | cut -d: -f1) \
        || package=$(dpkg -S "$library" 2>/dev/null | head -1 | cut -d: -f1) || true
    [ -n "$package" ] || { echo "package: no Debian package owns $library" >&2; exit 1; }
    upstream=$(dpkg-query -W -f='${Version}' "$package" | sed 's/-[^-]*$//')
    echo "$package (>= $upstream)"
done | sort -u | paste -sd, | sed 's/,/, /g')
installed_kb=$(du -sk "$root" | cut -f1)

sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s/@DEPENDS@/$depends/" \
    -e "s/@SIZE@/$installed_kb/" packaging/debian/control.in >"$root/DEBIAN/control"
echo /etc/chemgate/chemgate.yaml >"$root/DEBIAN/conffiles"
for script in postinst prerm postrm; do install -m 0755 "packaging/debian/$script" "$root/DEBIAN/$script"; done

dpkg-deb --root-owner-group --build "$root" "$out/$name.deb" >/dev/null
rm -rf "$root"
echo "package: $out/$name.deb ($(du -h "$out/$name.deb" | cut -f1); installed $((installed_kb / 1024)) MB)"
echo "package: depends on $depends"
