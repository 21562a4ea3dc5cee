#!/usr/bin/env bash
# CI for the Java client, runnable from anywhere (`bash clients/java/ci.sh` from the repo root):
#   1. generate: regenerate src/generated/java with the pinned protoc (generate.sh) and fail if
#      that changed anything, i.e. the committed code is stale;
#   2. test: compile and run the unit tests (JUnit 5 via Surefire), print the counts, and install
#      the jar into ~/.m2 (one Maven start for both: `mvn install`);
#   3. scenario: the interop scenario (clients/scenario/SCENARIO.md, extended steps included)
#      against $EXPRUN_TARGET (default 127.0.0.1:50051; the server is started by the caller);
#   4. consumer: a fresh project outside the repository, made from README.md's "first project",
#      built against the installed jar and run twice against the same server (consumer_test.sh).
# Dependencies come from Maven Central into ~/.m2 as Maven resolves them (the first run on a
# fresh machine downloads them; later runs are offline in effect).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
export EXPRUN_TARGET="${EXPRUN_TARGET:-127.0.0.1:50051}"
mvn_flags=(-q -B -Dorg.slf4j.simpleLogger.defaultLogLevel=warn)

start=$SECONDS
step_start=$SECONDS
step() {
  printf '\n--> java: %s\n' "$1"
  step_start=$SECONDS
}
done_step() {
  printf '<-- java: %s ok (%ss)\n' "$1" "$((SECONDS - step_start))"
}

echo "java client CI: $(java -version 2>&1 | head -n1), $(mvn -v 2>/dev/null | head -n1 | sed 's/\x1b\[[0-9;]*m//g')"

step "generate"
bash "$here/generate.sh"
stale="$(cd "$root" && git status --porcelain --untracked-files=all -- clients/java/src/generated)"
if [[ -n "$stale" ]]; then
  echo "the committed generated code differs from what generate.sh makes from protos/:" >&2
  echo "$stale" | head -n 20 >&2
  echo "run 'bash clients/java/generate.sh' and commit clients/java/src/generated" >&2
  exit 1
fi
done_step "generate"

step "test"
cd "$here"
rm -rf target/surefire-reports
test_rc=0
# Debian's Maven 3.8 prints stray colour resets even in batch mode; they are stripped. `install`
# runs the tests first, then puts the jar where the consumer project (step 4) finds it.
mvn "${mvn_flags[@]}" install 2>&1 | sed 's/\x1b\[[0-9;]*m//g' || test_rc=$?
# -q hides Surefire's own summary: count the reports' test cases instead.
shopt -s nullglob
reports=(target/surefire-reports/TEST-*.xml)
if [[ ${#reports[@]} -gt 0 ]]; then
  sed -n 's/.*<testsuite [^>]*tests="\([0-9]*\)" errors="\([0-9]*\)" skipped="\([0-9]*\)" failures="\([0-9]*\)".*/\1 \2 \3 \4/p' \
    "${reports[@]}" |
    awk '{t += $1; e += $2; s += $3; f += $4} END {printf "java: %d passed, %d failed, %d skipped\n", t - e - s - f, e + f, s}'
fi
if [[ $test_rc -ne 0 ]]; then
  exit "$test_rc"
fi
done_step "test"

step "scenario against $EXPRUN_TARGET"
# Plain `java` on the classpath Maven wrote while testing: no second Maven start. A short run:
# the C1 compiler alone and the serial GC start fastest and use the least CPU.
java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" \
  dev.exprun.client.Scenario
done_step "scenario"

step "consumer project (README) against $EXPRUN_TARGET"
bash "$here/consumer_test.sh"
done_step "consumer project (README)"

echo "java client CI passed in $((SECONDS - start))s"
