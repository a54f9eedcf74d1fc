package dev.gclab.gc.plan.generational;

import dev.gclab.gc.spi.BarrierKind;
import dev.gclab.gc.spi.Constraints;
import dev.gclab.heap.object.ObjectModel;

/**
 * What {@code generational} needs from the heap and the mutator (MMTk's {@code GenConstraints}), and
 * the object-header bits it uses, declared here and in {@link Constraints#headerBits()}:
 *
 * <pre>
 *   bits 17..20  AGE     minor collections a young object survived (promote_age &gt; 0 only; 0 when old)
 *   bit  21      LOGGED  the object is in the object log (barrier=object only; never set on young objects)
 * </pre>
 *
 * Bit 16 stays the heap's header mark bit ({@code --mark-bits header}); with {@code nursery=sticky} it is
 * the sticky mark, like the side mark bit: set on every old object between collections.
 *
 * <p>Barrier: {@link BarrierKind#GENERATIONAL}, after the store, given the object, the slot and the new
 * value. The copying nursery moves objects (pinned and large ones excepted: their spans are promoted in
 * place); the sticky variant moves nothing.
 */
final class GenConstraints {
    static final int AGE_SHIFT = 17;
    static final long AGE_MASK = 0xFL;
    static final long AGE_BITS = AGE_MASK << AGE_SHIFT;
    static final int MAX_AGE = (int) AGE_MASK;
    static final long LOGGED = 1L << 21;
    static final long HEADER_BITS = AGE_BITS | LOGGED;

    /** What the provider declares (the copying nursery: the variant that moves). */
    static final Constraints COPYING = new Constraints(true, BarrierKind.GENERATIONAL, false, true, false, true, HEADER_BITS);
    /** {@code nursery=sticky}: nothing moves (so every pin is honoured trivially). */
    static final Constraints STICKY = new Constraints(false, BarrierKind.GENERATIONAL, false, true, false, true, LOGGED);

    static {
        if ((HEADER_BITS & (ObjectModel.FIRST_COLLECTOR_FLAG - 1)) != 0) throw new AssertionError("header bits below the collectors' flags");
    }

    private GenConstraints() {}

    static int age(long header) { return (int) ((header >>> AGE_SHIFT) & AGE_MASK); }
    static long withAge(long header, int age) { return (header & ~AGE_BITS) | ((long) age << AGE_SHIFT); }
}
