#!/bin/sh
# One-shot after the Temporal server is up: registers the lifecycle workflows' search attributes
# (com.spotoptimizer.workflows.system.SearchAttributes) in the namespace. Idempotent.
# Uses TEMPORAL_ADDRESS; SPOT_SEARCH_ATTRIBUTES is a list of Name:Type.
set -eu
ns="${TEMPORAL_NAMESPACE:-default}"
attrs="${SPOT_SEARCH_ATTRIBUTES:-SpotInstanceId:Keyword SpotClientId:Keyword SpotAgentId:Keyword SpotInstanceState:Keyword}"

until temporal operator namespace describe "$ns" >/dev/null 2>&1; do
  echo "waiting for namespace $ns"
  sleep 2
done
existing=$(temporal operator search-attribute list --namespace "$ns")
for attr in $attrs; do
  name=${attr%%:*}
  type=${attr#*:}
  if printf '%s\n' "$existing" | grep -qw "$name"; then
    echo "search attribute $name exists"
  else
    temporal operator search-attribute create --namespace "$ns" --name "$name" --type "$type"
    echo "search attribute $name created ($type)"
  fi
done
