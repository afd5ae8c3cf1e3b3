#!/usr/bin/env bash
# Puts Outmail in the desktop's application menu for this user: the freedesktop desktop entry
# (~/.local/share/applications/outmail.desktop, starting this checkout's .venv/bin/outmail-gui)
# and the application icon in the hicolor theme. scripts/setup.sh app runs it; safe to run again.
# XDG_DATA_HOME, when set, is used instead of ~/.local/share.
set -euo pipefail
cd "$(dirname "$0")/.."
data=${XDG_DATA_HOME:-$HOME/.local/share}
icons=outmail_gui/ui/shared/app_icon
for size in 16 32 48 64 128 256; do
  install -D -m 0644 "$icons/outmail-$size.png" "$data/icons/hicolor/${size}x${size}/apps/outmail.png"
done
install -D -m 0644 "$icons/outmail.svg" "$data/icons/hicolor/scalable/apps/outmail.svg"
mkdir -p "$data/applications"
sed "s|@EXEC@|$PWD/.venv/bin/outmail-gui|g" scripts/outmail.desktop.in >"$data/applications/outmail.desktop.tmp"
chmod 0644 "$data/applications/outmail.desktop.tmp"
mv "$data/applications/outmail.desktop.tmp" "$data/applications/outmail.desktop"
# Menus and icon caches pick the new files up at once where these tools are installed.
if command -v update-desktop-database >/dev/null; then update-desktop-database -q "$data/applications" || true; fi
if command -v gtk-update-icon-cache >/dev/null; then gtk-update-icon-cache -q -t "$data/icons/hicolor" || true; fi
echo "setup: Outmail is in the application menu ($data/applications/outmail.desktop)"
