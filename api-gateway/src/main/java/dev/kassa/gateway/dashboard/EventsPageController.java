package dev.kassa.gateway.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kassa.gateway.shared.Json;
import dev.kassa.gateway.views.MerchantFeed;
import dev.kassa.gateway.views.SessionViews;
import dev.kassa.model.WebhookTypes;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.Hidden;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code GET /dashboard/events}: the merchant's events feed as a page, oldest first, what {@code /gateway/events.php}
 * answers: each event's type, session and time, and its webhook body to unfold (a {@code <details>}: no script). A type
 * filter (one type, or a family such as {@code refund.*}); paged with the feed's cursor.
 */
@Controller("/dashboard")
@ExecuteOn(TaskExecutors.BLOCKING)
@Hidden
class EventsPageController {

    private static final int PAGE_SIZE = 50;
    private static final Pattern AFTER = Pattern.compile("[0-9]{1,19}");

    private final MerchantFeed feed;
    private final DashboardPages pages;

    EventsPageController(SessionViews views, DashboardPages pages) {
        this.feed = new MerchantFeed(views);
        this.pages = pages;
    }

    @Get("/events")
    HttpResponse<?> events(DashboardSessions.Principal who, HttpRequest<?> request) throws Exception {
        String type = request.getParameters().getFirst("type").orElse("").trim();
        String after = request.getParameters().getFirst("after").orElse("").trim();
        Map<String, Object> model = pages.base(who, "Events", "events");
        List<String> choices = new ArrayList<>(List.of("checkout.session.*", "refund.*"));
        choices.addAll(WebhookTypes.CATALOGUE.subList(0, WebhookTypes.CATALOGUE.indexOf(WebhookTypes.ENDPOINT_DISABLED)));
        model.put("types", choices);
        model.put("type", type);
        Matcher position = AFTER.matcher(after);
        if ((!type.isEmpty() && !choices.contains(type)) || (!after.isEmpty() && !position.matches())) {
            model.put("error", "That filter or page is not one this page offers; choose a type from the list.");
            model.put("rows", List.of());
            return pages.render(HttpStatus.BAD_REQUEST, "dashboard/events", model);
        }
        long from = after.isEmpty() ? -1 : Long.parseLong(after);
        MerchantFeed.Page page = feed.after(who.merchantId(), from, PAGE_SIZE, type.isEmpty() ? Set.of() : Set.of(type));
        List<Map<String, Object>> rows = new ArrayList<>();
        for (MerchantFeed.Entry entry : page.events()) {
            Map<String, Object> row = new LinkedHashMap<>();
            JsonNode body = Json.MAPPER.readTree(entry.body());
            row.put("type", entry.type());
            row.put("session", body.path("session_id").asText());
            row.put("href", "/dashboard/sessions/" + body.path("session_id").asText());
            row.put("at", body.path("sent_at").asText());
            row.put("body", Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(body));
            row.put("bytes", entry.body().length);
            rows.add(row);
        }
        model.put("rows", rows);
        model.put("next", page.hasMore() ? "/dashboard/events?" + (type.isEmpty() ? "" : "type=" + enc(type) + "&") + "after=" + page.next()
                : null);
        return pages.render(HttpStatus.OK, "dashboard/events", model);
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
