#!/usr/bin/env python3
"""The import graph of each crate, module by module, and its cycles.

A module is a file (inline `#[cfg(test)] mod tests { .. }` blocks and test-only
module files are left out). There is an arrow A -> B when code in A names an
item that B defines: through a `use` whose name A's code then uses, or a path
written out (`crate::..`, `super::..`, `self::..`, `child::..`). A name is
followed through `use` and `pub use` to the module that defines it, so a
re-export (`pub use x::Y` in a `mod.rs` or `lib.rs`) is a door, not an arrow:
only the code that uses `Y` depends on `x`. Comments, doc comments and string
literals are left out, so doc-tests do not count.

It prints, per crate, each module's arrows, then the cycles (strongly
connected groups of more than one module), then the arrows that point from a
module to one of its own ancestors' definitions (a child reaching up into its
parent's `mod.rs`). It exits 1 when a crate has a cycle.

    python3 scripts/import-graph.py                 # every crate
    python3 scripts/import-graph.py sdk-core        # one crate
    python3 scripts/import-graph.py --cycles-only
"""

import os
import re
import sys

CRATES = [
    "sdk-core",
    "sdk-store",
    "sdk-tokio",
    "sdk-axum",
    "sdk-actix",
    "sdk-bitbadges",
    "sdk-cli",
]

ITEM = re.compile(
    r"^\s*(?:#\[[^\]]*\]\s*)*(?:pub(?:\([^)]*\))?\s+)?(?:default\s+)?(?:const\s+)?"
    r"(?:async\s+)?(?:unsafe\s+)?(?:extern\s+\"[^\"]*\"\s+)?"
    r"(fn|struct|enum|trait|type|const|static|union|macro_rules!)\s+(\w+)",
    re.M,
)
MOD_DECL = re.compile(r"^\s*(?:pub(?:\([^)]*\))?\s+)?mod\s+(\w+)\s*;", re.M)
USE_START = re.compile(r"(?<![\w:])(?:pub(?:\([^)]*\))?\s+)?use\s+")
WORD = re.compile(r"\b\w+\b")
PATH = re.compile(r"(?<![\w:])((?:crate|super|self)(?:\s*::\s*\w+)+)")


def strip(text):
    """Blank out comments, string and char literals, keeping line breaks."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif text.startswith("/*", i):
            depth, j = 1, i + 2
            while j < n and depth:
                if text.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif text.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif re.match(r'b?r#*"', text[i:i + 40]) and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
            m = re.match(r'(b?r)(#*)"', text[i:])
            end = '"' + m.group(2)
            j = text.find(end, i + len(m.group(0)))
            j = n if j < 0 else j + len(end)
            out.append('""' + re.sub(r"[^\n]", " ", text[i + 2:j]))
            i = j
        elif c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            j += 1
            out.append('""' + re.sub(r"[^\n]", " ", text[i + 2:j]))
            i = j
        elif c == "'":
            m = re.match(r"'(\\.[^']*|[^'\\])'", text[i:])
            if m:
                out.append("' '" + " " * (len(m.group(0)) - 3))
                i += len(m.group(0))
            else:
                out.append(c)
                i += 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def drop_test_blocks(code):
    """Remove `#[cfg(test)] mod name { .. }` blocks."""
    while True:
        m = re.search(r"#\[cfg\(test\)\]\s*mod\s+\w+\s*\{", code)
        if not m:
            return code
        depth, j = 1, m.end()
        while j < len(code) and depth:
            depth += {"{": 1, "}": -1}.get(code[j], 0)
            j += 1
        code = code[: m.start()] + re.sub(r"[^\n]", " ", code[m.start():j]) + code[j:]


def parse_tree(s, prefix, out, pub):
    """Parse one use tree `s` under `prefix` into (path, alias, glob, pub)."""
    s = s.strip()
    if not s:
        return
    depth, k = 0, None
    for idx, ch in enumerate(s):
        if ch == "{":
            if depth == 0 and k is None:
                k = idx
            depth += 1
        elif ch == "}":
            depth -= 1
    if k is not None:
        head = [p.strip() for p in s[:k].split("::") if p.strip()]
        inner = s[k + 1: s.rindex("}")]
        parts, depth, cur = [], 0, ""
        for ch in inner:
            if ch == "," and depth == 0:
                parts.append(cur)
                cur = ""
                continue
            depth += {"{": 1, "}": -1}.get(ch, 0)
            cur += ch
        parts.append(cur)
        for part in parts:
            parse_tree(part, prefix + head, out, pub)
        return
    alias = None
    m = re.match(r"(.*?)\s+as\s+(\w+)$", s)
    if m:
        s, alias = m.group(1), m.group(2)
    segs = [p.strip() for p in s.split("::") if p.strip()]
    if segs == ["*"] or segs[-1:] == ["*"]:
        out.append((prefix + segs[:-1], None, True, pub))
    elif segs == ["self"]:
        out.append((prefix, alias or prefix[-1], False, pub))
    else:
        out.append((prefix + segs, alias or segs[-1], False, pub))


class Module:
    def __init__(self, name, path, parent):
        self.name = name  # tuple of segments from the crate root
        self.path = path
        self.parent = parent
        self.children = {}
        self.defs = set()
        self.uses = []  # (absolute path | None, alias, glob, pub)
        self.body = ""
        self.test = False


def child_dir(path):
    base = os.path.basename(path)
    if base in ("mod.rs", "lib.rs", "main.rs"):
        return os.path.dirname(path)
    return path[:-3]


def load(crate_dir):
    root_path = os.path.join(crate_dir, "src", "lib.rs")
    modules = {}

    def visit(name, path, parent, test):
        mod = Module(name, path, parent)
        mod.test = test
        modules[name] = mod
        raw = strip(open(path, encoding="utf-8").read())
        code = drop_test_blocks(raw)
        for m in MOD_DECL.finditer(code):
            before = code[max(0, m.start() - 200): m.start()]
            is_test = test or bool(re.search(r"#\[cfg\(test\)\]\s*$", before))
            d = child_dir(path)
            cand = [os.path.join(d, m.group(1) + ".rs"), os.path.join(d, m.group(1), "mod.rs")]
            for c in cand:
                if os.path.exists(c):
                    mod.children[m.group(1)] = name + (m.group(1),)
                    visit(name + (m.group(1),), c, mod, is_test)
                    break
        mod.defs = {m.group(2) for m in ITEM.finditer(code)}
        body, pos = [], 0
        uses = []
        for m in USE_START.finditer(code):
            if m.start() < pos:
                continue
            end = code.find(";", m.end())
            stmt = code[m.end(): end]
            pub = code[m.start(): m.end()].strip().startswith("pub")
            body.append(code[pos: m.start()])
            body.append(re.sub(r"[^\n]", " ", code[m.start(): end + 1]))
            pos = end + 1
            parse_tree(re.sub(r"\s+", " ", stmt), [], uses, pub)
        body.append(code[pos:])
        mod.body = MOD_DECL.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), "".join(body))
        mod.raw_uses = uses
        return mod

    visit((), root_path, None, False)
    for mod in modules.values():
        for segs, alias, glob, pub in mod.raw_uses:
            mod.uses.append((absolute(modules, mod, segs), alias, glob, pub))
    return modules


def absolute(modules, mod, segs):
    """An absolute path ("crate", ...) for a path written in `mod`, or None if external."""
    if not segs:
        return None
    if segs[0] == "crate":
        return ["crate"] + segs[1:]
    if segs[0] in ("self", "super"):
        cur = mod
        rest = list(segs)
        while rest and rest[0] in ("self", "super"):
            if rest.pop(0) == "super":
                cur = cur.parent
        return ["crate"] + list(cur.name) + rest
    if segs[0] in mod.children or segs[0] in mod.defs:
        return ["crate"] + list(mod.name) + segs
    return None


def resolve(modules, path, seen=None):
    """Where an absolute path's item is defined: (module name, item or None)."""
    if path is None:
        return None
    seen = seen or set()
    key = tuple(path)
    if key in seen:
        return None
    seen.add(key)
    cur = modules[()]
    segs = path[1:]
    for i, seg in enumerate(segs):
        rest = segs[i + 1:]
        if seg in cur.children:
            cur = modules[cur.children[seg]]
            continue
        if seg in cur.defs:
            return (cur.name, seg)
        for target, alias, glob, _ in cur.uses:
            if not glob and alias == seg:
                if target is None:
                    return None
                return resolve(modules, target + rest, seen)
        for target, alias, glob, _ in cur.uses:
            if glob and target is not None:
                r = resolve(modules, target + [seg] + rest, seen)
                if r:
                    return r
        return None
    return (cur.name, None)


def visible(modules, name):
    """Names a glob import of module `name` brings in."""
    mod = modules.get(name)
    if mod is None:
        return set()
    names = set(mod.defs) | set(mod.children)
    names |= {alias for _, alias, glob, pub in mod.uses if alias and pub}
    return names


def arrows(modules, mod):
    found = {}

    def add(res, why):
        if res and res[0] != mod.name:
            found.setdefault(res[0], set()).add(why)

    words = set(WORD.findall(mod.body))
    for m in PATH.finditer(mod.body):
        segs = [s.strip() for s in m.group(1).split("::")]
        add(resolve(modules, absolute(modules, mod, segs)), "::".join(segs))
    for child in mod.children:
        for m in re.finditer(r"(?<![\w:])" + child + r"((?:\s*::\s*\w+)+)", mod.body):
            segs = [child] + [s.strip() for s in m.group(1).split("::") if s.strip()]
            add(resolve(modules, absolute(modules, mod, segs)), "::".join(segs))
    for target, alias, glob, _ in mod.uses:
        if target is None:
            continue
        if glob:
            tmod = resolve(modules, target)
            if tmod and tmod[1] is None:
                for n in visible(modules, tmod[0]) & words:
                    add(resolve(modules, target + [n]), n)
            continue
        if alias not in words:
            continue
        res = resolve(modules, target)
        if res and res[1] is None:
            deeper = False
            for m in re.finditer(r"(?<![\w:])" + alias + r"((?:\s*::\s*\w+)+)", mod.body):
                segs = [s.strip() for s in m.group(1).split("::") if s.strip()]
                r2 = resolve(modules, target + segs)
                if r2:
                    deeper = True
                    add(r2, alias + "::" + "::".join(segs))
            if not deeper:
                add(res, alias)
        else:
            add(res, alias)
    return found


def sccs(graph):
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def strong(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(comp)

    sys.setrecursionlimit(10000)
    for v in list(graph):
        if v not in index:
            strong(v)
    return out


def show(name):
    return "::".join(name) or "lib"


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    cycles_only = "--cycles-only" in sys.argv
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    bad = 0
    for crate in args or CRATES:
        modules = load(os.path.join(repo, crate))
        graph, why = {}, {}
        for mod in modules.values():
            if mod.test:
                continue
            found = {t: w for t, w in arrows(modules, mod).items() if not modules[t].test}
            graph[mod.name] = set(found)
            why[mod.name] = found
        n_arrows = sum(len(v) for v in graph.values())
        cycles = sccs(graph)
        up = [
            (a, b)
            for a, targets in graph.items()
            for b in targets
            if len(b) < len(a) and a[: len(b)] == b
        ]
        print(f"## {crate}: {len(graph)} modules, {n_arrows} arrows, {len(cycles)} cycles, "
              f"{len(up)} arrows up to an ancestor")
        if not cycles_only:
            for a in sorted(graph):
                if graph[a]:
                    print(f"  {show(a)} -> " + ", ".join(
                        f"{show(b)} ({' '.join(sorted(why[a][b]))})" for b in sorted(graph[a])))
        for comp in cycles:
            bad = 1
            comp = set(comp)
            print("  CYCLE: " + " <-> ".join(show(c) for c in sorted(comp)))
            for a in sorted(comp):
                for b in sorted(graph[a] & comp):
                    print(f"    {show(a)} -> {show(b)} ({' '.join(sorted(why[a][b]))})")
        for a, b in sorted(up):
            print(f"  UP: {show(a)} -> {show(b)} ({' '.join(sorted(why[a][b]))})")
    return bad


if __name__ == "__main__":
    sys.exit(main())
