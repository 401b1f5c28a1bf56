
# Gatepost: the udev rule (70-gatepost-scanners.rules) applies to scanners and
# relays plugged in from now on, and to those already there after a trigger.
if command -v udevadm >/dev/null 2>&1; then
    udevadm control --reload-rules || true
    udevadm trigger --subsystem-match=hidraw --action=change || true
fi

cat <<'NOTE'
Gatepost Station is installed.
  HID POS scanners and DCTTech relays: readable by the user at the screen and by
  group plugdev (udev rule /usr/lib/udev/rules.d/70-gatepost-scanners.rules).
  Serial scanners and relay boards (/dev/ttyUSB*, /dev/ttyACM*): group dialout.
  Add the gate's user to both, then log in again:
      sudo usermod -aG dialout,plugdev USER
  Check what is seen:  gatepost scanners list
NOTE
