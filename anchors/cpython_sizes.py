#!/usr/bin/env python3
"""gclab's CPython layout anchor: the memory size of the objects equivalent to gclab's layouts.

For each object named on the command line, prints its __sizeof__() (the object's own bytes, and
for list, bytearray and array.array also their separately malloc'ed item buffer), sys.getsizeof()
(adds the GC header of objects the cyclic collector tracks) and the part of __sizeof__ that lives
in a separate block (the same type's empty __sizeof__ subtracted). Stdlib only.

Objects: slots:K (an instance of a class with K __slots__, all set to None), list:K, tuple:K
(K elements, None), array_d:K (array.array('d') of K zeros), bytes:K, bytearray:K.

Output: JSON lines on stdout, one "python" line, then one "size" line per object.

    python3 anchors/cpython_sizes.py slots:2 list:2 tuple:2 array_d:1000 bytes:100
"""
import array
import json
import platform
import sys


def slots_class(k):
    names = tuple("f%d" % i for i in range(k))
    return type("Slots%d" % k, (), {"__slots__": names})


def make(kind, k):
    """The object, and an empty object of the same type (None when the type has no separate block)."""
    if kind == "slots":
        obj = slots_class(k)()
        for name in obj.__slots__:
            setattr(obj, name, None)
        return obj, None
    if kind == "list":
        return [None] * k, []
    if kind == "tuple":
        return tuple([None] * k), None
    if kind == "array_d":
        return array.array("d", [0.0]) * k, array.array("d")  # repeat allocates exactly k items
    if kind == "bytes":
        return bytes(k), None
    if kind == "bytearray":
        return bytearray(k), bytearray()
    raise ValueError("unknown object kind %r (expected slots, list, tuple, array_d, bytes, bytearray)" % kind)


def main(argv):
    if not argv:
        print("usage: cpython_sizes.py KIND:K ...", file=sys.stderr)
        return 2
    print(json.dumps({"kind": "python", "version": platform.python_version(),
                      "implementation": platform.python_implementation(),
                      "pointer_bytes": 8 if sys.maxsize > 2 ** 32 else 4}))
    for token in argv:
        kind, _, k = token.partition(":")
        try:
            obj, empty = make(kind, int(k))
        except ValueError as e:
            print("cpython_sizes.py: %s: %s" % (token, e), file=sys.stderr)
            return 2
        own = obj.__sizeof__()
        separate = 0 if empty is None else own - empty.__sizeof__()
        print(json.dumps({"kind": "size", "object": token, "type": type(obj).__name__, "sizeof": own,
                          "getsizeof": sys.getsizeof(obj), "separate_block": separate}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
