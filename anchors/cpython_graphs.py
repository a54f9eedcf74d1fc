#!/usr/bin/env python3
"""gclab's CPython anchor: the cost of gc.collect() per object on the portable graph shapes.

Builds each shape with lists as nodes (one list slot per reference), edge for edge and in the
same allocation order as dev.gclab.workloads.graph.GraphShapes, with the cyclic collector
disabled while building, then times one gc.collect() (median of --reps builds). Also times
freeing a top-down tree by reference count (the root dropped with the collector disabled), and a
young collection: gc.collect(0) over 700 new two-slot lists, each pointing at an object of the
live random graph of N nodes in the oldest generation (median of --young-iters).

Output: JSON lines on stdout, one per measurement, preceded by one "python" line.

    python3 anchors/cpython_graphs.py --n 1000000 --reps 3 [--shapes cyc2,ring]
"""
import argparse
import gc
import json
import platform
import statistics
import sys
import time

MASK = (1 << 64) - 1
MUL = 6364136223846793005
INC = 1442695040888963407
SEED = 12345


class Lcg:
    def __init__(self, seed):
        self.x = seed & MASK

    def next(self):
        self.x = (self.x * MUL + INC) & MASK
        return self.x >> 32

    @staticmethod
    def index(out, n):
        return (out * n) >> 32


def cycles(count, k):
    keep = []  # the cycles must not die by count before the collection; dropped by the caller
    for _ in range(count):
        first = [None]
        last = first
        for _ in range(k - 1):
            nxt = [last]
            last = nxt
        first[0] = last
        keep.append(first)
    return keep, count * k


def random_graph(n, seed=SEED):
    lcg = Lcg(seed)
    nodes = [None] * n
    for i in range(n):
        nodes[i] = [None, None, None] if (lcg.next() & 1) else [None, None]
    for node in nodes:
        for j in range(len(node)):
            node[j] = nodes[Lcg.index(lcg.next(), n)]
    return nodes, n + 1


def tree_depth(n):
    import math
    return max(1, int(round(math.log2(n + 1))) - 1)


def make_tree(d):
    if d <= 0:
        return [None, None]
    left = make_tree(d - 1)
    right = make_tree(d - 1)
    return [left, right]


def populate(node, d):
    if d <= 0:
        return
    node[0] = [None, None]
    node[1] = [None, None]
    populate(node[0], d - 1)
    populate(node[1], d - 1)


def tree_size(d):
    return (1 << (d + 1)) - 1


def build(shape, n):
    """Returns (holder, objects, live): holder keeps the graph alive until dropped."""
    if shape == "cyc2":
        h, c = cycles(n // 2, 2)
        return h, c, False
    if shape == "cyc10":
        h, c = cycles(n // 10, 10)
        return h, c, False
    if shape == "ring":
        h, c = cycles(1, n)
        return h, c, False
    if shape == "random":
        h, c = random_graph(n)
        return h, c, True
    if shape == "tree":
        d = tree_depth(n)
        return make_tree(d), tree_size(d), True
    if shape == "tree_td":
        d = tree_depth(n)
        root = [None, None]
        populate(root, d)
        return root, tree_size(d), True
    raise SystemExit("unknown shape: " + shape)


def emit(d):
    print(json.dumps(d), flush=True)


def collect_once(shape, n):
    gc.collect()
    gc.disable()
    holder, objects, live = build(shape, n)
    if not live:
        # Garbage shapes: the holder list goes; the cycles stay for the collector.
        holder.clear()
        del holder
        holder = None
    t0 = time.perf_counter_ns()
    gc.collect()
    ns = time.perf_counter_ns() - t0
    del holder
    gc.collect()
    return ns, objects


def drop_tree_once(n):
    gc.collect()
    gc.disable()
    root, objects, _ = build("tree_td", n)
    t0 = time.perf_counter_ns()
    root = None
    ns = time.perf_counter_ns() - t0
    return ns, objects


def young_collections(n, iters, young=700):
    """gc.collect(0) of `young` new lists (held by a new list), each pointing at an old node."""
    gc.collect()
    gc.disable()
    nodes, objects = random_graph(n)
    gc.collect()  # the graph goes to the oldest generation
    olds = [nodes[(i * 1429) % n] for i in range(young)]
    times = []
    for _ in range(iters):
        gc.collect(0)  # nothing young left over from the previous round
        holder = [None] * young
        for i in range(young):
            holder[i] = [olds[i], None]
        t0 = time.perf_counter_ns()
        gc.collect(0)
        times.append(time.perf_counter_ns() - t0)
        holder = None
    del nodes, olds
    gc.collect()
    return times, objects


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=float, default=1e6)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--shapes", default="cyc2,cyc10,ring,random,tree,tree_td")
    ap.add_argument("--young-iters", type=int, default=200)
    a = ap.parse_args()
    n = int(a.n)
    sys.setrecursionlimit(10000)
    emit({"kind": "python", "version": platform.python_version(),
          "implementation": platform.python_implementation()})
    for shape in a.shapes.split(","):
        times = []
        objects = 0
        for _ in range(a.reps):
            ns, objects = collect_once(shape, n)
            times.append(ns)
        med = statistics.median(times)
        emit({"kind": "collect", "shape": shape, "n": n, "objects": objects, "ns": times,
              "median_ns": med, "ns_per_object": med / objects})
    times = []
    objects = 0
    for _ in range(a.reps):
        ns, objects = drop_tree_once(n)
        times.append(ns)
    med = statistics.median(times)
    emit({"kind": "drop_tree", "shape": "tree_td", "n": n, "objects": objects, "ns": times,
          "median_ns": med, "ns_per_object": med / objects})
    if a.young_iters > 0:
        times, old = young_collections(n, a.young_iters)
        med = statistics.median(times)
        emit({"kind": "young", "shape": "random", "n": n, "objects": 700, "old_objects": old,
              "median_ns": med, "ns_per_object": med / 700})
    gc.enable()


if __name__ == "__main__":
    main()
