#!/usr/bin/env bash
# Refresh benchmark: serves N studies (the shared corpus replicated with rewritten NCT ids, all
# RECRUITING) from the loopback registry, times a full refresh into an empty store, then changes
# 1 % of the studies and times the incremental run. The rate limit is lifted so that the figures
# measure trialmatch, not politeness.
#
#   bench/refresh_bench.sh [N]        (default 100000; needs scripts/build.sh release first)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
work=${TRIALMATCH_BENCH_DIR:-/tmp/trialmatch-refresh-bench}
rm -f "$work"/trials.db* "$work/requests.log" "$work/port"
mkdir -p "$work/data"
# The generated records are kept between runs of the same N (generation takes minutes).
if [[ "$(cat "$work/generated" 2>/dev/null)" != "$n" ]]; then
rm -rf "$work/data" && mkdir -p "$work/data"
python3 - "$n" "$work/data" <<'PY'
import json, os, sys
n, out = int(sys.argv[1]), sys.argv[2]
base = "../shared/fixtures/ctgov/studies"
corpus = [json.load(open(os.path.join(base, f))) for f in sorted(os.listdir(base))]
for i in range(n):
    study = corpus[i % len(corpus)]
    ident = study["protocolSection"]["identificationModule"]
    ident["nctId"] = "NCT%08d" % (20000000 + i)
    study["protocolSection"].setdefault("statusModule", {})["overallStatus"] = "RECRUITING"
    study["protocolSection"]["statusModule"]["lastUpdatePostDateStruct"] = {"date": "2026-10-01", "type": "ACTUAL"}
    with open(os.path.join(out, ident["nctId"] + ".json"), "w") as f:
        json.dump(study, f)
PY
echo "$n" > "$work/generated"
fi
echo '{"data_timestamp": "2026-11-20T09:00:00"}' > "$work/control.json"
python3 tests/support/registry_server.py --data "$work/data" --control "$work/control.json" \
    --log "$work/requests.log" --port-file "$work/port" &
server=$!
trap 'kill $server' EXIT
while [[ ! -s "$work/port" ]]; do sleep 0.1; done
url=http://127.0.0.1:$(cat "$work/port")
# Warm the server's cache so the full run measures the client.
curl -s "$url/api/v2/studies?pageSize=1" >/dev/null
db=$work/trials.db
start=$(date +%s.%N)
/usr/bin/time -f "full refresh: %e s, peak RSS %M KB" build/cli/trialmatch --no-progress --db "$db" refresh \
    --base-url "$url" --status RECRUITING --rate-limit 1000000 >/dev/null
end=$(date +%s.%N)
echo "full refresh: $n studies, $(python3 -c "print(round($n / ($end - $start)))") studies/s"
python3 - "$n" "$work/data" <<'PY'
import json, os, sys
n, out = int(sys.argv[1]), sys.argv[2]
for i in range(0, n, 100):
    path = os.path.join(out, "NCT%08d.json" % (20000000 + i))
    study = json.load(open(path))
    study["protocolSection"]["statusModule"]["lastUpdatePostDateStruct"] = {"date": "2026-11-21", "type": "ACTUAL"}
    study["protocolSection"]["statusModule"]["overallStatus"] = "ACTIVE_NOT_RECRUITING"
    json.dump(study, open(path, "w"))
PY
rm -f "$work/generated"
echo '{"data_timestamp": "2026-11-22T09:00:00"}' > "$work/control.json"
curl -s "$url/api/v2/studies?pageSize=1" >/dev/null
/usr/bin/time -f "incremental refresh (1 %% changed): %e s, peak RSS %M KB" build/cli/trialmatch --no-progress \
    --db "$db" refresh --base-url "$url" --rate-limit 1000000
ls -la "$db"
