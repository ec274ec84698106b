package dev.kassa.gateway.links;

import dev.kassa.gateway.kafka.CommandBus;
import dev.kassa.gateway.kafka.OfferStore;
import dev.kassa.gateway.kafka.SessionReads;
import dev.kassa.gateway.shared.ApiError;
import dev.kassa.gateway.shared.GatewaySettings;
import dev.kassa.gateway.shared.Secrets;
import dev.kassa.gateway.shared.SessionCommands;
import dev.kassa.model.ErrorCode;
import dev.kassa.model.Money;
import dev.kassa.model.SeedTime;
import dev.kassa.schemas.Topics;
import dev.kassa.schemas.avro.CommandOutcome;
import dev.kassa.schemas.avro.CommandResult;
import dev.kassa.schemas.avro.CreateSession;
import dev.kassa.schemas.avro.DefineLink;
import dev.kassa.schemas.avro.Merchant;
import dev.kassa.schemas.avro.OpenLink;
import dev.kassa.schemas.avro.PaymentLink;
import dev.kassa.schemas.avro.PaymentLinkCommand;
import dev.kassa.schemas.avro.SessionCommand;
import dev.kassa.schemas.avro.SetLinkActive;
import jakarta.inject.Singleton;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeoutException;

/**
 * Payment links (SPEC.md): the merchant defines one (API or dashboard), shares {@code /link/{code}}, and each buyer who
 * opens it gets a session of their own. The limits ({@code reusable}, {@code max_uses}, {@code expires_at}, active) are
 * decided by the payment-link fold in the aggregate, one open at a time per link: this class only checks input,
 * sends commands and reads the fold's state from this gateway's replica.
 */
@Singleton
public final class PaymentLinks {

    static final int MAX_USES = 10_000;
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final DateTimeFormatter SEED = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private final CommandBus commandBus;
    private final OfferStore offerStore;
    private final SessionReads sessionReads;
    private final GatewaySettings settings;
    private final SessionCommands commands;
    private final PlatformSessions sessions;

    PaymentLinks(CommandBus commandBus, OfferStore offerStore, SessionReads sessionReads, GatewaySettings settings,
                 SessionCommands commands, PlatformSessions sessions) {
        this.commandBus = commandBus;
        this.offerStore = offerStore;
        this.sessionReads = sessionReads;
        this.settings = settings;
        this.commands = commands;
        this.sessions = sessions;
    }

    /** Checks a new link's fields and defines it; the link as the fold made it. Nothing is stored when a field is wrong. */
    public PaymentLink create(Merchant merchant, LinkSpec spec) throws Exception {
        Offers.Amount price = Offers.price(spec.amount(), spec.currency());
        String description = Offers.text(spec.description(), "description", ErrorCode.INVALID_DESCRIPTION, 1, Offers.MAX_DESCRIPTION);
        boolean reusable = spec.reusable();
        Integer maxUses = maxUses(spec.maxUses(), reusable);
        Instant now = commands.now();
        Instant expiresAt = expiresAt(spec.expiresAt(), now);
        String linkId = Secrets.linkId();
        PaymentLinkCommand define = PaymentLinkCommand.newBuilder().setCommandId("define-" + linkId).setLinkId(linkId)
                .setMerchantId(merchant.getMerchantId()).setIssuedAt(now)
                .setPayload(DefineLink.newBuilder().setCode(Secrets.linkCode()).setAmountMinor(price.amountMinor())
                        .setCurrency(price.currency()).setDescription(description).setReusable(reusable).setMaxUses(maxUses)
                        .setExpiresAt(expiresAt).build())
                .build();
        PaymentLink link = offerStore.changeLink(define, l -> true, WAIT);
        if (link == null) {
            throw new ApiError(ErrorCode.UNAVAILABLE, "the link was sent but the payment-link fold has not answered yet; list the links to see it");
        }
        return link;
    }

    /** Turns a link off (no new sessions; open checkouts go on) or on again. */
    public PaymentLink setActive(Merchant merchant, String linkId, boolean active) throws Exception {
        PaymentLink link = own(merchant, linkId);
        PaymentLinkCommand command = PaymentLinkCommand.newBuilder().setCommandId("active-" + UUID.randomUUID()).setLinkId(linkId)
                .setMerchantId(merchant.getMerchantId()).setIssuedAt(commands.now()).setPayload(new SetLinkActive(active)).build();
        PaymentLink changed = offerStore.changeLink(command, l -> l.getActive() == active, WAIT);
        return changed == null ? link : changed;
    }

    /** The merchant's link with this id, or {@code invalid_link_id}. */
    public PaymentLink own(Merchant merchant, String linkId) {
        PaymentLink link = linkId == null ? null : offerStore.link(linkId);
        if (link == null || link.getMerchantId() != merchant.getMerchantId()) {
            throw new ApiError(ErrorCode.INVALID_LINK_ID, "no payment link '" + (linkId == null ? "" : linkId.length() > 40 ? linkId.substring(0, 40) : linkId)
                    + "' for this merchant");
        }
        return link;
    }

    /** What opening a link gave: a checkout to go to, or why not (a payment_link_* code and its words). */
    public record Opened(String checkoutUrl, ErrorCode refusal, String message) {
    }

    /**
     * A buyer opens the link: a new session, if the fold grants a use, or the single-use link's open checkout. The
     * session's order id is the link id and its meta {@code {"payment_link": link_id}} (in its status and webhooks).
     */
    public Opened open(PaymentLink link, Merchant merchant, String customerEmail) throws Exception {
        long sessionId = Secrets.id();
        String commandId = "link-" + UUID.randomUUID();
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("payment_link", link.getLinkId());
        SessionCommand create = sessions.create(commandId, sessionId, merchant, "buyer:payment-link", link.getLinkId(),
                link.getAmountMinor(), link.getCurrency(), customerEmail, meta);
        CreateSession payload = (CreateSession) create.getPayload();
        byte[] encoded = Topics.SESSION_COMMANDS.valueSerde().serializer().serialize(Topics.SESSION_COMMANDS.name(), create);
        PaymentLinkCommand open = PaymentLinkCommand.newBuilder().setCommandId(commandId).setLinkId(link.getLinkId())
                .setMerchantId(merchant.getMerchantId()).setIssuedAt(create.getIssuedAt())
                .setPayload(new OpenLink(sessionId, ByteBuffer.wrap(encoded), payload.getExpiresAt(), payload.getGraceSeconds())).build();
        CommandResult result;
        try {
            result = commandBus.openLink(open, commandId, WAIT);
        } catch (TimeoutException e) {
            return new Opened(null, ErrorCode.UNAVAILABLE, "This payment link cannot be opened right now. Please try again in a moment.");
        }
        if (result.getOutcome() == CommandOutcome.APPLIED || result.getOutcome() == CommandOutcome.DUPLICATE) {
            sessionReads.knownSession(sessionId, Duration.ofSeconds(2)); // the checkout page reads it next
            return new Opened(sessions.checkoutUrl(sessionId), null, null);
        }
        String code = result.getErrorCode() == null ? "unavailable" : result.getErrorCode();
        if ("payment_link_in_use".equals(code) && result.getSessionId() != sessionId) {
            return new Opened(sessions.checkoutUrl(result.getSessionId()), null, null); // the single-use link's open checkout
        }
        ErrorCode error;
        try {
            error = ErrorCode.of(code);
        } catch (IllegalArgumentException e) {
            error = ErrorCode.UNAVAILABLE;
        }
        return new Opened(null, error, words(error, link));
    }

    /** The link page's sentence for a refusal. */
    public static String words(ErrorCode error, PaymentLink link) {
        return switch (error) {
            case PAYMENT_LINK_INACTIVE -> "This payment link is no longer active. Please contact the seller.";
            case PAYMENT_LINK_EXPIRED -> "This payment link has expired. Please contact the seller for a new one.";
            case PAYMENT_LINK_USED_UP -> link.getReusable() ? "This payment link has been used as often as it may be."
                    : "This payment link has already been paid.";
            case PAYMENT_LINK_IN_USE -> "Someone is paying with this link right now, and it has no use left. Please try again later.";
            case NOT_FOUND -> "There is no payment link at this address.";
            default -> "This payment link cannot be opened right now. Please try again in a moment.";
        };
    }

    /** Why a buyer opening the link now would be refused (as far as this replica knows), or empty when it is open. */
    public Optional<ErrorCode> closedBecause(PaymentLink link) {
        return Optional.ofNullable(state(link, commands.now()).refusal);
    }

    /** What a buyer opening a link now would meet: its {@code state} in the API, and the refusal if it is closed. */
    public enum LinkState {
        ACTIVE(null), INACTIVE(ErrorCode.PAYMENT_LINK_INACTIVE), EXPIRED(ErrorCode.PAYMENT_LINK_EXPIRED),
        USED_UP(ErrorCode.PAYMENT_LINK_USED_UP);

        private final ErrorCode refusal;

        LinkState(ErrorCode refusal) {
            this.refusal = refusal;
        }

        /** The state as the API writes it: active, inactive, expired or used_up. */
        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** What the link page and the API show of a link. */
    public Map<String, Object> describe(PaymentLink link) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("link_id", link.getLinkId());
        out.put("url", url(link));
        out.put("amount", Money.toDecimal(link.getAmountMinor(), link.getCurrency()));
        out.put("currency", link.getCurrency());
        out.put("description", link.getDescription());
        out.put("reusable", link.getReusable());
        out.put("max_uses", link.getReusable() ? link.getMaxUses() : Integer.valueOf(1));
        out.put("expires_at", link.getExpiresAt() == null ? null : SeedTime.format(link.getExpiresAt()));
        out.put("active", link.getActive());
        out.put("state", state(link, commands.now()).wire());
        out.put("sessions_opened", link.getSessionsOpened());
        out.put("paid_count", link.getPaidCount());
        out.put("open_checkouts", link.getUses().stream().filter(u -> !u.getPaid()).count());
        out.put("created_at", SeedTime.format(link.getCreatedAt()));
        return out;
    }

    /** What a buyer opening it now would meet (as far as this replica knows). */
    public static LinkState state(PaymentLink link, Instant now) {
        if (!link.getActive()) {
            return LinkState.INACTIVE;
        }
        if (link.getExpiresAt() != null && !now.isBefore(link.getExpiresAt())) {
            return LinkState.EXPIRED;
        }
        Integer max = link.getReusable() ? link.getMaxUses() : Integer.valueOf(1);
        // paid_count: paid uses are counted, not listed (the fold's record stays small however popular the link).
        return max != null && link.getPaidCount() >= max ? LinkState.USED_UP : LinkState.ACTIVE;
    }

    public String url(PaymentLink link) {
        return settings.publicUrl() + "/link/" + link.getCode();
    }

    static Integer maxUses(Integer maxUses, boolean reusable) {
        if (maxUses == null) {
            return reusable ? null : 1;
        }
        if (maxUses < 1 || maxUses > MAX_USES) {
            throw Offers.invalidMaxUses();
        }
        if (!reusable && maxUses != 1) {
            throw new ApiError(ErrorCode.INVALID_MAX_USES, "a single-use link has 'max_uses' 1; send \"reusable\": true for more uses");
        }
        return maxUses;
    }

    /** {@code expires_at}: ISO-8601 or seed time (UTC), in the future, at most a year ahead; null or blank: never. */
    static Instant expiresAt(String expiresAt, Instant now) {
        if (expiresAt == null || expiresAt.isBlank()) {
            return null;
        }
        String text = expiresAt.strip();
        Instant at;
        try {
            at = text.length() > 40 ? null : text.contains("T") ? Instant.parse(text) : LocalDateTime.parse(text, SEED).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            at = null;
        }
        if (at == null) {
            throw Offers.invalidExpiresAt();
        }
        if (!at.isAfter(now)) {
            throw new ApiError(ErrorCode.INVALID_EXPIRES_AT, "'expires_at' is in the past (" + SeedTime.format(at) + " UTC); a link must be usable for a while");
        }
        if (at.isAfter(now.plus(Duration.ofDays(366)))) {
            throw new ApiError(ErrorCode.INVALID_EXPIRES_AT, "'expires_at' is more than a year ahead");
        }
        return at;
    }
}
