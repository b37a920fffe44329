#!/usr/bin/env python3
"""Writes schemas/kubernetes/v1.NN.json.gz: compact JSON schemas of the built-in Kubernetes
kinds, for `chartwright validate`'s render stage.

Source: the PyPI package kubernetes-validate (Apache-2.0), whose `-local-strict` schemas are
derived from the Kubernetes API's OpenAPI documents. Each output file is one JSON object:
  {"kubernetes": "1.NN", "source": ..., "kinds": {"group/version/Kind" or "version/Kind": def},
   "defs": {def: schema}}
with only the definitions reachable from the kinds, descriptions dropped and `$ref`s rewritten
to `#/defs/NAME`. Output is byte-identical for the same wheel (sorted keys, gzip mtime 0).

Usage: gen-kube-schemas.py WHEEL OUTDIR VERSION...
"""
import gzip
import io
import json
import sys
import zipfile

DROP = {"description", "$schema", "$id", "x-kubernetes-group-version-kind",
        "x-kubernetes-patch-merge-key", "x-kubernetes-patch-strategy",
        "x-kubernetes-list-map-keys", "x-kubernetes-list-type", "x-kubernetes-map-type",
        "x-kubernetes-unions"}


def compact(node, refs, names=False):
    """`names`: `node` maps property names (which may be `description` or `$ref`) to schemas."""
    if names:
        return {k: compact(v, refs) for k, v in node.items()}
    if isinstance(node, dict):
        out = {}
        for k, v in node.items():
            if k in DROP:
                continue
            if k == "$ref":
                name = v.split("/")[-1]
                refs.add(name)
                out[k] = "#/defs/" + name
                continue
            out[k] = compact(v, refs, k in ("properties", "patternProperties", "$defs"))
        return out
    if isinstance(node, list):
        return [compact(x, refs) for x in node]
    return node


def main():
    wheel, outdir, versions = sys.argv[1], sys.argv[2], sys.argv[3:]
    z = zipfile.ZipFile(wheel)
    for v in versions:
        path = f"kubernetes_validate/kubernetes-json-schema/v{v}.0-local-strict/_definitions.json"
        defs = json.loads(z.read(path))["$defs"]
        kinds = {}
        for name, d in defs.items():
            for gvk in d.get("x-kubernetes-group-version-kind", []):
                api = f"{gvk['group']}/{gvk['version']}" if gvk["group"] else gvk["version"]
                key = f"{api}/{gvk['kind']}"
                # Meta kinds (DeleteOptions, WatchEvent) are listed under every group: keep the
                # first definition per key, by name order, for a stable output.
                if key not in kinds or name < kinds[key]:
                    kinds[key] = name
        keep, todo = {}, sorted(set(kinds.values()))
        while todo:
            name = todo.pop()
            if name in keep:
                continue
            refs = set()
            keep[name] = compact(defs[name], refs)
            todo.extend(sorted(refs - keep.keys()))
        doc = {
            "kubernetes": v,
            "source": "kubernetes-validate 1.37.0 (PyPI), -local-strict, from the Kubernetes OpenAPI (Apache-2.0)",
            "kinds": kinds,
            "defs": keep,
        }
        data = json.dumps(doc, sort_keys=True, separators=(",", ":")).encode()
        buf = io.BytesIO()
        with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=9) as g:
            g.write(data)
        with open(f"{outdir}/v{v}.json.gz", "wb") as f:
            f.write(buf.getvalue())
        print(f"v{v}: {len(kinds)} kinds, {len(keep)} definitions, {len(data)} bytes, {len(buf.getvalue())} gzipped")


if __name__ == "__main__":
    main()
