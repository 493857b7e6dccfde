#!/usr/bin/env bash
# bench-scan.sh measures a full `laborcheck scan` of a generated roster —
# wall time and peak memory (max RSS) — against the time `unzip -p` takes
# just to inflate the roster's sheet, both measured in the same run.
#
#	scripts/bench-scan.sh                  # 200,000 contracts, 3 runs
#	ROWS=1000000 RUNS=1 scripts/bench-scan.sh
#	FORMAT=csv scripts/bench-scan.sh       # a CSV roster instead
#	EXCELIZE=1 scripts/bench-scan.sh       # also time excelize's row reader (slow)
#
# The roster comes from internal/rostergen (39 columns under their usual
# header spellings, 8% risky contracts, messy values, shared strings as
# LibreOffice writes them). The scan uses the built-in rule pack and writes a
# JSON and an XLSX report, as `laborcheck scan -o out.json -o out.xlsx` does.
# Needs GNU time (/usr/bin/time; `apt-get install -y time`) and unzip.
set -euo pipefail

ROWS=${ROWS:-200000}
RUNS=${RUNS:-3}
FORMAT=${FORMAT:-xlsx}
SEED=${SEED:-1}
WORK=${WORK:-${TMPDIR:-/tmp}/laborcheck-bench-scan}
# Pinned so that the findings (and so the reports) do not depend on the day
# the benchmark runs.
ASOF=${ASOF:-2025-06-30}

cd "$(dirname "$0")/.."
for tool in /usr/bin/time unzip; do
	if [ ! -x "$(command -v "$tool")" ]; then
		echo "bench-scan: $tool is missing (apt-get install -y time unzip)" >&2
		exit 2
	fi
done
mkdir -p "$WORK"

roster="$WORK/roster-$ROWS-$SEED.$FORMAT"
if [ ! -s "$roster" ]; then
	echo "generating $roster ..." >&2
	go run ./internal/rostergen/cmd/rostergen -rows "$ROWS" -seed "$SEED" -o "$roster"
fi
go build -o "$WORK/laborcheck" ./cmd/laborcheck

# measure CMD...: runs CMD under GNU time, leaving "seconds maxrss_KB user_s sys_s" in
# the last line of $WORK/time.out (GNU time puts an exit status line first).
measure() {
	local rc=0
	/usr/bin/time -f '%e %M %U %S' -o "$WORK/time.out" "$@" >/dev/null 2>"$WORK/stderr.out" || rc=$?
	# laborcheck exits 1 when it flags contracts; anything above is a failure.
	if [ "$rc" -gt 1 ]; then
		cat "$WORK/stderr.out" >&2
		exit "$rc"
	fi
}

# The same file is read once before timing, so that every run finds it in
# the page cache.
cat "$roster" >/dev/null

echo "roster: $roster ($(du -h "$roster" | cut -f1), $ROWS contracts)"
if [ "$FORMAT" = xlsx ]; then
	sheet=$(unzip -Z1 "$roster" | grep -m1 '^xl/worksheets/sheet.*\.xml$')
	echo "sheet:  $sheet ($(unzip -p "$roster" "$sheet" | wc -c | awk '{printf "%.0f MB", $1/1e6}') of XML)"
fi
if [ "$FORMAT" = xlsx ]; then
	printf '%-4s %10s %10s %10s %8s %11s\n' run unzip_s scan_s scan_cpu_s ratio max_rss_MB
else
	printf '%-4s %10s %10s %11s\n' run scan_s scan_cpu_s max_rss_MB
fi
for run in $(seq "$RUNS"); do
	u=0
	if [ "$FORMAT" = xlsx ]; then
		measure unzip -p "$roster" "$sheet"
		read -r u _ < <(tail -n 1 "$WORK/time.out")
	fi
	measure "$WORK/laborcheck" scan -q -as-of "$ASOF" -o "$WORK/out.json" -o "$WORK/out.xlsx" "$roster"
	read -r s kb us ss < <(tail -n 1 "$WORK/time.out")
	awk -v r="$run" -v u="$u" -v s="$s" -v c="$us" -v c2="$ss" -v kb="$kb" -v n="$ROWS" 'BEGIN {
		if (u > 0) printf "%-4s %10.2f %10.2f %10.2f %7.2fx %11.0f", r, u, s, c+c2, s/u, kb/1024
		else printf "%-4s %10.2f %10.2f %11.0f", r, s, c+c2, kb/1024
		printf "   (%.0f contracts/s)\n", n/s }'
done

if [ "${EXCELIZE:-0}" = 1 ] && [ "$FORMAT" = xlsx ]; then
	echo "excelize row reader on the same file:"
	LABORCHECK_BENCH_ROSTER="$roster" go test ./internal/scan -run '^$' \
		-bench 'ReadExcelize/file' -benchtime 1x | grep '^Benchmark'
fi
