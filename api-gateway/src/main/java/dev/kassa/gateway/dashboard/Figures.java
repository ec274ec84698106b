package dev.kassa.gateway.dashboard;

import dev.kassa.gateway.views.DayFigures;
import dev.kassa.model.Money;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** The overview's figures over some days: sessions created, of them paid, conversion, paid volume per currency. */
record Figures(long sessions, long paid, String conversion, List<String> volumes) {

    static Figures of(Map<Long, DayFigures> days) {
        long sessions = 0;
        long paid = 0;
        Map<String, Long> volume = new TreeMap<>();
        for (DayFigures day : days.values()) {
            sessions += day.get("sessions");
            paid += day.get("paid");
            day.all().forEach((name, value) -> {
                if (name.startsWith("paid_minor:")) {
                    volume.merge(name.substring("paid_minor:".length()), value, Long::sum);
                }
            });
        }
        List<String> volumes = new ArrayList<>();
        volume.forEach((currency, minor) -> {
            if (minor != 0) {
                volumes.add(Money.toDecimal(minor, currency) + " " + currency);
            }
        });
        String conversion = sessions == 0 ? "–" : String.format(Locale.ROOT, "%.1f %%", 100.0 * paid / sessions);
        return new Figures(sessions, paid, conversion, volumes);
    }

    /** As the page reads it (a map: see {@link PaymentSearch#row}); the volumes joined, or a dash. */
    Map<String, Object> view() {
        return Map.of("sessions", sessions, "paid", paid, "conversion", conversion,
                "volumes", volumes.isEmpty() ? "–" : String.join(", ", volumes));
    }
}
