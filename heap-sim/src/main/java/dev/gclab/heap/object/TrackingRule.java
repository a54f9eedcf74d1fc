package dev.gclab.heap.object;

/**
 * When a reference-counting collector's cycle detector tracks objects of a layout (CPython's rules
 * for containers, {@code gc.is_tracked}). Tracing collectors ignore it. Layouts without reference
 * slots are never tracked (atomic objects).
 */
public enum TrackingRule {
    /** Tracked from creation until death (lists, class instances). */
    ALWAYS,
    /**
     * Tuple-like: tracked at creation; a collection that finds none of its items may be tracked
     * (every item null, atomic, or an untracked tuple) untracks it.
     */
    TUPLE,
    /**
     * Dict-like: created untracked; tracked when an item that may be tracked is stored into it; a full
     * collection that finds none of its items may be tracked untracks it again.
     */
    DICT
}
