package dev.kassa.gateway.dashboard;

import dev.kassa.gateway.kafka.OfferStore;
import dev.kassa.gateway.kafka.SessionReads;
import dev.kassa.gateway.views.SessionViews;
import dev.kassa.model.Money;
import dev.kassa.model.PaymentLinkMeta;
import dev.kassa.schemas.avro.PaymentLink;
import dev.kassa.schemas.avro.SessionState;
import dev.kassa.schemas.avro.SessionStatus;
import io.micronaut.http.HttpRequest;
import jakarta.inject.Singleton;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The payments list's search: filters from the query, and the walk over the merchant's list view that serves them
 * (an order id is one lookup in the order index; a status is filtered in the view; e-mail and dates here, over at most
 * one page of the view (5,000 sessions) per request, so a filter that matches little costs a bounded walk and a link on).
 */
@Singleton
final class PaymentSearch {

    /**
     * Pages of the view (each at most {@link SessionViews#PAGE_SCAN_LIMIT} sessions looked at) one request may walk for
     * a filter: one, so that a status nobody has costs ~15 ms of CPU at a million sessions, not ten times that; the page
     * then ends early with a link on.
     */
    static final int WALK_PAGES = 1;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);

    private final OfferStore offerStore;
    private final SessionReads sessionReads;
    private final SessionViews views;

    PaymentSearch(OfferStore offerStore, SessionReads sessionReads, SessionViews views) {
        this.offerStore = offerStore;
        this.sessionReads = sessionReads;
        this.views = views;
    }

    /** What the payments list shows of a session. */
    /**
     * What the pages show of a session, as a map: Thymeleaf's expressions read a map's entries directly, where a
     * record's accessors cost a reflective miss per field and row (measured: a 50-row page took ~16 ms of CPU).
     */
    static Map<String, Object> row(SessionState s, OfferStore offerStore) {
        Map<String, Object> row = new HashMap<>();
        // A session made through a payment link or a product page is named by what was sold, not its generated order id.
        String linkId = PaymentLinkMeta.linkOf(s.getMetaJson());
        PaymentLink link = linkId == null ? null : offerStore.link(linkId);
        row.put("orderLabel", link != null && link.getMerchantId() == s.getMerchantId() ? "Payment link: " + link.getDescription()
                : s.getOrderId().startsWith("product:") && s.getMetaJson().contains("\"product\"") ? "Product: " + s.getOrderId().substring("product:".length())
                : s.getOrderId());
        row.put("id", s.getSessionId());
        row.put("created", TIME.format(s.getCreatedAt()));
        row.put("orderId", s.getOrderId());
        row.put("status", s.getStatus().name().toLowerCase(Locale.ROOT));
        row.put("amount", Money.toDecimal(s.getAmountMinor(), s.getCurrency()));
        row.put("currency", s.getCurrency());
        row.put("refunded", Money.toDecimal(s.getRefundedMinor(), s.getCurrency()));
        row.put("email", s.getCustomerEmail() == null ? "" : s.getCustomerEmail());
        row.put("provider", s.getProvider() == null ? "" : s.getProvider());
        row.put("href", "/dashboard/sessions/" + s.getSessionId());
        return row;
    }

    /** {@link #row(SessionState, OfferStore)} with this gateway's links. */
    Map<String, Object> rowOf(SessionState s) {
        return row(s, offerStore);
    }

    /** The payments list's filters, from the query. */
    record Filter(String status, String orderId, String email, String from, String to, SessionViews.Cursor after, String error) {

        static Filter of(HttpRequest<?> request) {
            var q = request.getParameters();
            String status = q.get("status") == null ? "" : q.get("status").trim().toLowerCase(Locale.ROOT);
            String order = q.get("order_id") == null ? "" : q.get("order_id").trim();
            String email = q.get("email") == null ? "" : q.get("email").trim().toLowerCase(Locale.ROOT);
            String from = q.get("from") == null ? "" : q.get("from").trim();
            String to = q.get("to") == null ? "" : q.get("to").trim();
            String after = q.get("after") == null ? "" : q.get("after").trim();
            String error = null;
            if (!status.isEmpty() && !List.of("created", "pending", "paid", "failed", "expired", "cancelled", "review", "refunded").contains(status)) {
                error = "Choose a status from the list.";
            } else if (order.length() > 255 || email.length() > 254) {
                error = "The order id or e-mail is too long.";
            } else if (!date(from) || !date(to)) {
                error = "Dates are written as 2026-03-01.";
            }
            SessionViews.Cursor cursor = SessionViews.Cursor.FIRST;
            if (!after.isEmpty()) {
                Matcher m = Pattern.compile("c_([0-9]{1,18})_([0-9]{1,18})").matcher(after);
                if (m.matches()) {
                    cursor = new SessionViews.Cursor(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)));
                } else {
                    error = "That page link is not valid; start from the first page.";
                }
            }
            if (cursor == SessionViews.Cursor.FIRST && !to.isEmpty() && error == null) {
                // Newest first: the list starts at the end of the 'to' day.
                cursor = new SessionViews.Cursor(LocalDate.parse(to).plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli() - 1, -1);
            }
            return new Filter(status, order, email, from, to, cursor, error);
        }

        private static boolean date(String s) {
            if (s.isEmpty()) {
                return true;
            }
            try {
                LocalDate.parse(s);
                return true;
            } catch (DateTimeParseException e) {
                return false;
            }
        }

        /** As the page reads it (a map: see {@link PaymentSearch#row}). */
        Map<String, Object> view() {
            return Map.of("status", status, "orderId", orderId, "email", email, "from", from, "to", to);
        }

        Filter after(SessionViews.Cursor next) {
            return new Filter(status, orderId, email, from, to, next, error);
        }

        long fromMillis() {
            return from.isEmpty() ? Long.MIN_VALUE : LocalDate.parse(from).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
        }

        boolean matches(SessionState s) {
            return (status.isEmpty() || s.getStatus().name().equalsIgnoreCase(status))
                    && (email.isEmpty() || email.equalsIgnoreCase(s.getCustomerEmail() == null ? "" : s.getCustomerEmail()))
                    && (to.isEmpty() || !s.getCreatedAt().isAfter(LocalDate.parse(to).plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().minusMillis(1)))
                    && s.getCreatedAt().toEpochMilli() >= fromMillis();
        }

        /** The query string of these filters, with {@code name=value} added (the page links). */
        String query(String name, String value) {
            StringBuilder q = new StringBuilder();
            add(q, "status", status);
            add(q, "order_id", orderId);
            add(q, "email", email);
            add(q, "from", from);
            add(q, "to", to);
            if (name != null) {
                add(q, name, value);
            }
            return q.toString();
        }

        private static void add(StringBuilder q, String name, String value) {
            if (value != null && !value.isEmpty()) {
                q.append(q.length() == 0 ? "" : "&").append(name).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
            }
        }
    }

    /** What a search found, and where the next page starts (null: no more). */
    record Found(List<SessionState> sessions, SessionViews.Cursor next) {
    }

    /**
     * The sessions the filter matches, newest first, at most {@code limit}: an order id is one lookup; otherwise pages of
     * the merchant's list (status filtered in the view, e-mail and dates here), at most WALK_PAGES pages of the view per
     * question, so an e-mail nobody used costs a bounded walk and a "next" link, not a scan of everything.
     */
    Found find(long merchantId, Filter filter, int limit) throws InterruptedException {
        if (!filter.orderId().isEmpty()) {
            SessionState s = sessionReads.sessionByOrder(merchantId, filter.orderId());
            return new Found(s != null && filter.matches(s) ? List.of(s) : List.of(), null);
        }
        Set<SessionStatus> statuses = filter.status().isEmpty() ? EnumSet.noneOf(SessionStatus.class)
                : EnumSet.of(SessionStatus.valueOf(filter.status().toUpperCase(Locale.ROOT)));
        List<SessionState> found = new ArrayList<>();
        SessionViews.Cursor cursor = filter.after();
        long from = filter.fromMillis();
        for (int page = 0; page < WALK_PAGES && found.size() < limit; page++) {
            SessionViews.Page p = views.merchantSessions(merchantId, cursor, limit - found.size(), statuses);
            for (SessionState s : p.sessions()) {
                if (s.getCreatedAt().toEpochMilli() < from) {
                    return new Found(found, null); // older than 'from': so is everything after it
                }
                if (filter.matches(s)) {
                    found.add(s);
                }
                cursor = new SessionViews.Cursor(s.getCreatedAt().toEpochMilli(), s.getSessionId());
            }
            if (p.next() == null) {
                return new Found(found, null);
            }
            cursor = p.next();
        }
        return new Found(found, cursor);
    }
}
