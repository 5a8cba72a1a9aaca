#!/usr/bin/env bash
# Triage's reference-bundle parity checks on a GPU host's own CUDA libtorch (the pip torch there), with DJL's JNI
# built on that host by tools/build-djl-jni.sh. Written for a lent GPU machine that has pip torch (2.11, CUDA 13),
# cmake and a C++ compiler, but no Java and no network, and takes at most 64 MiB of carried (git-ignored) files.
#
# Two steps:
#   1. here, with a JDK and the project built (mvn -DskipTests package, or test-compile):
#        tools/gpu-check.sh prepare [--djl-src DIR]
#      fills target/gpu-check/ (about 35 MiB; checked against 64 MiB):
#        jre/        a jlink'ed Java 17 runtime (only the modules the check uses)
#        lib/        target/classes, the parity runner (test classes) and its few jars: DJL api + pytorch-engine
#                    (no libtorch, no JNI), jackson, slf4j/logback, gson, jna, commons-compress, assertj
#        jni-include/  ai_djl_pytorch_jni_PyTorchLibrary.h (javac -h) and the JDK's jni.h, jni_md.h: the JNI builds
#                    without a JDK (build-djl-jni.sh --jni-header)
#        djl-0.36.0/ the part of DJL's sources the JNI build reads (CMakeLists.txt, src/main/native, djl/utils.h)
#      The model bundle (models/reference) and tools/ are tracked files: they travel with the working tree.
#   2. there, from the repository root, carrying target/gpu-check:
#        tools/gpu-check.sh run [OUT_DIR]          (OUT_DIR default: $OUT, else target/gpu-check-out)
#      builds the JNI against python3's torch (TORCH_DIR overrides; its lib/ and share/cmake/Torch) into
#      OUT_DIR/djl-jni, then runs the parity checks on gpu:0 (DEVICE overrides) and writes OUT_DIR/summary.txt,
#      OUT_DIR/build.log, OUT_DIR/parity.log, OUT_DIR/nvidia-smi.txt.
#      JNI_ENV=path/to/djl-torch.env skips the build and uses that JNI.
#
# Known risks there (not yet tried on such a machine): the jlink'ed JRE comes from Debian 12's OpenJDK (glibc 2.36):
# an older glibc on the host will not run it; CMake's find_package(Torch) on a pip CUDA torch wants a CUDA toolkit
# (nvcc): without one build-djl-jni.sh falls back to a JNI without DJL's CUDA code paths (still runs on the GPU:
# libtorch's own kernels do the work), and without cmake at all nothing builds (there is no network to install it).
# Parity on a GPU is judged with the CPU tolerances (1e-4 vs PyTorch, 1e-5 across batch sizes); GPU kernels
# (TF32, cuDNN algorithm choice) may legitimately exceed them: read parity.log's figures before calling it a bug.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
PACK="$ROOT/target/gpu-check"
say() { printf '[gpu-check %4ds] %s\n' "$SECONDS" "$*"; }
die() { printf 'gpu-check: %s\n' "$*" >&2; exit 1; }

prepare() {
  local djl="$ROOT/../shared/third_party/djl-0.36.0"
  [ "${1:-}" = "--djl-src" ] && djl="$2"
  [ -f "$djl/engines/pytorch/pytorch-native/CMakeLists.txt" ] || die "no DJL sources at $djl (--djl-src DIR)"
  [ -d "$ROOT/target/classes/dev" ] && [ -f "$ROOT/target/test-classes/dev/triage/model/InstalledLibtorchParity.class" ] \
    || die "build first: mvn -B -DskipTests package (or test-compile)"
  command -v jlink >/dev/null || die "no jlink (a JDK 17) on PATH"
  local javac; javac="$(readlink -f "$(command -v javac)")"
  local jdk; jdk="$(dirname "$(dirname "$javac")")"
  rm -rf "$PACK"; mkdir -p "$PACK/lib" "$PACK/jni-include" "$PACK/djl-0.36.0"

  say "class path: target/classes, the parity runner, and its jars"
  (cd "$ROOT" && mvn -B -q -o dependency:build-classpath -Dmdep.outputFile="$PACK/cp.txt" -Dmdep.includeScope=test) \
    || die "mvn dependency:build-classpath failed"
  tr ':' '\n' <"$PACK/cp.txt" | grep -E '/(api|pytorch-engine|gson|jna|commons-compress|commons-io|commons-lang3|slf4j-api|logback-classic|logback-core|jackson-[a-z-]+|assertj-core)-[0-9][^/]*\.jar$' \
    | grep -v -E 'jackson-(dataformat|module)' | while read -r j; do cp "$j" "$PACK/lib/"; done
  rm -f "$PACK/cp.txt"
  (cd "$ROOT/target/classes" && jar cf "$PACK/lib/triage-classes.jar" .)
  (cd "$ROOT/target/test-classes" && jar cf "$PACK/lib/triage-parity.jar" dev/triage/model logback-test.xml 2>/dev/null \
    || jar cf "$PACK/lib/triage-parity.jar" dev/triage/model)

  say "JRE: jlink from $jdk"
  jlink --add-modules java.base,java.logging,java.management,java.naming,java.xml,jdk.unsupported,jdk.crypto.ec \
    --strip-debug --no-header-files --no-man-pages --compress=2 --output "$PACK/jre"

  say "JNI header and jni.h for a build without a JDK"
  local classes; classes="$(mktemp -d)"
  javac -sourcepath "$djl/engines/pytorch/pytorch-engine/src/main/java" \
    "$djl/engines/pytorch/pytorch-engine/src/main/java/ai/djl/pytorch/jni/PyTorchLibrary.java" \
    -h "$PACK/jni-include" -d "$classes"
  rm -rf "$classes"
  cp "$jdk/include/jni.h" "$jdk/include/linux/jni_md.h" "$PACK/jni-include/"

  say "DJL's JNI sources (build input, not part of the project)"
  mkdir -p "$PACK/djl-0.36.0/engines/pytorch/pytorch-native/src/main" "$PACK/djl-0.36.0/api/src/main/native/djl"
  cp "$djl/LICENSE" "$djl/NOTICE" "$PACK/djl-0.36.0/" 2>/dev/null || true
  cp "$djl/engines/pytorch/pytorch-native/CMakeLists.txt" "$PACK/djl-0.36.0/engines/pytorch/pytorch-native/"
  cp -r "$djl/engines/pytorch/pytorch-native/src/main/native" "$PACK/djl-0.36.0/engines/pytorch/pytorch-native/src/main/"
  cp "$djl/api/src/main/native/djl/utils.h" "$PACK/djl-0.36.0/api/src/main/native/djl/"

  "$PACK/jre/bin/java" -version 2>&1 | head -1
  local mib; mib=$(( $(du -sk "$PACK" | cut -f1) / 1024 ))
  say "target/gpu-check: $mib MiB"
  [ "$mib" -le 64 ] || die "target/gpu-check is $mib MiB, over the 64 MiB that may be carried"
}

run() {
  local out="${1:-${OUT:-$ROOT/target/gpu-check-out}}"
  mkdir -p "$out"; out="$(cd "$out" && pwd)"
  [ -x "$PACK/jre/bin/java" ] || die "no $PACK: run tools/gpu-check.sh prepare where there is a JDK, and carry target/gpu-check"
  (nvidia-smi || true) >"$out/nvidia-smi.txt" 2>&1
  local env_file="${JNI_ENV:-}"
  if [ -z "$env_file" ]; then
    local torch="${TORCH_DIR:-}"
    [ -n "$torch" ] || torch="$(python3 -c 'import torch, os; print(os.path.dirname(torch.__file__))')"
    say "torch at $torch: $(python3 -c 'import torch; print(torch.__version__, "cuda", torch.version.cuda, "cxx11abi", torch._C._GLIBCXX_USE_CXX11_ABI)' 2>&1 || true)"
    command -v cmake >/dev/null || die "no cmake here: tools/build-djl-jni.sh needs it"
    bash "$ROOT/tools/build-djl-jni.sh" --djl-src "$PACK/djl-0.36.0" --jni-header "$PACK/jni-include" \
      "$torch" "$out/djl-jni" 2>&1 | tee "$out/build.log"
    [ "${PIPESTATUS[0]}" = 0 ] || die "JNI build failed: $out/build.log"
    env_file="$out/djl-jni/djl-torch.env"
  fi
  say "parity checks on ${DEVICE:-gpu:0} with $env_file"
  set +e
  (
    # shellcheck disable=SC1090
    . "$env_file"
    cd "$ROOT" && "$PACK/jre/bin/java" -Xmx4g -Dai.djl.offline=true -cp "$PACK/lib/*" \
      dev.triage.model.InstalledLibtorchParity "${DEVICE:-gpu:0}"
  ) >"$out/parity.log" 2>&1
  local rc=$?
  set -e
  {
    echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "parity exit code: $rc"
    cat "$(dirname "$env_file")/build-info.properties" 2>/dev/null || true
    grep -E '^(device|engine|libtorch dir|parity|batch composition|PARITY)|Djl - DJL|Exception|Error' "$out/parity.log" || true
  } >"$out/summary.txt"
  cat "$out/summary.txt"
  return "$rc"
}

case "${1:-}" in
  prepare) shift; prepare "$@" ;;
  run) shift; run "$@" ;;
  *) sed -n '2,36p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
