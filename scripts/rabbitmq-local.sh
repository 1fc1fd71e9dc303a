#!/usr/bin/env bash
# Starts (or stops) a private RabbitMQ node from Debian's package, for benches and manual runs on a
# machine without Docker. Usage: scripts/rabbitmq-local.sh start|stop [DIR] [AMQP_PORT] [MGMT_PORT]
# Creates vhost chuyendoiso and user hub/hub with full rights on it, and admin/admin as administrator.
set -euo pipefail
cmd=${1:?start|stop}
dir=${2:-/tmp/chuyendoiso-rabbitmq}
port=${3:-5672}
mgmt=${4:-15672}
node="hub$port@localhost"
export RABBITMQ_NODENAME=$node RABBITMQ_NODE_PORT=$port RABBITMQ_DIST_PORT=$((port + 20000))
export RABBITMQ_MNESIA_BASE=$dir/mnesia RABBITMQ_LOG_BASE=$dir/log RABBITMQ_PID_FILE=$dir/pid
export RABBITMQ_CONFIG_FILE=$dir/rabbitmq RABBITMQ_ENABLED_PLUGINS_FILE=$dir/enabled_plugins
case "$cmd" in
  start)
    mkdir -p "$dir"
    echo "management.tcp.port = $mgmt" > "$dir/rabbitmq.conf"
    echo "[rabbitmq_management]." > "$dir/enabled_plugins"
    [ "$(id -u)" = 0 ] && chown -R rabbitmq:rabbitmq "$dir"
    rabbitmq-server -detached
    rabbitmqctl -n "$node" wait "$dir/pid" >/dev/null
    rabbitmqctl -n "$node" add_vhost chuyendoiso >/dev/null 2>&1 || true
    rabbitmqctl -n "$node" add_user hub hub >/dev/null 2>&1 || true
    rabbitmqctl -n "$node" set_user_tags hub management >/dev/null
    rabbitmqctl -n "$node" set_permissions -p chuyendoiso hub '.*' '.*' '.*' >/dev/null
    rabbitmqctl -n "$node" add_user admin admin >/dev/null 2>&1 || true
    rabbitmqctl -n "$node" set_user_tags admin administrator >/dev/null
    rabbitmqctl -n "$node" set_permissions -p chuyendoiso admin '.*' '.*' '.*' >/dev/null
    echo "RabbitMQ node $node: amqp://hub:hub@localhost:$port/chuyendoiso, management http://localhost:$mgmt/ (admin/admin)"
    ;;
  stop)
    rabbitmqctl -n "$node" stop >/dev/null 2>&1 || true
    ;;
esac
