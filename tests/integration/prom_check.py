# Parses a format = prometheus read for tests/integration/prometheus.bats and
# checks what the text format asks beyond what promtool checks: one HELP and
# one TYPE line per family, before its samples, which follow one another;
# no timestamps; names prefixed bpfviews_.  Prints each sample as
# "NAME LABEL=VALUE NUMBER", the label value unescaped and written as a
# Python string literal (repr), one a line.
import re, sys

SAMPLE = re.compile(r'^(bpfviews_\w+)\{(\w+)="((?:[^"\\\n]|\\.)*)"\} (\S+)$')
text = open(sys.argv[1], encoding="utf-8").read()
assert text.endswith("\n"), "no newline at the end"
seen, current, out = set(), None, []
for line in text.splitlines():
    if not line:
        continue
    m = re.match(r"^# (HELP|TYPE) (\w+) (.+)$", line)
    if m:
        kind, name = m.group(1), m.group(2)
        assert name.startswith("bpfviews_"), line
        assert (kind, name) not in seen, "second %s for %s" % (kind, name)
        seen.add((kind, name))
        if kind == "TYPE":
            assert ("HELP", name) in seen, "TYPE before HELP: " + line
            current = name
        continue
    m = SAMPLE.match(line)
    assert m, "not a sample without timestamp: %r" % line
    name, label, value, number = m.groups()
    assert name == current, "%s outside its family (%s)" % (name, current)
    float(number)
    value = re.sub(r'\\(.)', lambda e: {"n": "\n"}.get(e.group(1), e.group(1)), value)
    out.append("%s %s=%r %s" % (name, label, value, number))
for line in out:
    print(line)
