#!/bin/sh
# Rebuilds the native fixture used by src/scan tests (needs clang + lld).
set -eu
cd "$(dirname "$0")/.."
clang --target=aarch64-linux-gnu -shared -nostdlib -fuse-ld=lld -O1 -fPIC \
  -o samples/native/libendpoints.so samples/src/endpoints.c
