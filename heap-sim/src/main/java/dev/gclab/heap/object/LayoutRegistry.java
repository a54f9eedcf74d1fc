package dev.gclab.heap.object;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The layouts of a heap, kept as parallel primitive arrays indexed by layout id so that the hot
 * paths (allocation, marking, barriers) read an {@code int} or a {@code long}, never a Java object.
 *
 * <p>A fixed layout is described by a string of field kinds, one letter per 8-byte word: {@code r}
 * for a reference, {@code d} for data (e.g. {@code "rrd"}: two references then a data word). Its
 * pointer bitmap has bit {@code w} set when word {@code w} is a reference; scanning walks the set bits
 * with trailing-zero counts. Fixed layouts have at most 64 words; larger objects are arrays.
 * Reference slot {@code i} is the i-th reference word; data index {@code j} the j-th data word.
 *
 * <p>Every heap has three built-in array layouts: {@link #REF_ARRAY} ({@code ref[]}),
 * {@link #BYTE_ARRAY} ({@code byte[]}) and {@link #LONG_ARRAY} ({@code long[]}, also for doubles).
 */
public final class LayoutRegistry {
    public static final int REF_ARRAY = 1;
    public static final int BYTE_ARRAY = 2;
    public static final int LONG_ARRAY = 3;
    public static final int MAX_FIXED_WORDS = 64;
    /** Ids are 16 bits; 0xFFFF is the forwarding header's ({@link ObjectModel#FORWARDED}). */
    private static final int MAX_LAYOUTS = ObjectModel.FORWARDED;

    private int count = 1; // id 0 is reserved: never a layout
    private String[] names = new String[16];
    private LayoutKind[] kinds = new LayoutKind[16];
    private long[] pointerMask = new long[16];
    private int[] refCount = new int[16];
    private int[] dataCount = new int[16];
    private int[] fixedBytes = new int[16];
    private int[] elementShift = new int[16];
    private int[][] refWord = new int[16][];
    private int[][] dataWord = new int[16][];
    private int[] spanClass = new int[16];
    private TrackingRule[] tracking = new TrackingRule[16];
    private boolean tupleLayouts, dictLayouts;
    private final Map<String, Integer> byName = new HashMap<>();

    public LayoutRegistry() {
        registerArray("ref[]", LayoutKind.REF_ARRAY, 3);
        registerArray("byte[]", LayoutKind.DATA_ARRAY, 0);
        registerArray("long[]", LayoutKind.DATA_ARRAY, 3);
    }

    /**
     * Registers (or finds, if the same name and fields were registered before) a fixed layout.
     *
     * @param fields one letter per 8-byte word: 'r' reference, 'd' data
     * @return the layout id
     */
    public int fixed(String name, String fields) { return fixed(name, fields, TrackingRule.ALWAYS); }

    /**
     * Registers (or finds) a fixed layout whose objects a cycle detector tracks by {@code rule}
     * (tuple-like, dict-like; see {@link TrackingRule}).
     */
    public int fixed(String name, String fields, TrackingRule rule) {
        Integer existing = byName.get(name);
        if (existing != null) {
            int id = existing;
            if (kinds[id] != LayoutKind.FIXED || !fields.equals(describe(id)) || tracking[id] != rule) {
                throw new IllegalArgumentException("layout '" + name + "' is already registered as " + describe(id)
                    + (tracking[id] != TrackingRule.ALWAYS ? " (" + tracking[id] + ")" : ""));
            }
            return id;
        }
        if (fields.length() > MAX_FIXED_WORDS) {
            throw new IllegalArgumentException("layout '" + name + "' has " + fields.length()
                + " words; fixed layouts have at most " + MAX_FIXED_WORDS + " (use an array)");
        }
        long mask = 0;
        List<Integer> refs = new ArrayList<>();
        List<Integer> data = new ArrayList<>();
        for (int w = 0; w < fields.length(); w++) {
            char c = fields.charAt(w);
            if (c == 'r') { mask |= 1L << w; refs.add(w); }
            else if (c == 'd') data.add(w);
            else throw new IllegalArgumentException("layout '" + name + "': field " + w + " is '" + c + "', expected 'r' or 'd'");
        }
        int id = newId(name, LayoutKind.FIXED);
        pointerMask[id] = mask;
        refCount[id] = refs.size();
        dataCount[id] = data.size();
        fixedBytes[id] = ObjectModel.HEADER_BYTES + 8 * fields.length();
        refWord[id] = refs.stream().mapToInt(Integer::intValue).toArray();
        dataWord[id] = data.stream().mapToInt(Integer::intValue).toArray();
        spanClass[id] = (dev.gclab.heap.span.SizeClasses.classOf(fixedBytes[id]) << 1) | (refs.isEmpty() ? 1 : 0);
        setTracking(id, rule);
        return id;
    }

    /**
     * Registers (or finds) a reference-array layout of its own name, e.g. a tuple-like {@code tuple}
     * ({@code ref[]} itself is list-like: always tracked).
     */
    public int refArray(String name, TrackingRule rule) {
        Integer existing = byName.get(name);
        if (existing != null) {
            int id = existing;
            if (kinds[id] != LayoutKind.REF_ARRAY || tracking[id] != rule) {
                throw new IllegalArgumentException("layout '" + name + "' is already registered as " + describe(id) + " (" + tracking[id] + ")");
            }
            return id;
        }
        registerArray(name, LayoutKind.REF_ARRAY, 3);
        int id = count - 1;
        setTracking(id, rule);
        return id;
    }

    private void setTracking(int id, TrackingRule rule) {
        tracking[id] = rule;
        if (rule == TrackingRule.TUPLE) tupleLayouts = true;
        if (rule == TrackingRule.DICT) dictLayouts = true;
    }

    /** How a cycle detector tracks objects of this layout. */
    public TrackingRule tracking(int id) { return tracking[id]; }
    /** True once a tuple-like layout is registered (the detector then untracks tuples). */
    public boolean hasTupleLayouts() { return tupleLayouts; }
    /** True once a dict-like layout is registered (the count barrier then tracks dicts on stores). */
    public boolean hasDictLayouts() { return dictLayouts; }

    private void registerArray(String name, LayoutKind kind, int elementShiftBits) {
        int id = newId(name, kind);
        elementShift[id] = elementShiftBits;
        fixedBytes[id] = ObjectModel.HEADER_BYTES;
    }

    private int newId(String name, LayoutKind kind) {
        if (count >= MAX_LAYOUTS) throw new IllegalStateException("too many layouts (max " + (MAX_LAYOUTS - 1) + ")");
        int id = count++;
        if (id >= names.length) grow();
        names[id] = name;
        kinds[id] = kind;
        tracking[id] = TrackingRule.ALWAYS;
        byName.put(name, id);
        return id;
    }

    private void grow() {
        int n = names.length * 2;
        names = java.util.Arrays.copyOf(names, n);
        kinds = java.util.Arrays.copyOf(kinds, n);
        pointerMask = java.util.Arrays.copyOf(pointerMask, n);
        refCount = java.util.Arrays.copyOf(refCount, n);
        dataCount = java.util.Arrays.copyOf(dataCount, n);
        fixedBytes = java.util.Arrays.copyOf(fixedBytes, n);
        elementShift = java.util.Arrays.copyOf(elementShift, n);
        refWord = java.util.Arrays.copyOf(refWord, n);
        dataWord = java.util.Arrays.copyOf(dataWord, n);
        spanClass = java.util.Arrays.copyOf(spanClass, n);
        tracking = java.util.Arrays.copyOf(tracking, n);
    }

    public boolean isValid(int id) { return id > 0 && id < count; }
    public int count() { return count; }
    public String name(int id) { return names[id]; }
    public LayoutKind kind(int id) { return kinds[id]; }
    public boolean isArray(int id) { return kinds[id] != LayoutKind.FIXED; }
    /** Pointer bitmap of a fixed layout: bit w set when word w is a reference. */
    public long pointerMask(int id) { return pointerMask[id]; }
    public int fixedRefCount(int id) { return refCount[id]; }
    public int fixedDataCount(int id) { return dataCount[id]; }
    /** Word index of reference slot {@code slot} of a fixed layout. */
    public int refWord(int id, int slot) { return refWord[id][slot]; }
    /** Word index of data field {@code index} of a fixed layout. */
    public int dataWord(int id, int index) { return dataWord[id][index]; }
    public int elementShift(int id) { return elementShift[id]; }
    /** True if objects of this layout can never hold references. */
    public boolean isNoScan(int id) {
        return kinds[id] == LayoutKind.DATA_ARRAY || (kinds[id] == LayoutKind.FIXED && refCount[id] == 0);
    }

    /** Number of reference slots of an object of this layout and length. */
    public int refSlots(int id, int length) {
        return switch (kinds[id]) {
            case FIXED -> refCount[id];
            case REF_ARRAY -> length;
            case DATA_ARRAY -> 0;
        };
    }

    /** Size in bytes (header included, a multiple of 8) of an object of this layout and length. */
    public long sizeOf(int id, int length) {
        return switch (kinds[id]) {
            case FIXED -> fixedBytes[id];
            case REF_ARRAY -> ObjectModel.HEADER_BYTES + 8L * length;
            case DATA_ARRAY -> ObjectModel.HEADER_BYTES + ((((long) length << elementShift[id]) + 7) & ~7L);
        };
    }

    /**
     * Span class ({@code sizeClass << 1 | noScan}) of a fixed layout's objects, fixed at registration;
     * 0 if {@code id} is not a fixed layout. One array load serves as the allocation's layout check.
     */
    public int fixedSpanClass(int id) {
        int[] sc = spanClass;
        return id > 0 && id < sc.length ? sc[id] : 0;
    }

    /** Size of a fixed layout's objects. */
    public int fixedSize(int id) { return fixedBytes[id]; }

    public Integer idOf(String name) { return byName.get(name); }

    /** The field string of a fixed layout, or a description of an array layout. */
    public String describe(int id) {
        if (kinds[id] == LayoutKind.FIXED) {
            StringBuilder sb = new StringBuilder();
            int words = (fixedBytes[id] - ObjectModel.HEADER_BYTES) / 8;
            for (int w = 0; w < words; w++) sb.append((pointerMask[id] >>> w & 1) != 0 ? 'r' : 'd');
            return sb.toString();
        }
        return kinds[id] + "(element " + (1 << elementShift[id]) + " B)";
    }
}
