# Sourced by the check_*.sh scripts: a list of named checks that all run, one failure hiding no
# other, and a summary that fails the script at the end if any did.

start=${start:-$SECONDS}
results=()
failed=()

# check NAME COMMAND...: runs COMMAND, records ok/FAILED and the time, returns its exit code
# (callers that go on regardless add `|| true`). `set -e` does not apply inside COMMAND (bash
# ignores it under `||`): each step that matters returns on its own failure.
check() {
  local name="$1" t0=$SECONDS rc=0
  shift
  printf '\n--> %s\n' "$name"
  "$@" || rc=$?
  if [[ $rc -eq 0 ]]; then
    results+=("$(printf 'ok      %4ss  %s' $((SECONDS - t0)) "$name")")
  else
    results+=("$(printf 'FAILED  %4ss  %s' $((SECONDS - t0)) "$name")")
    failed+=("$name")
  fi
  return "$rc"
}

# check_summary TITLE WHAT: prints every check's outcome; fails if any check failed.
check_summary() {
  printf '\n==> %s (%ss)\n' "$1" $((SECONDS - start))
  printf '  %s\n' "${results[@]}"
  if [[ ${#failed[@]} -gt 0 ]]; then
    echo "FAILED: ${failed[*]}"
    return 1
  fi
  echo "all $2 passed"
}
