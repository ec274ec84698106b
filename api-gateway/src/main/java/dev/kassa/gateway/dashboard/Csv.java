package dev.kassa.gateway.dashboard;

/** A CSV cell: quoted when needed, and never a formula a spreadsheet would run (=, +, -, @ first get a quote). */
final class Csv {

    private Csv() {
    }

    static String cell(String value) {
        String v = value == null ? "" : value;
        if (!v.isEmpty() && "=+-@\t\r".indexOf(v.charAt(0)) >= 0) {
            v = "'" + v;
        }
        if (v.contains(",") || v.contains("\"") || v.contains("\n") || v.contains("\r")) {
            v = "\"" + v.replace("\"", "\"\"") + "\"";
        }
        return v;
    }
}
