package dev.kassa.gateway.views;

import dev.kassa.gateway.shared.ApiError;
import dev.kassa.gateway.shared.GatewayKeys;
import dev.kassa.gateway.shared.Secrets;
import dev.kassa.model.ErrorCode;
import dev.kassa.schemas.avro.SessionStatus;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.Hidden;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Where gateway instances read each other's views (interactive queries forwarded to a key's owner). On the operator's
 * port, with the peers' token ({@link dev.kassa.gateway.shared.GatewayKeys#peerToken()}): not part of the merchant API, and not in the OpenAPI document. The answers are the
 * stores' bytes (Avro), never forwarded again: 409 when this instance does not own the key (any more), and the asker
 * looks the owner up anew.
 */
@Controller("/admin/views")
@ExecuteOn(TaskExecutors.BLOCKING)
@Hidden
class ViewsController {

    /** A forwarded read waits at most this long for a sequence (the asker's own bound is shorter). */
    private static final long MAX_WAIT_MS = 30_000;

    private final SessionViews views;
    private final LookupReads lookups;
    private final String peerAuthorization;

    ViewsController(SessionViews views, LookupReads lookups, GatewayKeys keys) {
        this.views = views;
        this.lookups = lookups;
        this.peerAuthorization = "Bearer " + keys.peerToken();
    }

    /** The peers' token (derived from the gateways' shared secret), not the operator's: it opens these reads and nothing else. */
    private void requirePeer(String authorization) {
        if (!Secrets.same(authorization, peerAuthorization)) {
            throw new ApiError(authorization.isEmpty() ? ErrorCode.MISSING_API_KEY
                    : ErrorCode.INVALID_API_KEY, "view reads are for gateways of this deployment only");
        }
    }

    @Get(value = "/sessions/{id}", produces = MediaType.APPLICATION_OCTET_STREAM)
    HttpResponse<byte[]> session(@Header(value = "Authorization", defaultValue = "") String authorization, @PathVariable long id,
                                 @QueryValue(value = "min_sequence", defaultValue = "-1") long minSequence,
                                 @QueryValue(value = "wait_ms", defaultValue = "0") long waitMillis) throws InterruptedException {
        requirePeer(authorization);
        return answer(views.ownedSession(id, minSequence, Duration.ofMillis(Math.max(0, Math.min(MAX_WAIT_MS, waitMillis)))));
    }

    @Get(value = "/timeline/{id}", produces = MediaType.APPLICATION_OCTET_STREAM)
    HttpResponse<byte[]> timeline(@Header(value = "Authorization", defaultValue = "") String authorization, @PathVariable long id)
            throws InterruptedException {
        requirePeer(authorization);
        return answer(views.ownedTimeline(id));
    }

    @Get(value = "/orders/{merchantId}", produces = MediaType.APPLICATION_OCTET_STREAM)
    HttpResponse<byte[]> order(@Header(value = "Authorization", defaultValue = "") String authorization, @PathVariable long merchantId,
                               @QueryValue(value = "order_id", defaultValue = "") String orderId) throws InterruptedException {
        requirePeer(authorization);
        return answer(views.ownedOrder(merchantId, orderId));
    }

    @Get(value = "/lookups/orders/{merchantId}", produces = MediaType.APPLICATION_OCTET_STREAM)
    HttpResponse<byte[]> orderLookup(@Header(value = "Authorization", defaultValue = "") String authorization, @PathVariable long merchantId,
                                     @QueryValue(value = "order_id", defaultValue = "") String orderId) throws InterruptedException {
        requirePeer(authorization);
        return answer(lookups.ownedByOrder(merchantId, orderId));
    }

    /** A blind index (64 hex digits) in this instance's partitions: a lookup by e-mail asks every instance this. */
    @Get(value = "/lookups/emails/{blindIndex}", produces = MediaType.APPLICATION_OCTET_STREAM)
    HttpResponse<byte[]> emailLookup(@Header(value = "Authorization", defaultValue = "") String authorization, @PathVariable String blindIndex) {
        requirePeer(authorization);
        if (!blindIndex.matches("[0-9a-f]{64}")) {
            return HttpResponse.notFound();
        }
        return answer(lookups.ownedByEmail(HexFormat.of().parseHex(blindIndex)));
    }

    @Get(value = "/merchants/{merchantId}/sessions", produces = MediaType.APPLICATION_OCTET_STREAM)
    HttpResponse<byte[]> sessions(@Header(value = "Authorization", defaultValue = "") String authorization, @PathVariable long merchantId,
                                  @QueryValue(value = "after_created", defaultValue = "9223372036854775807") long afterCreated,
                                  @QueryValue(value = "after_session", defaultValue = "-1") long afterSession,
                                  @QueryValue(value = "limit", defaultValue = "50") int limit,
                                  @QueryValue(value = "status", defaultValue = "") String status) throws InterruptedException {
        requirePeer(authorization);
        Set<SessionStatus> statuses = EnumSet.noneOf(SessionStatus.class);
        Arrays.stream(status.split(",")).filter(s -> !s.isBlank()).forEach(s -> statuses.add(SessionStatus.valueOf(s)));
        return answer(views.ownedPage(merchantId, new SessionViews.Cursor(afterCreated, afterSession), Math.max(1, Math.min(500, limit)), statuses));
    }

    @Get(value = "/merchants/{merchantId}/days", produces = MediaType.APPLICATION_OCTET_STREAM)
    HttpResponse<byte[]> days(@Header(value = "Authorization", defaultValue = "") String authorization, @PathVariable long merchantId,
                              @QueryValue(value = "from", defaultValue = "0") long from, @QueryValue(value = "to", defaultValue = "0") long to)
            throws InterruptedException {
        requirePeer(authorization);
        return answer(new MerchantDays(views).owned(merchantId, from, to));
    }

    @Get(value = "/merchants/{merchantId}/events", produces = MediaType.APPLICATION_OCTET_STREAM)
    HttpResponse<byte[]> events(@Header(value = "Authorization", defaultValue = "") String authorization, @PathVariable long merchantId,
                                @QueryValue(value = "after", defaultValue = "-1") long after,
                                @QueryValue(value = "limit", defaultValue = "100") int limit,
                                @QueryValue(value = "types", defaultValue = "") String types,
                                @QueryValue(value = "written", defaultValue = "") String written,
                                @QueryValue(value = "wait_ms", defaultValue = "0") long waitMillis) throws InterruptedException {
        requirePeer(authorization);
        Set<String> wanted = new LinkedHashSet<>();
        Arrays.stream(types.split(",")).filter(t -> !t.isBlank()).limit(32).forEach(wanted::add);
        return answer(new MerchantFeed(views).owned(merchantId, after, Math.max(1, Math.min(500, limit)), wanted, written,
                Duration.ofMillis(Math.max(0, Math.min(2_000, waitMillis)))));
    }

    private static HttpResponse<byte[]> answer(byte[] bytes) {
        if (bytes == SessionViews.NOT_OWNER) {
            return HttpResponse.status(HttpStatus.CONFLICT);
        }
        return bytes == null ? HttpResponse.notFound() : HttpResponse.ok(bytes);
    }
}
