# Sourced by the scripts in tests/tools that play a run against a separate `discernus simulate`:
#   sim_project WORK BIN TEXTS LATENCY_MS JITTER_MS NAME
# starts the simulator (SIM_PID, BASE = its URL) and writes WORK/corpus (TEXTS one-line texts, one
# call each), WORK/litellm_config.yaml (one OpenAI deployment on the simulator, 8 calls in
# parallel), WORK/mft.yaml (two dimensions) and WORK/experiment.yaml (run r1, max_tokens 200).
#   sim_start WORK BIN NAME
# only starts the simulator on WORK/limits.yaml (SIM_PID, BASE).
sim_start() {
    local work=$1 bin=$2 name=$3
    "$bin" simulate --port 0 --limits "$work/limits.yaml" 2> "$work/sim.log" &
    SIM_PID=$!
    for _ in $(seq 100); do
        grep -q "listening on" "$work/sim.log" 2>/dev/null && break
        sleep 0.05
    done
    BASE=$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$work/sim.log" | head -1)
    [ -n "$BASE" ] || { echo "$name: the simulator did not start" >&2; cat "$work/sim.log" >&2; return 2; }
}

sim_project() {
    local work=$1 bin=$2 texts=$3 latency=$4 jitter=$5 name=$6
    printf 'latency_ms: %s\njitter_ms: %s\n' "$latency" "$jitter" > "$work/limits.yaml"
    sim_start "$work" "$bin" "$name" || return 2
    mkdir -p "$work/corpus"
    for i in $(seq -w 1 "$texts"); do
        echo "Text $i speaks of care, liberty and the law of the land, and of what we owe each other." > "$work/corpus/t$i.txt"
    done
    cat > "$work/litellm_config.yaml" <<EOF
model_list:
  - model_name: oa
    litellm_params: {model: openai/gpt-4o-mini, api_key: k-oa, api_base: $BASE/v1, max_parallel_requests: 8}
EOF
    cat > "$work/mft.yaml" <<'EOF'
framework:
  id: mft
  name: MFT
  version: "1"
  instructions: Score it.
  dimensions:
    - {id: care, name: Care, description: c, min: 0, max: 1}
    - {id: liberty, name: Liberty, description: l, min: 0, max: 1}
EOF
    cat > "$work/experiment.yaml" <<EOF
experiment: {name: $name, description: a run against the simulator}
corpus:
  - {id: c, path: corpus/}
frameworks:
  - {id: mft, path: mft.yaml}
execution:
  max_tokens: 200
  matrix:
    - {run_id: r1, model: oa, framework: mft, corpus_subset: c}
EOF
}
