#!/bin/bash
# The rounds of a split aimak run on Kubernetes, in order (docs/shards.md). Assumes the claims
# aimak-parts and aimak-results and the ConfigMap aimak-scenario exist.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
round() { # round NAME AIMAK_ROUND
  sed -e "s/name: aimak-round1/name: $1/" -e "/name: AIMAK_ROUND/{n;s/value: \"1\"/value: \"$2\"/}" \
    "$here/shards.yaml" | kubectl apply -f -
  kubectl wait --for=condition=complete --timeout=24h "job/$1"
}
merge() { # merge NAME
  sed -e "s/name: aimak-merge$/name: $1/" "$here/merge.yaml" | kubectl apply -f -
  kubectl wait --for=condition=complete --timeout=6h "job/$1"
  kubectl logs "job/$1"
}
round aimak-round1 1
merge aimak-merge
round aimak-round2 2
merge aimak-merge2
