#!/usr/bin/env bash
# CI job "production install": the way a server is installed (deploy/README.md).
# A fresh clone of the commit CI runs on, `npm ci && npm run build && npm prune
# --omit=dev`, the install made read-only, then `gatepost demo --headless` from
# dist/ as an unprivileged user: the customer page, the operator console and
# the station screen must answer with their apps, `gatepost scanners decode` must read a ticket PNG the
# demo saved, no devDependency may be left, and nothing may have been written
# under the install.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
commit="$(git -C "$repo" rev-parse HEAD)"
work="$(mktemp -d /tmp/gatepost-prod.XXXXXX)"
chmod 0755 "$work"
install="$work/gatepost"
data="$work/data"
demo_pid=""

# Stops the demo as a service manager would: SIGTERM, then SIGKILL after 10 s.
# Says whether it had to kill it.
stop_demo() {
  [ -n "$demo_pid" ] || return 0
  kill "$demo_pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$demo_pid" 2>/dev/null || break; sleep 0.1; done
  local killed=no
  if kill -0 "$demo_pid" 2>/dev/null; then
    kill -9 "$demo_pid" 2>/dev/null || true
    killed=yes
  fi
  wait "$demo_pid" 2>/dev/null || true
  demo_pid=""
  [ "$killed" = no ]
}
cleanup() {
  stop_demo || true
  chmod -R u+w "$work" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "prod-install: FAIL: $*" >&2
  [ -f "$work/demo.log" ] && sed 's/^/  demo: /' "$work/demo.log" >&2
  exit 1
}
step() { echo "prod-install: $*"; }

step "fresh clone of $commit"
git clone --quiet --no-checkout "$repo" "$install"
git -C "$install" checkout --quiet --detach "$commit"

cd "$install"
step "npm ci"
ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error >/dev/null
step "npm run build"
started=$(date +%s)
npm run build --silent
step "built in $(( $(date +%s) - started )) s"
step "npm prune --omit=dev"
npm prune --omit=dev --no-audit --no-fund --loglevel=error >/dev/null
for dev in tsx vite esbuild vitest typescript electron; do
  [ ! -e "node_modules/$dev" ] || fail "devDependency $dev is still installed after the prune"
done

# Read-only to everyone: and since root writes anyway, the commands run as nobody.
chmod -R a-w "$install"
touch "$work/marker"
install -d -o nobody -g nogroup -m 0700 "$data" "$work/home"
as_nobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups env HOME="$work/home" CI= "$@"; }
# The same in place of the calling shell: in a background subshell, $! is then the command's own
# PID (setpriv and env exec), so stopping it stops the demo rather than orphan it.
exec_as_nobody() { exec setpriv --reuid=nobody --regid=nogroup --clear-groups env HOME="$work/home" CI= "$@"; }

step "gatepost --version (the package's bin, without tsx: runs dist/)"
version="$(as_nobody node bin/gatepost.js --version)" || fail "bin/gatepost.js --version"
[ "$version" = "gatepost $(node -p 'require("./package.json").version')" ] || fail "version said: $version"

step "gatepost demo --headless from dist/"
(exec_as_nobody node dist/bin/gatepost.js demo --headless --data "$data/demo" --booking-port 0 --provider-port 0 --station-port 0) >"$work/demo.log" 2>&1 &
demo_pid=$!
# The demo prints this line once every part is up and demo.json is written
# (tail follows the log until the demo exits; grep stops at the line).
grep -q -m1 'Gatepost demo is running' < <(timeout 120 tail -n +1 --pid="$demo_pid" -f "$work/demo.log") || fail "the demo did not come up"
kill -0 "$demo_pid" 2>/dev/null || fail "the demo exited"
json() { node -e 'const d = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); console.log(eval("d." + process.argv[2]))' "$data/demo/demo.json" "$1"; }
booking="$(json bookingUrl)"
station="$(json station.url)"
station="${station%%#*}"
ticket_image="$(json 'tickets[0].image')"
ticket_payload="$(json 'tickets[0].payload')"

step "customer page at $booking/"
page="$(curl -fsS "$booking/")" || fail "customer page did not answer 200"
grep -q '<div id="root">' <<<"$page" || fail "customer page is not the app: $page"
asset="$(grep -o 'src="/assets/[^"]*\.js"' <<<"$page" | head -n1 | sed 's/^src="//; s/"$//')"
[ -n "$asset" ] || fail "customer page names no script"
curl -fsS -o /dev/null "$booking$asset" || fail "customer page script $asset"
curl -fsS "$booking/healthz" | grep -q '"ok"' || fail "booking /healthz"

step "operator console at $booking/console"
console_page="$(curl -fsS "$booking/console")" || fail "operator console did not answer 200"
grep -q '<div id="root">' <<<"$console_page" || fail "operator console is not the app: $console_page"
console_asset="$(grep -o 'src="/console/assets/[^"]*\.js"' <<<"$console_page" | head -n1 | sed 's/^src="//; s/"$//')"
[ -n "$console_asset" ] || fail "operator console names no script"
curl -fsS -o /dev/null "$booking$console_asset" || fail "operator console script $console_asset"

step "station screen at $station"
screen="$(curl -fsS "$station")" || fail "station screen did not answer 200"
grep -q '<title>Gatepost Station</title>' <<<"$screen" || fail "station screen is not the app: $screen"
script="$(grep -o 'src="\./assets/[^"]*\.js"' <<<"$screen" | head -n1 | sed 's/^src="\.//; s/"$//')"
[ -n "$script" ] || fail "station screen names no script"
curl -fsS -o /dev/null "${station%/}$script" || fail "station screen script $script"

step "gatepost scanners decode $(basename "$ticket_image")"
decoded="$(as_nobody node dist/bin/gatepost.js scanners decode "$ticket_image")" || fail "scanners decode"
[ "$decoded" = "$ticket_payload" ] || fail "decoded $decoded, the ticket holds $ticket_payload"

[ "$(ps -o comm= -p "$demo_pid")" = node ] || fail "the demo's PID is not the node process: stopping it would orphan the demo"
stop_demo || fail "the demo did not stop within 10 s of SIGTERM"
written="$(find "$install" -newer "$work/marker" | head -n 20)"
[ -z "$written" ] || fail "written under the install directory: $written"
step "ok: built, pruned, read-only; demo, customer page, operator console, station screen and decode answered; nothing written under the install"
