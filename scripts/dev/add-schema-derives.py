#!/usr/bin/env python3
"""Adds `#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]` under every
`#[derive(..., Serialize, ...)]` in core/src that lacks it, and the JSON type of fields
serialized through a hex function (idempotent). Run after adding
output types; `cargo test -p smmu-tests --test json_schema` then says what else is needed."""
import glob, re, sys, os
os.chdir(os.path.join(os.path.dirname(__file__), "..", ".."))
ATTR = '#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]'
# Fields serialized through a function: the JSON type they come out as.
WITH = {
    "hex": "String",
    "ser_hex": "String",
    "crate::model::ser_hex": "String",
    "hex_opt": "Option<String>",
    "hex_words": "Vec<String>",
}
n = 0
for f in sorted(glob.glob("core/src/**/*.rs", recursive=True)):
    lines = open(f).read().split("\n")
    out = []
    for i, l in enumerate(lines):
        out.append(l)
        st = l.strip()
        if st.startswith("#[derive(") and re.search(r"\bSerialize\b", st):
            nxt = lines[i + 1].strip() if i + 1 < len(lines) else ""
            if nxt != ATTR:
                out.append(l[: len(l) - len(l.lstrip())] + ATTR)
                n += 1
        m = re.match(r'\s*#\[serde\(serialize_with = "([^"]+)"', l)
        if m and m.group(1) in WITH:
            attr = f'#[cfg_attr(feature = "schema", schemars(with = "{WITH[m.group(1)]}"))]'
            nxt = lines[i + 1].strip() if i + 1 < len(lines) else ""
            if nxt != attr:
                out.append(l[: len(l) - len(l.lstrip())] + attr)
                n += 1
    open(f, "w").write("\n".join(out))
print(f"{n} derives added", file=sys.stderr)
