#!/usr/bin/env python3
"""Checks that a man page documents every command and option a program prints.

  check_man_page.py MAN_PAGE PROGRAM [--subcommands]

Runs `PROGRAM --help`; with --subcommands, also `PROGRAM COMMAND --help` for
each command listed under "commands:". Every option (the first column of an
option line: "--ctx V", "-p, --prompt V", "-h, --help", "--data-dir <dir>")
must appear in MAN_PAGE, and every command must have a `.SS "PROGRAM COMMAND`
heading. Prints one line per thing missing and exits 1; run by ctest
(packaging.man_*).
"""
import re
import subprocess
import sys

OPTION = re.compile(r"(?<![\w-])(--?[A-Za-z][\w-]*)")


def help_text(argv):
    out = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    text = out.stdout + out.stderr
    if out.returncode != 0:
        sys.exit(f"{' '.join(argv)} exited with {out.returncode}:\n{text}")
    return text


def options_of(text):
    """Options in the first column of indented lines that start with '-'."""
    found = set()
    for line in text.splitlines():
        if not re.match(r"^\s+-", line):
            continue
        column = re.split(r"\s{2,}", line.strip(), maxsplit=1)[0]  # "-p, --prompt V"
        for part in column.split(","):
            match = OPTION.match(part.strip())
            if match:
                found.add(match.group(1))
    return found


def commands_of(text):
    commands, inside = [], False
    for line in text.splitlines():
        if line.strip() == "commands:":
            inside = True
        elif inside and re.match(r"^\s{2}\w", line):
            commands.append(line.split()[0])
        elif inside and not line.strip():
            inside = bool(not commands)
    return commands


def plain(roff):
    """The man page as text: roff escapes for '-' and fonts removed."""
    text = roff.replace("\\-", "-").replace("\\(em", "-")
    return re.sub(r"\\f[BIRP]", "", text)


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    man_path, program = sys.argv[1], sys.argv[2]
    with open(man_path, encoding="utf-8") as f:
        roff = f.read()
    page = plain(roff)
    name = program.rsplit("/", 1)[-1]
    top = help_text([program, "--help"])
    wanted = {opt: f"{name} --help" for opt in options_of(top)}
    wanted.setdefault("--version", f"{name} --help")
    missing = []
    commands = commands_of(top) if "--subcommands" in sys.argv[3:] else []
    if "--subcommands" in sys.argv[3:] and not commands:
        missing.append(f"{name} --help lists no commands under 'commands:'")
    for command in commands:
        if not re.search(r'^\.SS "?' + re.escape(name) + r"\s+" + re.escape(command) + r"\b", page, re.M):
            missing.append(f"command '{command}' has no .SS \"{name} {command} ...\" section")
        for opt in options_of(help_text([program, command, "--help"])):
            wanted.setdefault(opt, f"{name} {command} --help")
    for opt, source in sorted(wanted.items()):
        if not re.search(r"(?<![\w-])" + re.escape(opt) + r"(?![\w-])", page):
            missing.append(f"{opt} (from `{source}`) is not in {man_path}")
    for line in missing:
        print(line)
    if missing:
        return 1
    print(f"{man_path}: {len(commands)} commands and {len(wanted)} options of {name}, all documented")
    return 0


if __name__ == "__main__":
    sys.exit(main())
