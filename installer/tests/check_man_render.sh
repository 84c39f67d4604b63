#!/bin/sh
# Renders man pages with groff's warnings on (unknown macros, bad escapes,
# lines that do not fit): fails when there is any. Usage: check_man_render.sh PAGE...
status=0
for page in "$@"; do
  warnings=$(MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null)
  if [ -n "$warnings" ]; then
    printf '%s:\n%s\n' "$page" "$warnings"
    status=1
  fi
done
[ $status -eq 0 ] && echo "$# man pages render without warnings"
exit $status
