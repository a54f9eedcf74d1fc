package dev.gclab.reports.report;

/** HTML text helpers: every string that comes from an input file goes through {@link #esc}. */
final class Html {
    private Html() {}

    /** Escapes {@code & < > " '} for element text and attribute values alike. */
    static String esc(String s) {
        if (s == null) return "";
        StringBuilder sb = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> {
                    if (c < 0x20 && c != '\n' && c != '\t' && c != '\r') sb.append("&#xFFFD;"); // control characters are not allowed in HTML
                    else sb.append(c);
                }
            }
        }
        return sb.toString();
    }
}
