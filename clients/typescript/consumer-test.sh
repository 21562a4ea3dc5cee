#!/usr/bin/env bash
# The README path from an empty project, as a new user takes it: `npm pack` of this package, a
# fresh ES-module project in a temporary directory outside the repository made of the README's
# package.json, tsconfig.json and example.ts, the README's install commands (with its
# `/path/to/exprun` replaced by this checkout and the tarball packed into the temp directory),
# then the README's build-and-run commands, twice, against $EXPRUN_TARGET (a running server).
# The example picks a new run name each time, so the second run must succeed too.
#
# Needs the package built (dist/) and npm's registry (or its cache) for typescript and @types/node.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
export EXPRUN_TARGET="${EXPRUN_TARGET:-127.0.0.1:50051}"

work="$(mktemp -d "${TMPDIR:-/tmp}/exprun-ts-consumer.XXXXXX")"
trap 'rm -rf "$work"' EXIT
case "$work" in "$root"/*) echo "the consumer project must be outside the repository" >&2; exit 1 ;; esac
project="$work/my-project"
mkdir -p "$project" "$work/pack"

# The README's `npm pack`, into the temp directory so the checkout stays clean.
tarball_name="$(cd "$here" && npm pack --silent --pack-destination "$work/pack")"
tarball="$work/pack/$tarball_name"
echo "packed $tarball_name ($(du -k "$tarball" | cut -f1) KiB)"

# The README's blocks: each fenced block after a `<!-- consumer: NAME -->` line.
node - "$here/README.md" "$project" <<'JS'
const fs = require("node:fs");
const [readme, out] = process.argv.slice(2);
const text = fs.readFileSync(readme, "utf8");
const blocks = {};
for (const m of text.matchAll(/<!-- consumer: ([\w.-]+) -->\n```[^\n]*\n([\s\S]*?)\n```/g)) blocks[m[1]] = m[2] + "\n";
for (const name of ["package.json", "tsconfig.json", "example.ts", "install", "run"]) {
  if (!(name in blocks)) { console.error(`README.md has no consumer block ${name}`); process.exit(1); }
  fs.writeFileSync(`${out}/${name.includes(".") ? name : `.readme-${name}.sh`}`, blocks[name]);
}
JS
JSON_TYPE="$(node -e 'console.log(require(process.argv[1]).type)' "$project/package.json")"
[[ "$JSON_TYPE" == "module" ]] || { echo "the README's package.json is not \"type\": \"module\"" >&2; exit 1; }

cd "$project"
# Its install commands, with the README's placeholders for the checkout and the tarball.
sed -e "s#/path/to/exprun/clients/typescript/exprun-client-[0-9.]*\.tgz#$tarball#g" \
  -e "s#/path/to/exprun#$root#g" .readme-install.sh >install.sh
grep -q "$tarball" install.sh || { echo "the README's install block does not install the tarball" >&2; exit 1; }
echo "--> install (README)"; cat install.sh
npm_config_audit=false npm_config_fund=false npm_config_prefer_offline=true bash -euo pipefail install.sh
grep -q '"@exprun/client"' package.json || { echo "@exprun/client is not a dependency after the install" >&2; exit 1; }

# The generated code is reachable through the package's exports map, as the README says.
node --input-type=module -e '
  const gen = await import("@exprun/client/gen");
  const { ExprunClient } = await import("@exprun/client");
  const client = new ExprunClient({ project: "p" });
  if (!(client.stub instanceof gen.ExperimentRunServiceClient)) throw new Error("client.stub is not the generated client");
  if (typeof gen.GetRunRequest.encode !== "function") throw new Error("@exprun/client/gen has no GetRunRequest");
  client.close();
'

for attempt in 1 2; do
  echo "--> build and run (README), run $attempt against $EXPRUN_TARGET"
  bash -euo pipefail .readme-run.sh | tee "run-$attempt.log"
  grep -q "COMPLETE 1000 points" "run-$attempt.log" || { echo "the example did not finish its run" >&2; exit 1; }
  grep -q "metrics\['bad'\]" "run-$attempt.log" || { echo "the example did not show the typed error" >&2; exit 1; }
done
first="$(awk '/COMPLETE 1000 points/ {print $1}' run-1.log)"
second="$(awk '/COMPLETE 1000 points/ {print $1}' run-2.log)"
[[ "$first" != "$second" ]] || { echo "both runs used the run name $first" >&2; exit 1; }
echo "consumer project: ok (runs $first and $second)"
