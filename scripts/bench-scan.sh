#!/usr/bin/env bash
# bench-scan.sh measures a full `laborcheck scan` of a generated roster —
# wall time and peak memory (max RSS) — against the time `unzip -p` takes
# just to inflate the roster's sheet, both measured in the same run.
#
#	scripts/bench-scan.sh                  # 200,000 contracts, 3 runs
#	ROWS=1000000 RUNS=1 scripts/bench-scan.sh
#	FORMAT=csv scripts/bench-scan.sh       # a CSV roster instead
#	EXCELIZE=1 scripts/bench-scan.sh       # also time excelize's row reader (slow)
#	LO=1 scripts/bench-scan.sh             # the roster as LibreOffice saves it (needs soffice)
#	FILES=8 LO=1 scripts/bench-scan.sh     # the same rows as 8 files, each saved by LibreOffice
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
FILES=${FILES:-1}
LO=${LO:-0}
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

# The roster, or its FILES parts: part k holds contracts k*ROWS/FILES on of
# the same generated stream, so the parts together are the same rows.
rosters=()
per=$((ROWS / FILES))
for k in $(seq 0 $((FILES - 1))); do
	name="roster-$ROWS-$SEED"
	[ "$FILES" -gt 1 ] && name="$name-part$k-of$FILES"
	gen="$WORK/$name.$FORMAT"
	if [ ! -s "$gen" ]; then
		echo "generating $gen ..." >&2
		go run ./internal/rostergen/cmd/rostergen -rows "$per" -first $((k * per)) -seed "$SEED" -o "$gen"
	fi
	if [ "$LO" = 1 ] && [ "$FORMAT" = xlsx ]; then
		mkdir -p "$WORK/lo"
		if [ ! -s "$WORK/lo/$name.xlsx" ]; then
			echo "saving $gen with LibreOffice ..." >&2
			soffice --headless "-env:UserInstallation=file://$WORK/lo-profile" \
				--convert-to "xlsx:Calc MS Excel 2007 XML" --outdir "$WORK/lo" "$gen" >/dev/null
		fi
		gen="$WORK/lo/$name.xlsx"
	fi
	rosters+=("$gen")
done
roster=${rosters[0]}
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

# The files are read once before timing, so that every run finds them in
# the page cache.
cat "${rosters[@]}" >/dev/null

echo "roster: ${rosters[*]} ($(du -ch "${rosters[@]}" | tail -1 | cut -f1), $ROWS contracts in $FILES file(s))"
if [ "$FORMAT" = xlsx ]; then
	sheet=$(unzip -Z1 "$roster" | grep -m1 '^xl/worksheets/sheet.*\.xml$')
	echo "sheet:  $sheet ($(for r in "${rosters[@]}"; do unzip -p "$r" "$sheet"; done | wc -c | awk '{printf "%.0f MB", $1/1e6}') of XML)"
fi
if [ "$FORMAT" = xlsx ]; then
	printf '%-4s %10s %10s %10s %8s %11s\n' run unzip_s scan_s scan_cpu_s ratio max_rss_MB
else
	printf '%-4s %10s %10s %11s\n' run scan_s scan_cpu_s max_rss_MB
fi
for run in $(seq "$RUNS"); do
	u=0
	if [ "$FORMAT" = xlsx ]; then
		# unzip -p of every file's sheet, one after the other: the summed
		# time to inflate them.
		measure sh -c 'for r in "$@"; do unzip -p "$r" '"$sheet"'; done' sh "${rosters[@]}"
		read -r u _ < <(tail -n 1 "$WORK/time.out")
	fi
	measure "$WORK/laborcheck" scan -q -as-of "$ASOF" -o "$WORK/out.json" -o "$WORK/out.xlsx" "${rosters[@]}"
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
