#!/usr/bin/python3
"""Writes the table the uncased BERT tokenizer needs for lower-casing and accent stripping.

Hugging Face's BasicTokenizer lower-cases with Python's str.lower() and strips accents by NFD-decomposing and
dropping nonspacing marks (Mn). .NET in invariant-globalization mode has no NFD and uses simple case mapping, so
Tessera reads this table instead: one line per code point whose folded form differs, "CODEPOINT<TAB>FOLDED",
both as space-separated hex code points (FOLDED may be empty). Regenerate with /usr/bin/python3 (its Unicode
version is recorded in the first line).
"""
import sys
import unicodedata

def fold(ch):
    decomposed = unicodedata.normalize("NFD", ch.lower())
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn")

out = sys.stdout
out.write(f"# unicode {unicodedata.unidata_version}\n")
for cp in range(0x110000):
    if 0xD800 <= cp <= 0xDFFF:
        continue
    ch = chr(cp)
    folded = fold(ch)
    if folded != ch:
        out.write(f"{cp:04X}\t{' '.join(f'{ord(c):04X}' for c in folded)}\n")
