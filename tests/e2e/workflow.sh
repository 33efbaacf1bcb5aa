#!/usr/bin/env bash
# cargo-warden as a user meets it: the example workspace, switching between
# plain cargo and cargo warden on one target dir, bad policies, --help.
. "$(dirname "$0")/lib.sh"

ws="$SCRATCH/demo"
cp -r "$REPO/examples/demo" "$ws"
rm -rf "$ws/target" "$ws/warden.yaml" "$ws/Cargo.lock"
# cargo reads .cargo/config.toml (Debian's registry) from the cwd, like plain cargo.
cd "$ws"

"$WARDEN" learn --manifest-path "$ws/Cargo.toml" -- build --offline > "$SCRATCH/learn1.log" 2>&1
rc=$?
check "learn on the example workspace (exit $rc)" [ $rc -eq 0 ]
[ $rc -eq 0 ] || diag "$SCRATCH/learn1.log"
check "learn wrote warden.yaml at the workspace root" [ -s "$ws/warden.yaml" ]
check "the policy has an entry for libz-sys" grep -q '^  libz-sys' "$ws/warden.yaml"
check "the policy never grants everything" bash -c "! grep -qE '\"(/|/\\*\\*|\\{home\\}/\\*\\*)\"' '$ws/warden.yaml'"
cp "$ws/warden.yaml" "$SCRATCH/first.yaml"

rm -rf "$ws/target"
"$WARDEN" learn --manifest-path "$ws/Cargo.toml" -- build --offline > "$SCRATCH/learn2.log" 2>&1
check "a second learn leaves warden.yaml as it was" cmp -s "$ws/warden.yaml" "$SCRATCH/first.yaml"
check "and says it is up to date" grep -q "up to date" "$SCRATCH/learn2.log"

# A human edit, then a learn: the edit stays, the proposal goes beside it;
# --merge adds what was learned to the file in place.
printf '%s\n' '  demo-gen:' '    read: ["/etc/hostname"]' > "$SCRATCH/human.yaml"
printf 'version: 1\npackages:\n' > "$ws/warden.yaml"
cat "$SCRATCH/human.yaml" >> "$ws/warden.yaml"
rm -rf "$ws/target"
"$WARDEN" learn -- build --offline > "$SCRATCH/learn3.log" 2>&1
check "learn leaves an edited warden.yaml alone" grep -q '/etc/hostname' "$ws/warden.yaml"
check "and writes warden.proposed.yaml beside it" [ -s "$ws/warden.proposed.yaml" ]
check "and says what differs" grep -q 'libz-sys' "$SCRATCH/learn3.log"
rm -rf "$ws/target"
"$WARDEN" learn --merge -- build --offline > "$SCRATCH/merge.log" 2>&1
check "--merge keeps the human rule" grep -q '/etc/hostname' "$ws/warden.yaml"
check "--merge adds the learned entries" grep -q '^  libz-sys' "$ws/warden.yaml"
cp "$SCRATCH/first.yaml" "$ws/warden.yaml"

rm -rf "$ws/target"
"$WARDEN" enforce --manifest-path "$ws/Cargo.toml" -- build --offline > "$SCRATCH/enforce.log" 2>&1
rc=$?
check "enforce with the learned policy builds with no denial (exit $rc)" [ $rc -eq 0 ]
[ $rc -eq 0 ] || diag "$SCRATCH/enforce.log"
check "enforce says nothing was denied" grep -q "no request was denied" "$SCRATCH/enforce.log"

# show: the author's declaration next to the grant and the observation.
"$WARDEN" show demo-gen > "$SCRATCH/show.txt" 2>&1
check "show prints what demo-gen declares" grep -q 'read: {manifest_dir}/greeting.txt' "$SCRATCH/show.txt"
check "show prints declared, granted and observed" \
  bash -c "grep -q '^  declared' '$SCRATCH/show.txt' && grep -q '^  granted' '$SCRATCH/show.txt' && grep -q '^  observed (run' '$SCRATCH/show.txt'"
check "show flags what was observed but not declared" grep -q 'observed but not declared' "$SCRATCH/show.txt"
grep -q '^  observed (run' "$SCRATCH/show.txt" || diag "$SCRATCH/show.txt"
"$WARDEN" show no-such-crate > /dev/null 2>&1
check "show of an unknown package exits 2" [ $? -eq 2 ]

# Plain cargo on the same target dir keeps working (the shims run the real
# build scripts directly) ...
touch "$ws/demo-gen/greeting.txt"
(cd "$ws" && cargo build --offline -q) > "$SCRATCH/plain.log" 2>&1
check "plain cargo build works after cargo warden" [ $? -eq 0 ]
# ... and a build script compiled by plain cargo is still supervised later.
rm -rf "$ws/target"
(cd "$ws" && cargo build --offline -q) > "$SCRATCH/plain2.log" 2>&1
touch "$ws/demo-gen/greeting.txt"
"$WARDEN" enforce --manifest-path "$ws/Cargo.toml" -- build --offline > "$SCRATCH/enforce2.log" 2>&1
db="$ws/target/warden/warden.db"
runs=$(sqlite3 "$db" "select count(*) from invocations i join runs r on r.id = i.run_id where r.id = (select max(id) from runs) and i.package = 'demo-gen'")
check "a build script compiled by plain cargo runs supervised under enforce" [ "$runs" -ge 1 ]

# An existing RUSTC_WRAPPER (sccache and the like) is chained, not replaced.
cat > "$SCRATCH/wrapper.sh" <<WRAP
#!/bin/sh
echo "\$*" >> "$SCRATCH/wrapper.log"
exec "\$@"
WRAP
chmod +x "$SCRATCH/wrapper.sh"
rm -rf "$ws/target"
RUSTC_WRAPPER="$SCRATCH/wrapper.sh" "$WARDEN" learn -- build --offline > "$SCRATCH/chain.log" 2>&1
check "learn with a user RUSTC_WRAPPER succeeds" [ $? -eq 0 ]
check "the user's wrapper still ran for every crate" grep -q 'crate-name build_script_build' "$SCRATCH/wrapper.log"
runs=$(sqlite3 "$ws/target/warden/warden.db" "select count(*) from invocations where run_id = (select max(id) from runs)")
check "and build scripts were still supervised ($runs)" [ "$runs" -ge 3 ]

# Bad input: never a silent allow-all.
printf 'version: 1\npackages:\n  demo-gen:\n    reads: ["/etc/**"]\n' > "$SCRATCH/bad.yaml"
"$WARDEN" enforce --manifest-path "$ws/Cargo.toml" --policy "$SCRATCH/bad.yaml" -- build --offline > "$SCRATCH/bad.log" 2>&1
rc=$?
check "an unknown key in the policy is a usage error (exit $rc)" [ $rc -eq 2 ]
check "the error names file, line and column" grep -qE "bad.yaml:4:[0-9]+" "$SCRATCH/bad.log"
[ $rc -eq 2 ] || diag "$SCRATCH/bad.log"
"$WARDEN" enforce --manifest-path "$ws/Cargo.toml" --policy "$SCRATCH/missing.yaml" -- build --offline > "$SCRATCH/missing.log" 2>&1
check "a missing policy is an error, not an empty allow-list" [ $? -eq 2 ]

# A build script doing more than its [package.metadata.warden] declares:
# learn points it out (the declaration is read from the crate's Cargo.toml).
extra="$SCRATCH/extra"
cp -r "$REPO/examples/demo" "$extra"
rm -rf "$extra/target" "$extra/warden.yaml" "$extra/Cargo.lock"
sed -i 's|fn main() {|fn main() {\n    let _ = fs::read_to_string("/etc/hostname");|' "$extra/demo-gen/build.rs"
(cd "$extra" && "$WARDEN" learn -- build --offline) > "$SCRATCH/extra.log" 2>&1
check "learn notes what a crate does beyond its declaration" \
  grep -q "note: demo-gen's build script did what its \[package.metadata.warden\] does not declare: read /etc/hostname" "$SCRATCH/extra.log"
grep -q "note: demo-gen" "$SCRATCH/extra.log" || diag "$SCRATCH/extra.log"

# cargo-warden finds the workspace itself when that is certain and checks it
# against cargo metadata while cargo builds. A manifest that fools the lookup
# ("[workspace]" inside a string, while the real root is the directory above)
# must stop the build before any build script runs.
fooled="$SCRATCH/fooled"
mkdir -p "$fooled/p/src"
printf '[workspace]\nmembers = ["p"]\n' > "$fooled/Cargo.toml"
printf '[package]\nname = "p"\nversion = "0.1.0"\nedition = "2021"\ndescription = """\n[workspace]\n"""\n' > "$fooled/p/Cargo.toml"
printf 'fn main() {}\n' > "$fooled/p/src/main.rs"
printf 'fn main() { std::fs::write("%s/ran", "").unwrap(); }\n' "$fooled" > "$fooled/p/build.rs"
(cd "$fooled/p" && "$WARDEN" learn -- build --offline) > "$SCRATCH/fooled.log" 2>&1
rc=$?
check "a workspace lookup that cargo contradicts is an error (exit $rc)" [ $rc -eq 3 ]
check "which says where cargo puts the workspace" grep -q "cargo metadata puts the workspace at $fooled" "$SCRATCH/fooled.log"
check "and no build script ran" [ ! -e "$fooled/ran" ]
[ $rc -eq 3 ] || diag "$SCRATCH/fooled.log"

"$WARDEN" --help > "$SCRATCH/help.txt"
check "--help lists the commands" grep -q "enforce" "$SCRATCH/help.txt"
"$WARDEN" learn --help > "$SCRATCH/help2.txt"
check "learn --help explains the options" grep -q -- "--policy" "$SCRATCH/help2.txt"
"$WARDEN" bogus > /dev/null 2>&1
check "an unknown command exits 2" [ $? -eq 2 ]

# Bad input: clear errors with the documented codes, never a denial's code.
(cd "$ws" && "$WARDEN" enforce -- build --offline --bogus-flag) > "$SCRATCH/bogus.log" 2>&1
rc=$?
check "cargo rejecting its arguments is exit 4, not a denial (exit $rc)" [ $rc -eq 4 ]
check "and says cargo failed with nothing denied" grep -q "cargo failed (exit [0-9]*), with nothing denied" "$SCRATCH/bogus.log"
(cd "$ws" && "$WARDEN" learn --policy /nonexistent-dir/w.yaml -- build --offline) > "$SCRATCH/nodir.log" 2>&1
rc=$?
check "learn into a missing directory is exit 3 (exit $rc)" [ $rc -eq 3 ]
check "naming the path and the reason, before building" grep -q "cannot write the policy to /nonexistent-dir/w.yaml: /nonexistent-dir is not a directory" "$SCRATCH/nodir.log"
check "and cargo never started" sh -c "! grep -q 'cargo-warden: learn:' '$SCRATCH/nodir.log'"
long="/$(printf 'a%.0s' $(seq 300))/$(printf 'b%.0s' $(seq 300))/x.db"
"$WARDEN" diff --db "$long" > "$SCRATCH/long.log" 2>&1
rc=$?
check "diff --db with an over-long path is exit 3, not an abort (exit $rc)" [ $rc -eq 3 ]
# 4000 characters: past PATH_MAX, where the file system answers ENAMETOOLONG.
long=""; for i in $(seq 20); do long="$long/$(printf 'c%.0s' $(seq 199))"; done
"$WARDEN" diff --db "$long/x.db" > "$SCRATCH/long4k.log" 2>&1
rc=$?
check "diff --db with a 4000-character path is exit 3 (exit $rc)" [ $rc -eq 3 ]
check "naming the database" grep -q "no database at /ccc" "$SCRATCH/long4k.log"

# Learn on a warm target dir (issue 14): build scripts cargo finds fresh do
# not rerun, and their entries come from the runs that last saw them.
warm="$SCRATCH/warm"
cp -r "$REPO/examples/demo" "$warm"
rm -rf "$warm/target" "$warm/warden.yaml" "$warm/Cargo.lock"
(cd "$warm" && "$WARDEN" learn -- build --offline) > "$SCRATCH/warm1.log" 2>&1
cp "$warm/warden.yaml" "$SCRATCH/warm-first.yaml"
(cd "$warm" && "$WARDEN" learn -- build --offline) > "$SCRATCH/warm2.log" 2>&1
check "a learn on the warm target dir leaves warden.yaml as it was" cmp -s "$warm/warden.yaml" "$SCRATCH/warm-first.yaml"
check "and says it is up to date" grep -q "up to date" "$SCRATCH/warm2.log"
(cd "$warm" && "$WARDEN" show libz-sys) > "$SCRATCH/warm-show.log" 2>&1
check "show after the warm learn still has libz-sys's observed grants" \
  bash -c "sed -n '/observed (run/,/observed but not declared/p' '$SCRATCH/warm-show.log' | grep -q 'profile: pkg-config'"
check "and writes no proposal" [ ! -e "$warm/warden.proposed.yaml" ]
check "and says the entries came from earlier runs" grep -q "0 build scripts ran; 3 entries carried over from earlier runs" "$SCRATCH/warm2.log"
grep -q "up to date" "$SCRATCH/warm2.log" || diag "$SCRATCH/warm2.log"
touch "$warm/demo-gen/build.rs"
(cd "$warm" && "$WARDEN" learn -- build --offline) > "$SCRATCH/warm3.log" 2>&1
check "a learn where one build script reruns is up to date too" grep -q "up to date" "$SCRATCH/warm3.log"
check "and says which part came from earlier runs" grep -q "1 build script ran; 2 entries carried over" "$SCRATCH/warm3.log"
rm -rf "$warm/target/debug"
(cd "$warm" && "$WARDEN" enforce -- build --offline) > "$SCRATCH/warm-enforce.log" 2>&1
rc=$?
check "enforce with that policy still builds with no denial (exit $rc)" [ $rc -eq 0 ]
[ $rc -eq 0 ] || diag "$SCRATCH/warm-enforce.log"

finish
