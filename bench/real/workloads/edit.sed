# GNU sed workload of the real-software suite: a text clean-up script
# (extended regexps, back-references, hold space, line addresses).
# Usage: sed -E -f edit.sed text.txt
/^$/d
s/\b([A-Z][a-z]+) ([a-z]+)ing\b/\2ed by \1/g
s/([0-9]+)/<\1>/g
s/\b(the|a|an) (the|a|an)\b/\1/gI
y/!?/../
/Perth|Oslo/{
  s/^/## /
  h
}
$!N
s/,\n/, /
P
D
