package dev.kassa.gateway.merchant;

import dev.kassa.gateway.shared.ApiError;
import dev.kassa.gateway.shared.GatewaySettings;
import dev.kassa.gateway.shared.Json;
import dev.kassa.gateway.views.SessionViews;
import dev.kassa.model.ErrorCode;
import dev.kassa.model.SessionView;
import dev.kassa.schemas.avro.Merchant;
import dev.kassa.schemas.avro.SessionState;
import dev.kassa.schemas.avro.SessionStatus;
import io.micronaut.http.HttpResponse;
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
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code GET /gateway/sessions.php}: the merchant's sessions, newest first, a page at a time, optionally only some
 * statuses; read from the merchant's list view (one seek per page, whatever the merchant's total). A page with a
 * status filter may be short (at most {@link SessionViews#PAGE_SCAN_LIMIT} sessions are looked at per page); follow
 * {@code next_cursor} until it is null.
 */
@Controller
@ExecuteOn(TaskExecutors.BLOCKING)
class SessionListController {

    private static final Pattern CURSOR = Pattern.compile("c_([0-9]{1,19})_([0-9]{1,19})");

    private final SessionViews views;
    private final GatewaySettings settings;

    SessionListController(SessionViews views, GatewaySettings settings) {
        this.views = views;
        this.settings = settings;
    }

    @Get("/gateway/sessions.php")
    @Tag(name = "Checkout sessions")
    @SecurityRequirement(name = "bearer")
    @SecurityRequirement(name = "apiKey")
    @Operation(summary = "The merchant's sessions, newest first",
            description = "Paged with `starting_after` = the previous page's `next_cursor` (null: no more). `status` filters by one or "
                    + "more statuses (comma-separated); a filtered page may hold fewer than `limit` sessions and still have a next one. "
                    + "Terminal sessions leave the list after the operator's retention (90 days unless set otherwise).")
    @ApiResponse(responseCode = "400", description = "invalid_limit, invalid_status, invalid_cursor", content = @Content(schema = @Schema(implementation = MerchantApi.Failure.class)))
    @ApiResponse(responseCode = "401", description = "missing_api_key, invalid_api_key", content = @Content(schema = @Schema(implementation = MerchantApi.Failure.class)))
    HttpResponse<MerchantApi.SessionList> list(@Parameter(hidden = true) Merchant merchant,
                                               @QueryValue(value = "limit", defaultValue = "20") @Parameter(description = "1 to 100") String limit,
                                               @QueryValue(value = "status", defaultValue = "") @Parameter(description = "e.g. paid or paid,refunded") String status,
                                               @QueryValue(value = "starting_after", defaultValue = "") String startingAfter) throws Exception {
        int pageSize = limit(limit);
        Set<SessionStatus> statuses = statuses(status);
        SessionViews.Cursor after = cursor(startingAfter);
        SessionViews.Page page = views.merchantSessions(merchant.getMerchantId(), after, pageSize, statuses);
        List<MerchantApi.Session> sessions = new ArrayList<>();
        for (SessionState state : page.sessions()) {
            @SuppressWarnings("unchecked")
            Map<String, Object> meta = Json.MAPPER.readValue(state.getMetaJson(), LinkedHashMap.class);
            sessions.add(MerchantApi.Session.of(SessionView.of(state), settings.publicUrl() + "/pay.php?session=" + state.getSessionId(), meta));
        }
        String next = page.next() == null ? null : "c_" + page.next().createdAtMillis() + "_" + page.next().sessionId();
        return HttpResponse.ok(new MerchantApi.SessionList(true, sessions, next));
    }

    private static int limit(String raw) {
        if (!raw.matches("[0-9]{1,3}") || Integer.parseInt(raw) < 1 || Integer.parseInt(raw) > 100) {
            throw new ApiError(ErrorCode.INVALID_LIMIT, "'limit' must be a whole number from 1 to 100");
        }
        return Integer.parseInt(raw);
    }

    private static Set<SessionStatus> statuses(String raw) {
        Set<SessionStatus> statuses = EnumSet.noneOf(SessionStatus.class);
        if (raw.isBlank()) {
            return statuses;
        }
        if (raw.length() > 100) {
            throw new ApiError(ErrorCode.INVALID_STATUS, "'status' is at most 8 statuses, comma-separated");
        }
        for (String name : raw.split(",", -1)) {
            try {
                statuses.add(SessionStatus.valueOf(name.trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new ApiError(ErrorCode.INVALID_STATUS, "'status' must name session statuses (created, pending, paid, failed, expired, "
                        + "cancelled, review, refunded), comma-separated");
            }
        }
        return statuses;
    }

    private static SessionViews.Cursor cursor(String raw) {
        if (raw.isEmpty()) {
            return SessionViews.Cursor.FIRST;
        }
        Matcher m = CURSOR.matcher(raw);
        try {
            if (m.matches()) {
                return new SessionViews.Cursor(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)));
            }
        } catch (NumberFormatException e) {
            // beyond a long: not ours
        }
        throw new ApiError(ErrorCode.INVALID_CURSOR, "'starting_after' must be the 'next_cursor' of a previous page");
    }
}
