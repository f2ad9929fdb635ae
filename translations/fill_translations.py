#!/usr/bin/env python3
"""Fills translations/discernus_de.ts from a source->German table and the English plural
forms of discernus_en.ts. Run after `cmake --build <dir> --target update_translations`:
    python3 translations/fill_translations.py translations/de_table.py
Messages without an entry stay unfinished (the English source is shown)."""
import sys, runpy, re, xml.etree.ElementTree as ET

here = sys.path[0]
table = runpy.run_path(sys.argv[1] if len(sys.argv) > 1 else f"{here}/de_table.py")["DE"]

def english_plural(src):
    one = re.sub(r"\((s)\)", "", src)
    one = one.replace("(es)", "")
    many = re.sub(r"\((s)\)", "s", src).replace("(es)", "es")
    return one, many

def fill(path, lang):
    tree = ET.parse(path)
    missing = 0
    for msg in tree.iter("message"):
        src = msg.find("source").text or ""
        tr = msg.find("translation")
        numerus = msg.get("numerus") == "yes"
        if lang == "en":
            if not numerus:
                continue
            value = english_plural(src)
        else:
            value = table.get(src)
            if value is None:
                missing += 1
                continue
        for child in list(tr):
            tr.remove(child)
        tr.text = None
        if numerus:
            forms = value if isinstance(value, tuple) else (value, value)
            for f in forms:
                ET.SubElement(tr, "numerusform").text = f
        else:
            tr.text = value if isinstance(value, str) else value[0]
        tr.attrib.pop("type", None)
    tree.write(path, encoding="utf-8", xml_declaration=True)
    with open(path, "r+", encoding="utf-8") as f:
        text = f.read().replace("<?xml version='1.0' encoding='utf-8'?>", '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>', 1)
        f.seek(0); f.write(text); f.truncate()
    return missing

print("de: untranslated", fill(f"{here}/discernus_de.ts", "de"))
fill(f"{here}/discernus_en.ts", "en")
