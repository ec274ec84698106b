package dev.kassa.aggregate.domain;

import dev.kassa.schemas.avro.CancelSession;
import dev.kassa.schemas.avro.CreateSession;
import dev.kassa.schemas.avro.ExpireSession;
import dev.kassa.schemas.avro.LatePaymentPolicy;
import dev.kassa.schemas.avro.ProviderReport;
import dev.kassa.schemas.avro.RefundSession;
import dev.kassa.schemas.avro.RefundSettlement;
import dev.kassa.schemas.avro.ReportedStatus;
import dev.kassa.schemas.avro.ResolveReview;
import dev.kassa.schemas.avro.ReviewResolution;
import dev.kassa.schemas.avro.SessionCommand;
import dev.kassa.schemas.avro.SessionState;
import dev.kassa.schemas.avro.StartPaymentAttempt;
import java.time.Instant;
import java.util.Map;

/** Commands in the payment domain's words, for tests at every level. */
public final class Commands {

    public static final Instant T0 = Instant.parse("2026-02-25T12:00:00Z");
    public static final long MERCHANT = 88;
    public static final long TTL_SECONDS = 900;
    public static final long GRACE_SECONDS = 1800;

    private Commands() {
    }

    public static SessionCommand command(String id, long session, Instant at, String actor, Object payload) {
        return SessionCommand.newBuilder().setCommandId(id).setSessionId(session).setMerchantId(MERCHANT)
                .setIssuedAt(at).setActor(actor).setPayload(payload).build();
    }

    public static SessionCommand create(String id, long session, Instant at) {
        return create(id, session, at, LatePaymentPolicy.REVIEW);
    }

    public static SessionCommand create(String id, long session, Instant at, LatePaymentPolicy policy) {
        return command(id, session, at, "merchant-api", CreateSession.newBuilder()
                .setOrderId("ORDER-" + session).setAmountMinor(7900).setCurrency("EUR").setShopDomain("yourshop.com")
                .setCustomerEmail("buyer@example.com").setReturnUrl("https://yourshop.com/thank-you")
                .setMetaJson("{\"cart_id\":\"CART_55\"}")
                .setExpiresAt(at.plusSeconds(TTL_SECONDS)).setGraceSeconds(GRACE_SECONDS).setLatePaymentPolicy(policy)
                .build());
    }

    /** The provider of the fixtures' attempts. */
    public static final String PROVIDER = "sandbox-card";
    /** The attempt the fixtures start first; its provider payment id is {@code pp-att-1}. */
    public static final String ATTEMPT = "att-1";
    public static final long AMOUNT = 7900;

    public static SessionCommand startAttempt(String id, long session, Instant at, String attempt) {
        return startAttempt(id, session, at, attempt, PROVIDER);
    }

    /** An attempt at {@code provider}, whose payment id is {@code pp-<attempt>}. */
    public static SessionCommand startAttempt(String id, long session, Instant at, String attempt, String provider) {
        return command(id, session, at, "buyer", new StartPaymentAttempt(attempt, "card", provider, "pp-" + attempt, null));
    }

    /** What a provider reports, in full: every field the money checks look at is a parameter. */
    public static SessionCommand report(String id, long session, Instant at, String provider, String providerStatus, String attemptId,
                                        String paymentId, Long amountMinor, String currency) {
        return command(id, session, at, "provider:" + provider, ProviderReport.newBuilder()
                .setProvider(provider).setProviderEventId(id).setProviderStatus(providerStatus)
                .setStatus(ReportedStatus.UNKNOWN).setAttemptId(attemptId).setProviderPaymentId(paymentId)
                .setReferences(Map.of("txid", "tx-" + paymentId))
                .setAmountMinor(amountMinor).setCurrency(currency)
                .setNextAction(providerStatus.equals("requires_action") ? "3ds_challenge" : null)
                .setFailureCode(providerStatus.equals("declined") ? "card_declined" : null)
                .setPayloadSha256(sha(id + provider + providerStatus + attemptId + paymentId + amountMinor + currency)).setReportedAt(at).build());
    }

    /** A report from the fixtures' first attempt, for the session's amount and currency. */
    public static SessionCommand report(String id, long session, Instant at, String providerStatus) {
        return report(id, session, at, PROVIDER, providerStatus, ATTEMPT, "pp-" + ATTEMPT, AMOUNT, "EUR");
    }

    /** A report from {@code attempt} (payment {@code pp-<attempt>}), for the session's amount and currency. */
    public static SessionCommand reportFor(String id, long session, Instant at, String providerStatus, String attempt) {
        return report(id, session, at, PROVIDER, providerStatus, attempt, "pp-" + attempt, AMOUNT, "EUR");
    }

    public static SessionCommand cancel(String id, long session, Instant at) {
        return command(id, session, at, "merchant-api", new CancelSession("buyer left"));
    }

    /** Reserves refund {@code rf-<id>}. */
    public static SessionCommand refund(String id, long session, Instant at, Long amountMinor) {
        return refund(id, "rf-" + id, session, at, amountMinor);
    }

    public static SessionCommand refund(String id, String refundId, long session, Instant at, Long amountMinor) {
        return command(id, session, at, "merchant-api", new RefundSession(refundId, amountMinor, null, null, "merchant-" + refundId));
    }

    /** The connector's answer for reserved refund {@code refundId}. */
    public static SessionCommand settle(String id, String refundId, long session, Instant at, boolean accepted) {
        return command(id, session, at, "connector", new RefundSession(refundId, null, null,
                new RefundSettlement(accepted, accepted ? "prf-" + refundId : null, accepted ? null : "refused by the provider"), null));
    }

    public static SessionCommand resolve(String id, long session, Instant at, ReviewResolution resolution) {
        return command(id, session, at, "operator:ops", new ResolveReview(resolution, "checked by ops"));
    }

    public static SessionCommand expire(String id, long session, Instant at) {
        return command(id, session, at, "expiry", new ExpireSession(at));
    }

    /**
     * What the aggregate's processor does with a command, without Kafka: decide it, and when it is accepted add the
     * envelope and fold ({@link Envelope}). Null when the command changes nothing.
     */
    public static Envelope append(SessionState state, SessionCommand command) {
        return SessionTransitions.decide(state, command) instanceof Decision.Accepted accepted
                ? Envelope.append(state, command, accepted) : null;
    }

    static String sha(String body) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(body.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
