#!/usr/bin/env bash
# The consumer-project test: a new user's first project, exactly as README.md gives it. The files
# come from the README's code blocks marked `<!-- consumer-test: PATH -->` (the pom, the example)
# and the run command from the one marked `<!-- consumer-test: run -->`; they go into a fresh
# temporary directory outside the repository, which is built and run twice against the server at
# $EXPRUN_TARGET (the example picks a new run ID each time, so the second run must pass too).
#
# Needs the client installed in ~/.m2 (ci.sh's `mvn install` does it, as the README's
# `mvn install` would). Maven runs offline (-o) when everything is in ~/.m2 already, and online
# only when an offline build cannot resolve something (the first run on a fresh machine).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export EXPRUN_TARGET="${EXPRUN_TARGET:-127.0.0.1:50051}"
# Maven itself on a short-lived JVM: C1 only and the serial GC use the least CPU.
export MAVEN_OPTS="${MAVEN_OPTS:-} -XX:TieredStopAtLevel=1 -XX:+UseSerialGC"

project="$(mktemp -d "${TMPDIR:-/tmp}/exprun-java-consumer.XXXXXX")"
trap 'rm -rf "$project"' EXIT

# Extract the marked blocks: each marker names the file its next fenced block goes to.
run_command="$(python3 - "$here/README.md" "$project" <<'PY'
import pathlib, re, sys
readme, project = pathlib.Path(sys.argv[1]).read_text(), pathlib.Path(sys.argv[2])
blocks = re.findall(r"<!-- consumer-test: (\S+) -->\n```\w*\n(.*?)```", readme, re.S)
names = [name for name, _ in blocks]
if not {"pom.xml", "run"} <= set(names) or not any(n.endswith(".java") for n in names):
    sys.exit(f"README.md lacks the consumer-test blocks (found {names})")
for name, body in blocks:
    if name == "run":
        print(body.strip())
    else:
        path = project / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(body)
PY
)"
if [[ "$run_command" != mvn\ * ]]; then
  echo "the README's run command is not a Maven command: $run_command" >&2
  exit 1
fi
echo "consumer project in $project: $(cd "$project" && find . -type f | sort | tr '\n' ' ')"
echo "run command (README): $run_command"

cd "$project"
# The README's command, in batch mode; offline first.
read -r -a words <<<"$run_command"
mode=(-o)
for attempt in 1 2; do
  log="$project/run-$attempt.log"
  if ! "${words[0]}" -B "${mode[@]}" "${words[@]:1}" >"$log" 2>&1; then
    if [[ $attempt -eq 1 && ${#mode[@]} -gt 0 ]] && grep -qiE "offline|Cannot access|could not resolve|Could not find artifact|resolve plugin|No plugin found" "$log"; then
      echo "offline build could not resolve everything; resolving online once"
      mode=()
      "${words[0]}" -B "${words[@]:1}" >"$log" 2>&1 || { sed 's/\x1b\[[0-9;]*m//g' "$log" >&2; exit 1; }
    else
      sed 's/\x1b\[[0-9;]*m//g' "$log" >&2
      exit 1
    fi
  fi
  out="$(sed 's/\x1b\[[0-9;]*m//g' "$log")"
  echo "run $attempt: $(echo "$out" | tail -n 2 | tr '\n' ' ')"
  if ! grep -qE "^baseline-[0-9a-f]{8}: 1000 loss points; [0-9]+ complete runs$" <<<"$out"; then
    echo "run $attempt did not print the example's result line:" >&2
    echo "$out" >&2
    exit 1
  fi
  if ! grep -qF "refused: INVALID_ARGUMENT" <<<"$out"; then
    echo "run $attempt did not print the typed error:" >&2
    echo "$out" >&2
    exit 1
  fi
done
echo "consumer project: built and ran the README example twice"
