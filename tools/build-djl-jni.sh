#!/usr/bin/env bash
# Builds DJL's PyTorch JNI (libdjl_torch.so) against an installed libtorch, so that Triage (DJL 0.36.0) runs on a
# libtorch outside its jar: a distribution's libtorch, a libtorch zip, or the one inside a pip torch.
#
#   tools/build-djl-jni.sh [options] LIBTORCH_DIR OUT_DIR
#
# LIBTORCH_DIR: a libtorch install, any of
#   - a libtorch root or a pip torch package dir (has share/cmake/Torch/TorchConfig.cmake and lib/libtorch.so);
#     for pip: python3 -c 'import torch,os;print(os.path.dirname(torch.__file__))'
#   - a directory holding TorchConfig.cmake (Debian libtorch-dev: /usr/lib/x86_64-linux-gnu/cmake/Torch)
#   - an install prefix with lib/cmake/Torch or lib/<multiarch>/cmake/Torch (Debian: /usr)
# OUT_DIR: where the build and its results go (created):
#   OUT_DIR/libdjl_torch.so      the JNI
#   OUT_DIR/djl-torch.env        shell lines that point DJL at this libtorch and JNI (source it, or copy the values
#                                into a container's ENV): PYTORCH_LIBRARY_PATH, PYTORCH_VERSION, PYTORCH_FLAVOR and,
#                                where the JNI cannot sit next to libtorch, ENGINE_CACHE_DIR
#   OUT_DIR/build-info.properties what it was built from and with (versions, ABI, CUDA)
#   OUT_DIR/torch-lib/           only when libtorch's lib dir is a shared system dir (Debian /usr/lib/<multiarch>):
#                                symlinks to libtorch's own libraries plus the JNI. DJL loads every library in
#                                PYTORCH_LIBRARY_PATH, so it must not point at /usr/lib/<multiarch> itself.
#   OUT_DIR/cache/pytorch/<version>-<flavor>-linux-x86_64/<djl>-libdjl_torch.so
#                                otherwise (libtorch zip, pip torch): PYTORCH_LIBRARY_PATH is libtorch's own lib dir
#                                (symlinks would break its $ORIGIN run paths) and DJL finds the JNI in its engine cache
#                                dir, ENGINE_CACHE_DIR=OUT_DIR/cache.
#
# Options:
#   --djl-src DIR     DJL v0.36.0 sources (default: ../shared/third_party/djl-0.36.0 relative to the repo root)
#   --version X.Y.Z   libtorch version (default: read from torch/version.h; Debian's 1.13.1 reports 1.13.0 there)
#   --flavor F        DJL flavor (default: cpu, or cuNNN from the CUDA toolkit; "-precxx11" appended for a
#                     libtorch built with _GLIBCXX_USE_CXX11_ABI=0)
#   --cuda auto|on|off  compile DJL's CUDA code paths (separate inference stream, emptyCache). auto: on when
#                     libtorch has libtorch_cuda.so and CMake finds a CUDA toolkit. off still runs on GPUs: libtorch's
#                     own CUDA kernels do the work; DJL loads libtorch_cuda.so when the flavor starts with "cu".
#   --jni-header DIR  use a pre-generated ai_djl_pytorch_jni_PyTorchLibrary.h (no javac needed) and DIR/jni.h,
#                     DIR/jni_md.h (no JDK needed): for hosts without Java, see tools/gpu-check.sh
#   --jobs N          parallel compile jobs (default: nproc)
#   --force           rebuild even if OUT_DIR holds a build of the same inputs
#
# Needs: cmake >= 3.18, a C++17 compiler, a JDK (javac, and JAVA_HOME for CMake's FindJNI; derived from javac when
# unset) unless --jni-header is given. Progress: each step is printed with the seconds since start; the compile
# prints CMake's [ nn%] lines.
#
# Run against (2026-12-02): Debian 12 libtorch-dev 1.13.1+dfsg-4 (CPU, C++11 ABI), cmake 3.25.1, g++ 12.2.0,
# OpenJDK 17.0.15, DJL 0.36.0 sources: 5 min 4 s on 2 shared cores. Not yet run against a CUDA libtorch.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
DJL_SRC="$REPO_ROOT/../shared/third_party/djl-0.36.0"
VERSION=""
FLAVOR=""
CUDA_MODE=auto
JNI_HEADER_DIR=""
JOBS="$(nproc 2>/dev/null || echo 2)"
FORCE=0
START=$SECONDS

usage() { sed -n '2,45p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit "${1:-2}"; }
say() { printf '[build-djl-jni %4ds] %s\n' "$((SECONDS - START))" "$*"; }
die() { printf 'build-djl-jni: %s\n' "$*" >&2; exit 1; }

args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --djl-src) DJL_SRC="$2"; shift 2 ;;
    --version) VERSION="$2"; shift 2 ;;
    --flavor) FLAVOR="$2"; shift 2 ;;
    --cuda) CUDA_MODE="$2"; shift 2 ;;
    --jni-header) JNI_HEADER_DIR="$2"; shift 2 ;;
    --jobs) JOBS="$2"; shift 2 ;;
    --force) FORCE=1; shift ;;
    -h|--help) usage 0 ;;
    --*) die "unknown option $1" ;;
    *) args+=("$1"); shift ;;
  esac
done
[ ${#args[@]} -eq 2 ] || usage
LIBTORCH_IN="${args[0]}"
mkdir -p "${args[1]}"
OUT="$(cd "${args[1]}" && pwd)"
case "$CUDA_MODE" in auto|on|off) ;; *) die "--cuda must be auto, on or off" ;; esac

NATIVE="$DJL_SRC/engines/pytorch/pytorch-native"
[ -f "$NATIVE/CMakeLists.txt" ] || die "no DJL sources at $DJL_SRC (expected engines/pytorch/pytorch-native/CMakeLists.txt); pass --djl-src"
DJL_SRC="$(cd "$DJL_SRC" && pwd)"
NATIVE="$DJL_SRC/engines/pytorch/pytorch-native"
DJL_VERSION="$(basename "$DJL_SRC" | sed -n 's/^djl-\([0-9.]*\)$/\1/p')"
[ -n "$DJL_VERSION" ] || DJL_VERSION=0.36.0

# --- Locate libtorch --------------------------------------------------------------------------------------------
[ -d "$LIBTORCH_IN" ] || die "no such directory: $LIBTORCH_IN"
LIBTORCH_IN="$(cd "$LIBTORCH_IN" && pwd)"
TORCH_CMAKE_DIR=""
for c in "$LIBTORCH_IN" "$LIBTORCH_IN/share/cmake/Torch" "$LIBTORCH_IN/lib/cmake/Torch" \
         "$LIBTORCH_IN"/lib/*/cmake/Torch; do
  if [ -f "$c/TorchConfig.cmake" ]; then TORCH_CMAKE_DIR="$c"; break; fi
done
[ -n "$TORCH_CMAKE_DIR" ] || die "no TorchConfig.cmake under $LIBTORCH_IN (tried ., share/cmake/Torch, lib/cmake/Torch, lib/*/cmake/Torch)"
# TorchConfig.cmake's own rule: the install prefix is four levels above the file.
TORCH_PREFIX="$(cd "$TORCH_CMAKE_DIR/../../.." && pwd)"
[ -d "$TORCH_PREFIX/include" ] || TORCH_PREFIX="$(cd "$TORCH_CMAKE_DIR/../../../.." && pwd)"

if [ -z "$VERSION" ]; then
  vh=""
  for c in "$TORCH_PREFIX/include/torch/version.h" "$TORCH_PREFIX/include/torch/csrc/api/include/torch/version.h"; do
    if [ -f "$c" ]; then vh="$c"; break; fi
  done
  [ -n "$vh" ] || die "cannot find torch/version.h under $TORCH_PREFIX/include; pass --version"
  major="$(sed -n 's/^#define TORCH_VERSION_MAJOR \([0-9]*\).*/\1/p' "$vh")"
  minor="$(sed -n 's/^#define TORCH_VERSION_MINOR \([0-9]*\).*/\1/p' "$vh")"
  patch="$(sed -n 's/^#define TORCH_VERSION_PATCH \([0-9]*\).*/\1/p' "$vh")"
  VERSION="$major.$minor.$patch"
fi
[[ "$VERSION" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "bad libtorch version '$VERSION'"

# The C++ ABI libtorch was built with: TorchConfig.cmake carries it in TORCH_CXX_FLAGS, which DJL's CMakeLists.txt
# adds to the JNI's flags, so the JNI always matches; here it only names the flavor.
ABI="$(grep -o '_GLIBCXX_USE_CXX11_ABI=[01]' "$TORCH_CMAKE_DIR/TorchConfig.cmake" | head -1 | cut -d= -f2 || true)"
[ -n "$ABI" ] || ABI=1

PT_VERSION=""
if [[ "$VERSION" =~ ^1\. || "$VERSION" =~ ^2\.[01]\. ]]; then PT_VERSION=V1_13_X; fi

# --- Inputs unchanged? -----------------------------------------------------------------------------------------
STAMP="libtorch=$TORCH_CMAKE_DIR version=$VERSION flavor=$FLAVOR cuda=$CUDA_MODE djl=$DJL_SRC header=$JNI_HEADER_DIR"
if [ "$FORCE" = 0 ] && [ -f "$OUT/libdjl_torch.so" ] && [ -f "$OUT/djl-torch.env" ] \
   && [ "$(sed -n 's/^inputs=//p' "$OUT/build-info.properties" 2>/dev/null)" = "$STAMP" ]; then
  say "up to date: $OUT/libdjl_torch.so (libtorch $VERSION; --force rebuilds)"
  exit 0
fi

# --- JNI header and JDK ----------------------------------------------------------------------------------------
BUILD="$OUT/build"
rm -rf "$BUILD" "$OUT/libdjl_torch.so" "$OUT/djl-torch.env" "$OUT/torch-lib" "$OUT/cache"
mkdir -p "$BUILD/include" "$BUILD/classes"
JDK_DESC="none (pre-generated header from $JNI_HEADER_DIR)"
cmake_jni=()
if [ -n "$JNI_HEADER_DIR" ]; then
  JNI_HEADER_DIR="$(cd "$JNI_HEADER_DIR" && pwd)"
  for f in ai_djl_pytorch_jni_PyTorchLibrary.h jni.h jni_md.h; do
    [ -f "$JNI_HEADER_DIR/$f" ] || die "--jni-header $JNI_HEADER_DIR lacks $f"
  done
  cp "$JNI_HEADER_DIR/ai_djl_pytorch_jni_PyTorchLibrary.h" "$BUILD/include/"
  # FindJNI wants a JDK layout; these two headers are all the JNI uses.
  cmake_jni=(-DJAVA_INCLUDE_PATH="$JNI_HEADER_DIR" -DJAVA_INCLUDE_PATH2="$JNI_HEADER_DIR"
             -DJAVA_JVM_LIBRARY=NotNeeded)
else
  if [ -z "${JAVA_HOME:-}" ]; then
    command -v javac >/dev/null || die "no javac on PATH and JAVA_HOME unset: install a JDK, or pass --jni-header"
    JAVA_HOME="$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")"
    export JAVA_HOME
  fi
  [ -x "$JAVA_HOME/bin/javac" ] || die "JAVA_HOME=$JAVA_HOME has no bin/javac (a JRE is not enough)"
  JDK_DESC="$("$JAVA_HOME/bin/javac" -version 2>&1) at $JAVA_HOME"
  say "generating the JNI header from DJL's PyTorchLibrary.java ($JDK_DESC)"
  "$JAVA_HOME/bin/javac" -sourcepath "$DJL_SRC/engines/pytorch/pytorch-engine/src/main/java" \
    "$DJL_SRC/engines/pytorch/pytorch-engine/src/main/java/ai/djl/pytorch/jni/PyTorchLibrary.java" \
    -h "$BUILD/include" -d "$BUILD/classes"
fi

# --- Configure -------------------------------------------------------------------------------------------------
LIB_DIR_GUESS=""
for c in "$TORCH_PREFIX/lib" "$(dirname "$(dirname "$TORCH_CMAKE_DIR")")"; do
  if [ -e "$c/libtorch.so" ]; then LIB_DIR_GUESS="$c"; break; fi
done
HAS_CUDA_LIB=0
[ -n "$LIB_DIR_GUESS" ] && [ -e "$LIB_DIR_GUESS/libtorch_cuda.so" ] && HAS_CUDA_LIB=1
USE_CUDA=0
if [ "$CUDA_MODE" = on ] || { [ "$CUDA_MODE" = auto ] && [ "$HAS_CUDA_LIB" = 1 ]; }; then USE_CUDA=1; fi

configure() {
  cmake -S "$NATIVE" -B "$BUILD" -G "Unix Makefiles" -DCMAKE_BUILD_TYPE=Release \
    -DTorch_DIR="$TORCH_CMAKE_DIR" \
    -DPT_VERSION="$PT_VERSION" -DUSE_CUDA="$1" \
    -DCMAKE_CXX_FLAGS="-I$BUILD/include" "${cmake_jni[@]}" >"$BUILD/cmake-configure.log" 2>&1
}
say "configuring: libtorch $VERSION at $TORCH_CMAKE_DIR (C++11 ABI $ABI, PT_VERSION=${PT_VERSION:-none}, CUDA code $USE_CUDA)"
if ! configure "$USE_CUDA"; then
  if [ "$USE_CUDA" = 1 ] && [ "$CUDA_MODE" = auto ]; then
    say "CMake could not configure the CUDA build (no CUDA toolkit?); building without DJL's CUDA code paths"
    tail -5 "$BUILD/cmake-configure.log" | sed 's/^/    /'
    rm -rf "$BUILD/CMakeCache.txt" "$BUILD/CMakeFiles"
    USE_CUDA=0
    configure 0 || { cat "$BUILD/cmake-configure.log" >&2; die "cmake configure failed"; }
  else
    cat "$BUILD/cmake-configure.log" >&2
    die "cmake configure failed (log: $BUILD/cmake-configure.log)"
  fi
fi
TORCH_LIB="$(sed -n 's/^TORCH_LIBRARY:FILEPATH=//p' "$BUILD/CMakeCache.txt")"
[ -n "$TORCH_LIB" ] && [ -e "$TORCH_LIB" ] || die "CMake found no libtorch.so (TORCH_LIBRARY in $BUILD/CMakeCache.txt)"
LIB_DIR="$(cd "$(dirname "$TORCH_LIB")" && pwd)"
CUDA_VER="$(sed -n 's/^CUDAToolkit_VERSION:[A-Z]*=//p; s/^CUDA_VERSION:[A-Z]*=//p' "$BUILD/CMakeCache.txt" | head -1)"
if [ -z "$FLAVOR" ]; then
  if [ -e "$LIB_DIR/libtorch_cuda.so" ]; then
    [ -n "$CUDA_VER" ] || CUDA_VER="$(nvcc --version 2>/dev/null | sed -n 's/.*release \([0-9]*\.[0-9]*\).*/\1/p' || true)"
    [ -n "$CUDA_VER" ] || die "libtorch has CUDA but its CUDA version is unknown: pass --flavor cuNNN (e.g. cu130)"
    FLAVOR="cu$(echo "$CUDA_VER" | cut -d. -f1)$(echo "$CUDA_VER" | cut -d. -f2)"
  else
    FLAVOR=cpu
  fi
  [ "$ABI" = 1 ] || FLAVOR="$FLAVOR-precxx11"
fi

# --- Compile ---------------------------------------------------------------------------------------------------
say "compiling $(grep -c '\.cc"' "$NATIVE/CMakeLists.txt") sources with $JOBS job(s) (a few minutes)"
set +e +o pipefail
cmake --build "$BUILD" --config Release -- -j "$JOBS" 2>&1 | tee "$BUILD/build.log" \
  | grep --line-buffered -E '^\[ *[0-9]+%\]|error:'
rc="${PIPESTATUS[0]}"
set -e -o pipefail
[ "$rc" = 0 ] || die "compile failed (log: $BUILD/build.log)"
if [ "$USE_CUDA" = 1 ]; then
  # As DJL's build.sh: do not link the CUDA runtime directly, libtorch brings its own (pip: nvidia-* wheels).
  link="$BUILD/CMakeFiles/djl_torch.dir/link.txt"
  sed -i -r 's#[^ ]*/lib(cudart|nvrtc)(_static)?\.(so|a)[^ ]*##g; s# -l(cudart|nvrtc)\b##g' "$link"
  rm -f "$BUILD/libdjl_torch.so"
  (cd "$BUILD" && . "$link")
  say "relinked without libcudart/libnvrtc"
fi
[ -f "$BUILD/libdjl_torch.so" ] || die "no $BUILD/libdjl_torch.so after the build"
cp "$BUILD/libdjl_torch.so" "$OUT/libdjl_torch.so"

# --- Layout for DJL ----------------------------------------------------------------------------------------------
# A dedicated libtorch lib dir holds libtorch.so and torch's own libraries only: a libtorch zip's lib/ or a pip
# torch's torch/lib. Anything else (a distribution's /usr/lib/<multiarch>) gets a dir of symlinks.
dedicated=1
for f in "$LIB_DIR"/libssl.so* "$LIB_DIR"/libz.so* "$LIB_DIR"/libstdc++.so* "$LIB_DIR"/libpython3*; do
  if [ -e "$f" ]; then dedicated=0; fi
done
case "$LIB_DIR" in /usr/lib|/usr/lib64|/usr/lib/*-linux-gnu|/lib|/lib64|/lib/*-linux-gnu|/usr/local/lib) dedicated=0 ;; esac
if [ "$dedicated" = 1 ]; then
  LIB_PATH="$LIB_DIR"
  jni_cache="$OUT/cache/pytorch/$VERSION-$FLAVOR-linux-x86_64"
  mkdir -p "$jni_cache"
  cp "$OUT/libdjl_torch.so" "$jni_cache/$DJL_VERSION-libdjl_torch.so"
  cache_line="export ENGINE_CACHE_DIR=$OUT/cache"
else
  LIB_PATH="$OUT/torch-lib"
  mkdir -p "$LIB_PATH"
  for l in libc10 libc10_cuda libtorch libtorch_cpu libtorch_cuda libtorch_cuda_cpp libtorch_cuda_cu \
           libtorch_global_deps libcaffe2_nvrtc; do
    if [ -e "$LIB_DIR/$l.so" ]; then ln -s "$LIB_DIR/$l.so" "$LIB_PATH/$l.so"; fi
  done
  cp "$OUT/libdjl_torch.so" "$LIB_PATH/libdjl_torch.so"
  cache_line="# ENGINE_CACHE_DIR not needed: the JNI is in PYTORCH_LIBRARY_PATH"
fi
cat >"$OUT/djl-torch.env" <<EOF
# DJL on libtorch $VERSION ($FLAVOR) at $LIB_DIR, JNI built by tools/build-djl-jni.sh. Source this before
# java -jar triage*.jar (the thin jar, target/triage-thin.jar, has no libtorch of its own).
export PYTORCH_LIBRARY_PATH=$LIB_PATH
export PYTORCH_VERSION=$VERSION
export PYTORCH_FLAVOR=$FLAVOR
$cache_line
EOF

cat >"$OUT/build-info.properties" <<EOF
inputs=$STAMP
libtorch.version=$VERSION
libtorch.lib=$LIB_DIR
libtorch.cxx11abi=$ABI
libtorch.cuda=$HAS_CUDA_LIB
jni.cuda_code=$USE_CUDA
cuda.toolkit=${CUDA_VER:-none}
djl.flavor=$FLAVOR
djl.sources=$DJL_SRC
djl.version=$DJL_VERSION
cmake=$(cmake --version | head -1)
cxx=$(sed -n 's/^CMAKE_CXX_COMPILER:[A-Z]*=//p' "$BUILD/CMakeCache.txt") $("$(sed -n 's/^CMAKE_CXX_COMPILER:[A-Z]*=//p' "$BUILD/CMakeCache.txt")" -dumpfullversion 2>/dev/null || true)
jdk=$JDK_DESC
built=$(date -u +%Y-%m-%dT%H:%M:%SZ)
seconds=$((SECONDS - START))
EOF
say "built $OUT/libdjl_torch.so ($(du -k "$OUT/libdjl_torch.so" | cut -f1) KiB) for libtorch $VERSION, flavor $FLAVOR"
say "use it: source $OUT/djl-torch.env"
