#!/usr/bin/env bash
# cargo warden import: a new workspace gets census entries for the registry
# crate versions its Cargo.lock locks, without running any build script (the
# workspace's own build.rs would leave a marker file), marked as imported;
# other versions are not imported, and a second import keeps the file.
source "$(dirname "$0")/lib.sh"

ws="$SCRATCH/ws"; census="$SCRATCH/census/policies"; marker="$SCRATCH/marker"
mkdir -p "$ws/src" "$ws/.cargo" "$census"
cp "$CORPUS/cargo-config.toml" "$ws/.cargo/config.toml"
libc_version=$(ls /usr/share/cargo/registry | sed -n 's/^libc-\([0-9][^-]*\)$/\1/p' | sort -V | tail -1)
cat > "$ws/Cargo.toml" <<TOML
[package]
name = "import-probe"
version = "0.1.0"
edition = "2021"

[dependencies]
libc = "=$libc_version"
TOML
echo 'pub fn f() {}' > "$ws/src/lib.rs"
echo "fn main() { std::fs::write(\"$marker\", \"ran\").unwrap(); }" > "$ws/build.rs"
# The census as scripts/census.py writes it: one pinned entry per file.
cat > "$census/libc-$libc_version.yaml" <<YAML
version: 1
packages:
  libc:
    version: "=$libc_version"
    source: registry
    profiles: [rustc]
    directives: ["rustc-cfg"]
YAML
cat > "$census/libc-0.1.0.yaml" <<YAML
version: 1
packages:
  libc:
    version: "=0.1.0"
    source: registry
    exec: ["/bin/never-imported"]
YAML

cd "$ws"
"$WARDEN" import "$SCRATCH/census" -- --offline > import.log 2>&1; rc=$?
check "import exits 0" [ "$rc" = 0 ]
[ "$rc" = 0 ] || diag import.log
check "no build script ran (no marker, no build dir)" \
  bash -c "[ ! -e '$marker' ] && [ ! -d target/debug/build ]"
check "the locked libc version is imported, pinned, from the census" \
  grep -q "version: \"=$libc_version\"" warden.yaml
check "the entry is marked as imported with its file" \
  grep -q "comment: \"imported from $census/libc-$libc_version.yaml, not learned here: review\"" warden.yaml
check "the entry keeps the census grants" grep -q "rustc-cfg" warden.yaml
check "another version's entry is not imported" bash -c "! grep -q never-imported warden.yaml"
check "the path package is not in the policy" bash -c "! grep -q import-probe warden.yaml"
check "the output names what was imported" grep -q "libc $libc_version" import.log
cp warden.yaml first.yaml
"$WARDEN" import "$SCRATCH/census" -- --offline > import2.log 2>&1
check "a second import keeps the entry and the file" \
  bash -c "grep -q 'kept (already in the policy)' import2.log && cmp -s warden.yaml first.yaml"
"$WARDEN" import "$SCRATCH/nothing" -- --offline > /dev/null 2>&1; rc=$?
check "a missing census directory is a usage error (2)" [ "$rc" = 2 ]
finish
