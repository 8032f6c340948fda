#!/usr/bin/env bash
# What the test suites need from the machine, checked first by `npm test`: Debian's Chromium at
# /usr/bin/chromium (Playwright never downloads one), strace, Xvfb (`xvfb-run`, for headed and Electron
# runs) and RabbitMQ answering on 127.0.0.1:5672 with guest/guest. As root with apt-get it installs
# and starts what is missing itself; otherwise it stops at once and prints the exact command.
set -euo pipefail

broker_up() { (exec 3<>/dev/tcp/127.0.0.1/5672) 2>/dev/null; }
# rabbitmq-server lives in /usr/sbin, which a normal user's PATH may lack.
have_rabbitmq() { command -v rabbitmq-server >/dev/null 2>&1 || [ -x /usr/sbin/rabbitmq-server ]; }

packages=()
[ -x /usr/bin/chromium ] || packages+=(chromium)
command -v xvfb-run >/dev/null 2>&1 || packages+=(xvfb)
# The save test reads the fsync order from strace.
command -v strace >/dev/null 2>&1 || packages+=(strace)
start_broker=false
if ! broker_up; then
  have_rabbitmq || packages+=(rabbitmq-server)
  start_broker=true
fi

if [ ${#packages[@]} -eq 0 ] && [ "$start_broker" = false ]; then
  echo "machine ready: chromium, xvfb, strace, rabbitmq on 127.0.0.1:5672"
  exit 0
fi

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  # No sudo in what root is told to run (root machines often have none).
  as=''
  if [ "$(id -u)" -ne 0 ]; then as='sudo '; fi
  {
    if [ ${#packages[@]} -gt 0 ]; then echo "npm test needs the Debian packages: ${packages[*]}"; fi
    if [ "$start_broker" = true ]; then echo "npm test needs RabbitMQ answering on 127.0.0.1:5672 (guest/guest)"; fi
    echo "Run this, then npm test again:"
    if [ ${#packages[@]} -gt 0 ]; then echo "    ${as}apt-get update && ${as}apt-get install -y ${packages[*]}"; fi
    if [ "$start_broker" = true ]; then echo "    ${as}rabbitmqctl -q status >/dev/null 2>&1 || ${as}rabbitmq-server -detached; ${as}rabbitmqctl await_startup"; fi
  } >&2
  exit 1
fi

if [ ${#packages[@]} -gt 0 ]; then
  echo "installing ${packages[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${packages[@]}" >/dev/null
fi
if [ "$start_broker" = true ]; then
  # The package may have started it already (systemd); start it only if its node is down.
  if ! rabbitmqctl -q status >/dev/null 2>&1; then
    echo "starting RabbitMQ"
    rabbitmq-server -detached
  fi
  timeout 120 rabbitmqctl -q await_startup
  for _ in $(seq 1 30); do broker_up && break; sleep 1; done
  broker_up || { echo "RabbitMQ started but nothing answers on 127.0.0.1:5672" >&2; exit 1; }
fi
echo "machine ready: chromium, xvfb, strace, rabbitmq on 127.0.0.1:5672"
