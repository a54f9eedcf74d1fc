package dev.gclab.gc.spi;

/** The write barrier a collector needs from the mutator. */
public enum BarrierKind {
    /** No barrier: stop-the-world, non-generational tracing. */
    NONE,
    /** Increment the new referent's count, decrement the old one's (also on roots and handles). */
    REFCOUNT,
    /** Mark the card (or remember the object) when an old object gets a young reference. */
    GENERATIONAL,
    /** Snapshot-at-the-beginning: grey the overwritten referent while marking. */
    SATB,
    /** Incremental update: grey the new referent stored into a black object while marking. */
    INCREMENTAL_UPDATE
}
