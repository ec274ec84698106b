package dev.kassa.gateway.merchant;

import dev.kassa.gateway.shared.ApiError;
import dev.kassa.gateway.shared.GatewaySettings;
import dev.kassa.gateway.views.FeedWrites;
import dev.kassa.gateway.views.MerchantFeed;
import dev.kassa.gateway.views.SessionViews;
import dev.kassa.model.ErrorCode;
import dev.kassa.model.WebhookTypes;
import dev.kassa.schemas.avro.Merchant;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code GET /gateway/events.php}: the merchant's events, oldest first, each body exactly its webhook's (same
 * {@code event_id}, {@code type}, fields), so a merchant whose endpoint was down reconciles from here. Served from the
 * merchant partition's feed store (one seek per page); the cursor is the position in that partition, so it holds
 * across restarts and gateways. The answer is written by hand around the stored bodies: re-encoding them would not
 * keep them byte for byte.
 */
@Controller
@ExecuteOn(TaskExecutors.BLOCKING)
class EventsController {

    private static final Pattern CURSOR = Pattern.compile("ev_([0-9]{1,19})_([0-9]{1,19})");

    private final MerchantFeed feed;
    private final FeedWrites written;
    /** How long a read waits for the merchant's own writes to reach the feed: as long as a status read waits for its session. */
    private final Duration readYourWrites;

    EventsController(SessionViews views, FeedWrites written, GatewaySettings settings) {
        this.feed = new MerchantFeed(views);
        this.written = written;
        this.readYourWrites = settings.sessionWait();
    }

    @Get(value = "/gateway/events.php", produces = MediaType.APPLICATION_JSON)
    @Tag(name = "Checkout sessions")
    @SecurityRequirement(name = "bearer")
    @SecurityRequirement(name = "apiKey")
    @Operation(summary = "The merchant's events, oldest first",
            description = "Each event is the exact body of its webhook. Page with `after` = the previous page's `next_cursor`; `types` "
                    + "filters by webhook types or families (comma-separated, e.g. `checkout.session.paid,refund.*`); a filtered page "
                    + "may hold fewer than `limit` events and still have `has_more`. Kept as long as the session views (90 days unless "
                    + "the operator says otherwise).")
    @ApiResponse(responseCode = "200", description = "a page", content = @Content(schema = @Schema(implementation = MerchantApi.EventsPage.class)))
    @ApiResponse(responseCode = "400", description = "invalid_limit, invalid_cursor, invalid_event_types", content = @Content(schema = @Schema(implementation = MerchantApi.Failure.class)))
    @ApiResponse(responseCode = "401", description = "missing_api_key, invalid_api_key", content = @Content(schema = @Schema(implementation = MerchantApi.Failure.class)))
    HttpResponse<String> events(@Parameter(hidden = true) Merchant merchant,
                                @QueryValue(value = "after", defaultValue = "") @Parameter(description = "a next_cursor; empty: from the oldest") String after,
                                @QueryValue(value = "limit", defaultValue = "100") @Parameter(description = "1 to 500") String limit,
                                @QueryValue(value = "types", defaultValue = "") @Parameter(description = "e.g. refund.* or checkout.session.paid") String types)
            throws Exception {
        int pageSize = limit(limit);
        Set<String> wanted = types(types);
        long position = cursor(after, merchant.getMerchantId());
        MerchantFeed.Page page = feed.after(merchant.getMerchantId(), position, pageSize, wanted,
                written.newest(merchant.getMerchantId()), readYourWrites);
        ByteArrayOutputStream json = new ByteArrayOutputStream();
        json.writeBytes("{\"ok\":true,\"events\":[".getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < page.events().size(); i++) {
            if (i > 0) {
                json.write(',');
            }
            json.writeBytes(page.events().get(i).body());
        }
        String next = "ev_" + merchant.getMerchantId() + "_" + Math.max(0, page.next() + 1);
        json.writeBytes(("],\"next_cursor\":\"" + next + "\",\"has_more\":" + page.hasMore() + "}").getBytes(StandardCharsets.UTF_8));
        return HttpResponse.ok(json.toString(StandardCharsets.UTF_8)).contentType(MediaType.APPLICATION_JSON_TYPE);
    }

    private static int limit(String raw) {
        if (!raw.matches("[0-9]{1,3}") || Integer.parseInt(raw) < 1 || Integer.parseInt(raw) > 500) {
            throw new ApiError(ErrorCode.INVALID_LIMIT, "'limit' must be a whole number from 1 to 500");
        }
        return Integer.parseInt(raw);
    }

    private static Set<String> types(String raw) {
        Set<String> wanted = new LinkedHashSet<>();
        if (raw.isBlank()) {
            return wanted;
        }
        if (raw.length() > 400) {
            throw new ApiError(ErrorCode.INVALID_EVENT_TYPES, "'types' is at most a few types, comma-separated");
        }
        for (String type : raw.split(",", -1)) {
            String t = type.trim();
            if (t.equals("*") || !WebhookTypes.isFilter(t) || !t.contains(".")) {
                throw new ApiError(ErrorCode.INVALID_EVENT_TYPES, "'types' must name webhook types (" + String.join(", ", WebhookTypes.CATALOGUE)
                        + ") or families such as refund.*, comma-separated");
            }
            wanted.add(t);
        }
        return wanted;
    }

    /**
     * The position after which the page starts: {@code ev_<merchant>_<first position>} as {@link #events} answered it;
     * another merchant's cursor is as invalid as a made-up one.
     */
    private static long cursor(String raw, long merchantId) {
        if (raw.isEmpty()) {
            return -1;
        }
        Matcher m = CURSOR.matcher(raw);
        try {
            if (m.matches() && Long.parseLong(m.group(1)) == merchantId) {
                return Long.parseLong(m.group(2)) - 1;
            }
        } catch (NumberFormatException e) {
            // beyond a long: not ours
        }
        throw new ApiError(ErrorCode.INVALID_CURSOR, "'after' must be the 'next_cursor' of a previous page of your events");
    }
}
