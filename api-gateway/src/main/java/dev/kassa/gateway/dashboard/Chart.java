package dev.kassa.gateway.dashboard;

import dev.kassa.gateway.views.DayFigures;
import java.time.LocalDate;
import java.util.Map;

/**
 * The overview's chart, made on the server as SVG (no script, no chart library to load): per day, the sessions
 * created (light bar) and how many of them are paid (dark bar), with a text alternative for screen readers.
 */
final class Chart {

    private static final int WIDTH = 600;
    private static final int HEIGHT = 160;

    private Chart() {
    }

    static String svg(Map<Long, DayFigures> days, long fromDay, long toDay) {
        long max = 1;
        long total = 0;
        long paid = 0;
        for (DayFigures d : days.values()) {
            max = Math.max(max, d.get("sessions"));
            total += d.get("sessions");
            paid += d.get("paid");
        }
        int n = (int) (toDay - fromDay + 1);
        double slot = (double) WIDTH / n;
        StringBuilder svg = new StringBuilder();
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT + 20)
                .append("\" role=\"img\" aria-labelledby=\"chart-title\" class=\"chart\"><title id=\"chart-title\">Sessions and paid sessions per day, ")
                .append(LocalDate.ofEpochDay(fromDay)).append(" to ").append(LocalDate.ofEpochDay(toDay)).append(": ").append(total)
                .append(" sessions, ").append(paid).append(" paid</title>");
        for (int i = 0; i < n; i++) {
            DayFigures d = days.get(fromDay + i);
            long s = d == null ? 0 : d.get("sessions");
            long p = d == null ? 0 : d.get("paid");
            int hs = (int) Math.round((double) s / max * HEIGHT);
            int hp = (int) Math.round((double) p / max * HEIGHT);
            int x = (int) Math.round(i * slot + 1);
            int w = Math.max(1, (int) Math.floor(slot - 2));
            svg.append("<rect x=\"").append(x).append("\" y=\"").append(HEIGHT - hs).append("\" width=\"").append(w).append("\" height=\"")
                    .append(hs).append("\" fill=\"#b8c7e0\"/>");
            svg.append("<rect x=\"").append(x).append("\" y=\"").append(HEIGHT - hp).append("\" width=\"").append(w).append("\" height=\"")
                    .append(hp).append("\" fill=\"#1f4e99\"/>");
        }
        svg.append("<text x=\"0\" y=\"").append(HEIGHT + 15).append("\" font-size=\"11\" fill=\"#444\">").append(LocalDate.ofEpochDay(fromDay))
                .append("</text><text x=\"").append(WIDTH).append("\" y=\"").append(HEIGHT + 15)
                .append("\" font-size=\"11\" fill=\"#444\" text-anchor=\"end\">").append(LocalDate.ofEpochDay(toDay)).append("</text></svg>");
        return svg.toString();
    }
}
