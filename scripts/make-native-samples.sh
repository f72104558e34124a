#!/bin/sh
# Rebuilds the JNI fixtures used by src/native tests (needs clang + lld):
# samples/native/libjni-arm64.so (AArch64) and libjni-armv5.so (ARMv5TE,
# .ARM.attributes Tag_CPU_arch = v5TE, i.e. the old armeabi ABI).
set -eu
cd "$(dirname "$0")/.."
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
build() { # target output
  clang --target="$1" -shared -nostdlib -fuse-ld=lld -O1 -fPIC \
    -Wl,-soname,libstub.so -o "$w/libstub.so" samples/src/jni/stub.c
  clang --target="$1" -shared -nostdlib -fuse-ld=lld -O1 -fPIC \
    -Wl,-soname,libjni.so -Wl,--build-id=none -Wl,--no-as-needed \
    -o "$2" samples/src/jni/jni.c "$w/libstub.so"
}
build aarch64-linux-gnu samples/native/libjni-arm64.so
build armv5te-linux-androideabi samples/native/libjni-armv5.so
