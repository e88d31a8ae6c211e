#!/usr/bin/env bash
# Started (detached) by the fault suite's global setup with the Jest process's pid. When that process
# is gone, however it ended (a failed scenario, a timeout, kill -9 of the runner), it brings back
# PostgreSQL and Redis if they do not answer, started exactly as CI starts them: a scenario may have
# stopped them, and CI and other engineers' tests run on these same services.
watched="$1"
while kill -0 "$watched" 2>/dev/null; do sleep 1; done
if [ -n "$FAULTS_WATCH_POSTGRES" ] && ! pg_isready -q -h 127.0.0.1 -p 5432; then
  echo "$(date -Is) faults watchdog: PostgreSQL down after the run, starting it"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -n | tail -1)" main start
fi
if [ -n "$FAULTS_WATCH_REDIS" ] && [ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null)" != "PONG" ]; then
  echo "$(date -Is) faults watchdog: Redis down after the run, starting it"
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
fi
