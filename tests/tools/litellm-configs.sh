#!/usr/bin/env bash
# Loads every LiteLLM proxy config (*.yaml) in a folder with `discernus models --json` and prints
# one line per file: loads (groups, deployments, skipped deployments) or refused (the error).
# Point it at a LiteLLM checkout, e.g.  tests/tools/litellm-configs.sh build ~/litellm/litellm/proxy/example_config_yaml
# Set the environment variables the configs name (os.environ/...) to see them load as they do for
# a LiteLLM user; unset ones are reported by name.
set -u
build=${1:?usage: litellm-configs.sh BUILD_DIR CONFIG_DIR}
dir=${2:?usage: litellm-configs.sh BUILD_DIR CONFIG_DIR}
bin="$build/app/cli/discernus"
loaded=0; refused=0
printf '%-50s %s\n' file outcome
for f in "$dir"/*.yaml "$dir"/*.yml; do
  [ -e "$f" ] || continue
  if out=$("$bin" models --config "$f" --json 2>/tmp/litellm-configs.err); then
    summary=$(printf '%s' "$out" | python3 -c '
import json, sys
d = json.load(sys.stdin)
groups = d.get("groups", [])
deps = sum(len(g.get("deployments", [])) for g in groups if isinstance(g, dict))
skipped = len(d.get("skipped", []))
print(f"loads: {len(groups)} groups, {deps} deployments, {skipped} skipped")')
    loaded=$((loaded + 1))
  else
    summary="refused: $(head -c 300 /tmp/litellm-configs.err | tr '\n' ' ')"
    refused=$((refused + 1))
  fi
  printf '%-50s %s\n' "$(basename "$f")" "$summary"
done
echo "loaded $loaded of $((loaded + refused))"
