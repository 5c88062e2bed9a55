#!/usr/bin/env python3
"""Writes a revision of an OpenAPI JSON document with 50 scattered changes, for
bench/diff.sh: the same input every run (no randomness), spread over the document.

    bench/diff-revision.py OLD.json NEW.json
"""
import json
import sys

OPERATIONS = ("get", "put", "post", "delete", "patch")


def spread(items, count):
    """`count` items evenly spaced over `items` (sorted for a stable order)."""
    items = sorted(items)
    step = max(1, len(items) // count)
    return items[::step][:count]


def main(source, target):
    with open(source, encoding="utf-8") as f:
        doc = json.load(f)
    schemas = doc["components"]["schemas"]
    paths = doc["paths"]
    changed = 0

    # 5 properties removed from component schemas (what consumers receive).
    with_properties = [n for n, s in schemas.items() if len(s.get("properties", {})) > 3]
    for name in spread(with_properties, 5):
        props = schemas[name]["properties"]
        victim = sorted(props)[len(props) // 2]
        del props[victim]
        if victim in schemas[name].get("required", []):
            schemas[name]["required"].remove(victim)
        changed += 1

    # 5 string properties retyped to integer.
    strings = [
        (n, p)
        for n, s in schemas.items()
        for p, v in s.get("properties", {}).items()
        if v.get("type") == "string" and "enum" not in v
    ]
    for name, prop in spread(strings, 5):
        schemas[name]["properties"][prop]["type"] = "integer"
        changed += 1

    # 5 enums gain a value, 5 others lose one.
    enums = [
        (n, p)
        for n, s in schemas.items()
        for p, v in s.get("properties", {}).items()
        if len(v.get("enum", [])) > 2
    ]
    picked = spread(enums, 10)
    for name, prop in picked[:5]:
        schemas[name]["properties"][prop]["enum"].append("bench_added_value")
        changed += 1
    for name, prop in picked[5:]:
        schemas[name]["properties"][prop]["enum"].pop()
        changed += 1

    # 5 operations removed.
    operations = [(p, m) for p, item in paths.items() for m in item if m in OPERATIONS]
    removed = spread(operations, 5)
    for path, method in removed:
        del paths[path][method]
        changed += 1

    # 5 request bodies gain a required field (what consumers send).
    bodies = [
        (p, m)
        for p, item in paths.items()
        for m, op in item.items()
        if m == "post" and "application/x-www-form-urlencoded" in op.get("requestBody", {}).get("content", {})
    ]
    for path, method in spread(bodies, 5):
        schema = paths[path][method]["requestBody"]["content"]["application/x-www-form-urlencoded"]["schema"]
        schema.setdefault("properties", {})["bench_required"] = {"type": "string"}
        schema.setdefault("required", []).append("bench_required")
        changed += 1

    # 5 optional query parameters become required, 5 new optional ones appear.
    optional = [
        (p, m, i)
        for p, item in paths.items()
        for m, op in item.items()
        if m in OPERATIONS
        for i, param in enumerate(op.get("parameters", []))
        if param.get("in") == "query" and not param.get("required")
    ]
    for path, method, index in spread(optional, 5):
        paths[path][method]["parameters"][index]["required"] = True
        changed += 1
    gets = [p for p, item in paths.items() if "get" in item]
    for path in spread(gets, 5):
        paths[path]["get"].setdefault("parameters", []).append(
            {"name": "bench_filter", "in": "query", "required": False, "schema": {"type": "string"}}
        )
        changed += 1

    # 5 properties gain a maxLength, 5 descriptions change.
    unbounded = [(n, p) for n, p in strings if "maxLength" not in schemas[n]["properties"][p]]
    for name, prop in spread(unbounded, 10)[5:]:
        schemas[name]["properties"][prop]["maxLength"] = 64
        changed += 1
    described = [n for n, s in schemas.items() if "description" in s]
    for name in spread(described, 5):
        schemas[name]["description"] += " (revised)"
        changed += 1

    assert changed == 50, changed
    with open(target, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
