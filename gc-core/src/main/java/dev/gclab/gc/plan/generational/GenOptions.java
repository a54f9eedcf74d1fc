package dev.gclab.gc.plan.generational;

import dev.gclab.gc.spi.CollectorOptions;
import dev.gclab.gc.spi.CommonOptions;
import dev.gclab.heap.Heap;
import dev.gclab.heap.HeapConfig;
import dev.gclab.heap.span.SizeClasses;

import java.util.Map;
import java.util.Set;

/**
 * The knobs of {@code generational} ({@code -o key=value}), parsed and checked once.
 *
 * <ul>
 *   <li>{@code barrier=cards|object|ssb} (default {@code cards}): the remembered set ({@link RememberedSet});</li>
 *   <li>{@code card=N} (bytes per card, a power of two from 128 to 8192, default 512): {@code barrier=cards} only;</li>
 *   <li>{@code nursery=SIZE|sticky}: the nursery's size, which is the mutator's allocation budget between
 *       minor collections (e.g. {@code 4m}; default {@link #defaultNurseryBytes}: a 32nd of the heap, between
 *       256 KiB and 8 MiB), or the non-moving variant with sticky mark bits;</li>
 *   <li>{@code budget=SIZE} ({@code nursery=sticky} only): the sticky variant's allocation budget between
 *       minor collections (default: the default nursery size);</li>
 *   <li>{@code promote_age=N} (0..{@value GenConstraints#MAX_AGE}, default 0): survivors stay young for N
 *       minor collections (copied within the young range, their age in header bits) and are promoted at
 *       the next; 0 promotes every survivor at once. A minor collection copies at most a quarter of the
 *       nursery within it (the survivor space); later survivors are promoted early. Not with
 *       {@code nursery=sticky} (it promotes at once).</li>
 * </ul>
 *
 * @param barrier       the remembered set
 * @param cardBytes     bytes per card ({@code barrier=cards})
 * @param sticky        the non-moving variant
 * @param budgetBytes   bytes the mutator allocates between minor collections (the nursery's size)
 * @param reserveBytes  the young range reserved for the copying nursery: the budget, room for fragmentation
 *                      across size classes and, with aging, for survivors copied within it (0 when sticky)
 * @param promoteAge    minor collections a survivor spends young before it is promoted
 * @param pretenureBytes arrays at least this large are allocated old at once (copying nursery only)
 */
record GenOptions(Barrier barrier, int cardBytes, boolean sticky, long budgetBytes, long reserveBytes, int promoteAge, long pretenureBytes) {
    static final String NAME = GenerationalProvider.NAME;
    static final Set<String> KNOBS = Set.of("barrier", "budget", "card", "nursery", "promote_age");
    static final long MIN_NURSERY = 64L << 10;

    enum Barrier { CARDS, OBJECT, SSB }

    /** The default nursery: a 32nd of the heap, at least 256 KiB and at most 8 MiB, in whole pages. */
    static long defaultNurseryBytes(long heapBytes) {
        long b = Math.max(256L << 10, Math.min(8L << 20, heapBytes / 32));
        return b & -SizeClasses.PAGE_BYTES;
    }

    static GenOptions parse(Heap heap, CollectorOptions options) {
        Map<String, String> o = options.extra();
        CommonOptions.requireKnown(NAME, o, KNOBS);
        String b = o.getOrDefault("barrier", "cards");
        Barrier barrier = switch (b) {
            case "cards" -> Barrier.CARDS;
            case "object" -> Barrier.OBJECT;
            case "ssb" -> Barrier.SSB;
            default -> throw bad("barrier", b, "cards, object or ssb");
        };
        int card = 512;
        if (o.containsKey("card")) {
            if (barrier != Barrier.CARDS) throw new IllegalArgumentException(NAME + ": option card applies only to barrier=cards (barrier is " + b + ")");
            long c = size("card", o.get("card"), "a power of two from 128 to 8192 bytes");
            if (c < 128 || c > 8192 || Long.bitCount(c) != 1) throw bad("card", o.get("card"), "a power of two from 128 to 8192 bytes");
            card = (int) c;
        }
        String n = o.getOrDefault("nursery", "");
        boolean sticky = n.equals("sticky");
        String key = sticky ? "budget" : "nursery";
        String sizeText = sticky ? o.getOrDefault("budget", "") : n;
        if (!sticky && o.containsKey("budget")) throw new IllegalArgumentException(NAME + ": option budget applies only to nursery=sticky (the copying nursery's budget is its size: nursery=SIZE)");
        long heapBytes = heap.maxBytes();
        String valid = String.format("a size from %d KiB to half the heap (%d KiB)%s", MIN_NURSERY >> 10, heapBytes / 2 >> 10, sticky ? "" : ", or 'sticky'");
        long budget = sizeText.isEmpty() ? defaultNurseryBytes(heapBytes) : size(key, sizeText, valid);
        budget = (budget + SizeClasses.PAGE_BYTES - 1) & -SizeClasses.PAGE_BYTES;
        if (budget < MIN_NURSERY || budget > heapBytes / 2) throw bad(key, sizeText, valid);
        int age = 0;
        if (o.containsKey("promote_age")) {
            try {
                age = Integer.parseInt(o.get("promote_age"));
            } catch (NumberFormatException e) {
                throw bad("promote_age", o.get("promote_age"), "an integer from 0 to " + GenConstraints.MAX_AGE);
            }
            if (age < 0 || age > GenConstraints.MAX_AGE) throw bad("promote_age", o.get("promote_age"), "an integer from 0 to " + GenConstraints.MAX_AGE);
            if (sticky && age > 0) throw new IllegalArgumentException(NAME + ": promote_age needs the copying nursery; nursery=sticky promotes every survivor at once");
        }
        long reserve = 0;
        if (!sticky) {
            // Slack for spans of many size classes (each takes whole pages), and with aging room for survivor copies.
            reserve = budget + budget / 4 + (128L << 10) + (age > 0 ? budget / 4 : 0); // survivors copied per minor: at most budget / 4
            reserve = Math.min(reserve, Math.max(budget, heapBytes / 2));
        }
        // Large arrays bigger than a quarter of the nursery would crowd it (a survivor is promoted in place and keeps its pages): they are born old.
        long pretenure = Math.max(SizeClasses.MAX_SMALL_SIZE + 1, budget / 4);
        return new GenOptions(barrier, card, sticky, budget, reserve, age, pretenure);
    }

    private static long size(String key, String value, String valid) {
        try {
            return HeapConfig.parseSize(value);
        } catch (IllegalArgumentException e) {
            throw bad(key, value, valid);
        }
    }

    private static IllegalArgumentException bad(String key, String value, String valid) {
        return new IllegalArgumentException(NAME + ": " + key + " must be " + valid + ", not '" + value + "'");
    }
}
