#!/usr/bin/env bash
# Compiler launcher for builds on other machines (another GCC version may warn
# where ours does not): drops -Werror and -Werror=... from the command line.
args=()
for a in "$@"; do
  case "$a" in
    -Werror | -Werror=*) ;;
    *) args+=("$a") ;;
  esac
done
exec "${args[@]}"
