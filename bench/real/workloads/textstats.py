# python3.11 workload of the real-software suite: reads a text file and does
# what scripts do with text: regular expressions, dicts and Counter-like
# counting, sorting, string formatting. Usage: python3.11 -I -S -B textstats.py FILE
import re
import sys
from collections import defaultdict

path = sys.argv[1]
with open(path, encoding="ascii") as f:
    data = f.read()

word_re = re.compile(r"[A-Za-z]+")
num_re = re.compile(r"\b(\d{2,})\b")
sentence_re = re.compile(r"[^.?!]+[.?!]")
city_re = re.compile(r"\b(?P<city>[A-Z][a-z]+) (?P<next>[a-z]+ing)\b")

freq = defaultdict(int)
for w in word_re.findall(data):
    freq[w.lower()] += 1
numbers = [int(m) for m in num_re.findall(data)]
sentences = sentence_re.findall(data)
lengths = defaultdict(int)
for s in sentences:
    lengths[min(len(s.split()) // 5, 8)] += 1
pairs = defaultdict(int)
for m in city_re.finditer(data):
    pairs[f"{m.group('city')}/{m.group('next')}"] += 1

top = sorted(freq.items(), key=lambda kv: (-kv[1], kv[0]))[:15]
print(f"words={sum(freq.values())} distinct={len(freq)} numbers={len(numbers)} sum={sum(numbers)} sentences={len(sentences)}")
for word, count in top:
    print(f"{word:>12} {count:8d} {100.0 * count / sum(freq.values()):6.2f}%")
for bucket in sorted(lengths):
    print("len {:>2}-{:<2} {}".format(bucket * 5, bucket * 5 + 4, "#" * (lengths[bucket] * 60 // max(lengths.values()))))
for key, count in sorted(pairs.items(), key=lambda kv: (-kv[1], kv[0]))[:5]:
    print("%-24s %d" % (key, count))
title = " ".join(w.capitalize() for w in data[:200].split())
print(title.swapcase()[:60].center(70, "*"))
