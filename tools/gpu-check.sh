#!/usr/bin/env bash
# The device kit: Triage measured on a GPU host's own CUDA libtorch (the pip torch there), with DJL's JNI built on that
# host by tools/build-djl-jni.sh. Written for a lent GPU machine that has pip torch (2.11, CUDA 13), torchvision,
# cmake and a C++ compiler, but no Java and no network, and takes at most 64 MiB of files per call (the working tree
# and the carried paths together).
#
# Two steps:
#   1. here, with a JDK and the project packaged (mvn -B -DskipTests package):
#        tools/gpu-check.sh prepare [--djl-src DIR]
#      fills target/gpu-check/ (about 40 MiB; checked against 64 MiB less the working tree):
#        jre.tar.xz    a jlink'ed Java 17 runtime with the modules the thin jar needs (java.desktop for ImageIO)
#        app.jar.xz    target/triage-thin.jar stored uncompressed then xz'ed, without the natives the kit never loads
#                      (RocksDB: Triage's stores are in memory; the Hugging Face tokenizers: the bundles measured
#                      use the hash tokenizer)
#        parity.jar.xz the parity runner (test classes of dev.triage.model) and AssertJ
#        jni-include/  ai_djl_pytorch_jni_PyTorchLibrary.h (javac -h) and the JDK's jni.h, jni_md.h: the JNI builds
#                      without a JDK (build-djl-jni.sh --jni-header)
#        djl-0.36.0/   the part of DJL's sources the JNI build reads (CMakeLists.txt, src/main/native, djl/utils.h)
#      The reference bundle (models/reference), python/ and tools/ are tracked files: they travel with the working
#      tree. The full-size bundle (ResNet-18 at 224 px, ~45 MB) is exported there by python/export.py.
#   2. there, from the repository root, carrying target/gpu-check:
#        tools/gpu-check.sh run [OUT_DIR]          (OUT_DIR default: $OUT, else target/gpu-check-out)
#      unpacks the kit into target/gpu-check-work (kept between calls on a warm machine), then runs the steps in
#      STEPS (default parity,model,bench), each with its own log in OUT_DIR and a time limit:
#        jni     (always) builds the JNI against python3's torch (TORCH_DIR overrides: a torch dir or a CMake
#                Torch dir) into target/gpu-check-work/djl-jni; build.log. JNI_ENV=path/to/djl-torch.env skips it.
#        parity  the reference bundle's parity checks on DEVICE (default gpu:0); parity.log
#        model   ModelBenchmark by batch size (MODEL_BATCHES, default 1,8,32,64,256; MODEL_SECONDS each, default 1)
#                for the reference bundle and the full-size one (exported first into models/full with PYTHON,
#                default python3); model-bench.log
#        bench   triage bench --model BENCH_MODEL (default full; reference when the export failed) with
#                triage.model.device=DEVICE and triage.batch.size=BENCH_BATCH (default 64): rows limit, triage,
#                per-record, latency, BENCH_POSTS posts (default 2000), BENCH_RUNS runs (default 1), BENCH_ARGS
#                appended; bench.log and bench.json
#      and writes summary.txt (nvidia-smi, the JNI's build-info, each step's exit code and seconds, the tables).
#      Six files come back from OUT_DIR, none in a subfolder. On the H200 machine 6-8 minutes are expected (not run
#      there yet): the JNI build (2 min with CUDA code?), the export (1 min), the model benchmarks (2 x 20 cases of
#      about 1.3 s) and the bench (3 min); each step's limit is cut to what is left of DEADLINE_S (default 570 s), so
#      the whole stays inside the 10 minutes a device call may run, and summary.txt still comes back.
#
# Rehearsal on the CPU here (Debian's libtorch-dev, Debian's python3 with torch 1.13):
#   DEVICE=cpu TORCH_DIR=/usr/lib/x86_64-linux-gnu/cmake/Torch PYTHON=/usr/bin/python3 MODEL_SECONDS=0.3 \
#     MODEL_BATCHES=1,8 BENCH_POSTS=60 BENCH_BATCH=8 tools/gpu-check.sh run /tmp/gpu-check-rehearsal
#
# Known risks there (not yet tried on such a machine): the jlink'ed JRE comes from Debian 12's OpenJDK (glibc 2.36):
# an older glibc on the host will not run it; CMake's find_package(Torch) on a pip CUDA torch wants a CUDA toolkit
# (nvcc): without one build-djl-jni.sh falls back to a JNI without DJL's CUDA code paths (still runs on the GPU:
# libtorch's own kernels do the work), and without cmake at all nothing builds (there is no network to install it);
# torch.jit.script, which exports the full-size bundle, is deprecated in recent PyTorch releases. Parity on a GPU is
# judged with the CPU tolerances (1e-4 vs PyTorch, 1e-5 across batch sizes); GPU kernels (TF32, cuDNN algorithm
# choice) may legitimately exceed them: read parity.log's figures before calling it a bug.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
PACK="$ROOT/target/gpu-check"
WORK="$ROOT/target/gpu-check-work"
LIMIT_MIB=64
say() { printf '[gpu-check %4ds] %s\n' "$SECONDS" "$*"; }
die() { printf 'gpu-check: %s\n' "$*" >&2; exit 1; }

# Natives of the thin jar that the kit never loads (see the header).
KIT_DROPS=(librocksdbjni-linux64.so 'native/lib/*')

prepare() {
  local djl="$ROOT/../shared/third_party/djl-0.36.0"
  [ "${1:-}" = "--djl-src" ] && djl="$2"
  [ -f "$djl/engines/pytorch/pytorch-native/CMakeLists.txt" ] || die "no DJL sources at $djl (--djl-src DIR)"
  [ -f "$ROOT/target/triage-thin.jar" ] \
    && [ -f "$ROOT/target/test-classes/dev/triage/model/InstalledLibtorchParity.class" ] \
    || die "build first: mvn -B -DskipTests package"
  command -v jlink >/dev/null || die "no jlink (a JDK 17) on PATH"
  command -v xz >/dev/null || die "no xz here (apt-get install xz-utils)"
  local javac; javac="$(readlink -f "$(command -v javac)")"
  local jdk; jdk="$(dirname "$(dirname "$javac")")"
  rm -rf "$PACK"; mkdir -p "$PACK/jni-include" "$PACK/djl-0.36.0"
  local tmp; tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' RETURN

  say "thin jar: other platforms' natives must not be there"
  local foreign
  foreign="$(unzip -Z1 "$ROOT/target/triage-thin.jar" | grep -E '\.(so|dll|dylib|jnilib)$' \
    | grep -v -i -E 'linux.?(x86.?64|amd64)|linux64\.so$' || true)"
  [ -z "$foreign" ] || die "target/triage-thin.jar holds natives of other platforms: $foreign"

  say "app.jar.xz: the thin jar without ${KIT_DROPS[*]}, stored, then xz"
  mkdir "$tmp/app"
  (cd "$tmp/app" && unzip -q "$ROOT/target/triage-thin.jar" && rm -rf "${KIT_DROPS[@]}")
  mv "$tmp/app/META-INF/MANIFEST.MF" "$tmp/MANIFEST.MF"
  jar --create --no-compress --file "$tmp/app.jar" --manifest "$tmp/MANIFEST.MF" -C "$tmp/app" .
  xz -T0 -6 -c "$tmp/app.jar" >"$PACK/app.jar.xz"

  say "parity.jar.xz: the parity runner and AssertJ"
  local assertj_version assertj
  assertj_version="$(sed -n 's|.*<assertj.version>\(.*\)</assertj.version>.*|\1|p' "$ROOT/pom.xml")"
  assertj="${MAVEN_REPO:-$HOME/.m2/repository}/org/assertj/assertj-core/$assertj_version/assertj-core-$assertj_version.jar"
  [ -f "$assertj" ] || die "no $assertj (mvn test-compile fetches it; MAVEN_REPO names another local repository)"
  mkdir "$tmp/parity"
  (cd "$tmp/parity" && unzip -q "$assertj" -x 'META-INF/*')
  cp -r "$ROOT/target/test-classes/dev" "$tmp/parity/"
  find "$tmp/parity/dev" -type f ! -path '*/dev/triage/model/*' -delete
  jar --create --no-compress --file "$tmp/parity.jar" -C "$tmp/parity" .
  xz -T0 -6 -c "$tmp/parity.jar" >"$PACK/parity.jar.xz"

  say "JRE: jlink from $jdk"
  jlink --add-modules java.base,java.compiler,java.desktop,java.logging,java.management,java.naming,java.net.http,java.rmi,java.scripting,java.security.jgss,java.security.sasl,java.sql,java.xml,jdk.crypto.ec,jdk.httpserver,jdk.management,jdk.unsupported,jdk.zipfs \
    --strip-debug --no-header-files --no-man-pages --output "$tmp/jre"
  "$tmp/jre/bin/java" -version 2>&1 | head -1
  tar -C "$tmp" -cf - jre | xz -T0 -6 >"$PACK/jre.tar.xz"

  say "JNI header and jni.h for a build without a JDK"
  mkdir "$tmp/classes"
  javac -sourcepath "$djl/engines/pytorch/pytorch-engine/src/main/java" \
    "$djl/engines/pytorch/pytorch-engine/src/main/java/ai/djl/pytorch/jni/PyTorchLibrary.java" \
    -h "$PACK/jni-include" -d "$tmp/classes"
  cp "$jdk/include/jni.h" "$jdk/include/linux/jni_md.h" "$PACK/jni-include/"

  say "DJL's JNI sources (build input, not part of the project)"
  mkdir -p "$PACK/djl-0.36.0/engines/pytorch/pytorch-native/src/main" "$PACK/djl-0.36.0/api/src/main/native/djl"
  cp "$djl/LICENSE" "$djl/NOTICE" "$PACK/djl-0.36.0/" 2>/dev/null || true
  cp "$djl/engines/pytorch/pytorch-native/CMakeLists.txt" "$PACK/djl-0.36.0/engines/pytorch/pytorch-native/"
  cp -r "$djl/engines/pytorch/pytorch-native/src/main/native" "$PACK/djl-0.36.0/engines/pytorch/pytorch-native/src/main/"
  cp "$djl/api/src/main/native/djl/utils.h" "$PACK/djl-0.36.0/api/src/main/native/djl/"

  local kit tree
  kit=$(( $(du -sk "$PACK" | cut -f1) / 1024 ))
  tree=$(( $(cd "$ROOT" && git ls-files -z --cached --others --exclude-standard | xargs -0 du -ck 2>/dev/null \
    | tail -1 | cut -f1) / 1024 ))
  say "target/gpu-check: $kit MiB; the working tree: $tree MiB; together $((kit + tree)) of $LIMIT_MIB MiB"
  [ $((kit + tree)) -le $LIMIT_MIB ] || die "the kit and the working tree are over the $LIMIT_MIB MiB a call carries"
}

# Unpacks the kit into $WORK once per kit (a warm machine keeps it between calls).
unpack() {
  [ -f "$PACK/jre.tar.xz" ] || die "no $PACK: run tools/gpu-check.sh prepare where there is a JDK, and carry target/gpu-check"
  local stamp; stamp="$(cat "$PACK/jre.tar.xz" "$PACK/app.jar.xz" "$PACK/parity.jar.xz" | cksum | cut -d' ' -f1)"
  if [ "$(cat "$WORK/kit.stamp" 2>/dev/null)" = "$stamp" ] && [ -x "$WORK/jre/bin/java" ]; then
    say "kit already unpacked in $WORK"
    return
  fi
  rm -rf "$WORK"; mkdir -p "$WORK"
  # Python's lzma and tarfile, not xz(1): the one unpacker every machine with torch has.
  "$PYTHON" - "$PACK" "$WORK" <<'EOF'
import lzma, shutil, sys, tarfile
pack, work = sys.argv[1], sys.argv[2]
with tarfile.open(f"{pack}/jre.tar.xz") as t:
    t.extractall(work)
for name in ("app.jar", "parity.jar"):
    with lzma.open(f"{pack}/{name}.xz") as src, open(f"{work}/{name}", "wb") as dst:
        shutil.copyfileobj(src, dst)
EOF
  echo "$stamp" >"$WORK/kit.stamp"
  say "unpacked into $WORK: $("$WORK/jre/bin/java" -version 2>&1 | head -1)"
}

# step NAME LIMIT_S LOG COMMAND...: runs COMMAND with its output in LOG under its limit, cut to what is left of
# DEADLINE_S (default 570 s from the start: a device call may last 600); never fails the script.
step() {
  local name="$1" limit="$2" log="$3"; shift 3
  local start=$SECONDS rc=0 left=$(( ${DEADLINE_S:-570} - SECONDS - 10 ))
  [ "$left" -lt "$limit" ] && limit=$left
  if [ "$limit" -le 0 ]; then
    printf '%-12s skipped: no time left\n' "$name" >>"$STEPS_FILE"
    say "$name: skipped, no time left"
    return 0
  fi
  say "$name (at most ${limit}s) -> $(basename "$log")"
  timeout --kill-after=10 "$limit" bash -c '"$@"' "$name" "$@" >>"$log" 2>&1 || rc=$?
  printf '%-12s exit %3d  %4ds  %s\n' "$name" "$rc" "$((SECONDS - start))" "$(basename "$log")" >>"$STEPS_FILE"
  say "$name: exit $rc after $((SECONDS - start))s"
  return 0
}

# The kit's Java on the JNI's libtorch (DJL's settings from ENV_FILE), from the repository root.
java_kit() {
  # shellcheck disable=SC1090
  (. "$ENV_FILE" && cd "$ROOT" && exec "$WORK/jre/bin/java" -Xmx8g -Dai.djl.offline=true "$@")
}
export -f java_kit
export ROOT WORK

run() {
  local out="${1:-${OUT:-$ROOT/target/gpu-check-out}}"
  mkdir -p "$out"; out="$(cd "$out" && pwd)"
  PYTHON="${PYTHON:-python3}"
  local device="${DEVICE:-gpu:0}" steps=",${STEPS:-parity,model,bench},"
  local batches="${MODEL_BATCHES:-1,8,32,64,256}" seconds="${MODEL_SECONDS:-1}"
  unpack
  STEPS_FILE="$WORK/steps.txt"; : >"$STEPS_FILE"

  ENV_FILE="${JNI_ENV:-}"
  if [ -z "$ENV_FILE" ]; then
    local torch="${TORCH_DIR:-}"
    [ -n "$torch" ] || torch="$("$PYTHON" -c 'import torch, os; print(os.path.dirname(torch.__file__))')"
    say "torch at $torch: $("$PYTHON" -c 'import torch; print(torch.__version__, "cuda", torch.version.cuda, "cxx11abi", torch._C._GLIBCXX_USE_CXX11_ABI)' 2>&1 || true)"
    command -v cmake >/dev/null || die "no cmake here: tools/build-djl-jni.sh needs it"
    step jni 300 "$out/build.log" bash "$ROOT/tools/build-djl-jni.sh" --djl-src "$PACK/djl-0.36.0" \
      --jni-header "$PACK/jni-include" "$torch" "$WORK/djl-jni"
    ENV_FILE="$WORK/djl-jni/djl-torch.env"
    [ -f "$ENV_FILE" ] || { summarize "$out"; die "JNI build failed: $out/build.log"; }
  fi
  export ENV_FILE

  if [[ $steps == *,parity,* ]]; then
    step parity 180 "$out/parity.log" java_kit -cp "$WORK/app.jar:$WORK/parity.jar" \
      dev.triage.model.InstalledLibtorchParity "$device"
  fi
  local full_ok=0
  if [[ $steps == *,model,* || $steps == *,bench,* ]] && [ "${BENCH_MODEL:-full}" = full ]; then
    if [ -f "$ROOT/models/full/model.json" ]; then
      full_ok=1
    else
      step export 300 "$out/model-bench.log" bash -c \
        "cd '$ROOT' && rm -rf models/full.partial && '$PYTHON' python/export.py --variant full --out models/full.partial && mv models/full.partial models/full"
      [ -f "$ROOT/models/full/model.json" ] && full_ok=1
    fi
  fi
  if [[ $steps == *,model,* ]]; then
    step model-ref 240 "$out/model-bench.log" java_kit -cp "$WORK/app.jar" dev.triage.model.ModelBenchmark \
      models/reference "$seconds" "$device" 1 "$batches"
    [ "$full_ok" = 1 ] && step model-full 300 "$out/model-bench.log" java_kit -cp "$WORK/app.jar" \
      dev.triage.model.ModelBenchmark models/full "$seconds" "$device" 1 "$batches"
  fi
  if [[ $steps == *,bench,* ]]; then
    local model="${BENCH_MODEL:-full}"
    [ "$model" = full ] && [ "$full_ok" != 1 ] && model=reference
    # shellcheck disable=SC2086
    step bench "${BENCH_LIMIT_S:-420}" "$out/bench.log" java_kit -jar "$WORK/app.jar" bench --model "$model" \
      --rows limit,triage,per-record,latency --runs "${BENCH_RUNS:-1}" --posts "${BENCH_POSTS:-2000}" \
      --python "$PYTHON" --json "$out/bench.json" \
      -D "triage.model.device=$device" -D "triage.batch.size=${BENCH_BATCH:-64}" ${BENCH_ARGS:-}
  fi
  summarize "$out"
}

summarize() {
  local out="$1"
  {
    echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)  device: ${DEVICE:-gpu:0}  host: $(nproc) cores"
    if command -v nvidia-smi >/dev/null; then
      nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.sm,clocks.mem --format=csv 2>&1 | head -3 || true
    else
      echo "nvidia-smi: not on this machine"
    fi
    cat "$WORK/djl-jni/build-info.properties" 2>/dev/null || true
    echo; echo "steps:"; cat "$STEPS_FILE"
    echo; grep -h -E '^(device|engine|libtorch dir|PARITY)|Exception|Error' "$out/parity.log" 2>/dev/null | head -8 || true
    echo; grep -h -E '^(bundle|module|text|image|audio|fusion) ' "$out/model-bench.log" 2>/dev/null || true
    echo; sed -n '/^row /,$p' "$out/bench.log" 2>/dev/null || true
  } >"$out/summary.txt"
  cat "$out/summary.txt"
}

case "${1:-}" in
  prepare) shift; prepare "$@" ;;
  run) shift; run "$@" ;;
  *) sed -n '2,48p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
